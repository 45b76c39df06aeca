"""Exchange rates to NOK: looking up the rate for an award's date, valuing awards made in other
currencies, and what the value indicators leave out for want of a rate.

A rate applies on its day and, for want of one, the nearest earlier day within
`MAX_RATE_AGE_DAYS` (weekends and holidays have no rates; Easter leaves five days without).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import func, select
from sqlmodel import Session, col

from procure.domain.statistics import Filters
from procure.models import Award, ExchangeRate

HOME_CURRENCY = "NOK"
MAX_RATE_AGE_DAYS = 7


@dataclass
class RateBook:
    """The rates of some currencies, loaded once: currency -> sorted days and their rates."""

    days: dict[str, list[date]] = field(default_factory=dict)
    rates: dict[str, list[Decimal]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, currencies: set[str] | list[str]) -> RateBook:
        book = cls()
        wanted = sorted(set(currencies) - {HOME_CURRENCY})
        if not wanted:
            return book
        statement = (select(col(ExchangeRate.currency), col(ExchangeRate.day),
                            col(ExchangeRate.nok_per_unit))
                     .where(col(ExchangeRate.currency).in_(wanted))
                     .order_by(col(ExchangeRate.currency), col(ExchangeRate.day)))
        for currency, day, rate in session.execute(statement):
            book.days.setdefault(currency, []).append(day)
            book.rates.setdefault(currency, []).append(Decimal(rate))
        return book

    def rate(self, currency: str, day: date | None) -> tuple[date, Decimal] | None:
        """(the day the rate is from, NOK per unit), or None when there is none close enough."""
        if currency == HOME_CURRENCY:
            return (day or date.min), Decimal(1)
        days = self.days.get(currency)
        if not days or day is None:
            return None
        index = bisect_right(days, day) - 1
        if index < 0 or day - days[index] > timedelta(days=MAX_RATE_AGE_DAYS):
            return None
        return days[index], self.rates[currency][index]

    def nok_ore(self, currency: str, amount: Decimal | None, day: date | None) -> int | None:
        if amount is None:
            return None
        found = self.rate(currency, day)
        if found is None:
            return None
        return int((amount * found[1] * 100).quantize(Decimal(1), ROUND_HALF_EVEN))


def revalue_awards(session: Session, currencies: set[str],
                   counted: int | None = None) -> dict[str, dict[str, int]]:
    """Recompute the NOK values of every organisation's awards in these currencies from the
    rates stored now; returns per currency {"awards": n, "valued": k} (k with a NOK value
    now), of the organisation `counted` only when it is given."""
    book = RateBook.load(session, currencies)
    result: dict[str, dict[str, int]] = {}
    wanted = sorted(set(currencies) - {HOME_CURRENCY})
    if not wanted:
        return result
    statement = select(Award).where(
        (col(Award.currency).in_(wanted)) | (col(Award.tender_currency).in_(wanted)))
    for award in session.scalars(statement):
        if award.currency in wanted:
            value = book.nok_ore(award.currency, award.amount, award.award_date)
            if award.value_ore != value:
                award.value_ore = value
            if award.amount is not None and counted in (None, award.organisation_id):
                counts = result.setdefault(award.currency, {"awards": 0, "valued": 0})
                counts["awards"] += 1
                counts["valued"] += value is not None
        if award.tender_currency in wanted:
            tender_value = book.nok_ore(award.tender_currency, award.tender_amount,
                                        award.award_date or award.tender_deadline)
            if award.tender_value_ore != tender_value:
                award.tender_value_ore = tender_value
        session.add(award)
    session.flush()
    return result


def excluded_from_values(session: Session, filters: Filters) -> dict[str, int]:
    """Awards in the period (and filters) whose amount is known but left out of the value
    indicators because it is in another currency with no rate for its date: currency -> count."""
    from procure.services.statistics import _award_where

    statement = (select(col(Award.currency), func.count())
                 .where(*_award_where(filters), col(Award.amount).is_not(None),
                        col(Award.value_ore).is_(None))
                 .group_by(Award.currency).order_by(Award.currency))
    return {currency: int(count) for currency, count in session.execute(statement)}
