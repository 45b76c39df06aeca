"""`procure import suppliers|spend|ocds FILE`, `procure import eforms FILE|DIR`,
`procure import tenders` and `procure rates import FILE`, each for one organisation (--org, or
the only one there is)."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from procure.cli.orgs import chosen_organisation, organisation_option
from procure.db import get_session
from procure.errors import UserError

SHOWN_ERRORS = 20
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with a byte order mark",
             "windows-1252": "Windows-1252"}
KEYS = {"invoice": "an invoice file: lines are identified by supplier, invoice and line",
        "ledger": "a ledger: lines are identified by year, voucher and line"}


@click.group("import")
def import_group() -> None:
    """Imports for the statistics (all or nothing; re-importing changes nothing)."""


def _file_command(kind: str, help_text: str):
    @import_group.command(kind, help=help_text)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
                  help="Write the row-level report (CSV) here when rows are bad.")
    @organisation_option
    @with_appcontext
    def command(file: Path, report: Path | None, org: str | None) -> None:
        _run_import(kind, file, report, org)

    return command


@import_group.command("spend")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the row-level report (CSV) here when rows are bad.")
@click.option("--map", "maps", multiple=True, metavar='FIELD="COLUMN"',
              help='Which column is a field, e.g. --map amount="Beløp eks mva" (repeatable; '
                   'fields: invoice, voucher, line, date, voucher_date, supplier, amount, '
                   'account, category, cpv, department; an empty COLUMN leaves a field out).')
@click.option("--replace", is_flag=True,
              help="Replace lines already imported that the file changes (without it such a "
                   "file is refused, naming the lines). Also removes the lines a possible "
                   "duplicate repeats under an older key.")
@click.option("--keep-both", is_flag=True,
              help="Keep lines already imported under another supplier or year that the file "
                   "repeats (possible duplicates): they are really different lines.")
@organisation_option
@with_appcontext
def spend_command(file: Path, report: Path | None, maps: tuple[str, ...],
                  replace: bool, keep_both: bool, org: str | None) -> None:
    """Spend lines (CSV or XLSX); the columns are listed in README.md."""
    from procure.ingest.spend import FIELDS_BY_NAME

    mapping = {}
    for item in maps:
        name, equals, column = item.partition("=")
        field = FIELDS_BY_NAME.get(name.strip().lower())
        if not equals or field is None:
            raise click.BadParameter(
                f"{item!r}: use FIELD=\"COLUMN\" with a field among "
                f"{', '.join(sorted(set(FIELDS_BY_NAME)))}.", param_hint="--map")
        mapping[field] = column.strip().strip('"')
    _run_import("spend", file, report, org, mapping=mapping, replace=replace,
                keep_both=keep_both)


def _run_import(kind: str, file: Path, report: Path | None, org: str | None, *,
                mapping: dict[str, str] | None = None, replace: bool = False,
                keep_both: bool = False,
                notices: list[tuple[str, bytes]] | None = None) -> None:
    from procure.ingest import ImportRejected, record_file_error, record_rejection
    from procure.ingest.eforms import import_eforms
    from procure.ingest.ocds import import_ocds
    from procure.ingest.rates import import_rates
    from procure.ingest.reading import row_limit
    from procure.ingest.spend import (
        ChangesNeedConfirmation,
        import_spend,
        old_values,
    )
    from procure.ingest.suppliers import import_suppliers

    session = get_session()
    owner = chosen_organisation(org).id
    assert owner is not None  # a stored organisation
    with (open(os.devnull, "rb") if file.is_dir() else file.open("rb") as stream,
          current_app.test_request_context(), force_locale("en"),
          row_limit(int(current_app.config["IMPORT_MAX_ROWS"]))):
        try:
            if kind == "eforms":
                run = import_eforms(session, notices or [], file.name, organisation_id=owner)
            elif kind == "suppliers":
                run = import_suppliers(session, stream, file.name, organisation_id=owner,
                                       eur_nok=float(current_app.config.get("STATS_EUR_NOK",
                                                                            11.5)))
            elif kind == "spend":
                run = import_spend(session, stream, file.name, organisation_id=owner,
                                   mapping=mapping, replace=replace, keep_both=keep_both)
            elif kind == "rates":
                run = import_rates(session, stream, file.name, organisation_id=owner)
            else:
                run = import_ocds(session, stream, file.name, organisation_id=owner)
        except ChangesNeedConfirmation as changes:
            session.rollback()
            _changes(changes, old_values(session, changes.changes, owner))
        except ImportRejected as rejected:
            session.rollback()
            run = record_rejection(session, rejected, organisation_id=owner)
            session.commit()
            _fail(run, report)
        except UserError as error:
            session.rollback()
            run = record_file_error(session, kind, file.name, error, organisation_id=owner)
            session.commit()
            _fail(run, report)
        session.commit()
        click.echo(f"Imported {file.name}: {run.inserted} new, {run.updated} changed, "
                   f"{run.unchanged} unchanged (import {run.id}).")
        notes = dict(run.notes)
        encoding, key, columns = (notes.pop(name, None) for name in ("encoding", "key",
                                                                      "columns"))
        for name, value in notes.items():
            if name == "currencies":
                for currency, used in value.items():
                    click.echo(f"  {currency}: {_currency_note(used)}")
            elif value:
                click.echo(f"  {name.replace('_', ' ')}: {value}")
        if encoding:
            click.echo(f"  read as {ENCODINGS.get(encoding, encoding)}")
        if key:
            click.echo(f"  {KEYS[key]}")
        if columns:
            from procure.ingest.spend import FIELD_NAMES

            click.echo("  columns: " + ", ".join(f"{FIELD_NAMES.get(field, field)} = "
                                                 f"«{header}»"
                                                 for field, header in columns.items()))


def _scope(key_scope: str) -> str:
    if not key_scope:
        return "imported before lines had a supplier or year"
    return key_scope.replace("org:", "supplier ").replace("year:", "year ")


def _differences(differences: dict[str, list]) -> str:
    """The compared columns besides date and amount that differ, old -> new."""
    return "".join(f"; {name} {old or '-'} -> {new or '-'}"
                   for name, (old, new) in differences.items()
                   if name not in ("invoice_date", "amount_ore"))


def _changes(changes, shown: list[dict]) -> None:
    """The lines a file would change or may repeat, and how to accept it; exits 1 (nothing was
    written)."""
    if changes.count:
        click.echo(f"Not imported {changes.filename}: it would change {changes.count} line(s) "
                   "already imported. Nothing was written; run again with --replace to replace "
                   "them.", err=True)
    for change in shown:
        old = (f"{change['old_date']}, {change['old_amount_ore'] / 100:.2f}"
               if change.get("old_amount_ore") is not None else "?")
        click.echo(f"  {change['invoice_id']} line {change['line_no']} "
                   f"({_scope(change['key_scope'])}): {old} -> "
                   f"{change['date']}, {change['amount_ore'] / 100:.2f}"
                   f"{_differences(change.get('differences', {}))}", err=True)
    if changes.count > len(shown):
        click.echo(f"  … and {changes.count - len(shown)} more.", err=True)
    if changes.duplicate_count:
        click.echo(f"Not imported {changes.filename}: {changes.duplicate_count} line(s) have "
                   "the invoice or voucher, line, date and amount of a line already imported "
                   "under another supplier or year (possible duplicates). Nothing was written; "
                   "run again with --replace if they are the same lines under a corrected "
                   "key (the old lines are removed), or --keep-both if they are different "
                   "lines.", err=True)
        for duplicate in changes.duplicates:
            differences = _differences(duplicate["differences"])
            click.echo(f"  {duplicate['invoice_id']} line {duplicate['line_no']} "
                       f"{duplicate['date']}, {duplicate['amount_ore'] / 100:.2f}: "
                       f"{_scope(duplicate['old_scope'])} -> {_scope(duplicate['key_scope'])}"
                       f"{differences}", err=True)
        if changes.duplicate_count > len(changes.duplicates):
            click.echo(f"  … and {changes.duplicate_count - len(changes.duplicates)} more.",
                       err=True)
    raise SystemExit(1)


def _currency_note(used: dict) -> str:
    """One currency's line of the report: the rates used and the awards valued with them."""
    parts = []
    if "days" in used:
        parts.append(f"{used['days']} daily rates {used['from']} to {used['to']}")
    if "awards" in used:
        parts.append(f"{used['valued']} of {used['awards']} awards valued in NOK")
        if used["awards"] > used["valued"]:
            parts.append(f"{used['awards'] - used['valued']} left out of the value "
                         "indicators (no rate for their date)")
    return "; ".join(parts)


