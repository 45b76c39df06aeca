"""Reading rendered tender documents back as text, for comparing the PDF with the preview and
for looking for what must not be in them."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from pypdf import PdfReader

# WeasyPrint hyphenates at line ends with U+2010; the word is whole again without it.
SOFT_BREAK = re.compile("\u2010\n")


def pdf_text(pdf: bytes) -> str:
    """Every page's text, with words hyphenated at a line end joined again."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return SOFT_BREAK.sub("", text)


class _Text(HTMLParser):
    """The visible text inside the first element with `class_name` (or the whole page),
    leaving out scripts, styles, the head and the PDF's running page headers."""

    SKIP = {"script", "style", "head", "title"}
    VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "source", "area", "base"}

    def __init__(self, class_name: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.class_name = class_name
        self.stack: list[tuple[bool, bool]] = []  # per open element: (wanted, skipped)
        self.found = False
        self.parts: list[str] = []

    def _state(self) -> tuple[bool, bool]:
        return self.stack[-1] if self.stack else (self.class_name is None, False)

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        wanted, skipped = self._state()
        if not wanted and not self.found and self.class_name in classes:
            wanted, self.found = True, True
        self.stack.append((wanted, skipped or tag in self.SKIP or "running" in classes))

    def handle_endtag(self, tag):
        self.parts.append(" ")
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        wanted, skipped = self._state()
        if wanted and not skipped:
            self.parts.append(data)


def html_text(html: str, class_name: str | None = None) -> str:
    parser = _Text(class_name)
    parser.feed(html)
    return " ".join("".join(parser.parts).split())
