"""Dialogue conferences on a tender: the officer adds and edits them, the public sees them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, col, select

from procure import clock
from procure.domain.purchases import in_oslo
from procure.errors import N_, UserError
from procure.models import DialogueEvent, InterestRegistration, Tender, stored_id
from procure.services import audit

FIELDS = ("title", "description", "starts_at", "ends_at", "place", "link",
          "registration_deadline")


class DialogueError(UserError):
    """A dialogue conference that cannot be saved."""


def tender_events(session: Session, tender: Tender) -> list[DialogueEvent]:
    return list(session.exec(select(DialogueEvent).where(DialogueEvent.tender_id == tender.id)
                             .order_by(col(DialogueEvent.starts_at), col(DialogueEvent.id))).all())


def get_event(session: Session, tender: Tender, event_id: int) -> DialogueEvent | None:
    row = session.get(DialogueEvent, event_id)
    return row if row is not None and row.tender_id == tender.id else None


def _check(values: dict[str, object]) -> dict[str, Any]:
    title = str(values.get("title") or "").strip()
    if not title:
        raise DialogueError(N_("Give the dialogue conference a title."))
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        raise DialogueError(N_("Give the start and end time."))
    if ends_at <= starts_at:
        raise DialogueError(N_("The conference must end after it starts."))
    place = str(values.get("place") or "").strip()
    link = str(values.get("link") or "").strip()
    if not place and not link:
        raise DialogueError(N_("Give a place, a link to the online meeting, or both."))
    if link:
        parts = urlsplit(link)
        if parts.scheme != "https" or not parts.netloc:
            raise DialogueError(N_("The link must be a full address starting with https://."))
    deadline = values.get("registration_deadline")
    if deadline is not None and (not isinstance(deadline, date)
                                 or deadline > in_oslo(starts_at).date()):
        raise DialogueError(N_("The registration deadline cannot be after the conference "
                               "starts."))
    return {"title": title, "description": str(values.get("description") or "").strip(),
            "starts_at": starts_at, "ends_at": ends_at, "place": place, "link": link,
            "registration_deadline": deadline}


def add_event(session: Session, tender: Tender, values: dict[str, object], *,
              actor_id: int | None, now: datetime | None = None) -> DialogueEvent:
    if tender.status not in ("draft", "planned", "open"):
        raise DialogueError(N_("Dialogue conferences can only be added before the evaluation "
                               "starts."))
    now = now or clock.now()
    row = DialogueEvent(tender_id=stored_id(tender), created_by_id=actor_id, created_at=now,
                        updated_at=now, **_check(values))
    session.add(row)
    session.flush()
    audit.record(session, "dialogue_event.created", actor_id=actor_id, object_type="tender",
                 object_id=tender.id, event_id=row.id, title=row.title)
    return row


def update_event(session: Session, row: DialogueEvent, values: dict[str, object], *,
                 actor_id: int | None, now: datetime | None = None) -> list[str]:
    """Apply the changes; the version (iCal SEQUENCE) goes up when anything changed."""
    clean = _check(values)
    changed = [name for name in FIELDS if getattr(row, name) != clean[name]]
    if not changed:
        return changed
    for name in changed:
        setattr(row, name, clean[name])
    row.version += 1
    row.updated_at = now or clock.now()
    session.add(row)
    session.flush()
    audit.record(session, "dialogue_event.updated", actor_id=actor_id, object_type="tender",
                 object_id=row.tender_id, event_id=row.id, fields=changed)
    return changed


def registrations(session: Session, row: DialogueEvent) -> int:
    return session.exec(select(func.count()).select_from(InterestRegistration).where(
        InterestRegistration.dialogue_event_id == row.id)).one()


def delete_event(session: Session, row: DialogueEvent, *, actor_id: int | None) -> None:
    """Delete a conference nobody has registered for; registrants must be told of changes."""
    if registrations(session, row):
        raise DialogueError(N_("Businesses have registered for this conference, so it cannot "
                               "be deleted. Change it instead, and tell them."))
    tender_id, event_id = row.tender_id, row.id
    session.delete(row)
    session.flush()
    audit.record(session, "dialogue_event.deleted", actor_id=actor_id, object_type="tender",
                 object_id=tender_id, event_id=event_id)
