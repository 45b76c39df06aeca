"""Green criteria library: load, validate, look up, hash and diff versioned criteria sets.

Files live at ``<dir>/<category>/<version>.toml``; one file is one published version of one
criteria set and is never edited afterwards. Criterion ids carry a version suffix
(``veh-ev-01:2``) so a tender can pin exactly the text it used.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from procure.domain.sources import Source
from procure.domain.toml_lines import TablePath, TomlLines
from procure.paths import resource_dir

DEFAULT_CRITERIA_DIR = resource_dir("criteria")

TYPES = ("qualification", "specification", "award", "contract-clause")
LEVELS = ("basis", "avansert", "spydspiss")

# Fields that make up a criterion's content: the hash, the immutability check and the diff
# all use exactly these, so provenance (file, line, category) never changes a pinned hash.
CONTENT_FIELDS = (
    "id",
    "type",
    "level",
    "title",
    "title_en",
    "text",
    "text_en",
    "verification",
    "weight_min",
    "weight_max",
    "climate_environment",
    "source",
)
SET_FIELDS = (
    "title",
    "title_en",
    "description",
    "cpv",
    "sources",
    "published",
    "valid_from",
    "supersedes",
)

SET_ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
VERSION_RE = re.compile(r"^(\d{4})-([1-9]\d*)$")
CRITERION_ID_RE = re.compile(r"^([a-z][a-z0-9]*(?:-[a-z0-9]+)*):([1-9]\d*)$")
SOURCE_ID_RE = SET_ID_RE
CPV_RE = re.compile(r"^\d{8}-\d$")


class CriteriaError(ValueError):
    """Raised by load_library when the files are invalid; ``errors`` holds every message."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} error(s) in criteria library:\n" + "\n".join(errors))


@dataclass(frozen=True)
class Criterion:
    """One requirement text with its type, ambition level and verification."""

    id: str
    type: str
    level: str
    title: str
    text: str
    verification: str
    climate_environment: bool
    source: str
    title_en: str | None = None
    text_en: str | None = None
    weight_min: int | None = None
    weight_max: int | None = None
    category: str = ""
    location: str = field(default="", compare=False, repr=False)

    @property
    def base_id(self) -> str:
        """The id without its version suffix: 'veh-ev-01:2' -> 'veh-ev-01'."""
        return self.id.rpartition(":")[0]

    @property
    def version(self) -> int:
        """The version suffix as a number: 'veh-ev-01:2' -> 2."""
        return int(self.id.rpartition(":")[2])


