"""Innovation partnership rules: the rule set's minimums (three in the negotiation when capped,
30 days for requests), the decisions after a phase, the phases' states, the estimated value
and what the notice needs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from procure.domain.innovation_partnership import (
    BELOW_THREE,
    CAP_BELOW_THREE,
    FEWER_THAN_THREE,
    LEAVING_ALL,
    LEAVING_NONE,
    LEAVING_ONLY_REDUCE,
    LEAVING_UNKNOWN,
    NO_DECISION,
    NO_REASON,
    NO_TARGETS_ANSWER,
    NONE_INVITED,
    NOT_ALL_INVITED,
    OPTION_CONDITIONS,
    OVER_CAP,
    PartnershipRules,
    PhaseFacts,
    Setup,
    decision_problems,
    estimate,
    negotiation_check,
    partnership_rules,
    phase_states,
    requests_deadline_ok,
    setup_missing,
)
from procure.domain.rules import DEFAULT_RULES_DIR, RuleError, load_rulebook


@pytest.mark.parametrize(("qualified", "invited", "cap", "refusals", "warnings"), [
    (5, 5, None, (), ()),                        # no cap: everyone qualified is invited
    (5, 4, None, (NOT_ALL_INVITED,), ()),
    (5, 3, 3, (), ()),                           # capped at three, three invited
    (5, 2, 3, (BELOW_THREE,), (FEWER_THAN_THREE,)),  # capped: at least three when five qualified
    (5, 4, 3, (OVER_CAP,), ()),
    (5, 2, 2, (CAP_BELOW_THREE, BELOW_THREE), (FEWER_THAN_THREE,)),
    (2, 2, 3, (), (FEWER_THAN_THREE,)),          # fewer qualified: all of them, as a deviation
    (2, 1, 3, (BELOW_THREE,), (FEWER_THAN_THREE,)),
    (2, 2, None, (), (FEWER_THAN_THREE,)),
    (3, 0, None, (NONE_INVITED, NOT_ALL_INVITED), ()),
])
def test_negotiation_check(qualified, invited, cap, refusals, warnings):
    check = negotiation_check(qualified, invited, cap, 3)
    assert check.refusals == refusals
    assert check.warnings == warnings


def test_the_minimum_in_the_negotiation_comes_from_the_rules():
    assert negotiation_check(5, 3, 3, 3).refusals == ()
    assert negotiation_check(5, 3, 4, 4).refusals == (BELOW_THREE,)
    assert negotiation_check(5, 4, 3, 4).refusals == (CAP_BELOW_THREE, OVER_CAP)


def test_requests_need_the_days_of_the_rule_set_in_force():
    today = date(2026, 11, 27)
    rules = partnership_rules(load_rulebook(DEFAULT_RULES_DIR).for_date(today))
    assert (rules.request_days, rules.min_negotiation) == (30, 3)
    assert rules.legal_ref == "FOA § 13-1 (3)"
    assert requests_deadline_ok(date(2026, 12, 27), today, rules)
    assert not requests_deadline_ok(date(2026, 12, 26), today, rules)
    longer = PartnershipRules(35, 3, "FOA § 13-1 (3)")
    assert not requests_deadline_ok(date(2026, 12, 27), today, longer)


def test_a_rule_set_without_the_partnership_numbers_is_refused(tmp_path):
    source = (DEFAULT_RULES_DIR / "2026-07-01.toml").read_text(encoding="utf-8")
    broken = source.replace("min_negotiation = 3", "", 1)
    assert broken != source
    for name in ("2024-01-01.toml", "2024-03-14.toml"):
        (tmp_path / name).write_text((DEFAULT_RULES_DIR / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    (tmp_path / "2026-07-01.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(RuleError, match="innovation-partnership needs min_negotiation"):
        load_rulebook(tmp_path)


def test_a_decision_needs_a_reason_and_the_targets_answered():
    assert decision_problems("", " ", None, [1, 2], [], last_phase=False) == [
        NO_DECISION, NO_REASON, NO_TARGETS_ANSWER]
    assert decision_problems("continue", "Delmål nådd.", True, [1, 2], [],
                             last_phase=False) == []
    # Not meeting an interim target may still lead on, with a justification.
    assert decision_problems("continue", "Nesten nådd.", False, [1], [], last_phase=False) == []


def test_reducing_names_who_leaves_and_keeps_one():
    assert decision_problems("reduce", "r", True, [1, 2, 3], [], last_phase=False) == [
        LEAVING_NONE]
    assert decision_problems("reduce", "r", True, [1, 2, 3], [4], last_phase=False) == [
        LEAVING_UNKNOWN]
    assert decision_problems("reduce", "r", True, [1, 2], [1, 2], last_phase=False) == [
        LEAVING_ALL]
    assert decision_problems("reduce", "r", True, [1, 2, 3], [3], last_phase=False) == []
    assert decision_problems("continue", "r", True, [1, 2], [2], last_phase=False) == [
        LEAVING_ONLY_REDUCE]


def test_the_purchase_option_needs_the_targets_met():
    assert decision_problems("continue", "r", False, [1], [], last_phase=True) == [
        OPTION_CONDITIONS]
    assert decision_problems("stop", "Målene ble ikke nådd.", False, [1], [],
                             last_phase=True) == []
    assert decision_problems("continue", "r", True, [1], [], last_phase=True) == []


def test_phase_states_follow_the_decisions():
    three = [PhaseFacts(None)] * 3
    assert phase_states(three, partners_selected=False) == ["planned"] * 3
    assert phase_states(three, partners_selected=True) == ["running", "planned", "planned"]
    assert phase_states([PhaseFacts("continue"), PhaseFacts("reduce"), PhaseFacts(None)],
                        partners_selected=True) == ["done", "done", "running"]
    assert phase_states([PhaseFacts("continue"), PhaseFacts("stop"), PhaseFacts(None)],
                        partners_selected=True) == ["done", "stopped", "not-run"]


def test_the_value_is_the_rnd_plus_the_later_purchase():
    result = estimate([("Konsept", Decimal(1_200_000)), ("Prototyp", Decimal(2_800_000))],
                      Decimal(9_000_000))
    assert result.total == Decimal(13_000_000)
    assert result.lines == (
        "FoU-fase 1 «Konsept»: inntil 1 200 000 kr",
        "FoU-fase 2 «Prototyp»: inntil 2 800 000 kr",
        "Sum forskning og utvikling: 4 000 000 kr",
        "Senere kjøp av den utviklede løsningen: inntil 9 000 000 kr",
        "Anslått verdi i alt: 13 000 000 kr ekskl. mva.")
    assert estimate([], None).total == 0
    with pytest.raises(ValueError):
        estimate([("Konsept", Decimal(-1))], None)


def test_the_notice_needs_requirements_ipr_option_and_phases():
    empty = Setup("", "", None, None, "", None, 0)
    assert setup_missing(empty) == ["requirements", "ipr", "option", "phases"]
    full = Setup("FoU", "Gjennomføring", "supplier", "use", "Mål", Decimal(1), 1)
    assert setup_missing(full) == []
    # The supplier owns the results: the municipality's licence must be chosen.
    assert setup_missing(Setup("FoU", "G", "supplier", None, "Mål", Decimal(1), 1)) == ["ipr"]
    # The municipality owns them: no licence needed.
    assert setup_missing(Setup("FoU", "G", "buyer", None, "Mål", Decimal(1), 1)) == []
    assert setup_missing(Setup("FoU", " ", "buyer", None, "Mål", None, 1)) == [
        "requirements", "option"]
