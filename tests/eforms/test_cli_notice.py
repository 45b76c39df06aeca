"""`procure notice validate`: exit codes (0 valid, 1 invalid, 2 unreadable), the JSON contract
of issue 21 and the summary in bokmål and English."""

from __future__ import annotations

import json

import pytest

from tests.eforms.support import dfo, edited

pytestmark = pytest.mark.xdist_group("eforms")
E3 = "national-e/VALID-national-e3-minimum.xml"


@pytest.fixture
def notice(tmp_path):
    def write(data: bytes, name: str = "notice.xml"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def test_a_valid_notice_exits_0_with_a_summary_in_bokmal(runner, notice):
    result = runner.invoke(args=["notice", "validate", notice(dfo(E3)), "--today", "2026-01-10"])
    assert result.exit_code == 0, result.output
    assert "notice.xml: gyldig eForms-kunngjøring, undertype E3." in result.stdout
    assert "DFØs regler for nasjonale kunngjøringer under EØS-terskelverdiene" in result.stdout


def test_an_invalid_notice_exits_1_and_json_has_the_issue_contract(runner, notice):
    broken = edited(dfo(E3), "/*/cac:ContractingParty/cac:ContractingPartyType", remove=True)
    result = runner.invoke(args=["notice", "validate", notice(broken), "--json",
                                 "--today", "2026-01-10", "--lang", "en"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["valid", "subtype", "errors", "warnings"]
    assert data["valid"] is False and data["subtype"] == "E3" and data["warnings"] == []
    (error,) = data["errors"]
    assert list(error) == ["rule", "severity", "message", "location", "field"]
    assert error["rule"] == "EFORMS-NOR-NATIONAL-LT-R001B"
    assert error["severity"] == "ERROR" and error["location"] == "/cn:ContractNotice"
    assert error["message"].startswith("DFØ's Norwegian rule: The buyer legal type is required")


def test_the_summary_names_rule_field_and_place_in_english(runner, notice):
    late = runner.invoke(args=["notice", "validate", notice(dfo(E3)), "--today", "2026-02-01",
                               "--lang", "en"])
    assert late.exit_code == 1
    assert "notice.xml: not valid, subtype E3." in late.stdout
    assert "Errors (1)" in late.stdout
    assert "EFORMS-NOR-NATIONAL-DV-R001B BT-05(a)-notice: DFØ's Norwegian rule: Notice " \
           "Dispatch Date must be between -1 and +2 days from the current date." in late.stdout
    assert "/cn:ContractNotice/cbc:IssueDate" in late.stdout


@pytest.mark.parametrize("data, message", [
    (b"<not xml", "Feil: Filen er ikke gyldig XML"),
    (b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>",
     "Feil: Filen er ikke en eForms-kunngjøring"),
])
def test_what_is_no_notice_exits_2(runner, notice, data, message):
    result = runner.invoke(args=["notice", "validate", notice(data)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_missing_file_or_a_bad_date_exits_2(runner, notice, tmp_path):
    missing = runner.invoke(args=["notice", "validate", str(tmp_path / "gone.xml"),
                                  "--lang", "en"])
    assert missing.exit_code == 2
    assert "gone.xml cannot be read: No such file or directory" in missing.stderr
    bad_date = runner.invoke(args=["notice", "validate", notice(dfo(E3)), "--today", "10.1.2026"])
    assert bad_date.exit_code == 2
    assert "--today 10.1.2026 er ikke en dato (ÅÅÅÅ-MM-DD)." in bad_date.stderr
    bad_lang = runner.invoke(args=["notice", "validate", notice(dfo(E3)), "--lang", "de"])
    assert bad_lang.exit_code == 2
