"""Statistics queries: every sum is computed in SQL with conditional sums and GROUP BY.

The dashboard, `procure stats show` and the Excel export all call `report()`, so they show the
same numbers. Amounts are in øre in the database and in NOK (float) in the results.

Spend sums read the monthly summaries (procure/services/spend_summary.py) where they give the
same result as the lines: `spend_month` (per supplier, joined to the register) when the period
is whole months and no department, category or CPV filter is set; `spend_month_dims` (per
department, category, CPV division and size) when the period is whole months and every
supplier's size is the one summed. Anything else reads the lines.

Every query is one organisation's (Filters.organisation_id, issue 19): its spend lines and
their sums, its awards and its tenders. The supplier register they are joined to is shared.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, SupportsInt, cast

from sqlalchemy import and_, case, distinct, func, literal, or_, select
from sqlalchemy.sql import ColumnElement, Select, SQLColumnExpression
from sqlmodel import Session, col

from procure import clock
from procure.domain import statistics as rules
from procure.domain.size_class import KNOWN_CLASSES, SME_CLASSES, UNKNOWN
from procure.domain.statistics import AwardTotals, Figure, Filters, SpendTotals, TenderTotals
from procure.models import (
    Award,
    AwardSupplier,
    SpendLine,
    SpendMonth,
    SpendMonthDepartment,
    SpendMonthDims,
    Supplier,
    Tender,
)
from procure.services import spend_summary

OSLO = clock.OSLO
TOP = 15  # rows shown per breakdown before the rest is summed as "other"
OTHER = "__other__"


# --- conditions --------------------------------------------------------------------------------


def _size() -> ColumnElement:
    return func.coalesce(col(Supplier.size_class), UNKNOWN)


def _owner(filters: Filters) -> int:
    """The organisation whose statistics these are; never all of them."""
    if filters.organisation_id is None:
        raise ValueError("statistics are one organisation's: set Filters.organisation_id")
    return filters.organisation_id


def _spend_where(filters: Filters) -> list[ColumnElement]:
    conditions = [col(SpendLine.organisation_id) == _owner(filters),
                  col(SpendLine.invoice_date) >= filters.date_from,
                  col(SpendLine.invoice_date) <= filters.date_to]
    if filters.department:
        conditions.append(col(SpendLine.department) == filters.department)
    if filters.category:
        conditions.append(col(SpendLine.category) == filters.category)
    if filters.cpv_division:
        conditions.append(col(SpendLine.cpv_code).startswith(filters.cpv_division, autoescape=True))
    return conditions


def _award_where(filters: Filters) -> list[ColumnElement]:
    conditions = [col(Award.organisation_id) == _owner(filters),
                  col(Award.award_date) >= filters.date_from,
                  col(Award.award_date) <= filters.date_to]
    if filters.cpv_division:
        conditions.append(col(Award.cpv_code).startswith(filters.cpv_division, autoescape=True))
    if filters.procedure:
        conditions.append(col(Award.procedure) == filters.procedure)
    return conditions


def _oslo_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), OSLO).astimezone(UTC)


def _tender_where(filters: Filters) -> list[ColumnElement]:
    conditions = [col(Tender.organisation_id) == _owner(filters),
                  col(Tender.opened_at) >= _oslo_midnight(filters.date_from),
                  col(Tender.opened_at) < _oslo_midnight(filters.date_to + timedelta(days=1)),
                  col(Tender.cancelled_at).is_(None)]
    if filters.cpv_division:
        conditions.append(col(Tender.cpv_code).startswith(filters.cpv_division, autoescape=True))
    if filters.procedure:
        conditions.append(
            func.coalesce(col(Tender.procedure), col(Tender.track)) == filters.procedure)
    return conditions


def _innovative() -> ColumnElement:
    return or_(col(Tender.innovation).in_(rules.INNOVATION_LEVELS),
               col(Tender.track).in_(rules.INNOVATION_TRACKS))


def _basis() -> ColumnElement:
    return case((col(Tender.climate_basis).startswith("exemption"), literal("exemption")),
                else_=col(Tender.climate_basis))


def _sum(condition: ColumnElement, value: SQLColumnExpression[Any] | int = 1) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


@dataclass(frozen=True)
class _Spend:
    """Where spend sums come from: the lines themselves, or `spend_month` (the same sums per
    month and supplier). Both are joined to the register on the supplier id."""

    table: type[SpendLine | SpendMonth | SpendMonthDepartment]
    lines: ColumnElement  # the number of lines
    amount: SQLColumnExpression[Any]
    orgnr: SQLColumnExpression[Any]
    valid: SQLColumnExpression[Any]
    supplier_id: SQLColumnExpression[Any]
    matched: ColumnElement  # the line has a supplier in the register
    line_value: SQLColumnExpression[Any] | int  # what to sum to count lines
    where: tuple[ColumnElement, ...]
    month: SQLColumnExpression[Any]  # the column to take the month from
    department: SQLColumnExpression[Any] | None = None  # None when the source has no department

    def select(self, *columns) -> Select:
        return (select(*columns).select_from(self.table)
                .outerjoin(Supplier, col(Supplier.id) == self.supplier_id).where(*self.where))


def _whole_months(filters: Filters) -> bool:
    end = filters.date_to
    return filters.date_from.day == 1 and (
        (end.month, end.day) == (12, 31) or (end + timedelta(days=1)).day == 1)


def _spend(filters: Filters, lines: bool = False, department: bool = False) -> _Spend:
    """spend_month for whole months; spend_month_department when a department is filtered on
    or asked for (`department`); the lines when a category or CPV filter is set (`lines`)."""
    if not lines and _whole_months(filters) and not (filters.category or filters.cpv_division):
        if filters.department or department:
            table = SpendMonthDepartment
            where = [col(table.organisation_id) == _owner(filters),
                     col(table.month) >= filters.date_from, col(table.month) <= filters.date_to]
            if filters.department:
                where.append(col(table.department) == filters.department)
            return _Spend(table, func.coalesce(func.sum(col(table.lines)), 0),
                          col(table.amount_ore), col(table.supplier_orgnr),
                          col(table.orgnr_valid), col(table.supplier_id),
                          col(table.supplier_id) != 0, col(table.lines), tuple(where),
                          col(table.month), col(table.department))
        month = SpendMonth
        return _Spend(month, func.coalesce(func.sum(col(month.lines)), 0), col(month.amount_ore),
                      col(month.supplier_orgnr), col(month.orgnr_valid), col(month.supplier_id),
                      col(month.supplier_id) != 0, col(month.lines),
                      (col(month.organisation_id) == _owner(filters),
                       col(month.month) >= filters.date_from, col(month.month) <= filters.date_to),
                      col(month.month))
    return _Spend(SpendLine, func.count(), col(SpendLine.amount_ore), col(SpendLine.supplier_orgnr),
                  col(SpendLine.orgnr_valid), col(SpendLine.supplier_id),
                  col(SpendLine.supplier_id).is_not(None), 1, tuple(_spend_where(filters)),
                  col(SpendLine.invoice_date), col(SpendLine.department))


def _supplier_months(session: Session, source: _Spend):
    """One row per supplier and month (the organisation number as given, valid or not, and
    the supplier id): its lines and net amount. The summaries hold exactly that per row; the
    lines are grouped."""
    statement: Select
    if source.table is SpendLine:
        statement = (select(col(SpendLine.supplier_id).label("supplier_id"),
                            func.count().label("lines"),
                            func.sum(col(SpendLine.amount_ore)).label("net"))
                     .where(*source.where)
                     .group_by(_month(session, col(SpendLine.invoice_date)),
                               col(SpendLine.supplier_orgnr),
                               col(SpendLine.orgnr_valid), col(SpendLine.supplier_id)))
    else:
        # Not the lines, so a summary table (an identity check does not narrow a class).
        table = cast("type[SpendMonth | SpendMonthDepartment]", source.table)
        statement = select(col(table.supplier_id).label("supplier_id"),
                           col(table.lines).label("lines"),
                           col(table.amount_ore).label("net")).where(*source.where)
    return statement.subquery("supplier_months")


def _dims_usable(session: Session, filters: Filters) -> bool:
    """Whether spend_month_dims gives the lines' result: whole months, a CPV filter (if any)
    that is a two-digit division, and the sizes summed still the register's."""
    division = filters.cpv_division
    if division and not (len(division) == 2 and division.isascii() and division.isdigit()):
        return False
    return _whole_months(filters) and spend_summary.dims_current(
        session, _owner(filters), filters.date_from, filters.date_to)


