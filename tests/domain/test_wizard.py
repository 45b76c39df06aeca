from datetime import date
from decimal import Decimal

from procure.domain.wizard import next_step, ready_for_recommendation, step_status

COMPLETE = {
    "title": "Renhold", "description": "Behov", "estimated_value": Decimal(900_000),
    "contract_type": "services", "buyer_type": "municipality",
    "planned_notice_date": date(2026, 9, 1), "innovation": "none", "market": "known",
    "needs_rnd": False,
}


def test_empty_draft_is_all_to_do_and_recommendation_cannot_start():
    assert step_status({}) == {"need": "to_do", "value": "to_do", "contract": "to_do",
                               "innovation": "to_do", "recommendation": "cannot_start"}


def test_partly_filled_step_is_in_progress():
    assert step_status({"title": "Renhold"})["need"] == "in_progress"


def test_false_counts_as_an_answer():
    assert step_status(COMPLETE)["innovation"] == "done"


def test_complete_draft_is_ready_and_track_finishes_it():
    assert ready_for_recommendation(COMPLETE)
    assert step_status(COMPLETE)["recommendation"] == "to_do"
    assert step_status({**COMPLETE, "track": "simplified-competition"})["recommendation"] == "done"
    assert not ready_for_recommendation({**COMPLETE, "market": None})


def test_next_step_order():
    assert next_step("need") == "value"
    assert next_step("innovation") == "recommendation"
    assert next_step("recommendation") is None