@dataclass(frozen=True)
class CriteriaSet:
    """One published version of the criteria for a purchase category."""

    id: str
    version: str
    title: str
    title_en: str
    cpv: tuple[str, ...]
    sources: tuple[Source, ...]
    published: date
    valid_from: date
    criteria: tuple[Criterion, ...]
    supersedes: str | None = None
    description: str | None = None
    path: Path | None = field(default=None, compare=False, repr=False)

    @property
    def category(self) -> str:
        """A set is one purchase category, so its id is the category name."""
        return self.id

    @property
    def label(self) -> str:
        """'vehicles 2026-1', for messages and headings."""
        return f"{self.id} {self.version}"

    def source(self, source_id: str) -> Source:
        """The set's source with this id; KeyError if absent."""
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this full id ('veh-ev-01:2'); KeyError if absent."""
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)


def version_key(version: str) -> tuple[int, int]:
    """Sort key for '2025-1' style versions, so '2025-10' sorts after '2025-9'."""
    match = VERSION_RE.match(version)
    if not match:
        return (0, 0)
    return (int(match.group(1)), int(match.group(2)))


def _set_order(criteria_set: CriteriaSet) -> tuple[date, tuple[int, int]]:
    return (criteria_set.valid_from, version_key(criteria_set.version))


def filter_criteria(
    criteria: Iterable[Criterion],
    *,
    level: str | None = None,
    type: str | None = None,  # mirrors the file key and CLI option
    text: str | None = None,
) -> tuple[Criterion, ...]:
    """Criteria matching level, type and every word of text (case-insensitive), in order."""
    if level is not None and level not in LEVELS:
        raise ValueError(f"unknown level {level!r} (expected {', '.join(LEVELS)})")
    if type is not None and type not in TYPES:
        raise ValueError(f"unknown type {type!r} (expected {', '.join(TYPES)})")
    words = (text or "").casefold().split()
    found = []
    for criterion in criteria:
        if level is not None and criterion.level != level:
            continue
        if type is not None and criterion.type != type:
            continue
        if words:
            haystack = " ".join(
                value
                for value in (
                    criterion.id,
                    criterion.title,
                    criterion.title_en,
                    criterion.text,
                    criterion.text_en,
                    criterion.verification,
                )
                if value
            ).casefold()
            if not all(word in haystack for word in words):
                continue
        found.append(criterion)
    return tuple(found)


class Library:
    """All loaded criteria sets, with lookups by category, version and criterion id."""

    def __init__(self, sets: Iterable[CriteriaSet]) -> None:
        ordered = sorted(sets, key=lambda s: (s.id, _set_order(s)))
        self._sets: tuple[CriteriaSet, ...] = tuple(ordered)
        self._by_category: dict[str, tuple[CriteriaSet, ...]] = {}
        for criteria_set in ordered:
            self._by_category.setdefault(criteria_set.id, ())
            self._by_category[criteria_set.id] += (criteria_set,)
        self._by_version = {(s.id, s.version): s for s in ordered}
        # Later versions win, but an unchanged criterion is the same object content anyway.
        self._criteria: dict[str, Criterion] = {}
        self._containing: dict[str, tuple[CriteriaSet, ...]] = defaultdict(tuple)
        for criteria_set in ordered:
            for criterion in criteria_set.criteria:
                self._criteria[criterion.id] = criterion
                self._containing[criterion.id] += (criteria_set,)

    def __iter__(self) -> Iterator[CriteriaSet]:
        return iter(self._sets)

    def __len__(self) -> int:
        return len(self._sets)

    def categories(self) -> tuple[str, ...]:
        """Category names in alphabetical order."""
        return tuple(self._by_category)

    def sets(self, category: str | None = None) -> tuple[CriteriaSet, ...]:
        """All versions, oldest first, of one category or of every category."""
        if category is None:
            return self._sets
        return self._by_category.get(category, ())

    def latest(self, category: str, on: date | None = None) -> CriteriaSet | None:
        """The newest version valid on the date (or newest of all); KeyError if no such category."""
        if category not in self._by_category:
            raise KeyError(category)
        valid = [s for s in self._by_category[category] if on is None or s.valid_from <= on]
        return valid[-1] if valid else None

    def current(self, on: date | None = None) -> tuple[CriteriaSet, ...]:
        """The latest version of each category valid on the date, skipping not-yet-valid ones."""
        found = (self.latest(category, on) for category in self._by_category)
        return tuple(s for s in found if s is not None)

    def get(self, set_id: str, version: str) -> CriteriaSet:
        """One set version; KeyError if it does not exist."""
        return self._by_version[(set_id, version)]

    def criterion(self, criterion_id: str) -> Criterion:
        """A criterion by full id with version suffix ('veh-ev-01:2'); KeyError if unknown."""
        return self._criteria[criterion_id]

    def versions_containing(self, criterion_id: str) -> tuple[CriteriaSet, ...]:
        """The set versions, oldest first, that include this exact criterion version."""
        return self._containing.get(criterion_id, ())

    def current_version(self, criterion_id: str, on: date | None = None) -> Criterion | None:
        """The criterion with the same base id in its category's current set (maybe this very
        one), or None if that set dropped it; KeyError if the id is unknown."""
        criterion = self._criteria[criterion_id]
        current = self.latest(criterion.category, on)
        if current is None:
            return None
        return next((c for c in current.criteria if c.base_id == criterion.base_id), None)

    def criteria(
        self,
        category: str | None = None,
        level: str | None = None,
        type: str | None = None,  # mirrors the file key and CLI option
        text: str | None = None,
        on: date | None = None,
    ) -> tuple[Criterion, ...]:
        """Criteria of the current set versions (as of the date) that match every filter."""
        sets = self.current(on)
        if category is not None:
            sets = tuple(s for s in sets if s.id == category)
        pool = (criterion for s in sets for criterion in s.criteria)
        return filter_criteria(pool, level=level, type=type, text=text)


# --- hashing and diffing -------------------------------------------------------------------


def criterion_content(criterion: Criterion) -> dict[str, object]:
    """The criterion's content as a plain dict, without empty optional fields."""
    # Unset optional fields are left out, so adding a new optional field to the schema
    # later does not change the hash of criteria that do not use it.
    content = {name: getattr(criterion, name) for name in CONTENT_FIELDS}
    return {name: value for name, value in content.items() if value is not None}


