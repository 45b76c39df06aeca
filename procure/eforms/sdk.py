"""The eForms files procure ships (procure/data/eforms, see SOURCES there) and what a notice
declares about itself: its subtype and which of DFØ's rule sets it asks to be checked against.

DFØ's validator picks its rules by the notice's `CustomizationID` (BT-OPT-002), and so do we:

- `…#extended#urn:fdc:anskaffelser.no:2026:eforms:national-e`: the national subtypes below the
  EEA thresholds (E2, E3, E4), DFØ's "national-e" kind;
- `…#extended#urn:fdc:anskaffelser.no:2023:eforms:national`: the older national subtypes
  (N4, N16, N29), the "national" kind;
- `…#extended#urn:fdc:anskaffelser.no:2023:eforms:eu`: EU subtypes sent through Doffin, "eu";
- anything else: a plain EU notice, checked against the EU SDK only ("sdk").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "eforms"
SDK_DIR = DATA_DIR / "sdk"
NOR_DIR = DATA_DIR / "nor"
STATIC_DIR = SDK_DIR / "schematrons" / "static"

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "can": "urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2",
    "pin": "urn:oasis:names:specification:ubl:schema:xsd:PriorInformationNotice-2",
    "brin": "http://data.europa.eu/p27/eforms-business-registration-information-notice/1",
}
ROOTS = {"ContractNotice": "cn", "ContractAwardNotice": "can", "PriorInformationNotice": "pin",
         "BusinessRegistrationInformationNotice": "brin"}
SCHEMA_FILES = {
    "cn": "UBL-ContractNotice-2.3.xsd",
    "can": "UBL-ContractAwardNotice-2.3.xsd",
    "pin": "UBL-PriorInformationNotice-2.3.xsd",
    "brin": "EFORMS-BusinessRegistrationInformationNotice.xsd",
}
SUBTYPE_PATH = ("ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension/"
                "efac:NoticeSubType/cbc:SubTypeCode")

# DFØ's kinds, by the extension in the CustomizationID (longest first: "national" is a prefix
# of "national-e").
KINDS = (
    ("national-e", "#extended#urn:fdc:anskaffelser.no:2026:eforms:national-e"),
    ("national", "#extended#urn:fdc:anskaffelser.no:2023:eforms:national"),
    ("eu", "#extended#urn:fdc:anskaffelser.no:2023:eforms:eu"),
)
SDK_KIND = "sdk"


@cache
def sdk_version() -> str:
    """The shipped SDK's version, e.g. "1.14.2"."""
    version = str(fields_document()["sdkVersion"])
    return version.removeprefix("eforms-sdk-")


@cache
def fields_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SDK_DIR / "fields" / "fields.json").read_text())
    return document


@cache
def fields_by_id() -> dict[str, dict[str, Any]]:
    """Fields and nodes (xmlStructure) of fields.json by id."""
    document = fields_document()
    found = {node["id"]: node for node in document["xmlStructure"]}
    found.update({field["id"]: field for field in document["fields"]})
    return found


@cache
def field_ids_by_xpath() -> dict[str, str]:
    """A field's absolute XPath -> its id, for the XPaths that name exactly one field."""
    seen: dict[str, list[str]] = {}
    for field in fields_document()["fields"]:
        seen.setdefault(field["xpathAbsolute"], []).append(field["id"])
    return {xpath: ids[0] for xpath, ids in seen.items() if len(ids) == 1}


@cache
def field_names_nb() -> dict[str, str]:
    names: dict[str, str] = json.loads((NOR_DIR / "field-names-nb.json").read_text())
    return names


def field_name(field_id: str, lang: str) -> str:
    """A field's name in bokmål (DFØ's translation) or English (the SDK's)."""
    if lang == "nb":
        found = field_names_nb().get(field_id)
        if found:
            return found
    field = fields_by_id().get(field_id) or {}
    return str(field.get("name") or field_id)


def elements(node: etree._Element, path: str) -> list[etree._Element]:
    """The elements an XPath (with the eForms prefixes) selects."""
    found = node.xpath(path, namespaces=NS)
    return [item for item in found if isinstance(item, etree._Element)] \
        if isinstance(found, list) else []


@dataclass(frozen=True)
class Declared:
    """What a notice says about itself: root document, subtype and DFØ kind."""

    document: str  # cn, can or pin
    subtype: str  # as written: "16", "E3", "N29"
    kind: str  # national-e, national, eu or sdk
    customization: str


def declared(root: etree._Element) -> Declared | None:
    """The notice's document type, subtype and kind; None when it is no eForms notice."""
    if not isinstance(root.tag, str):
        return None
    qname = etree.QName(root)
    document = ROOTS.get(qname.localname)
    if document is None or qname.namespace != NS[document]:
        return None
    codes = elements(root, SUBTYPE_PATH)
    subtype = " ".join(str(codes[0].text or "").split()) if codes else ""
    found = root.find("cbc:CustomizationID", NS)
    customization = " ".join(str(found.text or "").split()) if found is not None else ""
    kind = next((name for name, suffix in KINDS if customization.endswith(suffix)), SDK_KIND)
    return Declared(document, subtype, kind, customization)


def phase_subtype(kind: str, subtype: str) -> str:
    """The EU SDK phase whose rules check a subtype: DFØ's older national subtypes N4, N16 and
    N29 are the EU's 4, 16 and 29 renamed."""
    if kind == "national" and re.fullmatch(r"N\d{1,2}", subtype):
        return subtype[1:]
    return subtype


@cache
def subtypes() -> tuple[str, ...]:
    """The notice subtypes the SDK has a phase for."""
    root = etree.parse(str(STATIC_DIR / "complete-validation.sch")).getroot()
    phases = root.findall("{http://purl.oclc.org/dsdl/schematron}phase")
    return tuple(str(phase.get("id")).removeprefix("eforms-") for phase in phases)
