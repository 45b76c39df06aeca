"""Tender documents as HTML (the officer's preview) and as tagged PDF, from the same template."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale

from procure.exports.pdf import BASE_URL, render_pdf
from procure.exports.protocol import Protocol
from procure.exports.tender_document import TenderDocument


def tender_html(document: TenderDocument, *, static_base: str = BASE_URL) -> str:
    """The konkurransegrunnlag as a standalone HTML document (needs an app context)."""
    with force_locale("nb"):
        html = render_template("pdf/tender.html", doc=document)
    if static_base != BASE_URL:
        html = html.replace('href="css/print.css"', f'href="{static_base}css/print.css"')
    return html


def tender_pdf(document: TenderDocument) -> bytes:
    return render_pdf(tender_html(document))


def protocol_html(protocol: Protocol, *, generated: str) -> str:
    """The protocol as a standalone HTML document for the PDF."""
    header = {"title": protocol.title, "buyer": protocol.buyer, "reference": protocol.reference,
              "kind": "Anskaffelsesprotokoll", "generated": generated}
    with force_locale("nb"):
        return render_template("pdf/protocol.html", doc=header, protocol=protocol)


def protocol_pdf(protocol: Protocol, *, generated: str) -> bytes:
    return render_pdf(protocol_html(protocol, generated=generated))
