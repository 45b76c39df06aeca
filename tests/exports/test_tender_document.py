"""The konkurransegrunnlag (issue 20): supplier text only, the same content in the preview and
the PDF, safe Markdown, default texts per procedure, and the price form."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from procure.domain.document_sections import SECTION_KEYS, default_text
from procure.exports.documents import tender_html, tender_pdf
from procure.exports.markup import render_markdown
from procure.exports.tender_document import price_form, tender_document
from procure.models import AuditEvent, Tender, TenderCriterion
from procure.services import tender_documents as documents
from procure.services.tender_documents import SECTIONS_DIR, DocumentInput, PriceLine
from tests.support.documents import html_text, pdf_text
from tests.support.templates import load_demo

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)

# What must never reach a supplier: internal notes, confidence remarks, eForms codes, criterion
# ids and versions, database ids, Python values and ISO timestamps.
INTERNAL_MARKERS = {
    "criterion id": re.compile(r"\b[a-z]{2,5}-[a-z]{2,8}-\d{2}\b"),  # veh-ev-01
    "version suffix": re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)*:\d+\b"),  # veh-ev-01:2
    "confidence remark": re.compile(r"ikke bekreftet|unconfirmed|\(L\)|\bL = ", re.I),
    "eForms code": re.compile(r"\bquality-nor-[a-z-]+|\beForms\b", re.I),
    "database id": re.compile(r"\b(?:id|ID)\s*[:=#]\s*\d+|\b[a-z]+_id\b"),
    "Python value": re.compile(r"\b(?:True|False|None)\b"),
    "ISO timestamp": re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?\b"),
    "rule set": re.compile(r"\bRegelsett\b"),
}
INTERNAL_NOTE = "INTERNT NOTAT: budsjettet er ikke avklart"


def markers_in(text: str, tender: Tender, pins: list[TenderCriterion]) -> list[str]:
    found = [f"{name}: {match.group(0)!r}" for name, pattern in INTERNAL_MARKERS.items()
             for match in pattern.finditer(text)]
    for pin in pins:
        for ident in (pin.criterion_id, pin.base_id):
            if ident in text:
                found.append(f"pinned criterion id {ident}")
    if tender.climate_code and tender.climate_code in text:
        found.append(f"climate code {tender.climate_code}")
    if tender.track_reason and tender.track_reason in text:
        found.append("the officer's reason for deviating")
    if INTERNAL_NOTE in text:
        found.append("an internal note")
    return found


@pytest.fixture
def demo(app, db):
    load_demo(db)
    db.commit()
    return db.exec(select(Tender).order_by(Tender.id)).all()


def test_no_demo_tender_document_shows_suppliers_anything_internal(app, db, demo):
    """Every demo tender's document, as HTML and as PDF text, holds no internal marker, also
    when its officer has written internal notes on every section."""
    assert len(demo) >= 20
    first = demo[0]
    documents.save_document_text(db, first, DocumentInput(
        notes={key: INTERNAL_NOTE for key in SECTION_KEYS}), actor_id=None)
    db.commit()
    problems = {}
    with app.app_context():
        for tender in demo:
            pins = db.exec(select(TenderCriterion).where(
                TenderCriterion.tender_id == tender.id)).all()
            document = tender_document(db, tender, now=NOW)
            html = html_text(tender_html(document))
            pdf = pdf_text(tender_pdf(document))
            found = markers_in(html, tender, pins) + markers_in(pdf, tender, pins)
            if found:
                problems[tender.reference] = sorted(set(found))
            assert tender.title.split()[0] in pdf
    assert problems == {}


def test_the_markers_would_be_found(db, demo):
    """The check above is not blind: each marker is found where it is."""
    tender = next(t for t in demo if t.climate_code)
    pins = db.exec(select(TenderCriterion).where(TenderCriterion.tender_id == tender.id)).all()
    assert pins
    for text in ("Krav veh-ev-01:2", "ikke bekreftet", "quality-nor-env-criteria",
                 "tender_id 12", "id: 12", "False", "2026-07-01T10:00", "Regelsett 2024-01-01",
                 pins[0].criterion_id, INTERNAL_NOTE):
        assert markers_in(text, tender, pins), text


def _words(text: str) -> list[str]:
    """Words without punctuation or hyphens (the PDF breaks words and ranges differently),
    in lower case (the cover's kicker is upper case in both, by a style)."""
    cleaned = re.sub(r"[\u2010\-–—.,:;()«»\"'…/%·•]", " ", text.lower())
    return [w for w in cleaned.split() if w]


def test_the_preview_shows_the_same_content_as_the_pdf(login_as, db):
    """One source: every word of the officer's preview is in the PDF as often, and the PDF
    adds nothing but its page furniture (running headers, page numbers, the contents' page
    numbers, and table headers repeated on a new page)."""
    client = login_as("officer")
    tender = db.exec(select(Tender).where(Tender.reference == "2026-DEMO-K1")).one()
    documents.save_document_text(db, tender, DocumentInput(
        sections={"contract": "Kontrakten følger **SSA-K**.\n\n# Særlige vilkår\n\n"
                              "- Levering til Lillestrøm rådhus\n- Garanti i 24 måneder"},
        contract_standard="ssa-k", price_basis="unit",
        price_lines=[PriceLine("Elsykkel med bagasjebrett", "stk", Decimal("12"))]),
        actor_id=None)
    db.commit()
    preview = client.get(f"/officer/tenders/{tender.id}/document").get_data(as_text=True)
    pdf = client.get(f"/officer/tenders/{tender.id}/document.pdf").data
    shown = Counter(_words(html_text(preview, "document-preview")))
    printed = Counter(_words(pdf_text(pdf)))
    assert "garanti" in shown and "bagasjebrett" in shown and "kontrollsum" in shown
    assert shown - printed == Counter()
    headers = " ".join(re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", preview))
    furniture = set(_words(f"{tender.reference} {tender.title} Lillestrøm kommune side av "
                           f"{headers}"))
    extra = printed - shown
    assert {w for w in extra if not w.isdigit() and w not in furniture} == set(), extra


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


HOSTILE = """# Vilkår

<script>alert(1)</script> <img src=x onerror="alert(2)"> <iframe src="https://x"></iframe>

[klikk](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:x)
<a href="javascript:alert(4)" onclick="alert(5)">lenke</a> <style>body{}</style>
![bilde](https://tracker.example/pixel.png)

[DFØ](https://anskaffelser.no) og [e-post](mailto:innkjop@lillestrom.kommune.no)
"""


def test_markdown_is_rendered_and_sanitised():
    html = str(render_markdown(HOSTILE))
    tags = _tags(html)
    names = {tag for tag, _attrs in tags}
    assert names <= {"h3", "p", "a"}, names  # no script, img, iframe or style element
    assert ("h3", {}) in tags  # "#" is a sub-heading of the section's h2
    for _tag, attrs in tags:
        assert not any(name.startswith("on") or name == "style" for name in attrs), attrs
    hrefs = [attrs["href"] for tag, attrs in tags if tag == "a"]
    assert hrefs == ["https://anskaffelser.no", "mailto:innkjop@lillestrom.kommune.no"]
    assert "tracker.example" not in hrefs  # an image is not fetched, nor made a link to
    assert all(attrs.get("rel") == "noopener noreferrer" for tag, attrs in tags if tag == "a")
    assert "&lt;script&gt;" in html  # typed markup stays visible as text
    assert render_markdown("") == "" and render_markdown(None) == ""
    table = str(render_markdown("| a | b |\n|---|--:|\n| 1 | 2 |\n\n###### liten"))
    assert "<table>" in table and "<td>2</td>" in table and "<h6>liten</h6>" in table


def test_hostile_markdown_in_a_section_reaches_neither_preview_nor_pdf(login_as, db):
    from procure.exports.pdf import StaticOnlyFetcher, render_pdf

    client = login_as("officer")
    tender = db.exec(select(Tender).where(Tender.reference == "2026-DEMO-K1")).one()
    documents.save_document_text(db, tender, DocumentInput(sections={"rules": HOSTILE}),
                                 actor_id=None)
    db.commit()
    preview = client.get(f"/officer/tenders/{tender.id}/document").get_data(as_text=True)
    start = preview.index('<article class="document-preview"')
    article = preview[start:preview.index("</article>", start)]
    tags = _tags(article)
    assert not any(tag in {"img", "iframe", "style", "script"} for tag, _a in tags)
    assert not any(name.startswith("on") for _t, attrs in tags for name in attrs)
    hrefs = {attrs.get("href", "") for tag, attrs in tags if tag == "a"}
    assert not any(href.startswith(("javascript:", "data:", "vbscript:")) for href in hrefs)
    assert {"https://anskaffelser.no", "mailto:innkjop@lillestrom.kommune.no"} <= hrefs
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    with client.application.app_context():
        fetcher = StaticOnlyFetcher()
        render_pdf(tender_html(tender_document(db, tender, now=NOW)), fetcher=fetcher)
    assert fetcher.refused == []  # nothing in the officer's text asked to fetch anything


def test_each_section_starts_from_the_text_for_the_procedure():
    def text(key, track, regime):
        return default_text(SECTIONS_DIR, key, track=track, regime=regime)

    for key in SECTION_KEYS:
        assert text(key, None, None), key  # every section has a default
    part3 = text("rules", "open-procedure", "part-3")
    assert "Det er ikke adgang til å forhandle" in part3 and "ESPD" in part3
    simplified = text("rules", "simplified-competition", "part-1")
    assert "invitert" in simplified and "ESPD" not in simplified
    assert "forhandle" in text("rules", "open-tender-competition", "part-2")
    assert "ESPD" in text("qualification", "restricted-procedure", "part-3")
    assert "forskning og utvikling" in text("qualification", "innovation-partnership", "part-3")
    assert text("award", "no-such-track", "../../etc") == text("award", None, None)
    with pytest.raises(ValueError):
        default_text(SECTIONS_DIR, "secret", track=None, regime=None)


def test_the_price_form_is_made_from_the_lines_and_is_the_same_for_the_same_data(app, db, demo):
    tender = next(t for t in demo if t.reference == "2026-DEMO-K1")
    assert price_form(db, tender) is None  # a fixed total price: no price form
    documents.save_document_text(db, tender, DocumentInput(price_basis="unit", price_lines=[
        PriceLine("Elsykkel", "stk", Decimal("12")),
        PriceLine("=HYPERLINK(\"http://x\")", "time", Decimal("2.5"))]), actor_id=None)
    db.commit()
    content = price_form(db, tender)
    assert content is not None and content == price_form(db, tender)
    # openpyxl writes the save time into the workbook: the form carries a fixed one instead,
    # or two forms a second apart would differ.
    import zipfile

    core = zipfile.ZipFile(io.BytesIO(content)).read("docProps/core.xml")
    assert b">2000-01-01T00:00:00Z</dcterms:modified>" in core
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [row for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert rows[0][:4] == ("Nr.", "Hva", "Enhet", "Anslått mengde")
    assert rows[1][:4] == (1, "Elsykkel", "stk", 12)
    assert rows[2][1] == "=HYPERLINK(\"http://x\")" and sheet["B8"].data_type == "s"
    assert rows[1][5] == '=IF(E7="","",D7*E7)' and rows[3][5] == "=SUM(F7:F8)"
    assert sheet.protection.sheet and sheet["E7"].protection.locked is False
    assert sheet["D7"].protection.locked is not False
    with app.app_context():
        text = pdf_text(tender_pdf(tender_document(db, tender, now=NOW)))
    assert "Anslåtte mengder" in text and "Elsykkel" in text and "Prisskjema" in text
    event = db.exec(select(AuditEvent).where(
        AuditEvent.action == "tender.document_text_saved")).all()[-1]
    assert event.details["changes"]["price_lines"][1] == [
        "Elsykkel: 12 stk", "=HYPERLINK(\"http://x\"): 2,5 time"]
