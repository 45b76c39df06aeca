"""The controller's indicators: each defined once here, in words, as a formula, with its source.

Pure Python: the services compute the sums in SQL (GROUP BY, conditional sums) and hand them
to the functions below, which turn sums into figures. A figure has a value and a coverage.

The convention for every share: the denominator holds only what is known, and the coverage
says how much of the whole is known. A supplier of unknown size is never counted as an SME;
it lowers the coverage instead. `unknown_size_share_value` reports that gap on its own.

Credit notes: spend shares count each supplier's net amount per calendar month (within the
filters); a supplier whose credit notes exceed its invoices in a month counts 0 that month,
in the numerator and the denominator alike. A share therefore lies between 0 and 100 %.
Any share that would still fall outside 0-100 % is not given: its value is None and its
reason says why (`OUT_OF_RANGE`), so no page or sheet shows -49 % or 1000 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from procure.errors import N_

HOME_KOMMUNE = "3205"  # Lillestrøm since 1 Jan 2024 (3030 from 2020 to 2023)
# Romerike: Lillestrøm and its neighbours in Akershus (2024 numbering). Configurable.
DEFAULT_REGION = ("3205", "3209", "3222", "3224", "3226", "3228", "3230", "3232", "3238",
                  "3240", "3242")
DEFAULT_STARTUP_YEARS = 5
INNOVATION_TRACKS = ("market-dialogue", "innovation-partnership")
INNOVATION_LEVELS = ("adapt", "new")
PRICE_ONLY_CRITERIA = ("priceOnly", "lowestCost")  # OCDS award criteria meaning "cheapest wins"
CLIMATE_BASES = ("criteria", "spec", "combination", "exemption")
# The regimes where FOA § 7-9 applies: `applies_to` of obligations.climate-environment in every
# rule file (procure/rules/*.toml; a test keeps them equal). Below the lower limit it does not.
CLIMATE_REGIMES = ("part-1", "part-2", "part-3", "part-4")

SPEND, AWARDS, TENDERS = "spend", "awards", "tenders"
SHARE, COUNT, DAYS, NOK, SPLIT = "share", "count", "days", "nok", "split"
FILTERS_BY_POPULATION = {
    SPEND: ("period", "department", "cpv", "category"),
    AWARDS: ("period", "cpv", "procedure"),
    TENDERS: ("period", "cpv", "procedure"),
}


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str  # msgid
    unit: str  # share | count | days | nok | split
    population: str  # spend | awards | tenders
    description: str  # msgid: the indicator in words
    formula: str  # msgid
    source: str  # msgid
    coverage: str  # msgid: what the coverage figure measures
    reference: str | None = None  # msgid: EU Single Market Scoreboard 2024, typical country

    @property
    def filters(self) -> tuple[str, ...]:
        return FILTERS_BY_POPULATION[self.population]

    @property
    def credit_notes(self) -> str | None:
        """msgid: how credit notes count, for the shares of spend."""
        return CREDIT_NOTE_RULE if self.population == SPEND and self.unit == SHARE else None


CREDIT_NOTE_RULE = N_("Credit notes are netted against the same supplier's invoices in the "
                      "same month; a supplier whose net amount in a month is negative counts "
                      "0 for that month, in both the numerator and the denominator.")
SPEND_SOURCE = N_("Spend lines (ledger or invoice import), joined to the supplier register "
                  "(Brønnøysund import) on organisation number.")
AWARD_SOURCE = N_("Contract awards: OCDS release packages and procure's own awarded tenders.")
TENDER_SOURCE = N_("procure's tenders announced in the period (cancelled ones left out).")

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "sme_share_value", N_("SME share of spend"), SHARE, SPEND,
        N_("Share of spend with suppliers that are micro, small or medium-sized enterprises "
           "(EU 2003/361), among spend whose supplier size is known."),
        N_("sum(net per supplier and month if positive, supplier SME) / "
           "sum(net per supplier and month if positive, supplier size known)"),
        SPEND_SOURCE,
        N_("Share of spend whose supplier size is known."),
    ),
    Indicator(
        "sme_share_contracts", N_("SME share of contracts (per contract)"), SHARE, AWARDS,
        N_("Share of awarded contracts where at least one winner is an SME, counted once per "
           "contract, among contracts whose winners' size is known (an SME winner makes it "
           "known). Differs from the share per winning supplier: a contract with two winners "
           "counts once here and twice there."),
        N_("count(contracts, a winner SME) / count(contracts, winners' size known)"),
        AWARD_SOURCE,
        N_("Share of contracts whose winners' size is known."),
        N_("Typical EU country 2024: 71 percent (SME contractors)."),
    ),
    Indicator(
        "sme_share_winners", N_("SME share of winning suppliers"), SHARE, AWARDS,
        N_("Share of winning suppliers that are SMEs, counted once per supplier and contract "
           "it won, among winners whose size is known (the size stated in the award, else the "
           "register). Differs from the share per contract: a contract with two winners counts "
           "twice here and once there."),
        N_("count(winners, SME) / count(winners, size known)"),
        AWARD_SOURCE,
        N_("Share of winning suppliers whose size is known."),
    ),
    Indicator(
        "local_share_value", N_("Local share of spend"), SHARE, SPEND,
        N_("Share of spend with suppliers whose business address is in the home kommune, "
           "among spend whose supplier kommune is known."),
        N_("sum(amount, supplier kommune = home) / sum(amount, supplier kommune known)"),
        SPEND_SOURCE,
        N_("Share of spend whose supplier kommune is known."),
    ),
    Indicator(
        "regional_share_value", N_("Regional share of spend"), SHARE, SPEND,
        N_("Share of spend with suppliers whose business address is in one of the region's "
           "kommuner (configurable list), among spend whose supplier kommune is known."),
        N_("sum(amount, supplier kommune in region) / sum(amount, supplier kommune known)"),
        SPEND_SOURCE,
        N_("Share of spend whose supplier kommune is known."),
    ),
    Indicator(
        "startup_share_value", N_("Start-up share of spend"), SHARE, SPEND,
        N_("Share of spend with suppliers founded less than the configured number of years "
           "before the last day of the period, among spend whose supplier founding date is "
           "known."),
        N_("sum(amount, founded after end - N years) / sum(amount, founding date known)"),
        SPEND_SOURCE,
        N_("Share of spend whose supplier founding date is known."),
    ),
    Indicator(
        "green_share_count", N_("Green share of tenders"), SHARE, TENDERS,
        N_("Share of the tenders where FOA § 7-9 applies (regulations part I, II, III or IV, "
           "as the procedure chooser found) whose climate and environment check passed. A "
           "tender where § 7-9 applies and the check has not passed (yet) counts as not "
           "green; a tender below the lower limit is left out."),
        N_("count(tenders, § 7-9 applies and met) / count(tenders, § 7-9 applies)"),
        TENDER_SOURCE,
        N_("Share of tenders where the procedure chooser has found whether § 7-9 applies."),
    ),
    Indicator(
        "green_by_basis", N_("Green tenders by basis"), SPLIT, TENDERS,
        N_("How the tenders that passed § 7-9 met it: by weighting in the award criteria, "
           "by requirements in the specification, by a combination of both, or by a "
           "justified exemption."),
        N_("count(tenders met, basis) / count(tenders met), for each basis"),
        TENDER_SOURCE,
        N_("Share of tenders where the § 7-9 check was made."),
    ),
    Indicator(
        "innovation_count", N_("Innovative procurements"), COUNT, TENDERS,
        N_("Number of tenders that are innovative: the need calls for adapted or new "
           "solutions, or the track is market dialogue or an innovation partnership."),
        N_("count(tenders, innovation in (adapt, new) or track in (market dialogue, "
           "innovation partnership))"),
        TENDER_SOURCE,
        N_("Share of tenders where the innovation question was answered or a track chosen."),
    ),
    Indicator(
        "innovation_value", N_("Value of innovative procurements"), NOK, TENDERS,
        N_("Estimated value of the innovative tenders, in NOK excluding VAT; the split by "
           "track is in the breakdown."),
        N_("sum(estimated value, innovative tenders)"),
        TENDER_SOURCE,
        N_("Share of innovative tenders with an estimated value."),
    ),
    Indicator(
        "single_bidder_share", N_("Single-bidder share"), SHARE, AWARDS,
        N_("Share of awarded contracts where only one tender was received, among awards "
           "where the number of tenders is known."),
        N_("count(awards, tenderers = 1) / count(awards, tenderers known)"),
        AWARD_SOURCE,
        N_("Share of awards where the number of tenders is known."),
        N_("Typical EU country 2024: 28 percent."),
    ),
    Indicator(
        "price_only_share", N_("Price-only share"), SHARE, AWARDS,
        N_("Share of awarded contracts where the lowest price alone decided, among awards "
           "whose award criteria are known."),
        N_("count(awards, criteria = price only) / count(awards, criteria known)"),
        AWARD_SOURCE,
        N_("Share of awards whose award criteria are known."),
        N_("Typical EU country 2024: 54 percent (awarded to the cheapest bid)."),
    ),
    Indicator(
        "decision_days_avg", N_("Average decision time"), DAYS, AWARDS,
        N_("Average number of days from the tender deadline to the award decision."),
        N_("avg(award date - tender deadline), awards with both dates"),
        AWARD_SOURCE,
        N_("Share of awards with both a tender deadline and an award date."),
        N_("Typical EU country 2024: 74 days."),
    ),
    Indicator(
        "sme_bids_share", N_("SME share of bids"), SHARE, AWARDS,
        N_("Share of the bids received that came from SMEs, among bids whose bidder size is "
           "known (OCDS bid statistics or bid details)."),
        N_("sum(SME bids) / sum(bids with bidder size known)"),
        AWARD_SOURCE,
        N_("Share of awards with bid figures."),
        N_("Typical EU country 2024: 72 percent."),
    ),
    Indicator(
        "unknown_size_share_value", N_("Spend with unknown supplier size"), SHARE, SPEND,
        N_("Share of all spend whose supplier size is unknown: no valid organisation number, "
           "not in the supplier register, or no headcount registered."),
        N_("sum(amount, supplier size unknown) / sum(amount)"),
        SPEND_SOURCE,
        N_("All spend in the period counts."),
    ),
)
INDICATOR_IDS = tuple(indicator.id for indicator in INDICATORS)
BY_ID = {indicator.id: indicator for indicator in INDICATORS}

@dataclass(frozen=True)
class Filters:
    """What the figures are computed over. Dates are inclusive."""

    date_from: date
    date_to: date
    department: str | None = None
    cpv_division: str | None = None
    category: str | None = None
    procedure: str | None = None
    home_kommune: str = HOME_KOMMUNE
    region: tuple[str, ...] = DEFAULT_REGION
    startup_years: int = DEFAULT_STARTUP_YEARS
    # Whose spend, awards and tenders (issue 19): every statistics query requires it, and
    # refuses to run over every organisation's data when it is left out.
    organisation_id: int | None = None

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise ValueError("the period ends before it starts")
        if self.startup_years < 0:
            raise ValueError("start-up age must be 0 years or more")

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous(self) -> Filters:
        """The period of the same length just before, for trends (a calendar year or quarter
        gives the previous year or quarter)."""
        start, end = self.date_from, self.date_to
        if (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31):
            years = end.year - start.year + 1
            return replace(self, date_from=date(start.year - years, 1, 1),
                           date_to=date(end.year - years, 12, 31))
        if start.day == 1 and (end + timedelta(days=1)).day == 1:
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            first = _add_months(start, -months)
            return replace(self, date_from=first, date_to=start - timedelta(days=1))
        return replace(self, date_from=start - timedelta(days=self.days),
                       date_to=start - timedelta(days=1))

    @property
    def startup_founded_after(self) -> date:
        """Suppliers founded after this date count as start-ups."""
        return _add_years(self.date_to, -self.startup_years)

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (empty ones left out)."""
        params = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        for key, value in (("department", self.department), ("cpv", self.cpv_division),
                           ("category", self.category), ("procedure", self.procedure)):
            if value:
                params[key] = value
        if self.region != DEFAULT_REGION:
            params["region"] = ",".join(self.region)
        if self.startup_years != DEFAULT_STARTUP_YEARS:
            params["startup_years"] = str(self.startup_years)
        return params


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def period_bounds(
    today: date, year: int | None = None, quarter: int | None = None,
    date_from: date | None = None, date_to: date | None = None,
) -> tuple[date, date]:
    """From–to wins over year and quarter; a quarter needs a year (default: this year);
    nothing given means the current calendar year."""
    if date_from or date_to:
        start = date_from or date(1900, 1, 1)
        end = date_to or today
        return start, end
    year = year or today.year
    if quarter:
        if not 1 <= quarter <= 4:
            raise ValueError("quarter must be 1 to 4")
        first = date(year, 3 * quarter - 2, 1)
        return first, _add_months(first, 3) - timedelta(days=1)
    return date(year, 1, 1), date(year, 12, 31)


