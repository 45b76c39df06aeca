"""The controller's statistics workbook, from a `procure.services.statistics.Report`.

Sheets: Summary (each indicator with its value, the previous period's, the change and the
coverage), one sheet per breakdown with its chart on a chart sheet after it, Definitions (read
from the indicator definitions in `procure.domain.statistics`, so new indicators and fields
appear here without a change), Data quality (totals) and its details, and optionally the raw
lines split across sheets. Every sheet names the organisation and the period, on screen and
in the printed page header.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date
from operator import itemgetter
from typing import Any

from babel.dates import format_date

from procure.errors import N_
from procure.exports.workbook.printing import PageText
from procure.exports.workbook.writer import (
    CHANGE_PERCENT,
    COUNT,
    DATE,
    DAYS,
    EXCEL_MAX_ROWS,
    NOK,
    NOK_WHOLE,
    PERCENT,
    Chart,
    Column,
    Formatted,
    Sheet,
    Unknown,
    WorkbookData,
    build_workbook,
)

# A month is a date (its first day) shown as month and year. The locale tag makes Excel and
# LibreOffice write the month's name in the workbook's language whatever the reader's settings
# (0x414 is Norwegian bokmål).
MONTH_FORMATS = {"nb": "[$-414]mmm yyyy", "en": "[$-809]mmm yyyy"}


@dataclass(frozen=True)
class Labels:
    """Translated text, supplied by the caller (the export itself knows no language)."""

    text: Callable[..., str]  # msgid, **params -> text
    key: Callable[[str, str], str]  # (breakdown id, key) -> label
    language: str = "nb"  # for dates written as text and the month names


UNIT_FORMATS = {"share": PERCENT, "count": COUNT, "days": DAYS, "nok": NOK_WHOLE}
SHARE_UNITS = ("share", "split")

FILTER_NAMES = {"period": N_("Period"), "department": N_("Department"),
                "cpv": N_("CPV division"), "category": N_("Category"),
                "procedure": N_("Procedure")}

# The Definitions sheet: the Indicator fields in the order shown, with their column titles and
# widths. A field the domain adds later is shown too, after these (see `_definition_fields`).
DEFINITION_COLUMNS = {
    "id": (N_("Indicator id"), 12, False),
    "label": (N_("Indicator"), 20, True),
    "description": (N_("Definition"), 40, True),
    "formula": (N_("Formula"), 30, True),
    "source": (N_("Source"), 24, True),
    "coverage": (N_("Coverage means"), 22, True),
}
DEFINITION_TAIL = {"reference": (N_("EU reference"), 18, True)}
NOT_SHOWN = {"unit", "population"}

REASONS = {
    "no_data": N_("Not known: there is nothing to measure in the period."),
    "nothing_known": N_("Not known: nothing in the period has this information (coverage 0 "
                        "percent)."),
    "no_change": N_("No change can be given: the value of this period or of the previous "
                    "period is not known."),
    "previous_zero": N_("No change in percent can be given: the previous period's value "
                        "is 0."),
    "previous_unknown": N_("Not known for the previous period."),
    "sme_share": N_("Not known: no spend in this group has a supplier of known size."),
    "group_share": N_("Not known: the total is 0."),
    "single_bidder": N_("Not known: no award in this group states the number of tenders."),
    "price_only": N_("Not known: no award in this group states its award criteria."),
    "decision_days": N_("Not known: no award in this group has both a tender deadline and "
                        "an award date."),
    "award_value": N_("Not known: no award in this group states a value."),
    "tender_value": N_("Not known: no tender in this group has an estimated value."),
    "green_basis": N_("Not known: no tender met § 7-9 in the period."),
}


def statistics_workbook(report, labels: Labels, lines: Iterable[dict] | None = None, *,
                        organisation: str | None = None,
                        rows_per_sheet: int = EXCEL_MAX_ROWS - 10) -> bytes:
    """The controller's workbook for a `procure.services.statistics.Report`.

    `organisation` names the buyer in every sheet's heading and page header (default: the
    home kommune's name)."""
    _ = labels.text
    f = report.filters
    owner = organisation or labels.key("kommune", f.home_kommune)
    period = _("Period %(start)s to %(end)s", start=_day(f.date_from, labels),
               end=_day(f.date_to, labels))
    previous_filters = f.previous()
    previous = _("Previous period: %(start)s to %(end)s",
                 start=_day(previous_filters.date_from, labels),
                 end=_day(previous_filters.date_to, labels))
    filters = _filter_line(f, _)

    def titled(sheet: Sheet, *extra: str) -> Sheet:
        sheet.title_lines = [f"{sheet.name} – {owner}", period, *extra,
                             *([filters] if filters else [])]
        return sheet

    sheets = [titled(_summary(report, labels, previous), previous)]
    sheets.extend(titled(sheet) for sheet in _breakdown_sheets(report, labels))
    sheets.append(titled(_definitions(report, labels)))
    sheets.extend(titled(sheet) for sheet in _quality_sheets(report, labels))
    title = _("Procurement statistics")
    page = PageText(left=f"{title} – {owner}", right=period,
                    footer=_("Page &P of &N"))
    data = WorkbookData(sheets, title, page)
    if lines is None:
        return build_workbook(data)
    return build_workbook(data, _line_rows(lines, labels),
                          lambda number: titled(_line_sheet(number, _)),
                          rows_per_sheet=rows_per_sheet)


