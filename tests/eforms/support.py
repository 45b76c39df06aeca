"""eForms test material: the SDK's example notices with their official reports' failed asserts,
and DFØ's test notices with the placeholders DFØ's build fills in."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

from lxml import etree

from procure.eforms import validate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eforms"
EXAMPLES = FIXTURES / "sdk-examples"
DFO = FIXTURES / "dfo-tests"
TODAY = date(2026, 1, 10)
PLACEHOLDERS = {"${ISSUEDATE}": "2026-01-10+01:00", "${ISSUETIME}": "10:00:00+01:00",
                "${EFORMS_MINOR}": "1.14"}


@cache
def expected_reports() -> dict[str, list[dict[str, str]]]:
    """Example name -> the failed asserts of its official SVRL report (id, role, location)."""
    found: dict[str, list[dict[str, str]]] = json.loads((EXAMPLES / "expected.json").read_text())
    return found


def example(name: str) -> bytes:
    return (EXAMPLES / f"{name}.xml").read_bytes()


def subtype_of(data: bytes) -> str:
    found = re.search(rb"<cbc:SubTypeCode[^>]*>\s*([^<\s]*)", data)
    return found.group(1).decode() if found else ""


def dfo(path: str) -> bytes:
    """A DFØ test notice with its placeholders filled (DFØ's build does the same)."""
    text = (DFO / path).read_text(encoding="utf-8")
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text.encode("utf-8")


def edited(data: bytes, xpath: str, *, text: str | None = None, remove: bool = False) -> bytes:
    """The notice with the first node at XPath changed or removed."""
    namespaces = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
                  "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
                  "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
                  "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
                  "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
                  "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1"}
    root = etree.fromstring(data)
    node = root.xpath(xpath, namespaces=namespaces)[0]
    if remove:
        node.getparent().remove(node)
    else:
        node.text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def compare_with_report(name: str) -> None:
    data = example(name)
    report = validate(data, today=TODAY)
    found = [f for f in report.errors + report.warnings if f.rule != "XSD"]
    expected = expected_reports()[name]
    assert Counter(f.rule for f in found) == Counter(e["id"] for e in expected), name
    assert sorted((f.rule, f.location) for f in found) == sorted(
        (e["id"], e["location"]) for e in expected), name
    roles = {e["id"]: e["role"] for e in expected}
    for finding in found:
        assert finding.severity == ("WARN" if roles[finding.rule] == "WARN" else "ERROR")
    assert report.subtype == subtype_of(data)
    assert report.kind == "sdk"
