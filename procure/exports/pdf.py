"""HTML to tagged PDF with WeasyPrint, fetching nothing but the app's own static files."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Documents are rendered against this base URL; only URLs below it are served, from disk.
# The .invalid top-level domain can never resolve (RFC 6761), so nothing leaves the machine.
BASE_URL = "http://procure.invalid/static/"


class StaticOnlyFetcher(URLFetcher):
    """Serves files under the static folder and refuses everything else.

    No network, no file:// and no other scheme: user text that slips an
    <img src="http://..."> or "file:///etc/passwd" into a document fetches nothing.
    """

    def __init__(self, static_dir: Path = STATIC_DIR) -> None:
        super().__init__(allowed_protocols=("http",), allow_redirects=False)
        self.root = static_dir.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        inside = url.startswith(BASE_URL)
        relative = unquote(urlsplit(url).path)[len(urlsplit(BASE_URL).path):] if inside else ""
        path = (self.root / relative).resolve()
        if not inside or self.root not in path.parents or not path.is_file():
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url!r}")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})


def render_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """Render our own (escaped) HTML as a tagged PDF/UA-1 document."""
    fetcher = fetcher or StaticOnlyFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant="pdf/ua-1")
