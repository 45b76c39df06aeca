"""Market dialogue rules: equal slots, the equal-treatment checks, phases, the PIN text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from procure.domain.market_dialogue import (
    Offer,
    PhaseFacts,
    info_gaps,
    phase_statuses,
    pin_text,
    slot_problems,
    slot_times,
    solution_cues,
)

NINE = datetime(2026, 12, 1, 8, tzinfo=UTC)


def test_slots_are_equal_and_back_to_back():
    slots = slot_times(NINE, 4, 45, pause=15)
    assert len(slots) == 4
    assert {end - start for start, end in slots} == {timedelta(minutes=45)}
    assert slots[1][0] - slots[0][1] == timedelta(minutes=15)
    with pytest.raises(ValueError):
        slot_times(NINE, 2, 0)


def test_every_supplier_offered_the_same():
    equal = [Offer(1, NINE, NINE + timedelta(minutes=60)),
             Offer(2, NINE + timedelta(hours=1), NINE + timedelta(hours=2))]
    assert slot_problems([1, 2], equal) == {"not_offered": [], "several": [], "lengths": []}
    # One not offered, one offered a shorter meeting, one offered twice.
    unequal = [Offer(1, NINE, NINE + timedelta(minutes=60)),
               Offer(2, NINE, NINE + timedelta(minutes=30)),
               Offer(2, NINE, NINE + timedelta(minutes=30))]
    problems = slot_problems([1, 2, 3], unequal)
    assert problems == {"not_offered": [3], "several": [2], "lengths": [30, 60]}


def test_shared_information_must_reach_everyone():
    assert info_gaps([1, 2], [10], [(10, 1), (10, 2)]) == {}
    assert info_gaps([1, 2, 3], [10, 11], [(10, 1), (10, 2), (10, 3), (11, 1)]) == {
        11: [2, 3]}


def test_needs_description_names_no_solution():
    assert solution_cues("Varsle ved fall, skal bruke merke X™") == ["skal bruke", "merke",
                                                                      "™"]
    assert solution_cues("Færre fall og raskere hjelp.") == []


def test_phases_follow_each_other():
    facts = PhaseFacts(anchored=True, needs_described=False, conference=False, participants=0,
                       all_offered=False, all_minuted=False, converted=False,
                       followed_up=False)
    assert phase_statuses(facts) == {"anchoring": "done", "needs": "to_do",
                                     "dialogue": "cannot_start", "competition": "cannot_start",
                                     "follow-up": "cannot_start"}


def test_pin_text_invites_to_dialogue_without_committing():
    text = pin_text({"buyer": "Lillestrøm kommune", "reference": "2026-001",
                     "title": "Fallvarsling", "cpv": "85000000-9",
                     "functions": "Varsle ved fall.", "outcomes": "Færre innleggelser.",
                     "conferences": [("01.12.2026 kl. 09:00–11:00", "Rådhuset", "25.11.2026")],
                     "contact": "", "slot_minutes": 60})
    assert "Veiledende kunngjøring" in text and "Varsle ved fall." in text
    assert "påmelding innen 25.11.2026" in text and "60 minutter" in text
    assert "forplikter ikke" in text
