"""Indicator definitions, size classes, organisation numbers and period arithmetic (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from procure.domain import orgnr
from procure.domain import statistics as rules
from procure.domain.size_class import SME_CLASSES, classify, from_ocds_scale, is_sme
from procure.domain.statistics import (
    AwardTotals,
    Filters,
    SpendTotals,
    TenderTotals,
    figures,
    period_bounds,
)

SPEC_IDS = ("sme_share_value", "sme_share_contracts", "sme_share_winners", "local_share_value",
            "regional_share_value", "startup_share_value", "green_share_count", "green_by_basis",
            "innovation_count", "innovation_value", "single_bidder_share", "price_only_share",
            "decision_days_avg", "sme_bids_share", "unknown_size_share_value")


def test_every_indicator_of_the_issue_is_defined_once_with_words_formula_and_source():
    assert rules.INDICATOR_IDS == SPEC_IDS
    for indicator in rules.INDICATORS:
        assert indicator.label and indicator.description and indicator.formula
        assert indicator.source and indicator.coverage
        assert indicator.unit in ("share", "count", "days", "nok", "split")
        assert indicator.filters[0] == "period"


def test_the_two_sme_shares_of_contracts_have_distinct_labels_and_say_they_differ():
    contracts, winners = rules.BY_ID["sme_share_contracts"], rules.BY_ID["sme_share_winners"]
    assert contracts.label != winners.label
    assert "per contract" in contracts.label or "contract" in contracts.label
    assert "once" in contracts.description and "twice" in contracts.description
    assert "twice" in winners.description and "once" in winners.description
    labels = [indicator.label for indicator in rules.INDICATORS]
    assert len(labels) == len(set(labels))


def test_shares_of_spend_state_the_credit_note_rule():
    spend_shares = [i for i in rules.INDICATORS if i.population == "spend" and i.unit == "share"]
    assert spend_shares and all(i.credit_notes == rules.CREDIT_NOTE_RULE for i in spend_shares)
    assert rules.BY_ID["single_bidder_share"].credit_notes is None


def test_a_share_outside_0_to_100_percent_is_never_given():
    assert rules.share(-49, 100) == (None, rules.OUT_OF_RANGE)
    assert rules.share(1000, 100) == (None, rules.OUT_OF_RANGE)
    assert rules.share(50, -100) == (None, rules.OUT_OF_RANGE)
    assert rules.share(0, 0) == (None, rules.NONE_KNOWN)
    assert rules.share(25, 100) == (0.25, None)
    # Net sums that a credit note pushed out of range give no figure, with the reason.
    result = figures(SpendTotals(lines=2, total=100, known_size=100, sme=-49), AwardTotals(),
                     TenderTotals())
    assert result["sme_share_value"].value is None
    assert result["sme_share_value"].reason == rules.OUT_OF_RANGE
    assert rules.as_json(result)["sme_share_value"]["reason"] == rules.OUT_OF_RANGE


def test_green_share_counts_tenders_where_7_9_applies_not_only_those_checked():
    """Old code: met / checked, 100 % whenever every check made had passed."""
    tenders = TenderTotals(tenders=10, climate_checked=2, climate_met=2, climate_known=8,
                           climate_applies=6, climate_applies_met=2)
    green = figures(SpendTotals(), AwardTotals(), tenders)["green_share_count"]
    assert green.value == pytest.approx(2 / 6)
    assert green.coverage == pytest.approx(8 / 10)
    assert (green.numerator, green.denominator) == (2, 6)


def test_climate_regimes_are_those_of_every_rule_file():
    from procure.domain.rules import DEFAULT_RULES_DIR, load_rulebook

    book = load_rulebook(DEFAULT_RULES_DIR)
    for ruleset in book.rulesets:
        duty = next(o for o in ruleset.obligations if o.id == "climate-environment")
        assert tuple(duty.applies_to) == rules.CLIMATE_REGIMES


@pytest.mark.parametrize("number", ["123456785", "701730496", "923456783", "934567897"])
def test_valid_organisation_numbers(number):
    assert orgnr.is_valid(number)


@pytest.mark.parametrize("number", ["123456784", "12345678", "1234567890", "12345678x",
                                    "", "１２３４５６７８５"])
def test_invalid_organisation_numbers(number):
    assert not orgnr.is_valid(number)


def test_remainder_one_has_no_valid_check_digit():
    # Eight digits whose weighted sum leaves remainder 1 can get no check digit at all.
    first = next(f"{n:08d}" for n in range(10_000_000, 10_001_000)
                 if sum(int(d) * w for d, w in zip(f"{n:08d}", orgnr.WEIGHTS, strict=True))
                 % 11 == 1)
    assert orgnr.check_digit(first) is None
    assert not any(orgnr.is_valid(first + str(digit)) for digit in range(10))


def test_normalise_strips_spaces_prefix_and_vat_suffix():
    assert orgnr.normalise(" NO 923 456 783 MVA ") == "923456783"
    assert orgnr.normalise("923.456.783") == "923456783"
    assert orgnr.normalise("not a number") == "not a number"
    assert orgnr.normalise(None) == ""


@pytest.mark.parametrize(("employees", "expected"), [
    (1, "micro"), (9, "micro"), (10, "small"), (49, "small"), (50, "medium"), (249, "medium"),
    (250, "large"), (5000, "large")])
def test_size_class_by_headcount(employees, expected):
    result = classify(employees)
    assert (result.size_class, result.basis) == (expected, "headcount")


def test_missing_headcount_is_unknown_never_sme():
    for employees in (None, 0):
        result = classify(employees, turnover_nok=1_000)
        assert result.size_class == "unknown" and not is_sme(result.size_class)
        assert result.basis == "no-headcount"


def test_turnover_above_the_ceiling_moves_up_a_class():
    # 5 employees is micro; EUR 2 M at 11.5 NOK/EUR is NOK 23 M.
    assert classify(5, 23_000_000).size_class == "micro"
    assert classify(5, 23_000_001).size_class == "small"
    assert classify(5, 600_000_000, eur_nok=11.5).size_class == "large"
    # Turnover never moves a class down.
    assert classify(300, 1_000).size_class == "large"
    assert classify(5, 1_000).basis == "headcount+turnover"


def test_public_bodies_are_never_sme():
    for form in ("KOMM", "IKS", "kf", "STAT"):
        assert classify(3, None, form).size_class == "large"
        assert classify(None, None, form).basis == "public-body"
    assert classify(3, None, "AS").size_class == "micro"


def test_ocds_scale_codes():
    assert [from_ocds_scale(s) for s in ("micro", "small", "medium", "sme", "large",
                                         "selfEmployed", "huge", None, 3)] == [
        "micro", "small", "medium", "sme", "large", "micro", "unknown", "unknown", "unknown"]
    assert set(SME_CLASSES) == {"micro", "small", "medium", "sme"}


def test_figures_from_hand_made_sums():
    spend = SpendTotals(lines=8, total=4700, known_size=4000, sme=1500, unknown_size=700,
                        known_kommune=4400, local=1400, regional=1900, known_founded=3900,
                        startup=1000)
    awards = AwardTotals(awards=4, winners=4, winners_known_size=3, winners_sme=2,
                         contracts_known_size=3, contracts_sme=1,
                         known_tenderers=3, single_bidder=1, known_criteria=3, price_only=1,
                         known_decision=2, decision_days_sum=75, awards_with_bids=2,
                         bids_known_size=3, sme_bids=2)
    tenders = TenderTotals(tenders=5, climate_checked=4, climate_met=3, climate_known=5,
                           climate_applies=4, climate_applies_met=3,
                           by_basis={"criteria": 1, "spec": 1, "exemption": 1},
                           innovation_answered=4, innovative=2, innovative_valued=1,
                           innovative_value=200_000_000)
    result = figures(spend, awards, tenders)
    assert list(result) == list(SPEC_IDS)
    assert result["sme_share_value"].value == pytest.approx(1500 / 4000)
    assert result["sme_share_value"].coverage == pytest.approx(4000 / 4700)
    assert result["unknown_size_share_value"].value == pytest.approx(700 / 4700)
    assert result["local_share_value"].value == pytest.approx(1400 / 4400)
    assert result["regional_share_value"].value == pytest.approx(1900 / 4400)
    assert result["startup_share_value"].value == pytest.approx(1000 / 3900)
    assert result["sme_share_winners"].value == pytest.approx(2 / 3)
    assert result["sme_share_winners"].coverage == pytest.approx(3 / 4)
    assert result["sme_share_contracts"].value == pytest.approx(1 / 3)
    assert result["sme_share_contracts"].coverage == pytest.approx(3 / 4)
    assert result["single_bidder_share"].value == pytest.approx(1 / 3)
    assert result["price_only_share"].value == pytest.approx(1 / 3)
    assert result["decision_days_avg"].value == pytest.approx(37.5)
    assert result["decision_days_avg"].coverage == pytest.approx(0.5)
    assert result["sme_bids_share"].value == pytest.approx(2 / 3)
    assert result["green_share_count"].value == pytest.approx(3 / 4)
    assert result["green_share_count"].coverage == pytest.approx(5 / 5)
    assert result["green_by_basis"].value == pytest.approx(
        {"criteria": 1 / 3, "spec": 1 / 3, "combination": 0.0, "exemption": 1 / 3})
    assert result["innovation_count"].value == 2
    assert result["innovation_value"].value == pytest.approx(2_000_000)
    assert result["innovation_value"].coverage == pytest.approx(0.5)


def test_unknown_size_lowers_coverage_and_is_never_counted_as_sme():
    only_unknown = SpendTotals(lines=3, total=900, unknown_size=900)
    result = figures(only_unknown, AwardTotals(), TenderTotals())
    assert result["sme_share_value"].value is None  # nothing known: no share, not 0 or 1
    assert result["sme_share_value"].coverage == 0
    assert result["unknown_size_share_value"].value == 1


def test_nothing_to_measure_gives_none_not_zero():
    result = figures(SpendTotals(), AwardTotals(), TenderTotals())
    assert all(figure.value is None for figure in result.values())
    assert all(figure.reason == rules.NO_DATA for figure in result.values())
    as_json = rules.as_json(result)
    assert list(as_json) == list(SPEC_IDS)
    assert all(entry["value"] is None and entry["coverage"] is None
               and entry["reason"] == rules.NO_DATA for entry in as_json.values())


def test_json_shares_are_fractions():
    result = figures(SpendTotals(lines=1, total=3, known_size=3, sme=1), AwardTotals(),
                     TenderTotals())
    assert rules.as_json(result)["sme_share_value"] == {
        "value": pytest.approx(0.333333), "coverage": 1.0, "numerator": 0.01,
        "denominator": 0.03, "reason": None}


@pytest.mark.parametrize(("start", "end", "previous"), [
    (date(2025, 1, 1), date(2025, 12, 31), (date(2024, 1, 1), date(2024, 12, 31))),
    (date(2024, 1, 1), date(2025, 12, 31), (date(2022, 1, 1), date(2023, 12, 31))),
    (date(2025, 4, 1), date(2025, 6, 30), (date(2025, 1, 1), date(2025, 3, 31))),
    (date(2025, 1, 1), date(2025, 3, 31), (date(2024, 10, 1), date(2024, 12, 31))),
    (date(2025, 3, 1), date(2025, 3, 31), (date(2025, 2, 1), date(2025, 2, 28))),
    (date(2025, 3, 10), date(2025, 3, 19), (date(2025, 2, 28), date(2025, 3, 9))),
])
def test_previous_period(start, end, previous):
    result = Filters(start, end).previous()
    assert (result.date_from, result.date_to) == previous


def test_period_bounds():
    today = date(2026, 5, 17)
    assert period_bounds(today) == (date(2026, 1, 1), date(2026, 12, 31))
    assert period_bounds(today, 2025) == (date(2025, 1, 1), date(2025, 12, 31))
    assert period_bounds(today, 2025, 4) == (date(2025, 10, 1), date(2025, 12, 31))
    assert period_bounds(today, None, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert period_bounds(today, 2025, 1, date(2025, 2, 1), date(2025, 2, 10)) == (
        date(2025, 2, 1), date(2025, 2, 10))
    with pytest.raises(ValueError):
        period_bounds(today, 2025, 5)
    with pytest.raises(ValueError):
        Filters(date(2025, 2, 1), date(2025, 1, 1))


def test_startup_cutoff_and_region_parsing():
    filters = Filters(date(2025, 1, 1), date(2025, 12, 31), startup_years=5)
    assert filters.startup_founded_after == date(2020, 12, 31)
    leap = Filters(date(2024, 1, 1), date(2024, 2, 29), startup_years=1)
    assert leap.startup_founded_after == date(2023, 2, 28)
    assert rules.parse_region("3205, 3222 3205") == ("3205", "3222")
    with pytest.raises(ValueError):
        rules.parse_region("3205, Oslo")


def test_filters_as_query_parameters():
    filters = Filters(date(2025, 1, 1), date(2025, 3, 31), department="Kultur",
                      cpv_division="45", region=("3205",), startup_years=3)
    assert filters.as_params() == {"date_from": "2025-01-01", "date_to": "2025-03-31",
                                   "department": "Kultur", "cpv": "45", "region": "3205",
                                   "startup_years": "3"}