def _spend_flag(filters: Filters, flag: str, source: _Spend | None = None) -> ColumnElement:
    source = source or _spend(filters)
    size = _size()
    return {
        "sme": size.in_(SME_CLASSES),
        "large": size == "large",
        "unknown": size.not_in(KNOWN_CLASSES),
        "local": col(Supplier.kommunenummer) == filters.home_kommune,
        "regional": col(Supplier.kommunenummer).in_(filters.region),
        "startup": col(Supplier.founded) > filters.startup_founded_after,
        "invalid": source.valid.is_(False),
        "unmatched": and_(source.valid.is_(True), ~source.matched),
    }[flag]


def _month(session: Session, column) -> ColumnElement:
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(column, 1, 7)
    return func.to_char(column, "YYYY-MM")


def _nok(ore: SupportsInt | None) -> float:
    return int(ore or 0) / 100


# --- totals ------------------------------------------------------------------------------------


def spend_totals(session: Session, filters: Filters) -> SpendTotals:
    """The sums behind the spend shares, each supplier's net per month counted when positive
    (rules.CREDIT_NOTE_RULE). Summed per supplier before the join to the register: a few
    thousand lookups instead of one per supplier and month."""
    units = _supplier_months(session, _spend(filters))
    per_supplier = (
        select(units.c.supplier_id.label("supplier_id"),
               func.sum(units.c.lines).label("lines"),
               func.sum(case((units.c.net > 0, units.c.net), else_=0)).label("amount"))
        .group_by(units.c.supplier_id)
        .subquery("per_supplier")
    )
    amount = per_supplier.c.amount
    size = _size()
    kommune = col(Supplier.kommunenummer)
    statement = (
        select(
            func.coalesce(func.sum(per_supplier.c.lines), 0),
            func.coalesce(func.sum(amount), 0),
            _sum(size.in_(KNOWN_CLASSES), amount),
            _sum(size.in_(SME_CLASSES), amount),
            _sum(size.not_in(KNOWN_CLASSES), amount),
            _sum(kommune != "", amount),
            _sum(kommune == filters.home_kommune, amount),
            _sum(kommune.in_(filters.region), amount),
            _sum(col(Supplier.founded).is_not(None), amount),
            _sum(col(Supplier.founded) > filters.startup_founded_after, amount),
        )
        .select_from(per_supplier)
        .outerjoin(Supplier, col(Supplier.id) == per_supplier.c.supplier_id)
    )
    return SpendTotals(*(int(value or 0) for value in session.execute(statement).one()))


