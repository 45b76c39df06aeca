"""Value estimation: whole period excl. VAT, options and extensions, 48 months, frameworks, lots."""

from __future__ import annotations

from decimal import Decimal

import pytest

from procure.domain.estimate import INDEFINITE_MONTHS, Lot, estimate_value, format_nok


def test_indefinite_duration_counts_as_48_months():
    result = estimate_value([Lot(monthly=Decimal(10_000), months=None)])
    assert INDEFINITE_MONTHS == 48
    assert result.total == Decimal(480_000)
    assert result.lines == (
        "Månedsverdi 10 000 kr × 48 måneder (ubestemt varighet, regnes som 48 mnd) = 480 000 kr",
        "Anslått verdi i alt: 480 000 kr ekskl. mva.",
    )


def test_extensions_and_options_are_included():
    lot = Lot(one_off=Decimal(50_000), monthly=Decimal(20_000), months=24, extension_months=12,
              options=Decimal(100_000))
    result = estimate_value([lot])
    assert result.total == Decimal(50_000 + 20_000 * 36 + 100_000)
    assert "Månedsverdi 20 000 kr × 36 måneder (24 mnd fast + 12 mnd forlengelse) = 720 000 kr" \
        in result.lines
    assert "Engangsbeløp 50 000 kr" in result.lines
    assert "Opsjoner 100 000 kr" in result.lines
    assert result.lines[-1] == "Anslått verdi i alt: 870 000 kr ekskl. mva."


def test_framework_agreement_uses_its_maximum_value():
    result = estimate_value([Lot(framework_max=Decimal(3_000_000))])
    assert result.total == Decimal(3_000_000)
    assert result.lines[0] == "Rammeavtale: maksimal verdi 3 000 000 kr"


def test_framework_maximum_cannot_be_mixed_with_other_amounts():
    with pytest.raises(ValueError, match="maksimal verdi"):
        estimate_value([Lot(framework_max=Decimal(1), monthly=Decimal(1), months=1)])


def test_lots_are_added_and_each_is_shown():
    result = estimate_value([
        Lot(name="Nord", monthly=Decimal(5_000), months=12),
        Lot(name="Sør", framework_max=Decimal(400_000)),
    ])
    assert result.total == Decimal(460_000)
    assert "Delkontrakt 1 «Nord»: Månedsverdi 5 000 kr × 12 måneder = 60 000 kr" in result.lines
    assert "Sum delkontrakt 2 «Sør»: 400 000 kr" in result.lines
    assert result.lines[-1] == "Anslått verdi i alt: 460 000 kr ekskl. mva."


@pytest.mark.parametrize("lot", [
    Lot(one_off=Decimal(-1)),
    Lot(monthly=Decimal(100), months=-2),
    Lot(monthly=Decimal(100), months=None, extension_months=12),
    Lot(monthly=Decimal(100)),  # a monthly amount needs a duration
])
def test_impossible_inputs_are_refused(lot):
    with pytest.raises(ValueError):
        estimate_value([lot])


def test_at_least_one_lot_is_needed():
    with pytest.raises(ValueError):
        estimate_value([])


@pytest.mark.parametrize(("amount", "text"), [
    (Decimal(0), "0 kr"),
    (Decimal(1_300_000), "1 300 000 kr"),
    (Decimal("2299999.5"), "2 299 999,50 kr"),
    (57_800_000, "57 800 000 kr"),
])
def test_money_is_formatted_the_norwegian_way(amount, text):
    assert format_nok(amount) == text
