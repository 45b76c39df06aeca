"""Tender documents: sections, escaping, no fetching, tagging, isolation under concurrency."""

from __future__ import annotations

import io
import logging
import re
import threading
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from procure.exports.documents import tender_html, tender_pdf
from procure.exports.pdf import StaticOnlyFetcher, render_pdf
from procure.exports.tender_document import chapters, tender_document
from procure.models import Tender
from procure.services.tenders import create_draft
from tests.support.documents import pdf_text
from tests.support.templates import load_demo

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)


def text_of(pdf: bytes) -> str:
    return pdf_text(pdf)


@pytest.fixture
def demo_tender(app, db):
    load_demo(db)
    db.commit()
    return db.exec(select(Tender).where(Tender.title == "Skolemat med økologiske råvarer")).one()


def test_every_section_is_in_the_pdf(app, db, demo_tender):
    with app.app_context():
        pdf = tender_pdf(tender_document(db, demo_tender, now=NOW))
    reader = PdfReader(io.BytesIO(pdf))
    text = text_of(pdf)
    assert [heading for _key, heading in chapters()] == [
        "Oppdragsgiver og anskaffelsen", "Regler for konkurransen", "Kvalifikasjonskrav",
        "Kravspesifikasjon", "Tildelingskriterier og evaluering", "Kontraktsvilkår", "Vedlegg"]
    for number, (_id, heading) in enumerate(chapters(), start=1):
        assert f"{number}. {heading}" in text
    assert "Skolemat med økologiske råvarer" in text and "Lillestrøm kommune" in text
    assert f"side 1 av {len(reader.pages)}" in text
    assert 3 <= len(reader.pages) <= 12
    metadata = reader.metadata
    assert metadata.title == "Skolemat med økologiske råvarer"
    assert metadata.author == "Lillestrøm kommune"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "nb"
    assert "/StructTreeRoot" in catalog  # tagged (PDF/UA)
    assert catalog["/MarkInfo"]["/Marked"]


def test_table_of_contents_has_page_numbers(app, db, demo_tender):
    with app.app_context():
        pdf = tender_pdf(tender_document(db, demo_tender, now=NOW))
    toc_page = PdfReader(io.BytesIO(pdf)).pages[1].extract_text()
    assert "Innhold" in toc_page
    lines = [line for line in toc_page.splitlines() if "Oppdragsgiver og anskaffelsen" in line]
    assert lines and lines[0].rstrip()[-1].isdigit()


def test_fonts_are_embedded_inter(app, db, demo_tender):
    with app.app_context():
        pdf = tender_pdf(tender_document(db, demo_tender, now=NOW))
    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("Inter" in name for name in fonts), fonts


def test_user_text_is_escaped(app, db):
    organisation = load_demo(db)
    title = 'Kjøp <script>alert(1)</script> & «æøå» <b>fet</b>'
    tender = create_draft(db, organisation.id, title,
                          '<img src="http://example.com/x.png"> <img src="file:///etc/passwd">')
    db.commit()
    with app.app_context():
        document = tender_document(db, tender, now=NOW)
        html = tender_html(document)
        assert "<script>" not in html and "&lt;script&gt;" in html
        fetcher = StaticOnlyFetcher()
        pdf = render_pdf(html, fetcher=fetcher)
    text = text_of(pdf)
    assert "Kjøp <script>alert(1)</script> & «æøå» <b>fet</b>" in text
    assert fetcher.refused == []  # escaped markup is text: nothing was even attempted