def _day(day: date, labels: Labels) -> str:
    return format_date(day, "long", locale=labels.language)


def _filter_line(f, _) -> str:
    parts = [f"{_(FILTER_NAMES[name])}: {value}"
             for name, value in (("department", f.department), ("cpv", f.cpv_division),
                                 ("category", f.category), ("procedure", f.procedure))
             if value]
    return "; ".join(parts)


# --- Summary ------------------------------------------------------------------------------------


def _reason(figure, _) -> str:
    """Why a figure has no value: the statistics' own reason if it gives one."""
    reason = getattr(figure, "reason", None)
    if reason:
        return _(reason)
    if figure.coverage == 0:
        return _(REASONS["nothing_known"])
    return _(REASONS["no_data"])


def _known(figure, unit: str) -> bool:
    if figure.value is None:
        return False
    # A sum over nothing that has the amount (coverage 0) is not known, not 0 kr.
    return not (unit == "nok" and figure.coverage == 0)


def _change(value: Any, before: Any, unit: str, _, points: str):
    """The change column: percentage points for shares, percent for everything else."""
    if not isinstance(value, int | float) or not isinstance(before, int | float):
        return Unknown(_(REASONS["no_change"]))
    if unit in SHARE_UNITS:
        return Formatted((value - before) * 100,
                         f'+0.0" {points}";-0.0" {points}";0.0" {points}"')
    if before == 0:
        return Unknown(_(REASONS["previous_zero"]))
    return Formatted((value - before) / before, CHANGE_PERCENT)


def _summary(report, labels: Labels, previous_period: str) -> Sheet:
    from procure.domain.statistics import CLIMATE_BASES, INDICATORS

    _ = labels.text
    points = _("pp")
    rows = []
    for indicator in INDICATORS:
        figure = report.figures[indicator.id]
        before_figure = report.previous[indicator.id]
        coverage = Formatted(figure.coverage, PERCENT)
        unit = indicator.unit
        if unit == "split":
            for basis in CLIMATE_BASES:
                value = figure.value.get(basis) if isinstance(figure.value, dict) else None
                before = (before_figure.value.get(basis)
                          if isinstance(before_figure.value, dict) else None)
                rows.append(_summary_row(
                    f"{indicator.id}.{basis}",
                    f"{_(indicator.label)}: {labels.key('green_basis', basis)}",
                    value, before, PERCENT, coverage, unit, figure, _, points))
            continue
        value = figure.value if _known(figure, unit) else None
        before = before_figure.value if _known(before_figure, unit) else None
        rows.append(_summary_row(indicator.id, _(indicator.label), value, before,
                                 UNIT_FORMATS[unit], coverage, unit, figure, _, points))
    return Sheet(
        _("Summary"),
        [Column(_("Indicator id"), width=12), Column(_("Indicator"), width=30, wrap=True),
         Column(_("Value"), width=14), Column(_("Previous period"), width=14),
         Column(_("Change from the previous period"), width=14),
         Column(_("Coverage"), PERCENT, 10), Column(_("Note"), width=36, wrap=True)],
        rows,
        notes=[_("Shares are fractions of what is known; the coverage says how much is known. "
                 "Definitions are on the sheet Definitions."),
               _("Change: percentage points (pp) for shares, percent for other figures. An "
                 "empty cell is a figure that is not known; the note and the cell's comment "
                 "say why."),
               _home_note(report.filters, _),
               _("Generated %(moment)s",
                 moment=report.generated_at.strftime("%Y-%m-%d %H:%M UTC"))],
    )