def award_totals(session: Session, filters: Filters) -> AwardTotals:
    tenderers = col(Award.number_of_tenderers)
    statement = select(
        func.count(),
        _sum(tenderers.is_not(None)),
        _sum(tenderers == 1),
        _sum(col(Award.award_criteria).is_not(None)),
        _sum(col(Award.award_criteria).in_(rules.PRICE_ONLY_CRITERIA)),
        func.count(col(Award.decision_days)),
        func.coalesce(func.sum(col(Award.decision_days)), 0),
        _sum(col(Award.bids_known_size).is_not(None)),
        func.coalesce(func.sum(col(Award.bids_known_size)), 0),
        func.coalesce(func.sum(col(Award.sme_bids)), 0),
    ).where(*_award_where(filters))
    (awards, known_tenderers, single, known_criteria, price_only, known_decision, days,
     with_bids, bids, sme_bids) = (int(v or 0) for v in session.execute(statement).one())
    size = _winner_size()
    per_award = (
        select(func.count().label("winners"),
               _sum(size.in_(KNOWN_CLASSES)).label("known"),
               _sum(size.in_(SME_CLASSES)).label("sme"))
        .select_from(AwardSupplier)
        .join(Award, col(Award.id) == col(AwardSupplier.award_id))
        .outerjoin(Supplier, col(Supplier.id) == col(AwardSupplier.supplier_id))
        .where(*_award_where(filters))
        .group_by(col(AwardSupplier.award_id))
        .subquery()
    )
    # A contract is won by an SME when one of its winners is; its winners' size is known when
    # an SME is among them or every winner's size is known.
    winners = select(
        func.coalesce(func.sum(per_award.c.winners), 0),
        func.coalesce(func.sum(per_award.c.known), 0),
        func.coalesce(func.sum(per_award.c.sme), 0),
        _sum(or_(per_award.c.sme > 0, per_award.c.known == per_award.c.winners)),
        _sum(per_award.c.sme > 0),
    )
    count, known, sme, contracts_known, contracts_sme = (
        int(v or 0) for v in session.execute(winners).one())
    return AwardTotals(awards, count, known, sme, contracts_known, contracts_sme,
                       known_tenderers, single, known_criteria, price_only, known_decision,
                       days, with_bids, bids, sme_bids)


def _winner_size() -> ColumnElement:
    """The size stated in the award, else the register's."""
    return case((col(AwardSupplier.size_class) != UNKNOWN, col(AwardSupplier.size_class)),
                else_=func.coalesce(col(Supplier.size_class), UNKNOWN))


def tender_totals(session: Session, filters: Filters) -> TenderTotals:
    where = _tender_where(filters)
    innovative = _innovative()
    regime = col(Tender.recommendation)["regime"].as_string()
    applies = regime.in_(rules.CLIMATE_REGIMES)
    statement = select(
        func.count(),
        _sum(col(Tender.climate_status).is_not(None)),
        _sum(col(Tender.climate_status) == "met"),
        _sum(regime.is_not(None)),
        _sum(applies),
        _sum(and_(applies, col(Tender.climate_status) == "met")),
        _sum(or_(col(Tender.innovation).is_not(None), col(Tender.track).is_not(None))),
        _sum(innovative),
        _sum(and_(innovative, col(Tender.estimated_value).is_not(None))),
        func.coalesce(func.sum(case((innovative, col(Tender.estimated_value)), else_=None)), 0),
    ).where(*where)
    (tenders, checked, met, known, applies_count, applies_met, answered, count, valued,
     value) = session.execute(statement).one()
    basis = _basis()
    by_basis = {key: int(n) for key, n in session.execute(
        select(basis, func.count()).where(*where, col(Tender.climate_status) == "met")
        .group_by(basis))}
    return TenderTotals(int(tenders or 0), int(checked or 0), int(met or 0),
                        int(known or 0), int(applies_count or 0), int(applies_met or 0), by_basis,
                        int(answered or 0), int(count or 0), int(valued or 0),
                        round(Decimal(value or 0) * 100))