def content_hash(criterion: Criterion) -> str:
    """Hex sha256 of the canonical JSON of the criterion's content; stable across runs."""
    canonical = json.dumps(
        criterion_content(criterion), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs between two versions."""

    field: str
    old: object
    new: object


@dataclass(frozen=True)
class CriterionChange:
    """A criterion kept by base id whose content or version suffix changed."""

    old: Criterion
    new: Criterion
    changes: tuple[FieldChange, ...]

    @property
    def base_id(self) -> str:
        """The base id shared by the old and new criterion."""
        return self.new.base_id


@dataclass(frozen=True)
class SetDiff:
    """What changed from one version of a criteria set to another."""

    old: CriteriaSet
    new: CriteriaSet
    added: tuple[Criterion, ...]
    removed: tuple[Criterion, ...]
    changed: tuple[CriterionChange, ...]
    unchanged: tuple[Criterion, ...]
    metadata: tuple[FieldChange, ...]

    @property
    def is_empty(self) -> bool:
        """True when the two versions hold the same criteria and metadata."""
        return not (self.added or self.removed or self.changed or self.metadata)


def _field_changes(old: object, new: object, names: Iterable[str]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, getattr(old, name), getattr(new, name))
        for name in names
        if getattr(old, name) != getattr(new, name)
    )


def diff_sets(old: CriteriaSet, new: CriteriaSet) -> SetDiff:
    """Compare two versions of one set, matching criteria by base id (suffix bumps = changed)."""
    if old.id != new.id:
        raise ValueError(f"cannot diff different criteria sets {old.id!r} and {new.id!r}")
    old_by_base = {c.base_id: c for c in old.criteria}
    new_by_base = {c.base_id: c for c in new.criteria}
    added = tuple(c for c in new.criteria if c.base_id not in old_by_base)
    removed = tuple(c for c in old.criteria if c.base_id not in new_by_base)
    changed = []
    unchanged = []
    for criterion in new.criteria:
        previous = old_by_base.get(criterion.base_id)
        if previous is None:
            continue
        changes = _field_changes(previous, criterion, CONTENT_FIELDS)
        if changes:
            changed.append(CriterionChange(previous, criterion, changes))
        else:
            unchanged.append(criterion)
    return SetDiff(
        old=old,
        new=new,
        added=added,
        removed=removed,
        changed=tuple(changed),
        unchanged=tuple(unchanged),
        metadata=_field_changes(old, new, SET_FIELDS),
    )


# --- schema ---------------------------------------------------------------------------------

# key -> (kind, required). Kinds are checked by _check_value.
SET_SCHEMA = {
    "id": ("string", True),
    "version": ("string", True),
    "title": ("string", True),
    "title_en": ("string", True),
    "description": ("string", False),
    "cpv": ("strings", True),
    "published": ("date", True),
    "valid_from": ("date", True),
    "supersedes": ("string", False),
    "sources": ("tables", True),
    "criteria": ("tables", True),
}
SOURCE_SCHEMA = {
    "id": ("string", True),
    "title": ("string", True),
    "url": ("string", True),
}
CRITERION_SCHEMA = {
    "id": ("string", True),
    "type": ("string", True),
    "level": ("string", True),
    "title": ("string", True),
    "title_en": ("string", False),
    "text": ("string", True),
    "text_en": ("string", False),
    "verification": ("string", True),
    "weight_min": ("integer", False),
    "weight_max": ("integer", False),
    "climate_environment": ("boolean", True),
    "source": ("string", True),
}
EXPECTED = {
    "string": "a string",
    "strings": "an array of strings",
    "date": "a date (YYYY-MM-DD)",
    "boolean": "true or false",
    "integer": "a whole number",
    "tables": "an array of tables",
}


def _toml_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a time"


def _check_value(kind: str, value: object) -> str | None:
    """None if value fits kind, else the reason it does not."""
    fits = {
        "string": isinstance(value, str),
        "strings": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "date": isinstance(value, date) and not isinstance(value, datetime),
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "tables": isinstance(value, list) and all(isinstance(v, dict) for v in value),
    }[kind]
    if not fits:
        return f"must be {EXPECTED[kind]}, not {_toml_type(value)}"
    if kind in ("string", "strings", "tables") and not (
        value.strip() if isinstance(value, str) else value
    ):
        return "must not be empty"
    return None


Problem = tuple[str, int | None, str]


class _FileReport:
    """Collects problems for one file, placing each at the line of its table or key."""

    def __init__(self, shown: str, lines: TomlLines | None, problems: list[Problem]) -> None:
        self.shown = shown
        self.lines = lines
        self.problems = problems
        self.count = 0

    def at(self, line: int | None, message: str) -> None:
        self.problems.append((self.shown, line, message))
        self.count += 1

    def key(self, path: TablePath, name: str, message: str) -> None:
        assert self.lines is not None
        self.at(self.lines.key(path, name), message)

    def table(self, path: TablePath, message: str) -> None:
        assert self.lines is not None
        self.at(self.lines.table(path), message)

    def location(self, path: TablePath, name: str | None = None) -> str:
        assert self.lines is not None
        line = self.lines.table(path) if name is None else self.lines.key(path, name)
        return f"{self.shown}:{line}"


# Parsed TOML: values are checked against a schema at run time, so they stay `Any` here.
Fields = dict[str, Any]


def _check_table(
    table: Mapping[str, Any],
    schema: Mapping[str, tuple[str, bool]],
    path: TablePath,
    prefix: str,
    report: _FileReport,
) -> Fields:
    """Report unknown, missing and mistyped keys; return the keys whose values are valid."""
    valid: Fields = {}
    for name, value in table.items():
        if name not in schema:
            report.key(path, name, f"{prefix}unknown key {name!r}")
            continue
        reason = _check_value(schema[name][0], value)
        if reason:
            report.key(path, name, f"{prefix}{name!r} {reason}")
        else:
            valid[name] = value.strip() if isinstance(value, str) else value
    for name, (_, required) in schema.items():
        if required and name not in table:
            report.table(path, f"{prefix}missing key {name!r}")
    return valid


# --- loading one file -----------------------------------------------------------------------


@dataclass
class _Parsed:
    """What could be read from one file, even if it has errors, for cross-file checks."""

    shown: str
    report: _FileReport
    set_id: str | None = None
    version: str | None = None
    supersedes: str | None = None
    valid_from: date | None = None
    criteria: list[Criterion] = field(default_factory=list)
    result: CriteriaSet | None = None

    @property
    def label(self) -> str:
        return f"{self.set_id} {self.version}"


_DECODE_AT_RE = re.compile(r"^(.*) \(at line (\d+), column \d+\)$", re.DOTALL)


def _decode_error(exc: tomllib.TOMLDecodeError, raw: str) -> tuple[int, str]:
    message = str(exc)
    match = _DECODE_AT_RE.match(message)
    if match:
        return int(match.group(2)), match.group(1)
    # "(at end of document)": point at the last line.
    return max(1, raw.count("\n") + (0 if raw.endswith("\n") else 1)), message.split(" (at ")[0]


def _parse_file(path: Path, shown: str, category: str, problems: list[Problem]) -> _Parsed:
    report = _FileReport(shown, None, problems)
    parsed = _Parsed(shown, report)
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        report.at(1, "file is not valid UTF-8")
        return parsed
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        line, message = _decode_error(exc, raw)
        report.at(line, f"invalid TOML: {message}")
        return parsed
    report.lines = TomlLines(raw)
    meta = _check_table(data, SET_SCHEMA, (), "", report)
    _check_set_fields(meta, path, category, parsed)
    sources = _parse_sources(data.get("sources"), report)
    parsed.criteria = _parse_criteria(data.get("criteria"), sources, category, report)
    if report.count == 0:
        parsed.result = CriteriaSet(
            id=meta["id"],
            version=meta["version"],
            title=meta["title"],
            title_en=meta["title_en"],
            description=meta.get("description"),
            cpv=tuple(meta["cpv"]),
            sources=tuple(sources.values()),
            published=meta["published"],
            valid_from=meta["valid_from"],
            supersedes=meta.get("supersedes"),
            criteria=tuple(parsed.criteria),
            path=path,
        )
    return parsed


def _check_set_fields(meta: Fields, path: Path, category: str, parsed: _Parsed) -> None:
    report = parsed.report
    set_id = meta.get("id")
    if set_id is not None:
        if not SET_ID_RE.match(set_id):
            report.key((), "id", f"set id {set_id!r} must be lowercase words joined by '-'")
        elif set_id != category:
            report.key((), "id", f"set id {set_id!r} does not match its directory {category!r}")
        else:
            parsed.set_id = set_id
    version = meta.get("version")
    if version is not None:
        if not VERSION_RE.match(version):
            report.key((), "version", f"version {version!r} must look like '2025-1'")
        else:
            parsed.version = version
            if version != path.stem:
                report.key(
                    (), "version", f"version {version!r} does not match file name {path.name!r}"
                )
    supersedes = meta.get("supersedes")
    if supersedes is not None:
        if not VERSION_RE.match(supersedes):
            report.key((), "supersedes", f"supersedes {supersedes!r} must look like '2025-1'")
        else:
            parsed.supersedes = supersedes
    for code in meta.get("cpv", []):
        if not CPV_RE.match(code):
            report.key((), "cpv", f"CPV code {code!r} must look like '34100000-8'")
    if len(set(meta.get("cpv", []))) != len(meta.get("cpv", [])):
        report.key((), "cpv", "cpv lists a code twice")
    published, valid_from = meta.get("published"), meta.get("valid_from")
    if published and valid_from and valid_from < published:
        report.key((), "valid_from", f"valid_from {valid_from} is before published {published}")
    parsed.valid_from = valid_from


def _parse_sources(tables: object, report: _FileReport) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    if not isinstance(tables, list):
        return sources
    for index, table in enumerate(tables):
        if not isinstance(table, dict):
            continue
        path: TablePath = ("sources", index)
        source_id = table.get("id")
        prefix = (
            f"source {source_id!r}: " if isinstance(source_id, str) else f"source #{index + 1}: "
        )
        errors_before = report.count
        fields = _check_table(table, SOURCE_SCHEMA, path, prefix, report)
        if "id" in fields and not SOURCE_ID_RE.match(fields["id"]):
            report.key(path, "id", f"{prefix}id must be lowercase words joined by '-'")
        if "url" in fields and not re.match(r"^https?://\S+$", fields["url"]):
            report.key(path, "url", f"{prefix}url must start with https:// or http://")
        if "id" in fields and fields["id"] in sources:
            report.key(path, "id", f"{prefix}duplicate source id")
        if report.count == errors_before:
            sources[fields["id"]] = Source(fields["id"], fields["title"], fields["url"])
    return sources


def _parse_criteria(
    tables: object, sources: dict[str, Source], category: str, report: _FileReport
) -> list[Criterion]:
    criteria: list[Criterion] = []
    first_line: dict[str, tuple[str, int]] = {}  # base id -> (full id, line)
    if not isinstance(tables, list):
        return criteria
    for index, table in enumerate(tables):
        if not isinstance(table, dict):
            continue
        path: TablePath = ("criteria", index)
        raw_id = table.get("id")
        prefix = (
            f"criterion {raw_id!r}: " if isinstance(raw_id, str) else f"criterion #{index + 1}: "
        )
        errors_before = report.count
        fields = _check_table(table, CRITERION_SCHEMA, path, prefix, report)
        _check_criterion_fields(fields, table, path, prefix, sources, report)
        criterion_id = fields.get("id")
        if isinstance(criterion_id, str) and CRITERION_ID_RE.match(criterion_id):
            base = criterion_id.rpartition(":")[0]
            line = report.lines.key(path, "id") if report.lines else 0
            if base in first_line:
                other_id, other_line = first_line[base]
                if other_id == criterion_id:
                    message = f"duplicate criterion id {criterion_id!r} (also at line {other_line})"
                else:
                    message = (
                        f"criterion {criterion_id!r} repeats base id {base!r} "
                        f"of {other_id!r} at line {other_line}"
                    )
                report.key(path, "id", message)
                continue
            first_line[base] = (criterion_id, line)
        if report.count == errors_before:
            values: Fields = {name: fields.get(name) for name in CRITERION_SCHEMA}
            criteria.append(
                Criterion(category=category, location=report.location(path, "id"), **values)
            )
    return criteria


def _check_criterion_fields(
    fields: Fields,
    table: Mapping[str, Any],
    path: TablePath,
    prefix: str,
    sources: dict[str, Source],
    report: _FileReport,
) -> None:
    if "id" in fields and not CRITERION_ID_RE.match(fields["id"]):
        report.key(
            path,
            "id",
            f"{prefix}id must look like 'base-id:1' (lowercase words joined by '-', "
            "then ':' and a version number)",
        )
    if "type" in fields and fields["type"] not in TYPES:
        report.key(
            path, "type", f"{prefix}unknown type {fields['type']!r} (expected {', '.join(TYPES)})"
        )
    if "level" in fields and fields["level"] not in LEVELS:
        report.key(
            path,
            "level",
            f"{prefix}unknown level {fields['level']!r} (expected {', '.join(LEVELS)})",
        )
    if "source" in fields and fields["source"] not in sources:
        known = ", ".join(sources) or "none"
        report.key(
            path, "source", f"{prefix}unknown source {fields['source']!r} (sources: {known})"
        )
    _check_weights(fields, table, path, prefix, report)


def _check_weights(
    fields: Fields, table: Mapping[str, Any], path: TablePath, prefix: str, report: _FileReport
) -> None:
    low, high = fields.get("weight_min"), fields.get("weight_max")
    has_weight = "weight_min" in fields or "weight_max" in fields
    if fields.get("type") in TYPES and fields.get("type") != "award":
        if has_weight:
            name = "weight_min" if "weight_min" in fields else "weight_max"
            report.key(path, name, f"{prefix}a weight range is only allowed on award criteria")
        return
    if fields.get("type") != "award":
        return
    for name, value in (("weight_min", low), ("weight_max", high)):
        if value is None:
            # A key that is present with a bad type was reported already.
            if name not in table:
                report.table(path, f"{prefix}award criterion needs {name!r}")
        elif not 1 <= value <= 100:
            report.key(path, name, f"{prefix}{name} {value} must be between 1 and 100 (percent)")
    if low is not None and high is not None and low > high:
        report.key(
            path, "weight_min", f"{prefix}weight_min {low} is greater than weight_max {high}"
        )


# --- loading a directory --------------------------------------------------------------------


def _scan_directory(directory: Path) -> tuple[list[_Parsed], list[Problem]]:
    problems: list[Problem] = []
    if not directory.is_dir():
        problems.append((str(directory), None, "criteria directory not found"))
        return [], problems
    parsed = []
    for path in sorted(directory.rglob("*.toml")):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue
        shown = str(directory / relative)
        if len(relative.parts) != 2:
            problems.append((shown, None, "criteria files must be at <category>/<version>.toml"))
            continue
        parsed.append(_parse_file(path, shown, relative.parts[0], problems))
    if not parsed and not problems:
        problems.append((str(directory), None, "no criteria files found"))
    return parsed, problems


def _check_duplicate_versions(files: list[_Parsed]) -> list[_Parsed]:
    """Report repeated (set, version) pairs; return one file per pair for later checks."""
    first: dict[tuple[str, str], _Parsed] = {}
    for parsed in files:
        if parsed.set_id is None or parsed.version is None:
            continue
        key = (parsed.set_id, parsed.version)
        if key in first:
            other = first[key]
            where = other.report.location((), "version")
            parsed.report.key(
                (), "version", f"duplicate set version {parsed.label} (also in {where})"
            )
        else:
            first[key] = parsed
    return list(first.values())


def _check_chains(files: list[_Parsed]) -> None:
    """Each set's versions must form one line: one first version, each later one superseding."""
    by_set: dict[str, dict[str, _Parsed]] = defaultdict(dict)
    for parsed in files:
        if parsed.set_id is not None and parsed.version is not None:
            by_set[parsed.set_id][parsed.version] = parsed
    for set_id, versions in by_set.items():
        ordered = sorted(versions.values(), key=lambda p: version_key(p.version or ""))
        successor: dict[str, _Parsed] = {}
        for parsed in ordered:
            previous = parsed.supersedes
            if previous is None:
                continue
            if previous not in versions:
                parsed.report.key(
                    (),
                    "supersedes",
                    f"supersedes {set_id} {previous}, which does not exist",
                )
                continue
            if previous in successor:
                other = successor[previous]
                parsed.report.key(
                    (),
                    "supersedes",
                    f"{parsed.label} supersedes {previous}, which {other.label} already "
                    f"supersedes ({other.report.location((), 'supersedes')})",
                )
                continue
            successor[previous] = parsed
            earlier = versions[previous]
            if (
                parsed.valid_from
                and earlier.valid_from
                and parsed.valid_from <= earlier.valid_from
                and previous != parsed.version
            ):
                parsed.report.key(
                    (),
                    "valid_from",
                    f"valid_from {parsed.valid_from} is not after valid_from "
                    f"{earlier.valid_from} of the superseded version {previous}",
                )
        roots = [p for p in ordered if p.supersedes is None]
        for parsed in roots[1:]:
            parsed.report.key(
                (),
                "version",
                f"{parsed.label} has no 'supersedes', but {roots[0].label} is already the first "
                "version; a new version must supersede the one it replaces",
            )
        _check_cycles(set_id, versions)


def _check_cycles(set_id: str, versions: dict[str, _Parsed]) -> None:
    reported: set[str] = set()
    for start in sorted(versions, key=version_key):
        trail: list[str] = []
        current: str | None = start
        while current is not None and current in versions and current not in trail:
            if current in reported:
                break
            trail.append(current)
            current = versions[current].supersedes
        if current is None or current not in trail or current in reported:
            reported.update(trail)
            continue
        cycle = trail[trail.index(current) :]
        reported.update(trail)
        # Report once, at the oldest version in the cycle, listing the whole loop.
        first = min(cycle, key=version_key)
        loop = cycle[cycle.index(first) :] + cycle[: cycle.index(first)] + [first]
        versions[first].report.key(
            (), "supersedes", f"supersede cycle in {set_id}: {' -> '.join(loop)}"
        )


def _check_criterion_ids(files: list[_Parsed]) -> None:
    """Ids are unique across sets, and one id:version means one content in every version."""
    owner: dict[str, Criterion] = {}  # base id -> first criterion, for the cross-set check
    by_full_id: dict[str, tuple[Criterion, _Parsed]] = {}
    highest: dict[str, tuple[Criterion, _Parsed]] = {}
    ordered = sorted(files, key=lambda p: (p.set_id, version_key(p.version or ""), p.shown))
    for parsed in ordered:
        for criterion in parsed.criteria:
            line = int(criterion.location.rpartition(":")[2])
            first = owner.setdefault(criterion.base_id, criterion)
            if first.category != criterion.category:
                parsed.report.at(
                    line,
                    f"criterion {criterion.id!r} reuses id {criterion.base_id!r} of set "
                    f"{first.category!r} ({first.location})",
                )
                continue
            if criterion.id in by_full_id:
                earlier, earlier_file = by_full_id[criterion.id]
                if criterion_content(earlier) != criterion_content(criterion):
                    changed = ", ".join(
                        c.field for c in _field_changes(earlier, criterion, CONTENT_FIELDS)
                    )
                    parsed.report.at(
                        line,
                        f"criterion {criterion.id!r} differs from the same id in "
                        f"{earlier_file.label} ({earlier.location}) in {changed}; "
                        "a changed criterion needs a new version suffix",
                    )
                continue
            by_full_id[criterion.id] = (criterion, parsed)
            top = highest.get(criterion.base_id)
            if top and top[0].version > criterion.version:
                parsed.report.at(
                    line,
                    f"criterion {criterion.id!r} has a lower version suffix than "
                    f"{top[0].id!r} in {top[1].label} ({top[0].location})",
                )
                continue
            highest[criterion.base_id] = (criterion, parsed)


def _load(directory: Path) -> tuple[list[CriteriaSet], list[str]]:
    files, problems = _scan_directory(Path(directory))
    unique = _check_duplicate_versions(files)
    _check_chains(unique)
    _check_criterion_ids(unique)
    problems.sort(key=lambda p: (p[0], p[1] or 0, p[2]))
    errors = [
        f"{shown}:{line}: {message}" if line else f"{shown}: {message}"
        for shown, line, message in problems
    ]
    sets = [p.result for p in files if p.result is not None]
    return sets, errors


def validate_library(directory: Path) -> list[str]:
    """Every problem in the criteria files, as 'file:line: message', sorted; [] if valid."""
    return _load(directory)[1]


def load_library(directory: Path = DEFAULT_CRITERIA_DIR) -> Library:
    """Load and validate all criteria files; raise CriteriaError listing every problem."""
    sets, errors = _load(directory)
    if errors:
        raise CriteriaError(errors)
    return Library(sets)
