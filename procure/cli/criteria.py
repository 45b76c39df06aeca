"""`criteria` command group: check, list and diff the green criteria library (no app needed)."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime
from pathlib import Path

import click

from procure.domain.criteria import (
    DEFAULT_CRITERIA_DIR,
    LEVELS,
    TYPES,
    CriteriaError,
    CriteriaSet,
    Criterion,
    Library,
    content_hash,
    criterion_content,
    diff_sets,
    filter_criteria,
    load_library,
    validate_library,
)

# Same variable the app config reads (PROCURE_ prefix + CRITERIA_DIR), so the CLI and the
# web app look at the same files.
DIR_ENVVAR = "PROCURE_CRITERIA_DIR"

dir_option = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=DIR_ENVVAR,
    default=DEFAULT_CRITERIA_DIR,
    show_default=True,
    help="Criteria directory.",
)


@click.group("criteria")
def criteria() -> None:
    """Check, list and compare the green criteria library."""


def _load(directory: Path) -> Library:
    try:
        return load_library(directory)
    except CriteriaError as exc:
        for error in exc.errors:
            click.echo(error, err=True)
        click.echo(f"FAILED: {len(exc.errors)} error(s) in {directory}", err=True)
        raise SystemExit(1) from exc


@criteria.command("check")
@click.argument(
    "directory",
    required=False,
    type=click.Path(file_okay=False, path_type=Path),
    envvar=DIR_ENVVAR,
)
def check(directory: Path | None) -> None:
    """Validate every criteria file in DIRECTORY (default: the project's criteria/)."""
    directory = directory or DEFAULT_CRITERIA_DIR
    errors = validate_library(directory)
    if errors:
        for error in errors:
            click.echo(error)
        click.echo(f"FAILED: {len(errors)} error(s) in {directory}", err=True)
        raise SystemExit(1)
    library = load_library(directory)
    criterion_ids = {c.id for s in library for c in s.criteria}
    click.echo(
        f"OK: {len(library.categories())} categories, {len(library)} set versions, "
        f"{len(criterion_ids)} criterion versions in {directory}"
    )


def _row(criteria_set: CriteriaSet, criterion: Criterion) -> dict[str, object]:
    return {
        "set": criteria_set.id,
        "set_version": criteria_set.version,
        **criterion_content(criterion),
        "content_hash": content_hash(criterion),
    }


def _weights(criterion: Criterion) -> str:
    if criterion.weight_min is None:
        return ""
    return f"{criterion.weight_min}-{criterion.weight_max} %"


@criteria.command("list")
@dir_option
@click.option("--category", help="Only this category (set id), e.g. vehicles.")
@click.option("--level", type=click.Choice(LEVELS), help="Only this ambition level.")
@click.option("--type", "type_", type=click.Choice(TYPES), help="Only this criterion type.")
@click.option("--search", help="Only criteria containing every word (id, title, text).")
@click.option(
    "--on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Use the set versions valid on this date (default: the newest).",
)
@click.option("--all-versions", is_flag=True, help="List every set version, not just the current.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_criteria(
    directory: Path,
    category: str | None,
    level: str | None,
    type_: str | None,
    search: str | None,
    on: datetime | None,  # click.DateTime gives a datetime
    all_versions: bool,
    as_json: bool,
) -> None:
    """List criteria of the current set versions, filtered by category, level, type or text."""
    library = _load(directory)
    if category is not None and category not in library.categories():
        raise click.BadParameter(
            f"unknown category {category!r} (known: {', '.join(library.categories())})",
            param_hint="--category",
        )
    day = on.date() if on else None
    sets = library.sets(category) if all_versions else library.current(day)
    if category is not None:
        sets = tuple(s for s in sets if s.id == category)
    rows = [
        (criteria_set, criterion)
        for criteria_set in sets
        for criterion in filter_criteria(
            criteria_set.criteria, level=level, type=type_, text=search
        )
    ]
    if as_json:
        click.echo(json.dumps([_row(s, c) for s, c in rows], ensure_ascii=False, indent=2))
        return
    table = [
        (
            c.id,
            f"{s.id} {s.version}",
            c.level,
            c.type,
            "§7-9" if c.climate_environment else "",
            _weights(c),
            c.title,
        )
        for s, c in rows
    ]
    header = ("ID", "SET", "LEVEL", "TYPE", "ENV", "WEIGHT", "TITLE")
    widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header) - 1)]
    for line in [header, *table]:
        cells = [str(cell).ljust(width) for cell, width in zip(line, widths, strict=False)]
        click.echo("  ".join([*cells, line[-1]]).rstrip())
    click.echo(f"{len(rows)} criteria")


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(getattr(v, "id", str(v)) for v in value)
    return "(none)" if value is None else str(value)


def _echo_change(name: str, old: object, new: object) -> None:
    old_text, new_text = _show(old), _show(new)
    if len(old_text) + len(new_text) < 70:
        click.echo(f"      {name}: {old_text} -> {new_text}")
        return
    click.echo(f"      {name}:")
    for mark, text in (("-", old_text), ("+", new_text)):
        click.echo(
            textwrap.fill(text, 96, initial_indent=f"        {mark} ", subsequent_indent=" " * 10)
        )


@criteria.command("diff")
@dir_option
@click.argument("set_id", metavar="SET")
@click.argument("old_version", metavar="V1")
@click.argument("new_version", metavar="V2")
def diff(directory: Path, set_id: str, old_version: str, new_version: str) -> None:
    """Show what was added, removed and changed between two versions of a set."""
    library = _load(directory)
    found = []
    for version in (old_version, new_version):
        try:
            found.append(library.get(set_id, version))
        except KeyError:
            known = ", ".join(s.version for s in library.sets(set_id)) or "none"
            raise click.UsageError(
                f"unknown criteria set version {set_id} {version} (versions of {set_id}: {known})"
            ) from None
    result = diff_sets(*found)
    click.echo(f"{set_id}: {old_version} -> {new_version}")
    if result.metadata:
        click.echo("Set metadata:")
        for change in result.metadata:
            _echo_change(change.field, change.old, change.new)
    for title, items, mark in (("Added", result.added, "+"), ("Removed", result.removed, "-")):
        click.echo(f"{title}: {len(items)}")
        for criterion in items:
            click.echo(
                f"  {mark} {criterion.id}  [{criterion.level}, {criterion.type}]  {criterion.title}"
            )
    click.echo(f"Changed: {len(result.changed)}")
    for criterion_change in result.changed:
        old, new = criterion_change.old, criterion_change.new
        click.echo(f"  ~ {old.id} -> {new.id}  {new.title}")
        for field_change in criterion_change.changes:
            if field_change.field != "id":
                _echo_change(field_change.field, field_change.old, field_change.new)
    click.echo(f"Unchanged: {len(result.unchanged)}")