def test_injected_urls_fetch_nothing(caplog):
    html = ('<html lang="nb"><head><title>x</title><link rel="stylesheet" href="css/print.css">'
            '</head><body><img src="http://example.com/x.png" alt="">'
            '<img src="file:///etc/passwd" alt=""><img src="../../../../etc/passwd" alt="">'
            '<link rel="stylesheet" href="https://evil.example/x.css"></body></html>')
    fetcher = StaticOnlyFetcher()
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        pdf = render_pdf(html, fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert set(fetcher.refused) >= {"http://example.com/x.png", "file:///etc/passwd",
                                    "https://evil.example/x.css"}
    assert all("print.css" not in url for url in fetcher.refused)


def test_concurrent_renders_keep_their_own_data(app, db):
    organisation = load_demo(db)
    first = create_draft(db, organisation.id, "Alfa brannslukkere", "Hemmelig alfa-behov")
    second = create_draft(db, organisation.id, "Beta snøskuffer", "Hemmelig beta-behov")
    db.commit()
    results: dict[str, bytes] = {}

    def render(tender_id: int, key: str) -> None:
        with app.app_context(), Session(db.get_bind()) as session:
            tender = session.get(Tender, tender_id)
            for _ in range(2):
                results[key] = tender_pdf(tender_document(session, tender, now=NOW))

    threads = [threading.Thread(target=render, args=(first.id, "alfa")),
               threading.Thread(target=render, args=(second.id, "beta"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    alfa, beta = text_of(results["alfa"]), text_of(results["beta"])
    assert "alfa" in alfa and "beta" not in alfa.lower()
    assert "beta" in beta and "alfa" not in beta.lower()


def test_officer_preview_and_download(login_as, db):
    client = login_as("officer")
    tender = db.exec(select(Tender).where(Tender.title == "Skolemat med økologiske råvarer")).one()
    preview = client.get(f"/officer/tenders/{tender.id}/document")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert 'class="document-preview" lang="nb"' in html
    assert "1. Oppdragsgiver og anskaffelsen" in html
    response = client.get(f"/officer/tenders/{tender.id}/document.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "konkurransegrunnlag-" in response.headers["Content-Disposition"]
    assert client.get("/officer/tenders/999999/document.pdf").status_code == 404


def test_the_document_holds_the_requirements_and_nothing_internal(app, db):
    from procure.models import TenderCriterion, TenderRequirement

    load_demo(db)
    db.commit()
    tender = db.exec(select(Tender).where(Tender.title == "Utslippsfrie servicebiler")).one()
    rows = db.exec(select(TenderRequirement).where(
        TenderRequirement.tender_id == tender.id)).all()
    pins = db.exec(select(TenderCriterion).where(TenderCriterion.tender_id == tender.id)).all()
    assert pins and any(r.criterion_pin_id is None for r in rows)
    with app.app_context():
        text = text_of(tender_pdf(tender_document(db, tender, now=NOW)))
    flat = " ".join(text.split())
    for row in rows:  # own requirements and library criteria alike
        assert " ".join(row.title.split()) in flat, row.title
    assert re.search(r"(\d)\.1 Responstid ved feil .*\1\.2 Avstand til verksted", flat)
    assert "Kilde: DFØ Kriterieveiviseren: Kjøretøy" in flat  # a library criterion's source
    assert "Evalueringsmetode" in flat and "forholdsmetoden" in flat
    assert "Skal-krav" in flat and "Bør-krav" in flat and "Rekkevidde i vinterkulde" in flat
    assert "Kravet i anskaffelsesforskriften § 7-9 er oppfylt" in flat
    for pin in pins:  # internal ids, versions and hashes stay out
        assert pin.criterion_id not in flat and pin.base_id not in flat
        assert pin.content_hash[:12] not in flat
    for internal in ("quality-nor-env", "eForms", "Avansert", "Spydspiss", "ikke bekreftet"):
        assert internal not in flat, internal


def test_every_demo_tender_document_renders_its_requirements(app, db):
    from procure.exports.tender_requirements import requirement_sections
    from procure.models import TenderCriterion, TenderRequirement

    load_demo(db)
    db.commit()
    with app.app_context():
        for tender in db.exec(select(Tender)).all():
            html = tender_html(tender_document(db, tender, now=NOW))
            for row in db.exec(select(TenderRequirement).where(
                    TenderRequirement.tender_id == tender.id)).all():
                assert row.title.replace("&", "&amp;") in html, (tender.reference, row.title)
            for pin in db.exec(select(TenderCriterion).where(
                    TenderCriterion.tender_id == tender.id)).all():
                assert pin.criterion_id not in html and pin.content_hash not in html
            assert "quality-nor-env" not in html, tender.reference
            sections = requirement_sections(db, tender)
            assert sections.weights_add_up or not sections.award, tender.reference


def test_public_download_only_once_open_and_without_confidential_value(client, db):
    load_demo(db)
    db.commit()
    tenders = db.exec(select(Tender)).all()
    opened = next(t for t in tenders if t.status == "open")
    planned = next(t for t in tenders if t.status == "planned")
    draft = next(t for t in tenders if t.status == "draft")
    opened.value_confidential = True
    opened.track_reason = "INTERN-BEGRUNNELSE"
    db.add(opened)
    db.commit()
    response = client.get(f"/purchases/{opened.id}/konkurransegrunnlag.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = text_of(response.data)
    assert "Oppgis ikke" in text and "INTERN-BEGRUNNELSE" not in text
    digits = f"{int(opened.estimated_value):,}".replace(",", " ")
    assert digits not in text
    page = client.get(f"/purchases/{opened.id}").get_data(as_text=True)
    assert f"/purchases/{opened.id}/konkurransegrunnlag.pdf" in page
    for hidden in (planned, draft):
        assert client.get(f"/purchases/{hidden.id}/konkurransegrunnlag.pdf").status_code == 404


def test_same_data_gives_the_same_bytes(app, db, demo_tender):
    with app.app_context():
        first = tender_pdf(tender_document(db, demo_tender, now=NOW))
        second = tender_pdf(tender_document(db, demo_tender, now=NOW))
    assert first == second
