"""Offline validation of an eForms notice: XSD (lxml), the EU Schematron for the notice's
subtype, DFØ's Norwegian rules (procure.eforms.compile), run as XSLT 3.0 by SaxonC-HE.

`validate(xml_bytes, today=...)` returns a `ValidationReport`; a file that is no eForms notice
raises `NoticeUnreadable`. Validators are built once per SDK version, DFØ kind and subtype and
kept on disk (the cache directory, `EFORMS_CACHE_DIR`); Saxon compiles a cached XSLT once per
process (a few seconds), after which a notice takes milliseconds.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from procure import clock
from procure.eforms import compile as build
from procure.eforms import sdk
from procure.errors import N_, UserError
from procure.vocabulary import translate_to

ERROR, WARNING = "ERROR", "WARN"
XSD_RULE = "XSD"
MAX_LOADED = 8  # compiled validators kept in memory (each holds 100-200 MB in Saxon)

MESSAGES = {
    "mandatory": N_("«%(name)s» (%(field)s) must be filled in here."),
    "forbidden": N_("«%(name)s» (%(field)s) must not be filled in here."),
    "codelist": N_("«%(name)s» (%(field)s) has a code that is not in its code list."),
    "format": N_("«%(name)s» (%(field)s) is not in the required format."),
    "length": N_("«%(name)s» (%(field)s) is longer than %(limit)d characters."),
    "whitespace": N_("«%(name)s» (%(field)s) begins or ends with blank space."),
    "rule": N_("«%(name)s» (%(field)s) breaks this rule."),
}
NO_FIELD = N_("The notice breaks this rule.")
DFO_MESSAGE = N_("DFØ's Norwegian rule: %(text)s")
XSD_MESSAGE = N_("The XML does not follow the eForms schema: %(text)s")
Progress = Callable[..., None]


class NoticeUnreadable(UserError):
    """The bytes are no eForms notice that can be checked (not XML, another document)."""


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # ERROR or WARN
    location: str
    field: str | None
    kind: str  # how the message is put: see MESSAGES, "dfo" or "xsd"
    text: str = ""  # DFØ's message, or the schema validator's
    limit: int | None = None

    def message(self, lang: str = "en") -> str:
        if self.kind == "dfo":
            return translate_to(lang, DFO_MESSAGE, text=self.text)
        if self.kind == "xsd":
            return translate_to(lang, XSD_MESSAGE, text=self.text)
        if not self.field:
            return translate_to(lang, NO_FIELD)
        params: dict[str, object] = {"name": sdk.field_name(self.field, lang), "field": self.field}
        if self.kind == "length":
            params["limit"] = self.limit or 0
        return translate_to(lang, MESSAGES.get(self.kind, MESSAGES["rule"]), **params)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message(lang),
                "location": self.location, "field": self.field}


@dataclass
class ValidationReport:
    subtype: str
    kind: str  # national-e, national, eu or sdk: which rules were applied (see sdk.KINDS)
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"valid": self.valid, "subtype": self.subtype,
                "errors": [finding.to_dict(lang) for finding in self.errors],
                "warnings": [finding.to_dict(lang) for finding in self.warnings]}


# --- where validators are cached --------------------------------------------------------------

_settings: dict[str, Path] = {}


def set_cache_dir(path: str | Path) -> None:
    """Where built validators are kept (the app sets its EFORMS_CACHE_DIR at start)."""
    _settings["cache_dir"] = Path(path)


def cache_dir() -> Path:
    if "cache_dir" in _settings:
        return _settings["cache_dir"]
    configured = os.environ.get("PROCURE_EFORMS_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / "procure-eforms-cache"


# --- Saxon ------------------------------------------------------------------------------------


@dataclass
class _Loaded:
    executable: Any  # saxonche.PyXsltExecutable
    table: list[dict[str, Any]]
    lock: threading.Lock = field(default_factory=threading.Lock)


_loaded: OrderedDict[tuple[str, str, str], _Loaded] = OrderedDict()
_loading = threading.Lock()


@cache
def _processor() -> Any:
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


def loaded_validator(kind: str, subtype: str, *, directory: Path | None = None,
                     progress: Progress | None = None) -> _Loaded:
    """The compiled validator for a kind and subtype, built (and cached) when missing."""
    phase = subtype if subtype in sdk.subtypes() else build.SHARED
    folder = directory or cache_dir()
    key = (str(folder), kind, phase)
    with _loading:
        found = _loaded.get(key)
        if found is not None:
            _loaded.move_to_end(key)
            return found
        if progress is not None and not _is_cached(folder, kind, phase):
            progress(N_("Building the eForms validator for subtype %(subtype)s (%(kind)s, "
                        "SDK %(version)s); this is done once."),
                     subtype=phase, kind=kind, version=sdk.sdk_version())
        xslt, table = build.cached_validator(folder, kind, phase)
        if progress is not None:
            progress(N_("Compiling the validator for subtype %(subtype)s."), subtype=phase)
        compiler = _processor().new_xslt30_processor()
        executable = compiler.compile_stylesheet(stylesheet_text=xslt)
        found = _Loaded(executable, table)
        _loaded[key] = found
        while len(_loaded) > MAX_LOADED:
            _loaded.popitem(last=False)
        return found


def _is_cached(folder: Path, kind: str, phase: str) -> bool:
    return (folder / build.build_key() / f"{kind}-{phase}.xsl").is_file()


def forget_loaded() -> None:
    """Drop the compiled validators held in memory (the disk cache stays)."""
    with _loading:
        _loaded.clear()


def run_schematron(validator: _Loaded, root: etree._Element, today: date) -> list[Finding]:
    processor = _processor()
    document = processor.parse_xml(xml_text=etree.tostring(root, encoding="unicode"))
    with validator.lock:
        executable = validator.executable
        executable.set_parameter("today-text", processor.make_string_value(_oslo_date(today)))
        executable.set_global_context_item(xdm_item=document)
        output = executable.apply_templates_returning_string(xdm_value=document) or ""
    findings = []
    for line in output.splitlines():
        number, _, location = line.partition("\t")
        entry = validator.table[int(number)]
        role = str(entry["role"]).upper()
        findings.append(Finding(
            rule=entry["id"], severity=WARNING if role.startswith("WARN") else ERROR,
            location=location, field=entry["field"] or _field_at(location) or None,
            kind=entry["kind"], text=entry["message"], limit=entry["limit"]))
    return findings


def _oslo_date(day: date) -> str:
    """The day as an xs:date in Norwegian time ("2026-01-10+01:00"), as `current-date()` is
    where DFØ validates: rules subtract dates, and a date's timezone counts."""
    offset = datetime.combine(day, time(12), clock.OSLO).strftime("%z")
    return f"{day.isoformat()}{offset[:3]}:{offset[3:]}"


@cache
def _fields_by_plain_path() -> dict[str, str]:
    seen: dict[str, set[str]] = {}
    for item in sdk.fields_document()["fields"]:
        plain = re.sub(r"\[[^\[\]]*(\[[^\[\]]*\][^\[\]]*)*\]", "", item["xpathAbsolute"])
        seen.setdefault(plain, set()).add(item["id"])
    return {path: next(iter(ids)) for path, ids in seen.items() if len(ids) == 1}


def _field_at(location: str) -> str:
    """The field whose XPath (predicates aside) is the location, when exactly one is."""
    plain = re.sub(r"\[\d+\]", "", location)
    plain = re.sub(r"^/[a-z]+:[A-Za-z]+", "/*", plain)
    return _fields_by_plain_path().get(plain, "")


# --- XSD --------------------------------------------------------------------------------------


@cache
def _schema(document: str) -> etree.XMLSchema:
    path = sdk.SDK_DIR / "schemas" / "maindoc" / sdk.SCHEMA_FILES[document]
    return etree.XMLSchema(etree.parse(str(path)))


def _xsd_findings(document: str, tree: etree._ElementTree) -> list[Finding]:
    schema = _schema(document)
    if schema.validate(tree):
        return []
    return [Finding(rule=XSD_RULE, severity=ERROR, location=f"line {error.line}",
                    field=None, kind="xsd", text=error.message)
            for error in list(schema.error_log)]  # type: ignore[call-overload]


# --- the whole check --------------------------------------------------------------------------


def parse(xml: bytes) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_comments=False, huge_tree=False)
    try:
        tree = etree.ElementTree(etree.fromstring(xml, parser))
    except etree.XMLSyntaxError as error:
        raise NoticeUnreadable(N_("The file is not well-formed XML: %(reason)s"),
                               reason=str(error)) from None
    return tree


def validate(xml: bytes, *, today: date, cache_dir: Path | None = None,
             progress: Progress | None = None) -> ValidationReport:
    """Check a notice against the XSD, the EU Schematron for its subtype and, when it declares
    a Norwegian kind, DFØ's cleanup, patch and rules. `today` is what DFØ's dispatch-date rule
    and the SDK's date arithmetic compare with."""
    tree = parse(xml)
    declared = sdk.declared(tree.getroot())
    if declared is None:
        raise NoticeUnreadable(N_("The file is not an eForms notice (a ContractNotice, "
                                  "ContractAwardNotice, PriorInformationNotice or "
                                  "BusinessRegistrationInformationNotice)."))
    findings = _xsd_findings(declared.document, tree)
    phase = sdk.phase_subtype(declared.kind, declared.subtype)
    validator = loaded_validator(declared.kind, phase, directory=cache_dir, progress=progress)
    findings.extend(run_schematron(validator, tree.getroot(), today))
    return ValidationReport(
        subtype=declared.subtype, kind=declared.kind,
        errors=[f for f in findings if f.severity == ERROR],
        warnings=[f for f in findings if f.severity == WARNING])