def _summary_row(indicator_id: str, label: str, value, before, number_format: str, coverage,
                 unit: str, figure, _, points: str) -> tuple:
    notes = []
    if value is None:
        notes.append(_reason(figure, _))
        shown: Unknown | Formatted = Unknown(notes[-1])
    else:
        shown = Formatted(value, number_format)
    if before is None:
        notes.append(_(REASONS["previous_unknown"]))
        shown_before: Unknown | Formatted = Unknown(notes[-1])
    else:
        shown_before = Formatted(before, number_format)
    change = _change(value, before, unit, _, points)
    if isinstance(change, Unknown) and before == 0 and value is not None:
        notes.append(change.reason)
    return (indicator_id, label, shown, shown_before, change, coverage, " ".join(notes))


def _home_note(f, _) -> str:
    return _("Home kommune %(kommune)s; region %(region)s; start-ups: founded within "
             "%(years)d years", kommune=f.home_kommune, region=", ".join(f.region),
             years=f.startup_years)


# --- Definitions --------------------------------------------------------------------------------


def _definition_fields(indicator_type) -> list[tuple[str, tuple[str, float, bool]]]:
    """The Indicator fields to show: the known ones in order, then any other text field the
    domain defines (titled by its name until it gets a title here), then the reference."""
    names = [item.name for item in fields(indicator_type)]
    known = {**DEFINITION_COLUMNS, **DEFINITION_TAIL}
    extra: list[tuple[str, tuple[str, float, bool]]] = [
        (name, (name.replace("_", " ").capitalize(), 24, True)) for name in names
        if name not in known and name not in NOT_SHOWN]
    return ([(name, spec) for name, spec in DEFINITION_COLUMNS.items() if name in names]
            + extra
            + [(name, spec) for name, spec in DEFINITION_TAIL.items() if name in names])


def _definitions(report, labels: Labels) -> Sheet:
    from procure.domain.statistics import INDICATORS, Indicator

    _ = labels.text
    shown = _definition_fields(Indicator)

    def text(indicator, name: str) -> str:
        value = getattr(indicator, name)
        if not value:
            return ""
        return value if name == "id" else _(str(value))

    columns = [Column(_(title), width=width, wrap=wrap) for _name, (title, width, wrap) in shown]
    columns[-1:-1] = [Column(_("Coverage"), PERCENT, 10),
                      Column(_("Filters that apply"), width=14, wrap=True)]
    rows = []
    for indicator in INDICATORS:
        values = [text(indicator, name) for name, _spec in shown]
        values[-1:-1] = [report.figures[indicator.id].coverage,
                         ", ".join(_(FILTER_NAMES[name]) for name in indicator.filters)]
        rows.append(values)
    return Sheet(_("Definitions"), columns, rows)


# --- Data quality -------------------------------------------------------------------------------


