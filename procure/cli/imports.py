"""`procure import suppliers|spend|ocds FILE`, `procure import tenders` and
`procure rates import FILE`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from procure.db import get_session
from procure.errors import UserError

SHOWN_ERRORS = 20


@click.group("import")
def import_group() -> None:
    """Imports for the statistics (all or nothing; re-importing changes nothing)."""


def _file_command(kind: str, help_text: str):
    @import_group.command(kind, help=help_text)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
                  help="Write the row-level report (CSV) here when rows are bad.")
    @with_appcontext
    def command(file: Path, report: Path | None) -> None:
        _run_import(kind, file, report)

    return command


def _run_import(kind: str, file: Path, report: Path | None) -> None:
    from procure.services.imports import ImportRejected, record_file_error, record_rejection
    from procure.services.imports.ocds import import_ocds
    from procure.services.imports.rates import import_rates
    from procure.services.imports.reading import row_limit
    from procure.services.imports.spend import import_spend
    from procure.services.imports.suppliers import import_suppliers

    session = get_session()
    with (file.open("rb") as stream, current_app.test_request_context(), force_locale("en"),
          row_limit(int(current_app.config["IMPORT_MAX_ROWS"]))):
        try:
            if kind == "suppliers":
                run = import_suppliers(session, stream, file.name, eur_nok=float(
                    current_app.config.get("STATS_EUR_NOK", 11.5)))
            elif kind == "spend":
                run = import_spend(session, stream, file.name)
            elif kind == "rates":
                run = import_rates(session, stream, file.name)
            else:
                run = import_ocds(session, stream, file.name)
        except ImportRejected as rejected:
            session.rollback()
            run = record_rejection(session, rejected)
            session.commit()
            _fail(run, report)
        except UserError as error:
            session.rollback()
            run = record_file_error(session, kind, file.name, error)
            session.commit()
            _fail(run, report)
        session.commit()
        click.echo(f"Imported {file.name}: {run.inserted} new, {run.updated} changed, "
                   f"{run.unchanged} unchanged (import {run.id}).")
        for key, value in run.notes.items():
            if key == "currencies":
                for currency, used in value.items():
                    click.echo(f"  {currency}: {_currency_note(used)}")
            elif value:
                click.echo(f"  {key.replace('_', ' ')}: {value}")


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
_file_command("spend", "Spend lines (CSV or XLSX); the columns are listed in README.md.")
_file_command("ocds", "Contract awards from OCDS: a release or record package (JSON) or JSON "
                      "Lines of releases or packages (.jsonl).")


@click.group("rates")
def rates_group() -> None:
    """Exchange rates to NOK for awards in other currencies."""


@rates_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the row-level report (CSV) here when rows are bad.")
@with_appcontext
def rates_import(file: Path, report: Path | None) -> None:
    """Norges Bank's exchange rate CSV (data.norges-bank.no, EXR) or currency;date;rate.
    Awards in those currencies get their NOK value from the rate of the award date."""
    _run_import("rates", file, report)


@import_group.command("tenders")
@with_appcontext
def import_tenders() -> None:
    """Awards from procure's own awarded tenders."""
    from procure.services.imports.tenders import sync_tender_awards

    session = get_session()
    run = sync_tender_awards(session)
    session.commit()
    click.echo(f"Imported procure's tenders: {run.inserted} new, {run.updated} changed, "
               f"{run.unchanged} unchanged (import {run.id}).")