def parse_region(text: str) -> tuple[str, ...]:
    """'3205, 3222 3224' -> ('3205', '3222', '3224'); ValueError on anything but 4 digits."""
    codes = [code for code in text.replace(",", " ").split() if code]
    for code in codes:
        if len(code) != 4 or not code.isdigit():
            raise ValueError(code)
    return tuple(dict.fromkeys(codes))


# --- Figures from sums ---------------------------------------------------------------------


NO_DATA = N_("Nothing in the period to measure.")
NONE_KNOWN = N_("Nothing in the period is known for this figure.")
OUT_OF_RANGE = N_("Not shown: credit notes and corrections make the share fall outside "
                  "0-100 %.")


@dataclass(frozen=True)
class Figure:
    """One indicator's value with its coverage (both None when there is nothing to measure).

    For a share, `numerator` / `denominator` give the value (amounts in NOK, else counts);
    `reason` (a msgid) says why the value is None."""

    value: float | dict[str, float] | None
    coverage: float | None
    count: int | float = 0  # the size of the population the figure is about (lines, awards…)
    numerator: float | None = None
    denominator: float | None = None
    reason: str | None = None


@dataclass(frozen=True)
class SpendTotals:
    """Sums of amounts (øre) over spend lines; `lines` is their number."""

    lines: int = 0
    total: int = 0
    known_size: int = 0
    sme: int = 0
    unknown_size: int = 0
    known_kommune: int = 0
    local: int = 0
    regional: int = 0
    known_founded: int = 0
    startup: int = 0