def indicator_figures(session: Session, filters: Filters) -> dict[str, Figure]:
    """Every indicator for the filters: three aggregate queries plus two small GROUP BYs."""
    return rules.figures(spend_totals(session, filters), award_totals(session, filters),
                         tender_totals(session, filters))


# --- breakdowns --------------------------------------------------------------------------------


@dataclass
class Breakdown:
    id: str
    rows: list[dict]
    total: float = 0.0


def _top(rows: list[dict], amount_key: str = "amount") -> list[dict]:
    """The TOP largest rows, then one row for the rest."""
    rows = sorted(rows, key=lambda row: (-row[amount_key], str(row["key"])))
    if len(rows) <= TOP + 1:
        return rows
    rest = rows[TOP:]
    other = {"key": OTHER}
    for name in rest[0]:
        if name != "key" and isinstance(rest[0][name], int | float):
            other[name] = sum(row[name] for row in rest)
    return [*rows[:TOP], other]


def _spend_group(session: Session, filters: Filters, key: SQLColumnExpression[Any],
                 source: _Spend | None = None) -> list[dict]:
    """Sums per key, without supplier counts (see `_supplier_groups`)."""
    source = source or _spend(filters)
    amount = source.amount
    size = _size()
    statement = (
        source.select(key.label("key"), source.lines, func.coalesce(func.sum(amount), 0),
                      _sum(size.in_(SME_CLASSES), amount), _sum(size.in_(KNOWN_CLASSES), amount),
                      literal(0))
        .group_by(key)
    )
    return _group_rows(session, statement)


def _supplier_groups(session: Session, source: _Spend) -> tuple[list[dict], list[dict]]:
    """The size and the kommune breakdowns, with supplier counts, from one pass: sums per
    organisation number, size and kommune, added up here (a number counts once for each size
    and each kommune it has). With a department, category or CPV filter each pass is a scan of
    the lines."""
    size = _size()
    kommune = func.coalesce(col(Supplier.kommunenummer), "")
    statement = (source.select(source.orgnr, size, kommune, source.lines,
                               func.coalesce(func.sum(source.amount), 0))
                 .group_by(source.orgnr, size, kommune))
    by_size: dict[str, list] = {}
    by_kommune: dict[str, list] = {}
    for orgnr, size_class, kommune_number, lines, amount in session.execute(statement):
        amount = int(amount)
        for groups, key in ((by_size, size_class), (by_kommune, kommune_number)):
            group = groups.setdefault(key if key is not None else "", [0, 0, 0, 0, set()])
            group[0] += int(lines)
            group[1] += amount
            group[2] += amount if size_class in SME_CLASSES else 0
            group[3] += amount if size_class in KNOWN_CLASSES else 0
            group[4].add(orgnr)

    def rows(groups: dict[str, list]) -> list[dict]:
        return [{"key": key, "lines": lines, "amount": _nok(amount), "sme_amount": _nok(sme),
                 "known_size_amount": _nok(known), "suppliers": len(numbers)}
                for key, (lines, amount, sme, known, numbers) in groups.items()]

    return rows(by_size), rows(by_kommune)


def _dims_group(session: Session, filters: Filters,
                key: SQLColumnExpression[Any]) -> list[dict]:
    """As `_spend_group` without supplier counts, from spend_month_dims."""
    dims = SpendMonthDims
    size = col(dims.size_class)
    where = [col(dims.organisation_id) == _owner(filters),
             col(dims.month) >= filters.date_from, col(dims.month) <= filters.date_to]
    if filters.department:
        where.append(col(dims.department) == filters.department)
    if filters.category:
        where.append(col(dims.category) == filters.category)
    if filters.cpv_division:
        where.append(col(dims.cpv_division) == filters.cpv_division)
    statement = (
        select(key.label("key"), func.coalesce(func.sum(col(dims.lines)), 0),
               func.coalesce(func.sum(col(dims.amount_ore)), 0),
               _sum(size.in_(SME_CLASSES), col(dims.amount_ore)),
               _sum(size.in_(KNOWN_CLASSES), col(dims.amount_ore)), literal(0))
        .where(*where).group_by(key)
    )
    return _group_rows(session, statement)


