"""The tender documents: an HTML preview and the PDF, built from the same data and template."""

from __future__ import annotations

from flask import Response, render_template

from procure import clock
from procure.db import get_session
from procure.exports.documents import protocol_pdf, tender_pdf
from procure.exports.protocol import audit_trail, tender_protocol
from procure.exports.tender_document import tender_document
from procure.web.officer import bp
from procure.web.officer.views import _tender


@bp.get("/tenders/<int:tender_id>/document")
def document_preview(tender_id: int):
    """The konkurransegrunnlag as the suppliers will get it, in the browser: the same document
    and the same content partial as the PDF."""
    row = _tender(tender_id)
    document = tender_document(get_session(), row, now=clock.now())
    return render_template("officer/document/preview.html", tender=row, doc=document)


@bp.get("/tenders/<int:tender_id>/document.pdf")
def document_pdf(tender_id: int):
    row = _tender(tender_id)
    document = tender_document(get_session(), row, now=clock.now())
    return _pdf_response(tender_pdf(document), f"konkurransegrunnlag-{row.reference}.pdf")


def _pdf_response(content: bytes, filename: str) -> Response:
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })


@bp.get("/tenders/<int:tender_id>/protocol")
def protocol(tender_id: int):
    row = _tender(tender_id)
    return render_template("officer/protocol.html", tender=row,
                           protocol=tender_protocol(get_session(), row))


@bp.get("/tenders/<int:tender_id>/protocol.pdf")
def protocol_pdf_download(tender_id: int):
    row = _tender(tender_id)
    generated = clock.norwegian_day(clock.now())
    content = protocol_pdf(tender_protocol(get_session(), row), generated=generated)
    return _pdf_response(content, f"protokoll-{row.reference}.pdf")


@bp.get("/tenders/<int:tender_id>/history")
def history(tender_id: int):
    row = _tender(tender_id)
    return render_template("officer/history.html", tender=row,
                           trail=audit_trail(get_session(), row))