def _quality_sheets(report, labels: Labels) -> list[Sheet]:
    _ = labels.text
    quality = report.quality
    totals = Sheet(
        _("Data quality"),
        [Column(_("Issue"), width=30, wrap=True), Column(_("Lines"), COUNT, 10),
         Column(_("Amount (NOK)"), NOK, 16), Column(_("Organisation numbers"), COUNT, 14)],
        [(labels.key("quality", issue), int(figures["lines"]), figures["amount"],
          int(figures["suppliers"])) for issue, figures in quality.totals.items()],
        notes=[_("The organisation numbers behind each issue, largest amounts first, are on "
                 "the sheet %(sheet)s.", sheet=_("Data quality details"))],
    )
    details = Sheet(
        _("Data quality details"),
        [Column(_("Issue"), width=30, wrap=True), Column(_("Organisation number"), width=14),
         Column(_("Supplier"), width=30, wrap=True), Column(_("Size rule"), width=18, wrap=True),
         Column(_("Lines"), COUNT, 10), Column(_("Amount (NOK)"), NOK, 16)],
        [(labels.key("quality", row["issue"]), row["orgnr"], row["name"],
          labels.key("size_basis", row["basis"]) if row["basis"] else "", row["lines"],
          row["amount"]) for row in quality.rows],
    )
    return [totals, details]


# --- Breakdowns ---------------------------------------------------------------------------------


def _month(key: str) -> date | str:
    """'2025-03' -> 1 March 2025 (shown as a month); anything else stays as it is."""
    try:
        year, month = key.split("-")
        return date(int(year), int(month), 1)
    except (AttributeError, ValueError):
        return key


