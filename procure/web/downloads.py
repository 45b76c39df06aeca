"""Files sent to the browser as downloads: a tender's annexes and its price form, for the
officer and (once published) for the public."""

from __future__ import annotations

import io

from flask import Response, send_file

from procure.models import Tender, TenderAnnex

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def annex_response(annex: TenderAnnex, *, cache: str) -> Response:
    """An annex as a download with its own name and type, whatever the type (never inline:
    an uploaded file is never rendered by the browser in the app's origin)."""
    response = send_file(io.BytesIO(annex.content), mimetype=annex.media_type,
                         as_attachment=True, download_name=annex.filename,
                         etag=annex.sha256, last_modified=annex.uploaded_at)
    response.headers["Cache-Control"] = cache
    return response


def price_form_response(content: bytes, tender: Tender, *, cache: str) -> Response:
    response = send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True,
                         download_name=f"prisskjema-{tender.reference}.xlsx")
    response.headers["Cache-Control"] = cache
    return response