@dataclass(frozen=True)
class AwardTotals:
    awards: int = 0
    winners: int = 0
    winners_known_size: int = 0
    winners_sme: int = 0
    contracts_known_size: int = 0  # awards with an SME winner or every winner's size known
    contracts_sme: int = 0  # awards with at least one SME winner
    known_tenderers: int = 0
    single_bidder: int = 0
    known_criteria: int = 0
    price_only: int = 0
    known_decision: int = 0
    decision_days_sum: int = 0
    awards_with_bids: int = 0
    bids_known_size: int = 0
    sme_bids: int = 0


@dataclass(frozen=True)
class TenderTotals:
    tenders: int = 0
    climate_checked: int = 0
    climate_met: int = 0
    climate_known: int = 0  # tenders where the chooser has found whether § 7-9 applies
    climate_applies: int = 0
    climate_applies_met: int = 0
    by_basis: dict[str, int] = field(default_factory=dict)
    innovation_answered: int = 0
    innovative: int = 0
    innovative_valued: int = 0
    innovative_value: int = 0  # øre


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def share(part: float, known: float) -> tuple[float | None, str | None]:
    """part / known as a share and, when there is none, why: a share outside 0-100 % (net
    amounts with credit notes) is never given."""
    if not known:
        return None, NONE_KNOWN
    value = part / known
    if known < 0 or not 0 <= value <= 1:
        return None, OUT_OF_RANGE
    return value, None


