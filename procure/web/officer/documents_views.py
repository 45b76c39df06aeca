"""The tender documents: an HTML preview and the PDF, built from the same data and template."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, url_for

from procure.db import get_session
from procure.exports.documents import tender_html, tender_pdf
from procure.services.documents import tender_document
from procure.web.officer import bp
from procure.web.officer.views import _tender


@bp.get("/tenders/<int:tender_id>/document")
def document_preview(tender_id: int):
    row = _tender(tender_id)
    document = tender_document(get_session(), row, now=datetime.now(UTC))
    static_base = url_for("static", filename="")
    return tender_html(document, static_base=static_base)


@bp.get("/tenders/<int:tender_id>/document.pdf")
def document_pdf(tender_id: int):
    row = _tender(tender_id)
    document = tender_document(get_session(), row, now=datetime.now(UTC))
    filename = f"konkurransegrunnlag-{row.reference}.pdf"
    return Response(tender_pdf(document), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })
