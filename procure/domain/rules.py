"""Procurement rule sets are data: TOML files with a validity period, loaded and checked here."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from procure.domain.requirements import KINDS as REQUIREMENT_KINDS
from procure.domain.sources import Source
from procure.domain.toml_lines import TomlLines

DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

CONFIDENCE_LEVELS = ("H", "M", "L")
BUYER_TYPES = ("municipality", "state")
CONTRACT_TYPES = ("goods", "services", "works", "health-social", "special-services")
# part-4: the special rules for health and social services above the EEA threshold (FOA del IV).
REGIMES = ("outside", "part-1", "part-2", "part-3", "part-4")
LANGUAGES = ("nb", "en")
NOTICE_CHANNELS = ("doffin", "ted")
PROCEDURE_IDS = (
    "direct-award",
    "simplified-competition",
    "open-tender-competition",
    "restricted-tender-competition",
    "open-procedure",
    "restricted-procedure",
    "competitive-negotiation",
    "competitive-dialogue",
    "innovation-partnership",
)
OBLIGATION_IDS = (
    "protocol",
    "climate-environment",
    "doffin-notice",
    "ted-notice",
    "espd",
    "standstill",
    "apprentices",
    "pay-and-conditions",
    "minimum-deadlines",
    "award-letter",
    "award-notice",
    "norway-model",
)
# Conditions a procedure may require or be recommended for (see the rule files' comments).
PROCEDURE_CONDITIONS = ("innovation-new", "innovation-any", "rnd", "market-unknown")
CLIMATE_BASES = ("criteria", "spec", "combination")
CLIMATE_EXEMPTIONS = ("insignificant", "critical-interest", "national-minimum")

Path_ = tuple[str | int, ...]
Table = Mapping[str, Any]


class RuleError(ValueError):
    """Invalid rule data; every message reads `file:line: message`."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = tuple(messages)
        super().__init__("\n".join(self.messages))


class NoRuleSetError(LookupError):
    """No rule set is valid on the requested date."""


@dataclass(frozen=True)
class Threshold:
    id: str
    label: str
    value: Decimal
    legal_ref: str
    confidence: str
    sources: tuple[str, ...] = ()
    note: str = ""
    label_en: str = ""
    note_en: str = ""
    legal_ref_en: str = ""

    def text(self, lang: str) -> tuple[str, str]:
        """(label, note) in the language asked for."""
        return (self.label_en, self.note_en) if lang == "en" else (self.label, self.note)


@dataclass(frozen=True)
class BandStep:
    """From `threshold` (inclusive) upwards, `regime` applies until the next step."""

    threshold: str
    regime: str
    confidence: str
    notice: tuple[str, ...] | None = None
    default: str | None = None
    note: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class ProcedureRule:
    id: str
    label: str
    legal_ref: str
    conditions: tuple[str, ...]
    confidence: str
    requires: tuple[str, ...] = ()
    recommend_when: tuple[str, ...] = ()
    only_without_notice_duty: bool = False
    part_3_rules: bool = False
    notice: tuple[str, ...] = ()
    deadline: str = ""
    request_days: int | None = None
    tender_days: int | None = None
    min_negotiation: int | None = None
    sources: tuple[str, ...] = ()
    label_en: str = ""
    conditions_en: tuple[str, ...] = ()
    deadline_en: str = ""
    legal_ref_en: str = ""


@dataclass(frozen=True)
class Regime:
    id: str
    label: str
    legal_ref: str
    notice: tuple[str, ...]
    default: str
    confidence: str
    procedures: tuple[ProcedureRule, ...]
    note: str = ""
    sources: tuple[str, ...] = ()
    label_en: str = ""
    note_en: str = ""
    legal_ref_en: str = ""

    def procedure(self, procedure_id: str) -> ProcedureRule | None:
        """The regime's entry for a procedure, or None if the regime does not offer it."""
        return next((p for p in self.procedures if p.id == procedure_id), None)


@dataclass(frozen=True)
class ObligationRule:
    key: str
    id: str
    applies_to: tuple[str, ...]
    legal_ref: str
    text: str
    confidence: str
    valid_from: date | None = None
    valid_to: date | None = None
    requires_notice: tuple[str, ...] = ()
    contract_types: tuple[str, ...] = ()
    thresholds: Mapping[str, str] = field(default_factory=dict)
    legal_ref_by_regime: Mapping[str, str] = field(default_factory=dict)
    text_by_regime: Mapping[str, str] = field(default_factory=dict)
    append_procedure_deadline: bool = False
    sources: tuple[str, ...] = ()
    text_en: str = ""
    text_by_regime_en: Mapping[str, str] = field(default_factory=dict)
    # The regulation's own comparison: "minst" (at or above) or "overstiger" (strictly above).
    threshold_strict: bool = False
    # Applies only to contracts longer than this many months (None: no duration condition).
    longer_than_months: int | None = None
    # Per contract type, CPV code prefixes the duty is limited to (e.g. cleaning services).
    cpv_prefixes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    legal_ref_en: str = ""
    legal_ref_by_regime_en: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ClimateBasis:
    id: str
    label: str
    legal_ref: str
    code: str
    confidence: str
    requires_justification: bool = False
    note: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class ClimateExemption:
    id: str
    label: str
    legal_ref: str
    code: str
    confidence: str
    note: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class ClimateVariant:
    """The FOA § 7-9 wording in force for a rule set: weight floor, bases, exemptions, codes."""

    id: str
    legal_ref: str
    min_weight_percent: Decimal
    confidence: str
    bases: Mapping[str, ClimateBasis]
    exemptions: Mapping[str, ClimateExemption]
    # DFØ's eForms codes exist from this date; before it a basis has no code to report.
    codes_valid_from: date | None = None
    # The kinds of requirement that count for the specification route when marked as
    # climate and environment (procure.domain.requirements.KINDS).
    spec_requirement_kinds: tuple[str, ...] = ("spec-must",)


@dataclass(frozen=True)
class MarketDialogue:
    legal_ref: str
    text: str
    confidence: str
    text_en: str = ""
    legal_ref_en: str = ""


@dataclass(frozen=True)
class FrameworkRule:
    """The longest a framework agreement may run without special grounds, per regime."""

    max_months: int
    applies_to: tuple[str, ...]
    legal_ref: str
    text: str
    text_en: str
    confidence: str
    legal_ref_en: str = ""


@dataclass(frozen=True)
class RuleSet:
    id: str
    title: str
    valid_from: date
    valid_to: date | None
    path: Path
    sources: Mapping[str, Source]
    thresholds: Mapping[str, Threshold]
    bands: Mapping[tuple[str, str], tuple[BandStep, ...]]
    regimes: Mapping[str, Regime]
    market_dialogue: MarketDialogue
    obligations: tuple[ObligationRule, ...]
    climate: ClimateVariant
    framework: FrameworkRule | None = None

    def covers(self, day: date) -> bool:
        """True if the rule set is valid on `day` (both ends inclusive)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class RuleBook:
    """Rule sets ordered by date, without overlaps or gaps."""

    rulesets: tuple[RuleSet, ...]

    def for_date(self, day: date) -> RuleSet:
        """The rule set valid on `day`; raises NoRuleSetError outside all periods."""
        for ruleset in self.rulesets:
            if ruleset.covers(day):
                return ruleset
        first = self.rulesets[0].valid_from if self.rulesets else None
        hint = f" (tidligste regelsett gjelder fra {first.isoformat()})" if first else ""
        raise NoRuleSetError(f"ingen regelsett gjelder for {day.isoformat()}{hint}")


def _line(lines: TomlLines, where: Path_) -> int:
    """Line of the key at `where`, else of the nearest enclosing table (1 for the file start)."""
    if not where:
        return 1
    if isinstance(where[-1], int):  # an element of an array: the array's own line
        return lines.table(where)
    return lines.key(where[:-1], where[-1])


# --- reading and checking one file -------------------------------------------------------------


class _Reader:
    """Typed access to parsed TOML that records `file:line: message` errors instead of raising."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.lines = path, TomlLines(text)
        self.errors: list[str] = []
        self._failed: list[Path_] = []

    def fail(self, where: Path_, message: str) -> None:
        # One error per spot: nothing more below a key that is already missing or malformed.
        if any(where[:len(done)] == done for done in self._failed):
            return
        self._failed.append(where)
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where).lstrip(".")
        prefix = f"{dotted}: " if dotted else ""
        self.errors.append(f"{self.path.name}:{_line(self.lines, where)}: {prefix}{message}")

    def keys(self, table: Table, where: Path_, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key in table:
            if key not in allowed:
                self.fail(where + (key,), "unknown key")

    def get(self, table: Table, where: Path_, key: str, kind: type | tuple[type, ...],
            *, required: bool = True, default: Any = None) -> Any:
        if key not in table:
            if required:
                self.fail(where + (key,), "missing required key")
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.fail(where + (key,), f"expected {names}, got {type(value).__name__}")
            return default
        return value

    def string(self, table: Table, where: Path_, key: str, *, required: bool = True) -> str:
        value: str = self.get(table, where, key, str, required=required, default="")
        if required and isinstance(value, str) and not value.strip() and key in table:
            self.fail(where + (key,), "must not be empty")
        return value

    def enum(self, table: Table, where: Path_, key: str, choices: Sequence[str],
             *, required: bool = True) -> str | None:
        value: str | None = self.get(table, where, key, str, required=required)
        if value is not None and value not in choices:
            self.fail(where + (key,), f"must be one of {', '.join(choices)}; got {value!r}")
            return None
        return value

    def enum_list(self, table: Table, where: Path_, key: str, choices: Sequence[str],
                  *, required: bool = False) -> tuple[str, ...]:
        values = self.get(table, where, key, list, required=required, default=[])
        result = []
        for index, value in enumerate(values):
            if not isinstance(value, str) or value not in choices:
                self.fail(
                    where + (key, index), f"must be one of {', '.join(choices)}; got {value!r}")
            else:
                result.append(value)
        return tuple(result)

    def text_list(self, table: Table, where: Path_, key: str,
                  *, required: bool = False) -> tuple[str, ...]:
        values = self.get(table, where, key, list, required=required, default=[])
        if not all(isinstance(v, str) and v.strip() for v in values):
            self.fail(where + (key,), "must be a list of non-empty strings")
            return ()
        return tuple(values)

    def day(self, table: Table, where: Path_, key: str, *, required: bool) -> date | None:
        value = self.get(table, where, key, (date, str), required=required)
        if value is None or (value == "" and not required):
            return None
        if isinstance(value, str) or type(value) is not date:  # datetime is a date subclass
            self.fail(where + (key,), "must be a TOML date (YYYY-MM-DD, unquoted)"
                                      + ("" if required else " or empty"))
            return None
        return value

    def table(self, table: Table, where: Path_, key: str,
              *, required: bool = True) -> dict[str, Any]:
        found: dict[str, Any] = self.get(table, where, key, dict, required=required, default={})
        return found

    def english(self, table: Table, where: Path_, key: str) -> str:
        """The `<key>_en` twin of a bokmål text; required whenever the bokmål text is given."""
        if not table.get(key):
            return self.string(table, where, f"{key}_en", required=False)
        return self.string(table, where, f"{key}_en")

    def english_list(self, table: Table, where: Path_, key: str) -> tuple[str, ...]:
        """The `<key>_en` twin of a list of bokmål texts: same length, one English text each."""
        nb = table.get(key) or []
        en = self.text_list(table, where, f"{key}_en", required=bool(nb))
        if isinstance(nb, list) and en and len(en) != len(nb):
            self.fail(where + (f"{key}_en",), f"needs {len(nb)} English texts, one per {key}")
        return en

    def confidence(self, table: Table, where: Path_) -> str:
        return self.enum(table, where, "confidence", CONFIDENCE_LEVELS) or "L"

    def refs(self, table: Table, where: Path_, known: Mapping[str, Source]) -> tuple[str, ...]:
        refs = self.text_list(table, where, "sources")
        for index, ref in enumerate(refs):
            if ref not in known:
                self.fail(where + ("sources", index), f"unknown source {ref!r}")
        return refs


def load_ruleset(path: Path) -> RuleSet:
    """Parse and validate one rule file; raises RuleError listing every problem found."""
    ruleset, errors = _load(path)
    if errors or ruleset is None:
        raise RuleError(errors)
    return ruleset


def _load(path: Path) -> tuple[RuleSet | None, list[str]]:
    """The rule set as far as it could be read, plus every error found in the file."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        return None, [f"{path.name}:{line.group(1) if line else '1'}: invalid TOML: {exc}"]
    reader = _Reader(path, text)
    ruleset = _read_ruleset(reader, data)
    return ruleset, reader.errors


def _read_ruleset(r: _Reader, data: Table) -> RuleSet:
    r.keys(data, (), ("id", "title", "valid_from", "valid_to", "sources", "thresholds", "bands",
                      "regimes", "market_dialogue", "obligations", "climate", "framework"))
    valid_from = r.day(data, (), "valid_from", required=True) or date.min
    valid_to = r.day(data, (), "valid_to", required=False)
    if valid_to is not None and valid_to < valid_from:
        r.fail(("valid_to",), f"{valid_to} is before valid_from {valid_from}")
    sources = _read_sources(r, data)
    thresholds = _read_thresholds(r, data, sources)
    regimes = _read_regimes(r, data, sources)
    return RuleSet(
        id=r.string(data, (), "id"),
        title=r.string(data, (), "title"),
        valid_from=valid_from,
        valid_to=valid_to,
        path=r.path,
        sources=sources,
        thresholds=thresholds,
        bands=_read_bands(r, data, thresholds, regimes),
        regimes=regimes,
        market_dialogue=_read_market_dialogue(r, data, sources),
        obligations=_read_obligations(r, data, thresholds, sources, valid_from, valid_to),
        climate=_read_climate(r, data, sources),
        framework=_read_framework(r, data, sources),
    )


def _read_sources(r: _Reader, data: Table) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for index, item in enumerate(r.get(data, (), "sources", list, default=[])):
        where: Path_ = ("sources", index)
        if not isinstance(item, dict):
            r.fail(where, "expected a table")
            continue
        r.keys(item, where, ("id", "title", "url"))
        source = Source(r.string(item, where, "id"), r.string(item, where, "title"),
                        r.string(item, where, "url"))
        if source.url and not source.url.startswith(("https://", "http://")):
            r.fail(where + ("url",), "must be an http(s) URL")
        if source.id in sources:
            r.fail(where + ("id",), f"duplicate source id {source.id!r}")
        sources[source.id] = source
    return sources


def _read_thresholds(r: _Reader, data: Table,
                     sources: Mapping[str, Source]) -> dict[str, Threshold]:
    thresholds = {}
    for key, item in r.table(data, (), "thresholds").items():
        where: Path_ = ("thresholds", key)
        if not isinstance(item, dict):
            r.fail(where, "expected a table")
            continue
        r.keys(item, where, ("label", "label_en", "value", "legal_ref", "legal_ref_en",
                             "confidence", "sources", "note", "note_en"))
        value = r.get(item, where, "value", int, default=0)
        if value <= 0:
            r.fail(where + ("value",), "must be a positive whole number of kroner")
        thresholds[key] = Threshold(
            id=key, label=r.string(item, where, "label"), value=Decimal(value),
            legal_ref=r.string(item, where, "legal_ref"), confidence=r.confidence(item, where),
            sources=r.refs(item, where, sources),
            note=r.string(item, where, "note", required=False),
            label_en=r.english(item, where, "label"), note_en=r.english(item, where, "note"),
            legal_ref_en=r.string(item, where, "legal_ref_en", required=False),
        )
    return thresholds


def _read_bands(r: _Reader, data: Table, thresholds: Mapping[str, Threshold],
                regimes: Mapping[str, Regime]) -> dict[tuple[str, str], tuple[BandStep, ...]]:
    bands = {}
    table = r.table(data, (), "bands")
    r.keys(table, ("bands",), BUYER_TYPES)
    for buyer in BUYER_TYPES:
        per_buyer = r.table(table, ("bands",), buyer)
        r.keys(per_buyer, ("bands", buyer), CONTRACT_TYPES)
        for contract in CONTRACT_TYPES:
            steps = r.get(per_buyer, ("bands", buyer), contract, list, default=[])
            bands[(buyer, contract)] = _read_steps(r, ("bands", buyer, contract), steps,
                                                   thresholds, regimes)
    return bands


def _read_steps(r: _Reader, where: Path_, steps: list[Any], thresholds: Mapping[str, Threshold],
                regimes: Mapping[str, Regime]) -> tuple[BandStep, ...]:
    result: list[BandStep] = []
    previous = Decimal(-1)
    for index, item in enumerate(steps):
        at: Path_ = where + (index,)
        if not isinstance(item, dict):
            r.fail(at, "expected a table")
            continue
        r.keys(item, at, ("from", "regime", "notice", "default", "confidence", "note", "note_en"))
        threshold = r.string(item, at, "from")
        if threshold and threshold not in thresholds:
            r.fail(at + ("from",), f"unknown threshold {threshold!r}")
        elif threshold:
            if thresholds[threshold].value <= previous:
                r.fail(at + ("from",), "thresholds must increase from one band to the next")
            previous = thresholds[threshold].value
        regime = r.enum(item, at, "regime", REGIMES[1:]) or "part-1"
        default = r.enum(item, at, "default", PROCEDURE_IDS, required=False)
        if default and regime in regimes and regimes[regime].procedure(default) is None:
            r.fail(at + ("default",), f"{default!r} is not a procedure of {regime}")
        notice = r.enum_list(item, at, "notice", NOTICE_CHANNELS) if "notice" in item else None
        result.append(BandStep(threshold, regime, r.confidence(item, at), notice, default,
                               r.string(item, at, "note", required=False),
                               r.english(item, at, "note")))
    if not result:
        r.fail(where, "needs at least one band")
    return tuple(result)


def _read_regimes(r: _Reader, data: Table,
                  sources: Mapping[str, Source]) -> dict[str, Regime]:
    regimes = {}
    table = r.table(data, (), "regimes")
    r.keys(table, ("regimes",), REGIMES)
    for regime_id in REGIMES:
        item = r.table(table, ("regimes",), regime_id)
        where: Path_ = ("regimes", regime_id)
        r.keys(item, where, ("label", "label_en", "legal_ref", "legal_ref_en", "notice", "default",
                             "confidence", "sources", "note", "note_en", "procedures"))
        procedures = []
        for index, entry in enumerate(r.get(item, where, "procedures", list, default=[])):
            if not isinstance(entry, dict):
                r.fail(where + ("procedures", index), "expected a table")
                continue
            procedures.append(_read_procedure(r, where + ("procedures", index), entry, sources))
            if [p.id for p in procedures].count(procedures[-1].id) > 1:
                r.fail(where + ("procedures", index, "id"), "duplicate procedure in this regime")
        default = r.enum(item, where, "default", PROCEDURE_IDS) or ""
        if default and default not in {p.id for p in procedures}:
            r.fail(where + ("default",), f"{default!r} is not among the regime's procedures")
        regimes[regime_id] = Regime(
            id=regime_id, label=r.string(item, where, "label"),
            legal_ref=r.string(item, where, "legal_ref"),
            notice=r.enum_list(item, where, "notice", NOTICE_CHANNELS, required=True),
            default=default, confidence=r.confidence(item, where), procedures=tuple(procedures),
            note=r.string(item, where, "note", required=False),
            sources=r.refs(item, where, sources),
            label_en=r.english(item, where, "label"), note_en=r.english(item, where, "note"),
            legal_ref_en=r.string(item, where, "legal_ref_en", required=False),
        )
    return regimes


def _read_procedure(r: _Reader, where: Path_, item: Table,
                    sources: Mapping[str, Source]) -> ProcedureRule:
    r.keys(item, where, ("id", "label", "label_en", "legal_ref", "legal_ref_en", "conditions",
                         "conditions_en",
                         "confidence", "requires", "recommend_when", "only_without_notice_duty",
                         "part_3_rules", "notice", "deadline", "deadline_en", "request_days",
                         "tender_days", "min_negotiation", "sources"))
    if item.get("id") == "innovation-partnership":  # the track's pages enforce both
        for key in ("request_days", "min_negotiation"):
            if key not in item:
                r.fail(where, f"innovation-partnership needs {key}")
    return ProcedureRule(
        id=r.enum(item, where, "id", PROCEDURE_IDS) or "",
        label=r.string(item, where, "label"),
        legal_ref=r.string(item, where, "legal_ref"),
        conditions=r.text_list(item, where, "conditions", required=True),
        confidence=r.confidence(item, where),
        requires=r.enum_list(item, where, "requires", PROCEDURE_CONDITIONS),
        recommend_when=r.enum_list(item, where, "recommend_when", PROCEDURE_CONDITIONS),
        only_without_notice_duty=r.get(item, where, "only_without_notice_duty", bool,
                                       required=False, default=False),
        part_3_rules=r.get(item, where, "part_3_rules", bool, required=False, default=False),
        notice=r.enum_list(item, where, "notice", NOTICE_CHANNELS),
        deadline=r.string(item, where, "deadline", required=False),
        request_days=r.get(item, where, "request_days", int, required=False),
        tender_days=r.get(item, where, "tender_days", int, required=False),
        min_negotiation=r.get(item, where, "min_negotiation", int, required=False),
        sources=r.refs(item, where, sources),
        label_en=r.english(item, where, "label"),
        conditions_en=r.english_list(item, where, "conditions"),
        deadline_en=r.english(item, where, "deadline"),
        legal_ref_en=r.string(item, where, "legal_ref_en", required=False),
    )


def _read_market_dialogue(r: _Reader, data: Table,
                          sources: Mapping[str, Source]) -> MarketDialogue:
    item = r.table(data, (), "market_dialogue")
    where: Path_ = ("market_dialogue",)
    r.keys(item, where, ("legal_ref", "legal_ref_en", "text", "text_en", "confidence", "sources"))
    r.refs(item, where, sources)
    return MarketDialogue(r.string(item, where, "legal_ref"), r.string(item, where, "text"),
                          r.confidence(item, where), r.english(item, where, "text"),
                          r.string(item, where, "legal_ref_en", required=False))


def _read_framework(r: _Reader, data: Table,
                    sources: Mapping[str, Source]) -> FrameworkRule | None:
    if "framework" not in data:
        return None
    item = r.table(data, (), "framework")
    where: Path_ = ("framework",)
    r.keys(item, where, ("max_months", "applies_to", "legal_ref", "legal_ref_en", "text",
                         "text_en", "confidence", "sources"))
    r.refs(item, where, sources)
    months = r.get(item, where, "max_months", int, default=0)
    if months <= 0:
        r.fail(where + ("max_months",), "must be a positive number of months")
    return FrameworkRule(months, r.enum_list(item, where, "applies_to", REGIMES, required=True),
                         r.string(item, where, "legal_ref"), r.string(item, where, "text"),
                         r.english(item, where, "text"), r.confidence(item, where),
                         r.string(item, where, "legal_ref_en", required=False))


def _read_obligations(r: _Reader, data: Table, thresholds: Mapping[str, Threshold],
                      sources: Mapping[str, Source], start: date,
                      end: date | None) -> tuple[ObligationRule, ...]:
    result = []
    for key, item in r.table(data, (), "obligations").items():
        where: Path_ = ("obligations", key)
        if not isinstance(item, dict):
            r.fail(where, "expected a table")
            continue
        r.keys(item, where, ("id", "valid_from", "valid_to", "applies_to", "requires_notice",
                             "contract_types", "thresholds", "threshold_strict",
                             "longer_than_months", "cpv_prefixes", "legal_ref", "legal_ref_en",
                             "legal_ref_by_regime", "legal_ref_by_regime_en", "text", "text_en",
                             "text_by_regime",
                             "text_by_regime_en", "append_procedure_deadline", "confidence",
                             "sources"))
        obligation_id = item.get("id", key)
        if obligation_id not in OBLIGATION_IDS:
            r.fail(where + (("id",) if "id" in item else ()),
                   f"id must be one of {', '.join(OBLIGATION_IDS)}; got {obligation_id!r}")
        valid_from = r.day(item, where, "valid_from", required=False)
        valid_to = r.day(item, where, "valid_to", required=False)
        for name, day in (("valid_from", valid_from), ("valid_to", valid_to)):
            if day is not None and (day < start or (end is not None and day > end)):
                r.fail(where + (name,), f"{day} is outside the rule set's period")
        limits = r.table(item, where, "thresholds", required=False)
        r.keys(limits, where + ("thresholds",), BUYER_TYPES)
        for buyer, ref in limits.items():
            if ref not in thresholds:
                r.fail(where + ("thresholds", buyer), f"unknown threshold {ref!r}")
        result.append(ObligationRule(
            key=key, id=str(obligation_id),
            applies_to=r.enum_list(item, where, "applies_to", REGIMES, required=True),
            legal_ref=r.string(item, where, "legal_ref"), text=r.string(item, where, "text"),
            confidence=r.confidence(item, where), valid_from=valid_from, valid_to=valid_to,
            requires_notice=r.enum_list(item, where, "requires_notice", NOTICE_CHANNELS),
            contract_types=r.enum_list(item, where, "contract_types", CONTRACT_TYPES),
            thresholds=dict(limits),
            legal_ref_by_regime=_by_regime(r, item, where, "legal_ref_by_regime"),
            text_by_regime=_by_regime(r, item, where, "text_by_regime"),
            append_procedure_deadline=r.get(item, where, "append_procedure_deadline", bool,
                                            required=False, default=False),
            sources=r.refs(item, where, sources),
            text_en=r.english(item, where, "text"),
            text_by_regime_en=_by_regime_en(r, item, where),
            threshold_strict=r.get(item, where, "threshold_strict", bool, required=False,
                                   default=False),
            longer_than_months=r.get(item, where, "longer_than_months", int, required=False),
            cpv_prefixes=_cpv_prefixes(r, item, where),
            legal_ref_en=r.string(item, where, "legal_ref_en", required=False),
            legal_ref_by_regime_en=_by_regime(r, item, where, "legal_ref_by_regime_en"),
        ))
    return tuple(result)


def _by_regime_en(r: _Reader, item: Table, where: Path_) -> dict[str, str]:
    """English twins of text_by_regime: the same regimes, each with a text."""
    english = _by_regime(r, item, where, "text_by_regime_en")
    for regime in r.table(item, where, "text_by_regime", required=False):
        if regime not in english:
            r.fail(where + ("text_by_regime_en",) if "text_by_regime_en" in item else where,
                   f"text_by_regime_en needs an English text for {regime}")
    return english


def _cpv_prefixes(r: _Reader, item: Table, where: Path_) -> dict[str, tuple[str, ...]]:
    table = r.table(item, where, "cpv_prefixes", required=False)
    r.keys(table, where + ("cpv_prefixes",), CONTRACT_TYPES)
    result = {}
    for contract, prefixes in table.items():
        if not (isinstance(prefixes, list) and prefixes
                and all(isinstance(p, str) and p.isdigit() for p in prefixes)):
            r.fail(where + ("cpv_prefixes", contract), "must be a list of CPV digit prefixes")
            continue
        result[contract] = tuple(prefixes)
    return result


def _by_regime(r: _Reader, item: Table, where: Path_, key: str) -> dict[str, str]:
    table = r.table(item, where, key, required=False)
    r.keys(table, where + (key,), REGIMES)
    for regime, value in table.items():
        if not isinstance(value, str) or not value.strip():
            r.fail(where + (key, regime), "must be a non-empty string")
    return dict(table)


def _read_climate(r: _Reader, data: Table, sources: Mapping[str, Source]) -> ClimateVariant:
    item = r.table(data, (), "climate")
    where: Path_ = ("climate",)
    r.keys(item, where, ("variant", "legal_ref", "min_weight_percent", "confidence", "sources",
                         "codes_valid_from", "spec_requirement_kinds", "bases", "exemptions"))
    r.refs(item, where, sources)
    weight = r.get(item, where, "min_weight_percent", int, default=0)
    if not 0 < weight <= 100:
        r.fail(where + ("min_weight_percent",), "must be between 1 and 100")
    bases = {}
    bases_table = r.table(item, where, "bases")
    r.keys(bases_table, where + ("bases",), CLIMATE_BASES)
    for key, basis in bases_table.items():
        at: Path_ = where + ("bases", key)
        if not isinstance(basis, dict):
            r.fail(at, "expected a table")
            continue
        r.keys(basis, at, ("label", "label_en", "legal_ref", "code", "requires_justification",
                           "confidence", "sources", "note"))
        r.refs(basis, at, sources)
        bases[key] = ClimateBasis(key, r.string(basis, at, "label"),
                                  r.string(basis, at, "legal_ref"),
                                  r.string(basis, at, "code"), r.confidence(basis, at),
                                  r.get(basis, at, "requires_justification", bool, default=False),
                                  r.string(basis, at, "note", required=False),
                                  r.english(basis, at, "label"))
    if "criteria" not in bases:
        r.fail(where + ("bases",), "needs the 'criteria' basis (the minimum weight rule)")
    exemptions = {}
    exemptions_table = r.table(item, where, "exemptions")
    r.keys(exemptions_table, where + ("exemptions",), CLIMATE_EXEMPTIONS)
    for key, exemption in exemptions_table.items():
        at = where + ("exemptions", key)
        if not isinstance(exemption, dict):
            r.fail(at, "expected a table")
            continue
        r.keys(exemption, at, ("label", "label_en", "legal_ref", "code", "confidence", "sources",
                               "note"))
        r.refs(exemption, at, sources)
        exemptions[key] = ClimateExemption(key, r.string(exemption, at, "label"),
                                           r.string(exemption, at, "legal_ref"),
                                           r.string(exemption, at, "code"),
                                           r.confidence(exemption, at),
                                           r.string(exemption, at, "note", required=False),
                                           r.english(exemption, at, "label"))
    kinds = r.get(item, where, "spec_requirement_kinds", list, required=False,
                  default=["spec-must"])
    if not kinds or any(kind not in REQUIREMENT_KINDS for kind in kinds):
        r.fail(where + ("spec_requirement_kinds",),
               f"must be a non-empty list of {', '.join(REQUIREMENT_KINDS)}")
    return ClimateVariant(r.string(item, where, "variant"), r.string(item, where, "legal_ref"),
                          Decimal(weight), r.confidence(item, where), bases, exemptions,
                          r.day(item, where, "codes_valid_from", required=False),
                          tuple(str(kind) for kind in kinds))


# --- the whole directory -----------------------------------------------------------------------


def load_rulebook(directory: Path) -> RuleBook:
    """Load every `*.toml` in `directory`; periods must not overlap and must leave no gaps."""
    paths = sorted(Path(directory).glob("*.toml"))
    if not paths:
        raise RuleError([f"{directory}:0: no rule files (*.toml) found"])
    rulesets, errors = [], []
    for path in paths:
        ruleset, file_errors = _load(path)
        errors.extend(file_errors)
        if ruleset is not None and ruleset.valid_from != date.min:
            rulesets.append(ruleset)
    rulesets.sort(key=lambda s: s.valid_from)
    # Periods are checked even when a file has other errors, so one run reports everything.
    errors.extend(_check_periods(rulesets))
    if errors:
        raise RuleError(errors)
    return RuleBook(tuple(rulesets))


def _check_periods(rulesets: Sequence[RuleSet]) -> list[str]:
    errors = []

    def fail(ruleset: RuleSet, key: str, message: str) -> None:
        lines = TomlLines(ruleset.path.read_text(encoding="utf-8"))
        errors.append(f"{ruleset.path.name}:{_line(lines, (key,))}: {key}: {message}")

    seen: dict[str, RuleSet] = {}
    for ruleset in rulesets:
        if ruleset.id in seen:
            other = seen[ruleset.id].path.name
            fail(ruleset, "id", f"duplicate id {ruleset.id!r} (also in {other})")
        seen[ruleset.id] = ruleset
    for earlier, later in zip(rulesets, rulesets[1:], strict=False):
        period = f"{earlier.valid_from} – {earlier.valid_to or 'open'}"
        if earlier.valid_to is None or later.valid_from <= earlier.valid_to:
            fail(later, "valid_from",
                 f"period starting {later.valid_from} overlaps {earlier.path.name} ({period})")
        elif later.valid_from != (expected := earlier.valid_to + timedelta(days=1)):
            fail(later, "valid_from", f"gap after {earlier.path.name} ({period}): expected"
                                      f" {expected}, got {later.valid_from}")
    return errors