def _group_rows(session: Session, statement) -> list[dict]:
    rows = []
    for group, lines, total, sme, known, suppliers in session.execute(statement):
        rows.append({"key": group if group is not None else "", "lines": int(lines),
                     "amount": _nok(total), "sme_amount": _nok(sme),
                     "known_size_amount": _nok(known), "suppliers": int(suppliers)})
    return rows


def _with_shares(rows: list[dict]) -> tuple[list[dict], float]:
    """Each row's share of the total and its SME share, both of net amounts: a share that
    credit notes push outside 0-100 % is None, with its reason in `*_reason`."""
    total = sum(row["amount"] for row in rows)
    for row in rows:
        row["share"], row["share_reason"] = rules.share(row["amount"], total)
        if "sme_amount" in row:
            row["sme_share"], row["sme_share_reason"] = rules.share(
                row["sme_amount"], row["known_size_amount"])
    return rows, total


SPEND_BREAKDOWNS = ("size", "kommune", "category", "department", "cpv", "month")


def spend_breakdowns(session: Session, filters: Filters,
                     names: tuple[str, ...] = SPEND_BREAKDOWNS) -> dict[str, Breakdown]:
    """The spend breakdowns asked for (a dashboard section needs two or three of them)."""
    size_order = {size: index for index, size in enumerate((*KNOWN_CLASSES, UNKNOWN))}
    source = _spend(filters)
    result: dict[str, list[dict]] = {}
    if "size" in names or "kommune" in names:
        by_size, by_kommune = _supplier_groups(session, source)
        by_size.sort(key=lambda row: size_order.get(row["key"], 99))
        result.update(size=by_size, kommune=_top(by_kommune))
    dims = SpendMonthDims
    lines = _spend(filters, lines=True)
    keys = {
        "category": (col(dims.category), col(SpendLine.category), lines),
        "department": (col(dims.department), col(SpendLine.department), lines),
        "cpv": (col(dims.cpv_division), func.substr(col(SpendLine.cpv_code), 1, 2), lines),
        "month": (_month(session, col(dims.month)), _month(session, source.month), source),
    }
    wanted = [name for name in keys if name in names]
    if wanted:
        usable = _dims_usable(session, filters)
        for name in wanted:
            from_dims, from_lines, lines_source = keys[name]
            rows = (_dims_group(session, filters, from_dims) if usable
                    else _spend_group(session, filters, from_lines, source=lines_source))
            result[name] = (sorted(rows, key=lambda row: row["key"]) if name == "month"
                            else _top(rows))
    breakdowns = {}
    for name in SPEND_BREAKDOWNS:
        if name in result:
            rows, total = _with_shares(result[name])
            breakdowns[name] = Breakdown(name, rows, total)
    return breakdowns


def award_breakdown(session: Session, filters: Filters) -> Breakdown:
    tenderers = col(Award.number_of_tenderers)
    size = _winner_size()
    winners = (
        select(col(AwardSupplier.award_id).label("award_id"),
               func.max(case((size.in_(SME_CLASSES), 1), else_=0)).label("sme"))
        .select_from(AwardSupplier)
        .outerjoin(Supplier, col(Supplier.id) == col(AwardSupplier.supplier_id))
        .group_by(col(AwardSupplier.award_id))
        .subquery()
    )
    statement = (
        select(col(Award.procedure), func.count(), _sum(tenderers == 1),
               _sum(tenderers.is_not(None)),
               _sum(col(Award.award_criteria).in_(rules.PRICE_ONLY_CRITERIA)),
               _sum(col(Award.award_criteria).is_not(None)), func.avg(col(Award.decision_days)),
               func.sum(col(Award.value_ore)),  # None when no award has a NOK value: unknown
               func.coalesce(func.sum(winners.c.sme), 0))
        .outerjoin(winners, winners.c.award_id == col(Award.id))
        .where(*_award_where(filters))
        .group_by(col(Award.procedure))
    )
    rows: list[dict[str, Any]] = []
    for (procedure, awards, single, known, price_only, known_criteria, days, value,
         sme) in session.execute(statement):
        rows.append({"key": procedure or "", "awards": int(awards),
                     "single_bidder_share": rules.ratio(int(single), int(known)),
                     "price_only_share": rules.ratio(int(price_only), int(known_criteria)),
                     "decision_days_avg": float(days) if days is not None else None,
                     "amount": _nok(value) if value is not None else None,
                     "sme_awards": int(sme)})
    rows.sort(key=lambda row: (-row["awards"], row["key"]))
    return Breakdown("procedure", rows, float(sum(row["awards"] for row in rows)))


