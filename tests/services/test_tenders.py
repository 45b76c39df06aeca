from datetime import UTC, datetime

import pytest
from sqlmodel import select

from procure.models import AuditEvent
from procure.services import tenders
from tests.support.templates import load_demo

NOW = datetime(2026, 9, 1, 12, tzinfo=UTC)


@pytest.fixture
def draft(db):
    organisation = load_demo(db)
    tender = tenders.create_draft(db, organisation.id, "Livsløp", now=NOW)
    db.commit()
    return tender


def test_transitions_set_timestamps_and_audit(db, draft):
    tenders.transition(db, draft, "open", actor_id=None, now=NOW)
    tenders.transition(db, draft, "evaluation", actor_id=None, now=NOW)
    db.commit()
    assert draft.status == "evaluation"
    assert draft.opened_at == NOW
    actions = db.exec(select(AuditEvent.action).where(
        AuditEvent.object_id == str(draft.id))).all()
    assert {"tender.open", "tender.evaluation"} <= set(actions)


def test_refused_transition_changes_nothing(db, draft):
    with pytest.raises(tenders.TransitionRefused) as error:
        tenders.transition(db, draft, "awarded", actor_id=None, now=NOW)
    assert error.value.params == {"current": "draft", "target": "awarded"}
    db.rollback()
    db.refresh(draft)
    assert draft.status == "draft" and draft.awarded_at is None


def test_references_run_per_year(db, draft):
    second = tenders.create_draft(db, draft.organisation_id, "Neste", now=NOW)
    assert draft.reference.startswith("2026-") and second.reference != draft.reference


def test_title_is_required(db, draft):
    with pytest.raises(tenders.TenderError):
        tenders.create_draft(db, draft.organisation_id, "   ", now=NOW)
