"""Published tender documents: the konkurransegrunnlag, its annexes and its price form,
downloadable by anyone once the competition is open, and never before (a 404 until then)."""

from __future__ import annotations

from flask import Response, abort

from procure import clock
from procure.db import get_session
from procure.exports.documents import tender_pdf
from procure.exports.tender_document import price_form, tender_document
from procure.models import Tender
from procure.services import public as public_service
from procure.services import tender_documents as documents
from procure.web.downloads import annex_response, price_form_response
from procure.web.public import bp

PUBLIC_CACHE = "public, max-age=300"


def _published(purchase_id: int) -> Tender:
    """The tender whose documents are published, or a 404: drafts and planned purchases have
    no published documents, and neither have closed ones."""
    session = get_session()
    if not public_service.is_public_tender(session, purchase_id):
        abort(404)
    tender = session.get(Tender, purchase_id)
    if tender is None or tender.status != "open":
        abort(404)
    return tender


@bp.get("/purchases/<int:purchase_id>/konkurransegrunnlag.pdf")
def purchase_documents(purchase_id: int):
    tender = _published(purchase_id)
    content = tender_pdf(tender_document(get_session(), tender, now=clock.now()))
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="konkurransegrunnlag-{tender.reference}.pdf"',
        "Cache-Control": PUBLIC_CACHE,
    })


@bp.get("/purchases/<int:purchase_id>/vedlegg/<int:annex_id>")
def purchase_annex(purchase_id: int, annex_id: int):
    tender = _published(purchase_id)
    annex = documents.get_annex(get_session(), tender, annex_id)
    if annex is None:
        abort(404)
    return annex_response(annex, cache=PUBLIC_CACHE)


@bp.get("/purchases/<int:purchase_id>/prisskjema.xlsx")
def purchase_price_form(purchase_id: int):
    tender = _published(purchase_id)
    content = price_form(get_session(), tender)
    if content is None:
        abort(404)
    return price_form_response(content, tender, cache=PUBLIC_CACHE)


def published_documents(purchase_id: int, status: str) -> dict[str, object]:
    """What the public purchase page lists under its documents: the annexes and whether there
    is a price form, for an open purchase only."""
    if status != "open":
        return {"annexes": [], "price_form": False}
    session = get_session()
    tender = session.get(Tender, purchase_id)
    if tender is None:
        return {"annexes": [], "price_form": False}
    return {"annexes": documents.list_annexes(session, tender),
            "price_form": documents.uses_price_form(documents.document_text(session, tender))}
