"""`procure stats show|export`: the controller's indicators from the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from procure import clock
from procure.cli.orgs import chosen_organisation, organisation_option
from procure.db import get_session
from procure.domain import statistics as rules
from procure.models import Organisation

OSLO = clock.OSLO


def _date(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


def filter_options(function):
    options = [
        click.option("--from", "date_from", callback=_date, help="First day, YYYY-MM-DD."),
        click.option("--to", "date_to", callback=_date, help="Last day, YYYY-MM-DD."),
        click.option("--year", type=int, help="A calendar year (when --from/--to are left out)."),
        click.option("--quarter", type=click.IntRange(1, 4), help="A quarter of --year."),
        click.option("--department", help="Spend lines of this department only."),
        click.option("--cpv", "cpv_division", help="CPV division (two digits)."),
        click.option("--category", help="Spend category."),
        click.option("--procedure", help="Procedure id (awards and tenders)."),
        click.option("--home", "home_kommune", default=None,
                     help="Home kommune (default: the organisation's)."),
        click.option("--region", default=None, help="Kommune numbers, comma separated."),
        click.option("--startup-years", type=click.IntRange(0, 100), default=None),
    ]
    for option in reversed(options):
        function = option(function)
    return organisation_option(function)


def build_filters(date_from, date_to, year, quarter, department, cpv_division, category,
                  procedure, home_kommune, region, startup_years, org) -> rules.Filters:
    """The filters of the options, for the organisation --org (the only one when left out)."""
    organisation = chosen_organisation(org)
    if cpv_division and not (len(cpv_division) == 2 and cpv_division.isdigit()):
        raise click.BadParameter("two digits", param_hint="--cpv")
    try:
        start, end = rules.period_bounds(clock.today(), year, quarter, date_from,
                                         date_to)
        region_codes = rules.parse_region(
            region or str(current_app.config.get("STATS_REGION") or "")) or rules.DEFAULT_REGION
        return rules.Filters(
            start, end, department=department, cpv_division=cpv_division, category=category,
            procedure=procedure,
            home_kommune=home_kommune or organisation.kommunenummer or rules.HOME_KOMMUNE,
            region=region_codes,
            startup_years=startup_years if startup_years is not None else int(
                current_app.config.get("STATS_STARTUP_YEARS", rules.DEFAULT_STARTUP_YEARS)),
            organisation_id=organisation.id)
    except ValueError as error:
        raise click.UsageError(f"bad filter: {error}") from None


@click.group("stats")
def stats_group() -> None:
    """Statistics: indicators and the Excel export."""


@stats_group.command("show")
@filter_options
@click.option("--json", "as_json", is_flag=True,
              help="id -> {value, coverage, numerator, denominator, reason} as JSON "
                   "(shares and coverage 0..1).")
@with_appcontext
def stats_show(as_json: bool, **options) -> None:
    """Print every indicator by id, with its coverage."""
    from procure.services import statistics
    from procure.services.rates import excluded_from_values

    filters = build_filters(**options)
    figures = statistics.indicator_figures(get_session(), filters)
    if as_json:
        click.echo(json.dumps(rules.as_json(figures), ensure_ascii=False, indent=2))
        return
    organisation = get_session().get(Organisation, filters.organisation_id)
    if organisation is not None:
        click.echo(f"{organisation.name} ({organisation.orgnr})")
    click.echo(f"Period {filters.date_from} to {filters.date_to}")
    for indicator in rules.INDICATORS:
        figure = figures[indicator.id]
        coverage = "-" if figure.coverage is None else f"{figure.coverage:.1%}"
        reason = f"  ({figure.reason})" if figure.value is None and figure.reason else ""
        click.echo(f"{indicator.id:<26} {_plain(figure.value, indicator.unit):>24}  "
                   f"coverage {coverage}{reason}")
    excluded = excluded_from_values(get_session(), filters)
    if excluded:
        click.echo("Awards left out of award values (no exchange rate for their date): "
                   + ", ".join(f"{currency} {count}" for currency, count in excluded.items())
                   + ". Import rates with `procure rates import FILE`.")


def _plain(value: object, unit: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):
        return " ".join(f"{key}={share:.1%}" for key, share in value.items())
    if unit == "share":
        return f"{value:.1%}"
    if unit == "nok":
        return f"{value:,.0f} NOK".replace(",", " ")
    if unit == "days":
        return f"{value:.1f} days"
    return f"{value:,.0f}".replace(",", " ")


@stats_group.command("export")
@filter_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--lines", is_flag=True, help="Add the spend lines (split across sheets).")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True)
@with_appcontext
def stats_export(output: Path, lines: bool, lang: str, **options) -> None:
    """Write the Excel workbook: summary, breakdowns with charts, definitions, data quality."""
    from procure.exports.workbook import statistics_workbook
    from procure.files import write_atomically
    from procure.services import statistics
    from procure.web.controller.labels import export_labels

    filters = build_filters(**options)
    session = get_session()
    with current_app.test_request_context(), force_locale(lang):
        report = statistics.report(session, filters)
        rows = statistics.iter_lines(session, filters) if lines else None
        organisation = session.get(Organisation, filters.organisation_id)
        data = statistics_workbook(report, export_labels(), rows,
                                   organisation=organisation.name if organisation else None)
    write_atomically(output, data)  # an interrupted export leaves no half-written file
    click.echo(f"Wrote {output} ({len(data):,} bytes).".replace(",", " "))


def register_statistics_cli(app) -> None:
    """Add `procure stats`, `procure import` and `procure rates` to the app's CLI."""
    from procure.cli.imports import import_group, rates_group

    app.cli.add_command(stats_group)
    app.cli.add_command(import_group)
    app.cli.add_command(rates_group)