def tender_breakdowns(session: Session, filters: Filters) -> dict[str, Breakdown]:
    where = _tender_where(filters)
    basis = _basis()
    counts = dict(session.execute(
        select(basis, func.count()).where(*where, col(Tender.climate_status) == "met")
        .group_by(basis)).all())
    met = sum(counts.values())
    basis_rows = [{"key": key, "tenders": int(counts.get(key, 0)),
                   "share": rules.ratio(int(counts.get(key, 0)), met)}
                  for key in rules.CLIMATE_BASES]
    track = func.coalesce(col(Tender.track), "")
    statement = (select(track, func.count(),
                        func.coalesce(func.sum(col(Tender.estimated_value)), 0))
                 .where(*where, _innovative()).group_by(track))
    track_rows = [{"key": key, "tenders": int(n), "amount": float(value or 0)}
                  for key, n, value in session.execute(statement)]
    track_rows.sort(key=lambda row: (-row["amount"], row["key"]))
    return {"green_basis": Breakdown("green_basis", basis_rows, float(met)),
            "innovation_track": Breakdown("innovation_track", track_rows,
                                          sum(row["amount"] for row in track_rows))}


# --- data quality -------------------------------------------------------------------------------


@dataclass
class Quality:
    totals: dict[str, dict[str, float]]  # issue -> {lines, amount, suppliers}
    rows: list[dict]  # issue, orgnr, name, lines, amount (largest first per issue)
    register: dict[str, int] = field(default_factory=dict)  # size basis -> suppliers


QUALITY_ISSUES = ("invalid", "unmatched", "unknown")


def data_quality(session: Session, filters: Filters, limit: int = 200) -> Quality:
    """Per issue: the totals and the organisation numbers with the largest amounts. One pass
    over the spend (a scan of the lines when a filter rules out the summaries), grouped by
    organisation number with conditional sums per issue, instead of one pass per issue."""
    source = _spend(filters)
    conditions = []
    for issue in QUALITY_ISSUES:
        condition = _spend_flag(filters, issue, source)
        conditions.append(and_(condition, source.matched) if issue == "unknown" else condition)
    columns = [column for condition in conditions for column in (
        _sum(condition), _sum(condition, source.line_value), _sum(condition, source.amount),
        func.max(case((condition, col(Supplier.name)))),
        func.max(case((condition, col(Supplier.size_basis)))))]
    # Ordered by number in the database's collation; the stable sort by amount below keeps
    # that order among equal amounts, as ORDER BY amount DESC, orgnr would.
    groups = session.execute(source.select(source.orgnr, *columns).where(or_(*conditions))
                             .group_by(source.orgnr).order_by(source.orgnr)).all()
    totals: dict[str, dict[str, float]] = {}
    rows: list[dict] = []
    for index, issue in enumerate(QUALITY_ISSUES):
        found = [(group[0], *group[2 + 5 * index:6 + 5 * index]) for group in groups
                 if group[1 + 5 * index]]
        totals[issue] = {"lines": sum(int(row[1]) for row in found),
                         "amount": _nok(sum(int(row[2]) for row in found)),
                         "suppliers": len(found)}
        for orgnr, count, total, name, basis in sorted(found, key=lambda row: -int(row[2]))[
                :limit]:
            rows.append({"issue": issue, "orgnr": orgnr, "name": name or "",
                         "basis": basis or "", "lines": int(count), "amount": _nok(total)})
    register = {basis or "": int(n) for basis, n in session.execute(
        select(col(Supplier.size_basis), func.count()).group_by(col(Supplier.size_basis)))}
    return Quality(totals, rows, register)


# --- the report ---------------------------------------------------------------------------------


@dataclass
class Report:
    filters: Filters
    figures: dict[str, Figure]
    previous: dict[str, Figure]
    breakdowns: dict[str, Breakdown]
    quality: Quality
    generated_at: datetime


def report(session: Session, filters: Filters, *, now: datetime | None = None) -> Report:
    breakdowns = spend_breakdowns(session, filters)
    breakdowns["procedure"] = award_breakdown(session, filters)
    breakdowns.update(tender_breakdowns(session, filters))
    return Report(filters, indicator_figures(session, filters),
                  indicator_figures(session, filters.previous()), breakdowns,
                  data_quality(session, filters), now or clock.now())


# --- drill-down ---------------------------------------------------------------------------------

SPEND_DIMENSIONS = ("size", "kommune", "category", "department", "cpv", "month", "flag")
FLAGS = ("sme", "large", "unknown", "local", "regional", "startup", "invalid", "unmatched")


def _dimension(session: Session, filters: Filters, dimension: str | None,
               value: str | None, source: _Spend | None = None) -> list[ColumnElement]:
    if not dimension:
        return []
    source = source or _spend(filters)
    value = value or ""
    if dimension == "size":
        return [_size() == value]
    if dimension == "kommune":
        return [func.coalesce(col(Supplier.kommunenummer), "") == value]
    if dimension == "category":
        return [col(SpendLine.category) == value]
    if dimension == "department":
        return [(source.department if source.department is not None
                 else col(SpendLine.department)) == value]
    if dimension == "cpv":
        return [func.substr(col(SpendLine.cpv_code), 1, 2) == value]
    if dimension == "month":
        return [_month(session, source.month) == value]
    if dimension == "flag" and value in FLAGS:
        return [_spend_flag(filters, value, source)]
    raise ValueError(dimension)


