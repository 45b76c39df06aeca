"""`procure import eforms` and the upload (issue 21, item 4): result notices become awards with
their winners, size, tenders received and SME tenders; competition notices give the procedure's
tender facts and § 7-9 code; all or nothing; idempotent by notice id and version."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from procure.ingest import ImportRejected
from procure.models import Award, AwardSupplier, EformsNotice, ImportRun, Supplier
from tests.eforms.support import dfo, example
from tests.helpers import csrf_token
from tests.support.owned import import_eforms, owner

pytestmark = pytest.mark.xdist_group("eforms")
E3_CLIMATE = "national-e/VALID-national-e3-nor-env.xml"
E3_PROCEDURE = "fe211cae-a10e-4b9b-b940-549a742148eb"


def norwegian_result(version: str = "01", amount: str = "480000") -> bytes:
    """DFØ's minimal E4 with what a real one says: the winner's organisation number and size,
    tenders received (4, of which 3 from SMEs), the value and the conclusion date; in the
    procedure of DFØ's E3 with a § 7-9 code."""
    text = dfo("national-e/VALID-national-e4-minimum.xml").decode()
    replacements = {
        '<cbc:TenderResultCode listName="winner-selection-status">selec-w</cbc:TenderResultCode>':
            '<cbc:TenderResultCode listName="winner-selection-status">selec-w'
            '</cbc:TenderResultCode>' + "".join(
                '<efac:ReceivedSubmissionsStatistics><efbc:StatisticsCode listName="received-'
                f'submission-type">{code}</efbc:StatisticsCode><efbc:StatisticsNumeric>{count}'
                '</efbc:StatisticsNumeric></efac:ReceivedSubmissionsStatistics>'
                for code, count in (("tenders", 4), ("t-sme", 3))),
        '<efac:TenderReference>':
            f'<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="NOK">{amount}'
            '</cbc:PayableAmount></cac:LegalMonetaryTotal><efac:TenderReference>',
        '<cbc:Name languageID="NOR">Grønn klipp og rens ASA</cbc:Name>\n\t\t\t\t\t\t\t\t'
        '</cac:PartyName>':
            '<cbc:Name languageID="NOR">Grønn klipp og rens ASA</cbc:Name></cac:PartyName>'
            '<cac:PartyLegalEntity><cbc:CompanyID>923 456 783</cbc:CompanyID>'
            '</cac:PartyLegalEntity><efbc:CompanySizeCode listName="economic-operator-size">'
            'small</efbc:CompanySizeCode>',
        '<cbc:ID schemeName="contract">CON-0001</cbc:ID>\n\t\t\t\t\t\t\t<efac:ContractReference>':
            '<cbc:ID schemeName="contract">CON-0001</cbc:ID><cbc:IssueDate>2026-01-08+01:00'
            '</cbc:IssueDate><efac:ContractReference>',
        "<cbc:ContractFolderID>8698a8e5-9815-4889-ae6a-632170aeb5e6</cbc:ContractFolderID>":
            f"<cbc:ContractFolderID>{E3_PROCEDURE}</cbc:ContractFolderID>",
        "<cbc:VersionID>01</cbc:VersionID>": f"<cbc:VersionID>{version}</cbc:VersionID>",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode()


def run(db, *files: tuple[str, bytes], name: str = "notices"):
    result = import_eforms(db, list(files), name)
    db.commit()
    return result


def awards(db) -> dict[str, Award]:
    return {f"{a.ocid[:8]}/{a.award_key}": a
            for a in db.scalars(select(Award).where(Award.source == "eforms"))}


def winners(db, award: Award) -> list[tuple[str, str, str]]:
    return sorted((w.name, w.supplier_orgnr, w.size_class) for w in db.scalars(
        select(AwardSupplier).where(AwardSupplier.award_id == award.id)))


def test_result_notices_give_the_expected_awards(db):
    result = run(db, ("e4.xml", norwegian_result()), ("can.xml", example("can_24_minimal")),
                 ("can-max.xml", example("can_24_maximal")))
    assert (result.rows_read, result.inserted, result.updated) == (4, 4, 0)
    assert result.notes["result_notices"] == 3 and result.notes["notices_new"] == 3
    found = awards(db)
    assert sorted(found) == ["15377ca1/CON-0001", "15377ca1/CON-0002", "65667997/CON-0001",
                             "d1106611/CON-0001"]
    ours = found["d1106611/CON-0001"]
    assert (ours.title, ours.cpv_code, ours.method_details) == (
        "Vedlikehold, restaurering og rengjøringstjenester for grøntområder", "77310000-6",
        "eForms E4")
    assert (ours.number_of_tenderers, ours.bids_known_size, ours.sme_bids) == (4, 4, 3)
    assert (ours.currency, ours.amount, ours.value_ore) == ("NOK", Decimal("480000.00"),
                                                            48_000_000)
    assert ours.award_date == date(2026, 1, 8)
    assert winners(db, ours) == [("Grønn klipp og rens ASA", "923456783", "small")]
    supplier = db.scalar(select(Supplier).where(Supplier.orgnr == "923456783"))
    assert supplier is not None and supplier.size_class == "small"
    french = found["65667997/CON-0001"]
    assert (french.procedure, french.award_criteria, french.number_of_tenderers) == (
        "open-procedure", "priceOnly", 3)
    assert (french.currency, french.amount, french.value_ore) == ("EUR", Decimal("95414.00"),
                                                                  None)
    assert winners(db, french) == [("Espaces Verts Lemire", "", "micro")]
    assert [w[2] for w in winners(db, found["15377ca1/CON-0001"])] == ["large", "micro"]


def test_importing_again_changes_nothing_and_a_later_version_replaces(db):
    first = run(db, ("e4.xml", norwegian_result()))
    again = run(db, ("e4.xml", norwegian_result()))
    assert (first.inserted, again.inserted, again.updated, again.unchanged) == (1, 0, 0, 1)
    assert again.notes["notices_new"] == again.notes["notices_changed"] == 0
    later = run(db, ("e4-v2.xml", norwegian_result("02", "500000")))
    assert (later.inserted, later.updated) == (0, 1)
    assert awards(db)["d1106611/CON-0001"].amount == Decimal("500000.00")
    assert db.scalar(select(EformsNotice.version)) == "02"
    older = run(db, ("e4.xml", norwegian_result()))
    assert (older.inserted, older.updated, older.notes["older_versions_left_out"]) == (0, 0, 1)
    assert awards(db)["d1106611/CON-0001"].amount == Decimal("500000.00")
    assert db.scalar(select(func.count()).select_from(Award)) == 1


@pytest.mark.parametrize("competition_first", [True, False])
def test_a_competition_notice_gives_its_procedure_the_deadline_and_climate_code(
        db, competition_first):
    notices = [("e3.xml", dfo(E3_CLIMATE)), ("e4.xml", norwegian_result())]
    for notice in (notices if competition_first else notices[::-1]):
        run(db, notice)
    (award,) = awards(db).values()
    assert award.tender_deadline == date(2026, 7, 6)
    competition = db.scalar(select(EformsNotice).where(EformsNotice.form == "competition"))
    assert (competition.subtype, competition.procedure_id, competition.climate_code,
            competition.procedure) == ("E3", E3_PROCEDURE, "quality-nor-env-criteria",
                                       "open-tender-competition")
    assert competition.estimated_amount == Decimal("2323.00")
    again = run(db, *notices)
    assert (again.inserted, again.updated, again.notes["awards_completed"]) == (0, 0, 0)
    assert again.notes["climate_codes"] == {"quality-nor-env-criteria": 1}


def test_a_broken_notice_refuses_the_whole_import(db):
    broken = norwegian_result().replace(b"2026-01-08+01:00", b"8. januar 2026")
    with pytest.raises(ImportRejected) as rejected:
        import_eforms(db, [("can.xml", example("can_24_minimal")), ("e4.xml", broken),
                           ("junk.xml", b"<not xml")], "notices")
    db.rollback()
    items = rejected.value.errors.items
    assert sorted((row, field) for row, field, _msgid, _params in items) == [
        (2, "e4.xml CON-0001 BT-145"), (3, "junk.xml")]
    assert rejected.value.rows_read == 3
    assert db.scalar(select(func.count()).select_from(Award)) == 0
    assert db.scalar(select(func.count()).select_from(EformsNotice)) == 0


def test_other_subtypes_are_left_out_and_counted(db):
    result = run(db, ("pin.xml", example("pin-only_24")), ("e4.xml", norwegian_result()),
                 ("cn.xml", example("cn_24_minimal")))
    assert result.notes["notices_left_out"] == 1
    assert result.notes["competition_notices"] == 1
    from procure.ingest import ImportFileError

    with pytest.raises(ImportFileError):
        import_eforms(db, [("pin.xml", example("pin-only_24"))], "pin.xml")


def test_cli_imports_a_folder_and_refuses_a_broken_file_whole(runner, db, tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "e4.xml").write_bytes(norwegian_result())
    (folder / "can.xml").write_bytes(example("can_24_minimal"))
    owner(db)  # the organisation the import is for
    db.commit()
    result = runner.invoke(args=["import", "eforms", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Imported notices: 2 new, 0 changed, 0 unchanged" in result.stdout
    assert "climate codes" not in result.stdout
    (folder / "broken.xml").write_bytes(b"<ContractAwardNotice")
    refused = runner.invoke(args=["import", "eforms", str(folder)])
    assert refused.exit_code == 1
    assert "Rejected notices: 1 problem(s); nothing was imported" in refused.stderr
    assert "row 1 broken.xml: Not well-formed XML" in refused.stderr
    assert db.scalar(select(func.count()).select_from(Award)) == 2
    runs = db.scalars(select(ImportRun.status).where(ImportRun.kind == "eforms")).all()
    assert sorted(runs) == ["imported", "rejected"]


def test_the_controller_uploads_a_zip_of_notices(login_as, db):
    controller = login_as("controller")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a/e4.xml", norwegian_result())
        archive.writestr("a/e3.xml", dfo(E3_CLIMATE))
        archive.writestr("readme.txt", "ignored")
    page = controller.get("/controller/imports").get_data(as_text=True)
    assert 'action="/controller/imports/eforms"' in page and 'accept=".xml,.zip"' in page
    response = controller.post("/controller/imports/eforms", content_type="multipart/form-data",
                               data={"csrf_token": csrf_token(page),
                                     "file": (io.BytesIO(buffer.getvalue()), "doffin.zip")})
    assert response.status_code == 302
    assert db.scalar(select(func.count()).select_from(Award).where(Award.source == "eforms")) == 1
    assert db.scalar(select(func.count()).select_from(EformsNotice)) == 2
    shown = controller.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kunngjøringer i eForms" in shown
    assert ("2: 1 kunngjøringer av resultat, 1 konkurransekunngjøringer; 2 nye, 0 endret"
            in shown)
    assert "§ 7-9 i konkurransekunngjøringer" in shown
    assert "Klima og miljø i tildelingskriteriene: 1" in shown
    wrong = controller.post("/controller/imports/eforms", content_type="multipart/form-data",
                            data={"csrf_token": csrf_token(page),
                                  "file": (io.BytesIO(b"a;b"), "notices.csv")})
    assert wrong.status_code == 302


def test_a_zip_that_claims_too_much_or_is_no_zip_is_refused():
    from procure.ingest import ImportFileError
    from procure.ingest.eforms import MAX_NOTICE_BYTES, read_upload

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.xml", b"0" * (MAX_NOTICE_BYTES + 1))
    with pytest.raises(ImportFileError):
        read_upload(io.BytesIO(buffer.getvalue()), "big.zip")
    with pytest.raises(ImportFileError):
        read_upload(io.BytesIO(b"PK no zip"), "notices.zip")
    with pytest.raises(ImportFileError):
        read_upload(io.BytesIO(b"a;b"), "notices.csv")
    assert read_upload(io.BytesIO(b"<x/>"), "one.xml") == [("one.xml", b"<x/>")]
