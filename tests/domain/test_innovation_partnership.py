"""Innovation partnership rules: at least three in the negotiation when capped, the decisions
after a phase, the phases' states, the estimated value and what the notice needs."""

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
    PhaseFacts,
    Setup,
    decision_problems,
    estimate,
    negotiation_check,
    phase_states,
    requests_deadline_ok,
    setup_missing,
)


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
    check = negotiation_check(qualified, invited, cap)
    assert check.refusals == refusals
    assert check.warnings == warnings


def test_requests_need_thirty_days():
    today = date(2026, 11, 27)
    assert requests_deadline_ok(date(2026, 12, 27), today)
    assert not requests_deadline_ok(date(2026, 12, 26), today)


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
