"""Estimated contract value: total excl. VAT for the whole contract, options and lots included."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

# Indefinite duration counts as 48 months: the estimate covers up to 4 years
# (anslått verdi = samlet betaling ekskl. mva. for inntil 4 år; NMBU/DFØ practice, M).
INDEFINITE_MONTHS = 48

ZERO = Decimal(0)
# The largest estimate kept: a tender's value column is NUMERIC(16, 2), below 10^14 kr.
MAX_TOTAL = Decimal(10) ** 13


@dataclass(frozen=True)
class Lot:
    """One lot, or the whole contract if it is not divided. All amounts exclude VAT."""

    name: str = ""
    one_off: Decimal = ZERO
    monthly: Decimal = ZERO
    months: int | None = 0
    extension_months: int = 0
    options: Decimal = ZERO
    framework_max: Decimal | None = None


@dataclass(frozen=True)
class ValueEstimate:
    total: Decimal
    lines: tuple[str, ...]


def format_nok(amount: Decimal | int, lang: str = "nb") -> str:
    """Norwegian money format: '1 300 000 kr', with ',50' only when there are øre; in English
    'NOK 1,300,000'."""
    value = Decimal(amount).quantize(Decimal("0.01"))
    whole, _, fraction = f"{abs(value):,.2f}".partition(".")
    sign = "-" if value < 0 else ""
    if lang == "en":
        return f"{sign}NOK {whole}{'' if fraction == '00' else f'.{fraction}'}"
    text = whole.replace(",", " ") + ("" if fraction == "00" else f",{fraction}")
    return f"{sign}{text} kr"


# The working shown beside the estimate, in bokmål and English (error messages stay bokmål).
LINES = {
    "nb": {"lot": "Delkontrakt {number}{name}: ", "sum": "Sum delkontrakt {number}{name}: {amount}",
           "total": "Anslått verdi i alt: {amount} ekskl. mva.",
           "framework": "Rammeavtale: maksimal verdi {amount}", "one-off": "Engangsbeløp {amount}",
           "indefinite": " (ubestemt varighet, regnes som 48 mnd)",
           "extension": " ({months} mnd fast + {extension} mnd forlengelse)",
           "monthly": "Månedsverdi {amount} × {months} måneder{why} = {recurring}",
           "options": "Opsjoner {amount}", "nothing": "Ingen beløp oppgitt: {amount}"},
    "en": {"lot": "Lot {number}{name}: ", "sum": "Total for lot {number}{name}: {amount}",
           "total": "Estimated value in all: {amount} excluding VAT",
           "framework": "Framework agreement: maximum value {amount}",
           "one-off": "One-off amount {amount}",
           "indefinite": " (indefinite term, counted as 48 months)",
           "extension": " ({months} months fixed + {extension} months extension)",
           "monthly": "Monthly value {amount} × {months} months{why} = {recurring}",
           "options": "Options {amount}", "nothing": "No amounts given: {amount}"},
}


def estimate_value(lots: Sequence[Lot], lang: str = "nb") -> ValueEstimate:
    """Sum every lot's value excl. VAT; a framework agreement counts with its maximum value."""
    if not lots:
        raise ValueError("Oppgi minst én kontrakt eller delkontrakt.")
    t = LINES[lang]
    lines: list[str] = []
    total = ZERO
    for number, lot in enumerate(lots, start=1):
        name = f" «{lot.name}»" if lot.name else ""
        label = t["lot"].format(number=number, name=name) if len(lots) > 1 else ""
        subtotal, lot_lines = _lot_value(lot, lang)
        lines.extend(label + line for line in lot_lines)
        if len(lots) > 1:
            lines.append(t["sum"].format(number=number, name=name,
                                         amount=format_nok(subtotal, lang)))
        total += subtotal
    if not total.is_finite() or total > MAX_TOTAL:
        raise ValueError("Anslått verdi kan ikke være over 10 000 000 000 000 kr.")
    lines.append(t["total"].format(amount=format_nok(total, lang)))
    return ValueEstimate(total, tuple(lines))


def _lot_value(lot: Lot, lang: str = "nb") -> tuple[Decimal, list[str]]:
    t = LINES[lang]

    def money(amount: Decimal | int) -> str:
        return format_nok(amount, lang)

    amounts = (lot.one_off, lot.monthly, lot.options, lot.framework_max or ZERO)
    if not all(Decimal(a).is_finite() for a in amounts):
        raise ValueError("Beløpene må være vanlige tall.")
    if any(Decimal(a) < 0 for a in amounts) or (lot.months or 0) < 0 or lot.extension_months < 0:
        raise ValueError("Beløp og antall måneder kan ikke være negative.")
    if lot.framework_max is not None:
        # Framework agreements: the estimated maximum value of all contracts under it counts.
        if any(Decimal(a) for a in amounts[:3]) or lot.extension_months or lot.months:
            raise ValueError("For en rammeavtale oppgir du bare maksimal verdi.")
        value = Decimal(lot.framework_max)
        return value, [t["framework"].format(amount=money(value))]
    if lot.months is None and lot.extension_months:
        raise ValueError("En kontrakt med ubestemt varighet kan ikke ha forlengelser i tillegg.")
    lines = []
    total = Decimal(lot.one_off)
    if lot.one_off:
        lines.append(t["one-off"].format(amount=money(lot.one_off)))
    if lot.monthly and lot.months == 0:
        raise ValueError("Oppgi antall måneder, eller velg ubestemt varighet.")
    if lot.monthly:
        if lot.months is None:
            months, why = INDEFINITE_MONTHS, t["indefinite"]
        else:
            months = lot.months + lot.extension_months
            why = (t["extension"].format(months=lot.months, extension=lot.extension_months)
                   if lot.extension_months else "")
        recurring = Decimal(lot.monthly) * months
        lines.append(t["monthly"].format(amount=money(lot.monthly), months=months, why=why,
                                         recurring=money(recurring)))
        total += recurring
    if lot.options:
        lines.append(t["options"].format(amount=money(lot.options)))
        total += Decimal(lot.options)
    if not lines:
        lines.append(t["nothing"].format(amount=money(ZERO)))
    return total, lines
