from datetime import UTC, datetime

import pytest

from procure.domain.lifecycle import (
    STATUSES,
    TRANSITIONS,
    TenderTimestamps,
    TransitionError,
    allowed_transitions,
    tender_status,
    transition_stamp,
)

T = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("stamps", "status"),
    [
        ({}, "draft"),
        ({"planned_at": T}, "planned"),
        ({"planned_at": T, "opened_at": T}, "open"),
        ({"opened_at": T}, "open"),
        ({"opened_at": T, "evaluation_at": T}, "evaluation"),
        ({"opened_at": T, "evaluation_at": T, "awarded_at": T}, "awarded"),
        ({"opened_at": T, "cancelled_at": T}, "cancelled"),
        ({"opened_at": T, "awarded_at": T, "closed_at": T}, "closed"),
    ],
)
def test_status_comes_from_the_latest_milestone(stamps, status):
    assert tender_status(TenderTimestamps(**stamps)) == status


@pytest.mark.parametrize(("current", "target", "stamp"), [
    ("draft", "planned", "planned_at"), ("draft", "open", "opened_at"),
    ("planned", "open", "opened_at"), ("open", "evaluation", "evaluation_at"),
    ("evaluation", "awarded", "awarded_at"), ("awarded", "closed", "closed_at"),
    ("open", "cancelled", "cancelled_at"),
])
def test_allowed_transitions_name_their_timestamp(current, target, stamp):
    assert transition_stamp(current, target) == stamp


@pytest.mark.parametrize(("current", "target"), [
    ("draft", "awarded"), ("planned", "evaluation"), ("awarded", "cancelled"),
    ("cancelled", "open"), ("closed", "open"), ("open", "planned"), ("open", "open"),
])
def test_forbidden_transitions_are_refused(current, target):
    with pytest.raises(TransitionError):
        transition_stamp(current, target)


def test_every_status_has_its_transitions():
    assert set(TRANSITIONS) == set(STATUSES)
    for current in STATUSES:
        assert set(allowed_transitions(current)) <= set(STATUSES)
