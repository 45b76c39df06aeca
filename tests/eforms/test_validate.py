"""Offline validation of eForms notices (issue 21, item 2): the SDK's example notices give the
failed asserts of their official reports, DFØ's test notices the results their names say, and
broken notices the id of the Norwegian rule they break.

Validators are built into the session's cache (tests/conftest.py) and Saxon compiles each once
per test process. `make test` runs a representative set of subtypes (16, 29, E2-E4 and DFØ's
kinds); every example notice of the SDK (51 subtypes) runs under the `bench` marker
(`make bench`), as test_examples_full.py.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from procure.eforms import NoticeUnreadable, sdk, validate
from procure.eforms import compile as build
from procure.eforms.validation import cache_dir, loaded_validator, parse, run_schematron
from tests.eforms.support import (
    TODAY,
    compare_with_report,
    dfo,
    edited,
    example,
    expected_reports,
    subtype_of,
)

pytestmark = pytest.mark.xdist_group("eforms")
# Examples of subtypes 16 and 29: valid ones, ones with a warning, and the SDK's invalid ones.
REPRESENTATIVE = ["cn_24_minimal", "cn_24_maximal", "cn_24_open", "INVALID_cn_24_empty",
                  "INVALID_cn_24_stage-1", "INVALID_cn_24_stage-2", "INVALID_cn_24_multiple",
                  "can_24_minimal", "can_24_maximal", "can_24_LSBU",
                  "INVALID_can_24_stage-1", "INVALID_can_24_stage-2"]


@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_sdk_examples_fail_the_asserts_of_their_official_reports(name):
    compare_with_report(name)


def test_the_examples_cover_every_subtype_and_the_fixtures_are_complete():
    subtypes = {subtype_of(example(name)) for name in expected_reports()}
    assert subtypes == set(sdk.subtypes())
    assert len(expected_reports()) == 91
    assert {subtype_of(example(name)) for name in REPRESENTATIVE} == {"16", "29"}


# --- DFØ's test notices ------------------------------------------------------------------------

# DFØ's national-e notices say VALID or INVALID in their names; the rule each INVALID one breaks.
NATIONAL_E = {
    "INVALID-national-e2-nor-not-a-selected-language": {"EFORMS-NOR-NATIONAL-LG-R001B"},
    "INVALID-national-e2-two-parts-different-start-and-end-dates":
        {"EFORMS-NOR-NATIONAL-DV-R003A", "EFORMS-NOR-NATIONAL-DV-R003B"},
    "INVALID-national-e2-with-deviant-sum-of-parts-value": {"EFORMS-NOR-NATIONAL-VA-R001B"},
    "INVALID-national-e2-with-estimated-part-value-and-not-estimated-notice-value":
        {"EFORMS-NOR-NATIONAL-VA-R001B"},
    "INVALID-national-e2-with-wrong-part-currency": {"EFORMS-NOR-NATIONAL-CR-R002B"},
    "INVALID-national-e2-with-wrong-procedure-currency": {"EFORMS-NOR-NATIONAL-CR-R001B"},
    "INVALID-national-e2-wrong-legal-basis-id-description": {"EFORMS-NOR-NATIONAL-LB-R012B"},
    "INVALID-national-e2-wrong-legal-basis-noid-description": {"EFORMS-NOR-NATIONAL-LB-R005B"},
    "INVALID-national-e3-foa-part-2-with-award-criteria-but-no-climate-considerations":
        {"EFORMS-NOR-NATIONAL-EC-R001C", "EFORMS-NOR-NATIONAL-EC-R001D"},
    "INVALID-national-e3-foa-part-2-with-climate-considerations-but-no-strategic-procurement":
        {"EFORMS-NOR-NATIONAL-SP-R004"},
    "INVALID-national-e3-health-social-services-foa-parts-1-and-2-disallowed":
        {"EFORMS-NOR-NATIONAL-TH-R008I"},
    "INVALID-national-e3-r001c-no-env-code":
        {"EFORMS-NOR-NATIONAL-EC-R001C", "EFORMS-NOR-NATIONAL-EC-R001D"},
    "INVALID-national-e3-with-disallowed-buyer-legal-type-code":
        {"EFORMS-NOR-NATIONAL-LT-R002B"},
    "INVALID-national-e3-with-two-award-criteria-and-no-climate-considerations":
        {"EFORMS-NOR-NATIONAL-EC-R001C", "EFORMS-NOR-NATIONAL-EC-R001D"},
    "INVALID-national-e3-without-buyer-legal-type": {"EFORMS-NOR-NATIONAL-LT-R001B"},
    "VALID-national-e2-minimum": set(),
    "VALID-national-e3-minimum": set(),
    "VALID-national-e3-nor-env": set(),
    "VALID-national-e4-minimum": set(),
}


@pytest.mark.parametrize("name", sorted(NATIONAL_E))
def test_dfo_national_e_notices_give_what_their_names_say(name):
    report = validate(dfo(f"national-e/{name}.xml"), today=TODAY)
    assert report.kind == "national-e"
    assert {f.rule for f in report.errors} == NATIONAL_E[name]
    assert report.valid == name.startswith("VALID")


def test_dfo_multi_buyer_notice_breaks_only_the_eu_group_leader_rule():
    """DFØ added this notice with a fix of its buyer-legal-type rule (LT-R001B, checked per
    buyer). It passes every Norwegian rule, but names two buyers without saying which leads
    the group: the EU's own rule for E3 (BR-OPP-00050-0026) fails, in DFØ's build too (its
    cleanup keeps the E3 rules)."""
    report = validate(dfo("national-e/VALID-national-e3-multi-buyer-0e9f.xml"), today=TODAY)
    assert [f.rule for f in report.errors] == ["BR-OPP-00050-0026"] * 2
    assert {f.field for f in report.errors} == {"OPP-050-Organization"}


# DFØ's older test notices for EU notices and the older national kind carry no expected result
# in their names; made for earlier SDKs, some now fail rules SDK 1.14 added (the statistics of
# tenders received must be complete, BR-BT-13713-*), none a Norwegian rule.
DFO_TESTS = {
    "eu/test/cn_24.xml": ("eu", set(), {"EFORMS-NOR-R903"}),
    "eu/test/cn-standard-nor-env.xml": ("eu", set(), {"EFORMS-NOR-R903"}),
    "national/test/cn_24_national.xml": ("national", set(), set()),
}


@pytest.mark.parametrize("path", sorted(DFO_TESTS))
def test_dfo_eu_and_national_test_notices(path):
    kind, errors, warnings = DFO_TESTS[path]
    report = validate(dfo(path), today=TODAY)
    assert report.kind == kind
    assert {f.rule for f in report.errors} == errors
    assert {f.rule for f in report.warnings} == warnings


def _unit_results(path: str, kind: str) -> list[tuple[str, str, set[str], set[str]]]:
    """(description, expected, errors, warnings) for each test of a DFØ unit test set."""
    from lxml import etree

    ns = {"v": "http://difi.no/xsd/vefa/validator/1.0"}
    root = etree.fromstring(dfo(path))
    scope = {s.text for s in root.findall("v:assert/v:scope", ns)}
    validator = loaded_validator(kind, "16", directory=cache_dir())
    results = []
    for test in root.findall("v:test", ns):
        document = next(child for child in test if etree.QName(child).localname != "assert")
        found = run_schematron(validator, parse(etree.tostring(document)).getroot(), TODAY)
        expected = test.find("v:assert", ns)
        wanted = next(child for child in expected if etree.QName(child).localname
                      in ("error", "warning", "success"))
        results.append((expected.findtext("v:description", namespaces=ns),
                        f"{etree.QName(wanted).localname}:{wanted.text}",
                        {f.rule for f in found if f.severity == "ERROR"} & scope,
                        {f.rule for f in found if f.severity == "WARN"} & scope))
    return results


@pytest.mark.parametrize("path, kind", [("eu/unit/EFORMS-NOR-R006.xml", "eu"),
                                        ("eu/unit/EFORMS-NOR-R008.xml", "eu"),
                                        ("national/unit/EFORMS-NOR-R004.xml", "national")])
def test_dfo_unit_tests(path, kind):
    for description, expected, errors, warnings in _unit_results(path, kind):
        outcome, rule = expected.split(":")
        if outcome == "error":
            assert rule in errors, description
        elif outcome == "warning":
            assert rule in warnings and rule not in errors, description
        else:
            assert rule not in errors | warnings, description


def test_dfo_unit_test_of_a_rule_the_sdk_no_longer_has():
    """DFØ's unit test for BR-BT-00024-0210 (a warning on "sale" in a description) is older than
    SDK 1.14.2, which has no such rule: no notice can fail it."""
    sources = (sdk.STATIC_DIR).glob("*.sch")
    assert not any("BR-BT-00024-0210" in path.read_text() for path in sources)
    assert b"BR-BT-00024-0210" in dfo("eu/unit/BR-BT-00024-0210.xml")


# --- Norwegian rules, broken one at a time ------------------------------------------------------

E3 = "national-e/VALID-national-e3-minimum.xml"
BROKEN = {
    "EFORMS-NOR-NATIONAL-LT-R001B": dict(
        xpath="/*/cac:ContractingParty/cac:ContractingPartyType", remove=True),
    "EFORMS-NOR-NATIONAL-LB-R010A": dict(
        xpath="/*/cac:TenderingTerms/cac:ProcurementLegislationDocumentReference/cbc:ID",
        text="https://lovdata.no/eli/forskrift/2016/8/12/999"),
    "EFORMS-NOR-NATIONAL-LG-R001B": dict(xpath="/*/cbc:NoticeLanguageCode", text="ENG"),
    "EFORMS-NOR-NATIONAL-DV-R001B": dict(xpath="/*/cbc:IssueDate", text="2025-12-01+01:00"),
    "EFORMS-NOR-NATIONAL-CI-R001A": dict(
        xpath="/*/cbc:CustomizationID",
        text="eforms-sdk-1#extended#urn:fdc:anskaffelser.no:2026:eforms:national-e"),
}


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_a_broken_notice_fails_the_norwegian_rule_it_breaks(rule):
    report = validate(edited(dfo(E3), **BROKEN[rule]), today=TODAY)
    assert not report.valid
    assert rule in {f.rule for f in report.errors}


def test_the_dispatch_date_rule_compares_with_today():
    notice = dfo(E3)
    assert validate(notice, today=TODAY + timedelta(days=2)).valid
    late = validate(notice, today=TODAY + timedelta(days=3))
    assert [f.rule for f in late.errors] == ["EFORMS-NOR-NATIONAL-DV-R001B"]
    assert late.errors[0].field == "BT-05(a)-notice"
    assert late.errors[0].location == "/cn:ContractNotice/cbc:IssueDate"


def test_findings_name_the_rule_field_and_place_in_both_languages():
    report = validate(edited(dfo(E3), **BROKEN["EFORMS-NOR-NATIONAL-LT-R001B"]), today=TODAY)
    (finding,) = report.errors
    data = report.to_dict("en")
    assert set(data) == {"valid", "subtype", "errors", "warnings"}
    assert data["valid"] is False and data["subtype"] == "E3" and data["warnings"] == []
    assert data["errors"] == [{
        "rule": "EFORMS-NOR-NATIONAL-LT-R001B", "severity": "ERROR",
        "message": "DFØ's Norwegian rule: The buyer legal type is required as it plays a part "
                   "in determining the EU/EEA threshold values for competition notices, per "
                   "the Norwegian Public Procurement Regulations.",
        "location": "/cn:ContractNotice", "field": None}]
    assert finding.message("nb").startswith("DFØs norske regel")
    # An EU rule's message is made from the field's name, in bokmål from DFØ's translations.
    empty = validate(example("INVALID_cn_24_empty"), today=TODAY)
    mandatory = next(f for f in empty.errors if f.rule == "BR-BT-00005-0022")
    assert mandatory.field == "BT-05(a)-notice"
    assert mandatory.message("en") == ("«Notice Dispatch Date» (BT-05(a)-notice) must be "
                                       "filled in here.")
    assert "(BT-05(a)-notice) må fylles ut her" in mandatory.message("nb")


def test_dfo_kinds_admit_the_norwegian_award_criterion_codes_and_skip_attribute_rules():
    """DFØ's patch admits quality-nor-env-* (BR-BT-00539-0104); its validator never fires rules
    on attributes, the SDK's does (P-0005 checks a lot's schemeName)."""
    notice = dfo("eu/test/cn-standard-nor-env.xml")
    assert b"quality-nor-env" in notice
    assert validate(notice, today=TODAY).valid
    plain = edited(notice, "/*/cbc:CustomizationID", text="eforms-sdk-1.14")
    assert "BR-BT-00539-0104" in {f.rule for f in validate(plain, today=TODAY).errors}
    odd_scheme = edited(dfo("eu/test/cn_24.xml"), "/*/cac:ProcurementProjectLot/cbc:ID",
                        text="LOT-0001")
    from lxml import etree

    root = etree.fromstring(odd_scheme)
    root.find("{*}ProcurementProjectLot/{*}ID").set("schemeName", "Batch")
    norwegian = etree.tostring(root)
    assert "P-0005" not in {f.rule for f in validate(norwegian, today=TODAY).errors}
    customization = root.find("{*}CustomizationID")
    customization.text = "eforms-sdk-1.14"
    assert "P-0005" in {f.rule for f in validate(etree.tostring(root), today=TODAY).errors}


# --- what is no notice, and the cache -----------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"not xml", b"<a/>", b"<?xml version='1.0'?><x:Y "
                                  b"xmlns:x='urn:oasis:names:specification:ubl:schema:xsd:"
                                  b"Invoice-2'/>"])
def test_what_is_no_notice_is_refused(data):
    with pytest.raises(NoticeUnreadable):
        validate(data, today=TODAY)


def test_entities_are_not_expanded():
    data = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<r>&e;</r>')
    with pytest.raises(NoticeUnreadable):
        validate(data, today=TODAY)


def test_validators_are_cached_on_disk_by_sdk_version_and_subtype(tmp_path):
    xslt, table = build.cached_validator(tmp_path, "national-e", "E3")
    folder = tmp_path / build.build_key()
    assert folder.name.startswith(f"sdk-{sdk.sdk_version()}-")
    cached = folder / "national-e-E3.xsl"
    assert cached.read_text() == xslt
    assert json.loads((folder / "national-e-E3.json").read_text()) == table
    stamp = cached.stat().st_mtime_ns
    assert build.cached_validator(tmp_path, "national-e", "E3") == (xslt, table)
    assert cached.stat().st_mtime_ns == stamp  # read, not built again
    rules = {entry["id"] for entry in table}
    assert {"EFORMS-NOR-NATIONAL-DV-R001B", "BR-BT-00539-0104"} <= rules
    assert "BR-BT-00702-0102" not in rules  # taken out by DFØ's cleanup
