"""Upload limits: request size (a friendly 413), type, rows, and workbooks that would unpack
to far more than they weigh (zip bombs, huge shared strings): refused from the zip's
directory, before openpyxl reads a byte of XML."""

from __future__ import annotations

import io
import os
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook

from procure.ingest import ImportFileError, reading
from tests.helpers import csrf_token
from tests.support.owned import import_spend, import_suppliers

HEADER = "invoice_id;date;supplier_orgnr;amount_nok\n"
MB = 1024**2


def workbook_bytes() -> bytes:
    book = Workbook()
    book.active.append(["invoice_id", "date", "supplier_orgnr", "amount_nok"])
    book.active.append(["A-1", "2025-01-10", "934567897", "100,00"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_member(name: str, megabytes: int, *, base: bytes | None = None,
                chunk: bytes = b"0" * MB) -> bytes:
    """A real workbook with one member replaced (or added) by `megabytes` times a 1 MB chunk,
    written in chunks so the test never holds the unpacked data."""
    source = zipfile.ZipFile(io.BytesIO(base or workbook_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w") as member:
            for _ in range(megabytes):
                member.write(chunk)
    return buffer.getvalue()


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fails the test if the workbook reaches openpyxl."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("openpyxl was asked to open the workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def refusal(db, content: bytes, name: str = "spend.xlsx") -> str:
    with pytest.raises(ImportFileError) as caught:
        import_spend(db, io.BytesIO(content), name)
    db.rollback()
    return caught.value.msgid % caught.value.params


def test_huge_shared_strings_are_refused_before_parsing(db, no_openpyxl):
    bomb = with_member("xl/sharedStrings.xml", 300)  # 300 MB of zeros
    assert len(bomb) < 2 * MB
    message = refusal(db, bomb)
    assert "shared strings are too large (300 MB unpacked; at most 100 MB)" in message


def test_a_tightly_packed_sheet_is_refused_as_a_zip_bomb(db, no_openpyxl):
    bomb = with_member("xl/worksheets/sheet1.xml", 50)
    message = refusal(db, bomb)
    assert "zip bomb" in message and "times its packed size" in message


def test_too_much_unpacked_data_in_all_is_refused(db, no_openpyxl, monkeypatch):
    monkeypatch.setattr(reading, "XLSX_MAX_UNPACKED", 3 * MB)
    # Random hex packs about 2:1: no bomb, just too big in all.
    content = with_member("xl/media/notes.txt", 2, chunk=os.urandom(MB // 2).hex().encode())
    content = with_member("xl/media/more.txt", 2, base=content,
                          chunk=os.urandom(MB // 2).hex().encode())
    message = refusal(db, content)
    assert "too large unpacked" in message


def test_too_many_members_are_refused(db, no_openpyxl):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(reading.XLSX_MAX_MEMBERS + 1):
            archive.writestr(f"xl/part{number}.xml", b"<x/>")
    message = refusal(db, buffer.getvalue())
    assert f"too many parts ({reading.XLSX_MAX_MEMBERS + 1}; at most" in message


def test_an_understated_member_size_cannot_unpack_more(db):
    """zipfile stops at the declared size and fails the CRC: lying does not help a bomb."""
    book = Workbook()
    book.active.append(["invoice_id", "date", "supplier_orgnr", "amount_nok"])
    for number in range(5_000):
        book.active.append([f"A-{number}", "2025-01-10", "934567897", "100,00"])
    buffer = io.BytesIO()
    book.save(buffer)
    content = bytearray(buffer.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    start = 0
    while True:  # the central directory entry: uncompressed size at offset 24
        start = content.find(b"PK\x01\x02", start)
        length = int.from_bytes(content[start + 28:start + 30], "little")
        if content[start + 46:start + 46 + length] == name:
            assert int.from_bytes(content[start + 24:start + 28], "little") > 100_000
            content[start + 24:start + 28] = (1024).to_bytes(4, "little")
            break
        start += 4
    # Had it inflated the whole member, the CRC would match: it stopped at 1024 bytes.
    with (zipfile.ZipFile(io.BytesIO(bytes(content))) as archive,
          archive.open(name.decode()) as member,
          pytest.raises(zipfile.BadZipFile, match="Bad CRC-32")):
        member.read()
    message = refusal(db, bytes(content))
    assert message.startswith("The workbook is damaged") or message == (
        "The file is not an Excel workbook (.xlsx).")


def test_a_normal_workbook_passes_the_checks(db):
    run = import_spend(db, io.BytesIO(workbook_bytes()), "spend.xlsx")
    assert run.inserted == 1
    db.rollback()


def test_row_limit_in_the_service(db):
    with reading.row_limit(2):
        body = "".join(f"R{n};2025-01-10;934567897;1,00\n" for n in range(3))
        with pytest.raises(ImportFileError) as caught:
            import_spend(db, io.BytesIO((HEADER + body).encode()), "spend.csv")
        db.rollback()
        assert caught.value.params == {"max": 2}
        run = import_spend(db, io.BytesIO((HEADER + body.split("\n", 1)[1]).encode()),
                           "spend.csv")
        assert run.rows_read == 2
        db.rollback()
        units = b'[{"organisasjonsnummer": "934567897", "navn": "A"}] '
        with pytest.raises(ImportFileError):
            import_suppliers(db, io.BytesIO(units.replace(b"}]", b"}" + b', {"x": 1}' * 2
                                                          + b"]")), "e.json")
        db.rollback()


# --- over HTTP ------------------------------------------------------------------------------


@pytest.fixture
def controller(login_as):
    return login_as("controller")


def upload(client, kind: str, content: bytes, name: str):
    token = csrf_token(client.get("/controller/imports").get_data(as_text=True))
    return client.post(f"/controller/imports/{kind}", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(content), name)})


def test_a_request_over_the_size_limit_gets_the_friendly_413(app, controller):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(controller, "spend", b"x" * (100 * 1024), "spend.csv")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Filen er for stor" in page and "Traceback" not in page


def test_the_wrong_type_is_refused_by_name_and_by_content(db):
    for content, name in ((b"%PDF-1.7", "spend.pdf"), (b"a;b\n", "spend.xlsx"),
                          (workbook_bytes(), "spend.csv")):
        with pytest.raises(ImportFileError):
            import_spend(db, io.BytesIO(content), name)


def test_a_zip_bomb_upload_is_refused_with_the_reason(controller, no_openpyxl):
    response = upload(controller, "spend", with_member("xl/sharedStrings.xml", 300),
                      "spend.xlsx")
    assert response.status_code == 302
    page = controller.get(response.location).get_data(as_text=True)
    assert "Arbeidsbokens delte tekster er for store (300 MB utpakket; høyst 100 MB)" in page