@dataclass
class Page:
    rows: list[dict]
    total: int
    page: int
    per_page: int
    amount: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def drill_suppliers(session: Session, filters: Filters, dimension: str | None,
                    value: str | None, page: int = 1, per_page: int = 50) -> Page:
    """Suppliers behind a figure, largest spend first (lines without a supplier grouped by the
    organisation number as given)."""
    # The lines' own columns (category, CPV) are in no per-supplier summary.
    source = _spend(filters, lines=dimension in ("category", "cpv"),
                    department=dimension == "department")
    amount = source.amount
    base = source.select().where(*_dimension(session, filters, dimension, value, source))
    group_amount = func.coalesce(func.sum(amount), 0)
    # One pass: the number of suppliers and the grand total ride along as window functions
    # over every group, computed before the page is cut.
    statement = (
        base.add_columns(source.orgnr, func.max(col(Supplier.name)),
                         func.max(_size()), func.max(col(Supplier.kommunenummer)),
                         func.max(col(Supplier.founded)), source.lines, group_amount,
                         func.count().over(), func.sum(group_amount).over())
        .group_by(source.orgnr)
        .order_by(func.sum(amount).desc(), source.orgnr)
        .offset((page - 1) * per_page).limit(per_page)
    )
    result = session.execute(statement).all()
    rows = [{"orgnr": orgnr, "name": name or "", "size_class": size or UNKNOWN,
             "kommunenummer": kommune or "", "founded": founded, "lines": int(lines),
             "amount": _nok(spent)}
            for orgnr, name, size, kommune, founded, lines, spent, _total, _grand in result]
    total, grand = (result[0][-2], result[0][-1]) if result else (0, 0)
    if not rows and page > 1:  # past the last page: the totals from a pass of their own
        total, grand = session.execute(base.add_columns(
            func.count(distinct(source.orgnr)), func.coalesce(func.sum(amount), 0))).one()
    return Page(rows, int(total), page, per_page, _nok(grand))


LINE_COLUMNS = ("invoice_id", "line_no", "invoice_date", "supplier_orgnr", "supplier_name",
                "size_class", "kommunenummer", "amount", "account", "category", "cpv_code",
                "department")


def _line_select():
    return (select(col(SpendLine.invoice_id), col(SpendLine.line_no), col(SpendLine.invoice_date),
                   col(SpendLine.supplier_orgnr), col(Supplier.name), _size(),
                   col(Supplier.kommunenummer),
                   col(SpendLine.amount_ore), col(SpendLine.account), col(SpendLine.category),
                   col(SpendLine.cpv_code), col(SpendLine.department))
            .select_from(SpendLine)
            .outerjoin(Supplier, col(Supplier.id) == col(SpendLine.supplier_id)))


def _line_dict(row) -> dict:
    (invoice_id, line_no, invoice_date, orgnr, name, size, kommune, amount, account, category,
     cpv_code, department) = row
    return {"invoice_id": invoice_id, "line_no": line_no, "invoice_date": invoice_date,
            "supplier_orgnr": orgnr, "supplier_name": name or "", "size_class": size,
            "kommunenummer": kommune or "", "amount": amount / 100, "account": account,
            "category": category, "cpv_code": cpv_code, "department": department}


def drill_lines(session: Session, filters: Filters, orgnr: str, dimension: str | None = None,
                value: str | None = None, page: int = 1, per_page: int = 100) -> Page:
    where = [*_spend_where(filters), *_dimension(session, filters, dimension, value),
             col(SpendLine.supplier_orgnr) == orgnr]
    count, grand = session.execute(
        select(func.count(), func.coalesce(func.sum(col(SpendLine.amount_ore)), 0))
        .select_from(SpendLine).outerjoin(Supplier, col(Supplier.id) == col(SpendLine.supplier_id))
        .where(*where)).one()
    statement = (_line_select().where(*where)
                 .order_by(col(SpendLine.invoice_date).desc(), col(SpendLine.invoice_id),
                           col(SpendLine.line_no))
                 .offset((page - 1) * per_page).limit(per_page))
    rows = [_line_dict(row) for row in session.execute(statement)]
    return Page(rows, int(count), page, per_page, _nok(grand))


