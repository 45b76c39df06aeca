"""Published tender documents: downloadable by anyone once the competition is open."""

from __future__ import annotations

from flask import Response, abort

from procure import clock
from procure.db import get_session
from procure.exports.documents import tender_pdf
from procure.exports.tender_document import tender_document
from procure.models import Tender
from procure.services import public as public_service
from procure.web.public import bp


@bp.get("/purchases/<int:purchase_id>/konkurransegrunnlag.pdf")
def purchase_documents(purchase_id: int):
    session = get_session()
    if not public_service.is_public_tender(session, purchase_id):
        abort(404)
    tender = session.get(Tender, purchase_id)
    if tender is None or tender.status != "open":
        abort(404)  # drafts and planned purchases have no published documents
    content = tender_pdf(tender_document(session, tender, now=clock.now()))
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="konkurransegrunnlag-{tender.reference}.pdf"',
        "Cache-Control": "public, max-age=300",
    })
