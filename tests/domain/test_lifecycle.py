from datetime import UTC, datetime

import pytest

from procure.domain.lifecycle import TenderTimestamps, tender_status

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