def iter_lines(session: Session, filters: Filters, chunk: int = 5_000) -> Iterator[dict]:
    """Every spend line in the filters, streamed (server-side cursor on PostgreSQL)."""
    statement = (_line_select().where(*_spend_where(filters))
                 .order_by(col(SpendLine.invoice_date), col(SpendLine.invoice_id),
                           col(SpendLine.line_no)))
    # Core rows, not ORM ones: a hundred thousand lines cost a third of the time.
    connection = session.connection().execution_options(yield_per=chunk)
    for row in connection.execute(statement):
        yield _line_dict(row)


def drill_awards(session: Session, filters: Filters, flag: str | None = None,
                 procedure: str | None = None, page: int = 1, per_page: int = 50) -> Page:
    where = _award_where(filters)
    if procedure is not None:
        where.append(col(Award.procedure) == procedure)
    if flag == "single":
        where.append(col(Award.number_of_tenderers) == 1)
    elif flag == "price_only":
        where.append(col(Award.award_criteria).in_(rules.PRICE_ONLY_CRITERIA))
    total = session.scalar(select(func.count()).select_from(Award).where(*where)) or 0
    awards = list(session.scalars(
        select(Award).where(*where).order_by(col(Award.award_date).desc(), col(Award.id))
        .offset((page - 1) * per_page).limit(per_page)))
    winners: dict[int | None, list[tuple[str, str]]] = {}
    if awards:
        statement = (select(col(AwardSupplier.award_id), col(AwardSupplier.name), _winner_size())
                     .outerjoin(Supplier, col(Supplier.id) == col(AwardSupplier.supplier_id))
                     .where(col(AwardSupplier.award_id).in_([a.id for a in awards]))
                     .order_by(col(AwardSupplier.name)))
        for award_id, name, size in session.execute(statement):
            winners.setdefault(award_id, []).append((name, size))
    rows = [{"award": award, "winners": winners.get(award.id, [])} for award in awards]
    return Page(rows, int(total), page, per_page)


def drill_tenders(session: Session, filters: Filters, flag: str | None = None,
                  page: int = 1, per_page: int = 50) -> Page:
    where = _tender_where(filters)
    if flag == "green":
        where.append(col(Tender.climate_status) == "met")
    elif flag == "not-green":
        where.append(col(Tender.climate_status) == "not-met")
    elif flag == "unchecked":
        where.append(col(Tender.climate_status).is_(None))
    elif flag == "innovative":
        where.append(_innovative())
    elif flag in rules.CLIMATE_BASES:
        where.extend([col(Tender.climate_status) == "met", _basis() == flag])
    total = session.scalar(select(func.count()).select_from(Tender).where(*where)) or 0
    tenders = list(session.scalars(select(Tender).where(*where)
                                   .order_by(col(Tender.opened_at).desc(), col(Tender.id))
                                   .offset((page - 1) * per_page).limit(per_page)))
    return Page([{"tender": tender} for tender in tenders], int(total), page, per_page)


# --- filter choices -----------------------------------------------------------------------------


def filter_choices(session: Session, organisation_id: int) -> dict[str, list[str]]:
    """Values present in the organisation's data, for the dashboard's filter form."""
    def distinct_values(column, *where) -> list[str]:
        statement = select(column).where(column != "", *where).group_by(column).order_by(column)
        return [value for value in session.scalars(statement) if value]

    awards = col(Award.organisation_id) == organisation_id
    tenders = col(Tender.organisation_id) == organisation_id
    procedures = set(distinct_values(col(Award.procedure), awards))
    procedures.update(distinct_values(func.coalesce(col(Tender.procedure), col(Tender.track)),
                                      tenders))
    # From the monthly summary, which holds every combination the spend lines have.
    dims = SpendMonthDims
    combinations = session.execute(select(col(dims.department), col(dims.category),
                                          col(dims.cpv_division))
                                   .where(col(dims.organisation_id) == organisation_id)
                                   .group_by(col(dims.department), col(dims.category),
                                             col(dims.cpv_division))).all()
    departments = sorted({row[0] for row in combinations if row[0]})
    categories = sorted({row[1] for row in combinations if row[1]})
    divisions = {row[2] for row in combinations if row[2]}
    divisions.update(distinct_values(func.substr(col(Award.cpv_code), 1, 2), awards))
    divisions.update(distinct_values(func.substr(col(Tender.cpv_code), 1, 2), tenders))
    first, last = session.execute(select(func.min(col(SpendMonth.month)),
                                         func.max(col(SpendMonth.month)))
                                  .where(col(SpendMonth.organisation_id)
                                         == organisation_id)).one()
    years = set(range(first.year, last.year + 1)) if first and last else set()
    first, last = session.execute(select(func.min(col(Award.award_date)),
                                         func.max(col(Award.award_date))).where(awards)).one()
    if first and last:
        years.update(range(first.year, last.year + 1))
    return {"departments": departments, "categories": categories,
            "divisions": sorted(divisions), "procedures": sorted(procedures),
            "years": sorted(years, reverse=True)}