def _fail(run, report: Path | None) -> None:
    from procure.exports.import_report import report_csv

    click.echo(f"Rejected {run.filename}: {run.error_count} problem(s); nothing was imported "
               f"(import {run.id}).", err=True)
    for row, field, msgid, params in run.errors[:SHOWN_ERRORS]:
        where = f"row {row}" if row else "file"
        click.echo(f"  {where} {field}: {_(msgid, **(params or {}))}".rstrip(), err=True)
    if run.error_count > SHOWN_ERRORS:
        click.echo(f"  … and {run.error_count - SHOWN_ERRORS} more.", err=True)
    if report is not None:
        from procure.files import write_atomically

        write_atomically(report, report_csv(run.errors, lambda m, **p: _(m, **p),
                                            ("row", "field", "reason")))
        click.echo(f"Report written to {report}.", err=True)
    raise SystemExit(1)


_file_command("suppliers", "Suppliers from Brønnøysund: enheter API JSON or the bulk CSV.")
_file_command("ocds", "Contract awards from OCDS: a release or record package (JSON) or JSON "
                      "Lines of releases or packages (.jsonl).")


@import_group.command("eforms")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the row-level report (CSV) here when notices are bad.")
@organisation_option
@with_appcontext
def import_eforms_command(path: Path, report: Path | None, org: str | None) -> None:
    """eForms notices (XML) from FILE, or every .xml under DIR: result notices (E4, 29) as
    awards, competition notices (E3, 16) as the procedure's tender facts."""
    files = sorted(p for p in path.rglob("*.xml") if p.is_file()) if path.is_dir() else [path]
    _run_import("eforms", path, report, org, notices=[(str(p.relative_to(path)) if path.is_dir()
                                                  else p.name, p.read_bytes()) for p in files])


@click.group("rates")
def rates_group() -> None:
    """Exchange rates to NOK for awards in other currencies."""


@rates_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the row-level report (CSV) here when rows are bad.")
@organisation_option
@with_appcontext
def rates_import(file: Path, report: Path | None, org: str | None) -> None:
    """Norges Bank's exchange rate CSV (data.norges-bank.no, EXR) or currency;date;rate.
    Awards in those currencies get their NOK value from the rate of the award date. The
    rates serve every organisation; the import is recorded as --org's."""
    _run_import("rates", file, report, org)


@import_group.command("tenders")
@organisation_option
@with_appcontext
def import_tenders(org: str | None) -> None:
    """Awards from the organisation's own awarded tenders in procure."""
    from procure.ingest.tenders import sync_tender_awards

    session = get_session()
    owner = chosen_organisation(org).id
    assert owner is not None  # a stored organisation
    run = sync_tender_awards(session, organisation_id=owner)
    session.commit()
    click.echo(f"Imported procure's tenders: {run.inserted} new, {run.updated} changed, "
               f"{run.unchanged} unchanged (import {run.id}).")