def _breakdown_sheets(report, labels: Labels) -> list[Sheet]:
    _ = labels.text
    b = report.breakdowns
    amount = Column(_("Amount (NOK)"), NOK, 16)
    share = Column(_("Share of spend"), PERCENT, 10)
    sme_share = Column(_("SME share (known size)"), PERCENT, 12)
    lines = Column(_("Lines"), COUNT, 10)
    month_format = MONTH_FORMATS.get(labels.language, MONTH_FORMATS["en"])

    def key(breakdown: str, value: str) -> str:
        return labels.key(breakdown, value)

    def known(value, reason: str):
        return Unknown(_(REASONS[reason])) if value is None else value

    def chart(kind: str, title: str, label_column: int, value_columns: tuple[int, ...],
              sheet: str, value_format: str | None = None) -> Chart:
        return Chart(kind, title, label_column, value_columns, value_format,
                     _("%(sheet)s, chart", sheet=sheet))

    sheets = []

    def add(name: str, columns: list[Column], rows: list, make_chart) -> None:
        # Comments do not print: a printed page says what its empty cells mean.
        unknown = any(isinstance(value, Unknown) for row in rows for value in row)
        notes = [_("An empty cell is a figure that is not known; its comment says why.")]
        sheets.append(Sheet(name, columns, rows, make_chart(name), notes if unknown else []))

    add(_("By size class"),
        [Column(_("Size class"), width=18, wrap=True), Column(_("Suppliers"), COUNT, 10),
         lines, amount, share],
        [(key("size", r["key"]), r["suppliers"], r["lines"], r["amount"],
          known(r["share"], "group_share")) for r in b["size"].rows],
        lambda name: chart("bar", _("Spend by size class"), 1, (4,), name, NOK_WHOLE))
    add(_("By kommune"),
        [Column(_("Kommunenummer"), width=10), Column(_("Kommune"), width=22, wrap=True),
         Column(_("Suppliers"), COUNT, 10), lines, amount, share],
        [(r["key"] if r["key"] not in ("", "__other__") else "",
          key("kommune", r["key"]), r["suppliers"], r["lines"], r["amount"],
          known(r["share"], "group_share")) for r in b["kommune"].rows],
        lambda name: chart("bar", _("Spend by kommune"), 2, (5,), name, NOK_WHOLE))
    add(_("By category"),
        [Column(_("Category"), width=26, wrap=True), lines, amount, share, sme_share],
        [(key("category", r["key"]), r["lines"], r["amount"], known(r["share"], "group_share"),
          known(r["sme_share"], "sme_share")) for r in b["category"].rows],
        lambda name: chart("bar", _("Spend by category"), 1, (3,), name, NOK_WHOLE))
    add(_("By department"),
        [Column(_("Department"), width=26, wrap=True), lines, amount, share, sme_share],
        [(key("department", r["key"]), r["lines"], r["amount"],
          known(r["share"], "group_share"), known(r["sme_share"], "sme_share"))
         for r in b["department"].rows],
        lambda name: chart("bar", _("Spend by department"), 1, (3,), name, NOK_WHOLE))
    add(_("By CPV division"),
        [Column(_("CPV division"), width=10), Column(_("Description"), width=40, wrap=True),
         lines, amount, share, sme_share],
        [(r["key"] if r["key"] not in ("", "__other__") else "", key("cpv", r["key"]),
          r["lines"], r["amount"], known(r["share"], "group_share"),
          known(r["sme_share"], "sme_share")) for r in b["cpv"].rows],
        lambda name: chart("bar", _("Spend by CPV division"), 2, (4,), name, NOK_WHOLE))
    add(_("Over time"),
        [Column(_("Month"), month_format, 10), lines, amount,
         Column(_("SME amount (NOK)"), NOK, 16), sme_share],
        [(_month(r["key"]), r["lines"], r["amount"], r["sme_amount"],
          known(r["sme_share"], "sme_share")) for r in b["month"].rows],
        lambda name: chart("column", _("Spend by month"), 1, (3, 4), name, NOK_WHOLE))
    add(_("By procedure"),
        [Column(_("Procedure"), width=26, wrap=True), Column(_("Awards"), COUNT, 10),
         Column(_("Single-bidder share"), PERCENT, 10),
         Column(_("Price-only share"), PERCENT, 10),
         Column(_("Average decision time (days)"), DAYS, 10),
         Column(_("Awarded value (NOK)"), NOK, 16),
         Column(_("Awards won by an SME"), COUNT, 10)],
        [(key("procedure", r["key"]), r["awards"],
          known(r["single_bidder_share"], "single_bidder"),
          known(r["price_only_share"], "price_only"),
          known(r["decision_days_avg"], "decision_days"),
          known(r["amount"], "award_value"), r["sme_awards"]) for r in b["procedure"].rows],
        lambda name: chart("bar", _("Awards by procedure"), 1, (2,), name, COUNT))
    add(_("Green by basis"),
        [Column(_("Basis"), width=30, wrap=True), Column(_("Tenders"), COUNT, 10),
         Column(_("Share of green tenders"), PERCENT, 12)],
        [(key("green_basis", r["key"]), r["tenders"], known(r["share"], "green_basis"))
         for r in b["green_basis"].rows],
        lambda name: chart("pie", _("How § 7-9 was met"), 1, (2,), name))
    add(_("Innovation by track"),
        [Column(_("Track"), width=26, wrap=True), Column(_("Tenders"), COUNT, 10),
         Column(_("Estimated value (NOK)"), NOK, 16)],
        [(key("track", r["key"]), r["tenders"], known(r["amount"], "tender_value"))
         for r in b["innovation_track"].rows],
        lambda name: chart("bar", _("Innovative procurements by track"), 1, (3,), name,
                           NOK_WHOLE))
    return sheets


# --- Lines --------------------------------------------------------------------------------------

LINE_KEYS = ("invoice_id", "line_no", "invoice_date", "supplier_orgnr", "supplier_name",
             "size_class", "kommunenummer", "amount", "account", "category", "cpv_code",
             "department")


def _line_rows(lines: Iterable[dict], labels: Labels):
    size_labels: dict[str, str] = {}  # one translation per size class, not one per line
    values = itemgetter(*LINE_KEYS)
    for line in lines:
        size = line["size_class"]
        if size not in size_labels:
            size_labels[size] = labels.key("size", size)
        line["size_class"] = size_labels[size]
        yield values(line)


def _line_sheet(number: int, _) -> Sheet:
    return Sheet(_("Lines %(number)d", number=number), [
        Column(_("Invoice"), width=14), Column(_("Line"), COUNT, 7),
        Column(_("Date"), DATE, 12), Column(_("Organisation number"), width=12),
        Column(_("Supplier"), width=30), Column(_("Size class"), width=10),
        Column(_("Kommunenummer"), width=10), Column(_("Amount (NOK)"), NOK, 16),
        Column(_("Account"), width=9), Column(_("Category"), width=20),
        Column(_("CPV"), width=11), Column(_("Department"), width=20)], [])
