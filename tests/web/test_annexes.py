"""Annexes to the tender documents (issue 20): the type is read from the content, the size is
limited, names are sanitised, every file has its SHA-256, and suppliers can download an annex
only once the competition is open."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlmodel import select

from procure.models import AuditEvent, Tender, TenderAnnex
from procure.services import tender_documents as documents
from tests.helpers import csrf_token

VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


def pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<html lang=nb><title>Tegning</title><p>Sykkelparkering</p>").write_pdf()


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["Sykkel", 12])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip(members: dict[str, bytes], *, first: str | None = None, stored: tuple = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        names = ([first] if first else []) + [n for n in members if n != first]
        for name in names:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, members[name])
    return buffer.getvalue()


def docx_bytes(main: str = "application/vnd.openxmlformats-officedocument.wordprocessingml."
                           "document.main+xml", extra: dict[str, bytes] | None = None) -> bytes:
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
             '.org/package/2006/content-types"><Default Extension="xml" ContentType="applicati'
             'on/xml"/><Override PartName="/word/document.xml" ContentType="' + main + '"/>'
             '</Types>')
    return _zip({"[Content_Types].xml": types.encode(), "word/document.xml": b"<w:document/>",
                 **(extra or {})})


def odt_bytes() -> bytes:
    return _zip({"mimetype": b"application/vnd.oasis.opendocument.text",
                 "content.xml": b"<office:document-content/>"}, first="mimetype",
                stored=("mimetype",))


@pytest.fixture
def officer(login_as):
    return login_as("officer")


@pytest.fixture
def draft(officer, db):
    return db.exec(select(Tender).where(Tender.reference == "2026-DEMO-K1")).one()


def upload(client, tender: Tender, name: str, content: bytes):
    page = client.get(f"/officer/tenders/{tender.id}/document/edit").get_data(as_text=True)
    annex_form = page[page.index('enctype="multipart/form-data"'):]
    data = {"csrf_token": csrf_token(page), "version": VERSION_RE.search(annex_form).group(1),
            "file": (io.BytesIO(content), name), "upload": "1"}
    return client.post(f"/officer/tenders/{tender.id}/document/annexes", data=data,
                       content_type="multipart/form-data")


@pytest.mark.parametrize("name, content, kind", [
    ("Tegning av sykkelparkering.pdf", pdf_bytes(), "pdf"),
    ("Kravspesifikasjon.docx", docx_bytes(), "docx"),
    ("Mengdeliste.xlsx", xlsx_bytes(), "xlsx"),
    ("Vilkår.odt", odt_bytes(), "odt"),
    ("Kart.png", PNG, "png"),
    ("Foto av sykkelbod.JPG", JPEG, "jpeg"),
])
def test_accepted_types_are_stored_with_their_checksum_and_listed(officer, db, draft, name,
                                                                   content, kind):
    response = upload(officer, draft, name, content)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    annex = db.exec(select(TenderAnnex).where(TenderAnnex.tender_id == draft.id)).one()
    assert (annex.filename, annex.kind, annex.size) == (name[:-4] + name[-4:].lower(), kind,
                                                        len(content))
    assert annex.sha256 == hashlib.sha256(content).hexdigest() and annex.content == content
    download = officer.get(f"/officer/tenders/{draft.id}/document/annexes/{annex.id}")
    assert download.status_code == 200 and download.data == content
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == annex.media_type
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    preview = officer.get(f"/officer/tenders/{draft.id}/document").get_data(as_text=True)
    assert annex.filename in preview and annex.sha256[:16] in preview
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "tender.annex_added")).one()
    assert event.details["filename"] == annex.filename and event.details["version"]


def bomb() -> bytes:
    """A workbook-shaped archive one of whose parts unpacks to 400 times its packed size."""
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/big.xml": b"0" * (8 * 1024**2)})


@pytest.mark.parametrize("name, content, message", [
    ("Kravspesifikasjon.pdf", PNG, "er ikke en ekte PDF-fil"),  # a PNG under a PDF's name
    ("Kart.png", pdf_bytes(), "er ikke en ekte PNG-fil"),
    ("Mengdeliste.docx", xlsx_bytes(), "er ikke en ekte DOCX-fil"),  # a workbook as .docx
    ("Brev.docx", _zip({"readme.txt": b"hei"}), "er ikke en ekte DOCX-fil"),  # any zip
    ("Kravspesifikasjon.pdf", b"%PD", "er ikke en ekte PDF-fil"),
    ("Makro.docx", docx_bytes("application/vnd.ms-word.document.macroEnabled.main+xml"),
     "makroer"),
    ("Makro2.docx", docx_bytes(extra={"word/vbaProject.bin": b"\x00"}), "makroer"),
    ("Bombe.xlsx", bomb(), "pakkes ut til langt mer"),
    ("Ødelagt.xlsx", b"PK\x03\x04" + b"\x00" * 100, "skadet arkiv"),
    ("Tom.pdf", b"", "Filen er tom"),
    ("../../etc/passwd.pdf", pdf_bytes(), "uten mapper"),
    ("program.exe", b"MZ\x90\x00", "Last opp en PDF"),
    ("uten-endelse", pdf_bytes(), "Last opp en PDF"),
    ("", pdf_bytes(), "Velg en fil"),
])
def test_refused_uploads_say_why_and_store_nothing(officer, db, draft, name, content, message):
    response = upload(officer, draft, name, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.exec(select(TenderAnnex)).first() is None
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "tender.annex_added")).first() \
        is None


def test_a_file_over_the_size_limit_is_refused(officer, app, db, draft):
    app.config["ANNEX_MAX_BYTES"] = 1000
    response = upload(officer, draft, "Stor.pdf", b"%PDF-1.7\n" + b"0" * 1200)
    assert response.status_code == 400
    assert "Filen er for stor: høyst 1000 B" in response.get_data(as_text=True)
    assert db.exec(select(TenderAnnex)).first() is None
    app.config["ANNEX_MAX_BYTES"] = 2000
    assert upload(officer, draft, "Stor.pdf", b"%PDF-1.7\n" + b"0" * 1200).status_code == 302


def test_a_request_over_the_server_limit_gets_the_friendly_413(officer, app, draft):
    app.config["MAX_CONTENT_LENGTH"] = 5000
    response = upload(officer, draft, "Svær.pdf", b"%PDF-1.7\n" + b"0" * 10_000)
    assert response.status_code == 413


def test_names_lose_control_and_formatting_characters(officer, db, draft):
    name = "Faktura\u202efdp.exe\x07\u200b.pdf"  # a right-to-left override hiding a name
    assert upload(officer, draft, "  ..." + name, pdf_bytes()).status_code == 302
    annex = db.exec(select(TenderAnnex)).one()
    assert annex.filename == "Fakturafdp.exe.pdf"
    assert all(ch.isprintable() for ch in annex.filename)


@pytest.mark.parametrize("name", ["C:\\Users\\ola\\Tegning.pdf", "../Tegning.pdf", "a/b.pdf",
                                  "..", "\\\\server\\share\\x.pdf"])
def test_a_name_with_folders_is_refused(name):
    from procure.ingest.annexes import AnnexFileError, clean_filename

    with pytest.raises(AnnexFileError) as refused:
        clean_filename(name)
    assert refused.value.msgid.startswith("The file name must be a name only")


def test_the_same_file_twice_is_refused(officer, db, draft):
    content = pdf_bytes()
    assert upload(officer, draft, "Tegning.pdf", content).status_code == 302
    again = upload(officer, draft, "Tegning kopi.pdf", content)
    assert again.status_code == 400 and "allerede vedlagt" in again.get_data(as_text=True)


def test_an_upload_on_an_old_page_is_a_conflict(officer, db, draft):
    page = officer.get(f"/officer/tenders/{draft.id}/document/edit").get_data(as_text=True)
    token, version = csrf_token(page), VERSION_RE.search(page).group(1)
    assert upload(officer, draft, "Først.pdf", pdf_bytes()).status_code == 302
    stale = officer.post(f"/officer/tenders/{draft.id}/document/annexes", data={
        "csrf_token": token, "version": version, "file": (io.BytesIO(PNG), "Kart.png")},
        content_type="multipart/form-data")
    assert stale.status_code == 409
    assert len(db.exec(select(TenderAnnex)).all()) == 1


def _open(db, tender: Tender) -> None:
    tender.planned_at = tender.planned_at or datetime(2026, 11, 1, tzinfo=UTC)
    tender.opened_at = datetime(2026, 11, 20, tzinfo=UTC)
    db.add(tender)
    db.commit()


def test_suppliers_download_annexes_only_once_the_competition_is_open(officer, client, db,
                                                                      draft):
    content = pdf_bytes()
    assert upload(officer, draft, "Tegning.pdf", content).status_code == 302
    annex = db.exec(select(TenderAnnex)).one()
    public = client.application.test_client()
    url = f"/purchases/{draft.id}/vedlegg/{annex.id}"
    assert public.get(url).status_code == 404  # a draft: nothing is public
    draft.planned_at = datetime(2026, 11, 1, tzinfo=UTC)
    db.add(draft)
    db.commit()
    assert draft.status == "planned"
    assert public.get(url).status_code == 404  # announced as planned, documents not out yet
    page = public.get(f"/purchases/{draft.id}").get_data(as_text=True)
    assert url not in page
    _open(db, draft)
    response = public.get(url)
    assert response.status_code == 200 and response.data == content
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"].startswith("public")
    page = public.get(f"/purchases/{draft.id}").get_data(as_text=True)
    assert url in page and "Tegning.pdf" in page
    other = next(t for t in db.exec(select(Tender)).all()
                 if t.status == "open" and t.id != draft.id)
    assert public.get(f"/purchases/{other.id}/vedlegg/{annex.id}").status_code == 404
    assert public.get(f"/purchases/{draft.id}/vedlegg/999999").status_code == 404
    draft.evaluation_at = datetime(2026, 12, 5, tzinfo=UTC)
    db.add(draft)
    db.commit()
    assert public.get(url).status_code == 404  # past the deadline: no longer public


def test_the_price_form_is_public_with_the_documents(officer, client, db, draft):
    documents.save_document_text(db, draft, documents.DocumentInput(
        price_basis="unit", price_lines=[documents.PriceLine("Elsykkel", "stk", Decimal("12"))]),
        actor_id=None)
    db.commit()
    public = client.application.test_client()
    url = f"/purchases/{draft.id}/prisskjema.xlsx"
    assert public.get(url).status_code == 404
    _open(db, draft)
    response = public.get(url)
    assert response.status_code == 200 and response.data.startswith(b"PK")
    assert url in public.get(f"/purchases/{draft.id}").get_data(as_text=True)
    opened = next(t for t in db.exec(select(Tender)).all()
                  if t.status == "open" and t.id != draft.id)
    assert public.get(f"/purchases/{opened.id}/prisskjema.xlsx").status_code == 404


def test_deleting_an_annex_before_publication_is_recorded(officer, db, draft):
    assert upload(officer, draft, "Feil fil.pdf", pdf_bytes()).status_code == 302
    annex = db.exec(select(TenderAnnex)).one()
    page = officer.get(f"/officer/tenders/{draft.id}/document/edit").get_data(as_text=True)
    response = officer.post(
        f"/officer/tenders/{draft.id}/document/annexes/{annex.id}/delete",
        data={"csrf_token": csrf_token(page), "version": VERSION_RE.search(page).group(1)})
    assert response.status_code == 302
    assert db.exec(select(TenderAnnex)).first() is None
    history = officer.get(f"/officer/tenders/{draft.id}/history").get_data(as_text=True)
    assert "Vedlegg slettet fra konkurransegrunnlaget" in history and "Feil fil.pdf" in history
    assert "Vedlegg lagt til konkurransegrunnlaget" in history


def test_an_annex_cannot_be_deleted_once_published(officer, db, draft):
    assert upload(officer, draft, "Tegning.pdf", pdf_bytes()).status_code == 302
    annex = db.exec(select(TenderAnnex)).one()
    _open(db, draft)
    page = officer.get(f"/officer/tenders/{draft.id}/document/edit").get_data(as_text=True)
    assert "/delete" not in page and "Konkurransegrunnlaget er publisert" in page
    response = officer.post(
        f"/officer/tenders/{draft.id}/document/annexes/{annex.id}/delete",
        data={"csrf_token": csrf_token(page), "version": VERSION_RE.search(page).group(1)},
        follow_redirects=True)
    assert "kan ikke slettes lenger" in response.get_data(as_text=True)
    assert db.exec(select(TenderAnnex)).one().id == annex.id


def test_annexes_of_another_tender_or_organisation_are_not_found(officer, db, draft):
    assert upload(officer, draft, "Tegning.pdf", pdf_bytes()).status_code == 302
    annex = db.exec(select(TenderAnnex)).one()
    other = db.exec(select(Tender).where(Tender.id != draft.id)).first()
    assert officer.get(
        f"/officer/tenders/{other.id}/document/annexes/{annex.id}").status_code == 404
    assert officer.get(
        f"/officer/tenders/{draft.id}/document/annexes/{annex.id + 1}").status_code == 404