def _share(part: float, known: float, whole: float, count: int | float,
           scale: float = 1) -> Figure:
    value, reason = share(part, known)
    coverage, _reason = share(known, whole)
    if not whole:
        reason = NO_DATA
    return Figure(value, coverage, count, part / scale, known / scale, reason)


def figures(spend: SpendTotals, awards: AwardTotals, tenders: TenderTotals) -> dict[str, Figure]:
    """Every indicator by id, in the order of INDICATORS."""
    s, a, t = spend, awards, tenders
    met = t.climate_met
    basis_split = ({basis: (t.by_basis.get(basis, 0) / met) for basis in CLIMATE_BASES}
                   if met else None)
    result = {
        "sme_share_value": _share(s.sme, s.known_size, s.total, s.lines, 100),
        "sme_share_contracts": _share(a.contracts_sme, a.contracts_known_size, a.awards,
                                      a.awards),
        "sme_share_winners": _share(a.winners_sme, a.winners_known_size, a.winners, a.winners),
        "local_share_value": _share(s.local, s.known_kommune, s.total, s.lines, 100),
        "regional_share_value": _share(s.regional, s.known_kommune, s.total, s.lines, 100),
        "startup_share_value": _share(s.startup, s.known_founded, s.total, s.lines, 100),
        "green_share_count": replace(_share(t.climate_applies_met, t.climate_applies,
                                            t.tenders, t.tenders),
                                     coverage=ratio(t.climate_known, t.tenders)),
        "green_by_basis": Figure(basis_split, ratio(t.climate_checked, t.tenders), met),
        "innovation_count": Figure(t.innovative if t.tenders else None,
                                   ratio(t.innovation_answered, t.tenders), t.tenders),
        "innovation_value": Figure(t.innovative_value / 100 if t.innovative else None,
                                   ratio(t.innovative_valued, t.innovative), t.innovative),
        "single_bidder_share": _share(a.single_bidder, a.known_tenderers, a.awards, a.awards),
        "price_only_share": _share(a.price_only, a.known_criteria, a.awards, a.awards),
        "decision_days_avg": Figure(ratio(a.decision_days_sum, a.known_decision),
                                    ratio(a.known_decision, a.awards), a.awards),
        "sme_bids_share": replace(_share(a.sme_bids, a.bids_known_size, a.awards,
                                         a.bids_known_size),
                                  coverage=ratio(a.awards_with_bids, a.awards)),
        "unknown_size_share_value": _share(s.unknown_size, s.total, s.total, s.lines, 100),
    }
    return {indicator_id: _why(result[indicator_id]) for indicator_id in INDICATOR_IDS}


def _why(figure: Figure) -> Figure:
    if figure.value is None and figure.reason is None:
        return replace(figure, reason=NO_DATA if figure.coverage is None else NONE_KNOWN)
    return figure


def change(current: Figure, previous: Figure) -> float | None:
    """current - previous for scalar figures (shares give a change in fractions)."""
    if isinstance(current.value, int | float) and isinstance(previous.value, int | float):
        return current.value - previous.value
    return None


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {key: _rounded(part) for key, part in value.items()}
    return value


def as_json(values: dict[str, Figure]) -> dict[str, dict[str, object]]:
    """id -> {value, coverage, numerator, denominator, reason}: shares and coverage as
    fractions 0..1, counts and days as numbers, amounts in NOK; numerator and denominator
    only for shares (null otherwise); reason (English) only when the value is null."""
    out: dict[str, dict[str, object]] = {}
    for indicator_id, figure in values.items():
        out[indicator_id] = {
            "value": _rounded(figure.value), "coverage": _rounded(figure.coverage),
            "numerator": _rounded(figure.numerator), "denominator": _rounded(figure.denominator),
            "reason": figure.reason if figure.value is None else None,
        }
    return out
