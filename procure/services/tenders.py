"""Tenders: drafts, lists per audience. Later issues add the lifecycle and tracks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import CursorResult, func, or_, update
from sqlmodel import Session, col, select

from procure import clock
from procure.db import affected_rows
from procure.domain.lifecycle import TransitionError, transition_stamp
from procure.errors import N_, UserError
from procure.models import AuditEvent, Organisation, Tender, User
from procure.services import audit

PUBLIC_STATUSES = ("planned", "open")


class TenderError(UserError):
    """A tender operation that cannot be carried out."""


def default_organisation(session: Session) -> Organisation | None:
    return session.exec(select(Organisation).order_by(col(Organisation.id))).first()


def next_reference(session: Session, organisation_id: int, now: datetime) -> str:
    """References run per organisation and year: 2026-001, 2026-002, ..."""
    prefix = f"{now.year}-"
    count = session.exec(
        select(func.count()).select_from(Tender).where(
            Tender.organisation_id == organisation_id, Tender.reference.startswith(prefix)
        )
    ).one()
    return f"{prefix}{count + 1:03d}"


def create_draft(
    session: Session, organisation_id: int, title: str, description: str = "",
    *, actor_id: int | None = None, now: datetime | None = None,
) -> Tender:
    title = title.strip()
    if not title:
        raise TenderError(N_("A tender needs a title."))
    now = now or clock.now()
    tender = Tender(
        organisation_id=organisation_id,
        reference=next_reference(session, organisation_id, now),
        title=title,
        description=description.strip(),
        created_by_id=actor_id,
        created_at=now,
    )
    session.add(tender)
    session.flush()
    audit.record(session, "tender.created", actor_id=actor_id, object_type="tender",
                 object_id=tender.id, reference=tender.reference)
    return tender


WIZARD_FIELDS = (
    "title", "description", "cpv_code", "estimated_value", "contract_type", "buyer_type",
    "planned_notice_date", "innovation", "market", "needs_rnd", "track",
)


def draft_fields(tender: Tender) -> dict[str, object]:
    """The fields the wizard reads, as a plain mapping for the domain."""
    return {name: getattr(tender, name) for name in WIZARD_FIELDS}


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


class TenderConflict(TenderError):
    """Someone else saved the tender after this edit began; `changes` says what they changed."""

    def __init__(self, changes: list[dict[str, object]]) -> None:
        super().__init__(N_("Someone else changed this tender while you were editing it."))
        self.changes = changes


def update_tender(
    session: Session, tender: Tender, changes: Mapping[str, object], *, actor_id: int | None,
    action: str = "tender.updated", expected_version: int | None = None,
) -> dict[str, tuple[object, object]]:
    """Apply changes and record each changed field with its old and new value.

    With expected_version, the edit only goes through if nobody has saved the tender since
    that version; the version check and bump happen in one UPDATE, so two concurrent edits
    cannot both pass it.
    """
    if expected_version is not None and expected_version != tender.version:
        raise TenderConflict(changes_since(session, tender, expected_version))
    changed: dict[str, tuple[object, object]] = {}
    for name, value in changes.items():
        old = getattr(tender, name)
        if old != value:
            changed[name] = (old, value)
    if not changed:
        return changed
    bumped = session.execute(
        update(Tender)
        .where(col(Tender.id) == tender.id, col(Tender.version) == tender.version)
        .values(version=Tender.version + 1)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult, bumped).rowcount != 1:  # an UPDATE's result has a row count
        session.rollback()
        raise TenderConflict([])
    tender.version += 1
    for name, (_old, value) in changed.items():
        setattr(tender, name, value)
    session.add(tender)
    session.flush()
    audit.record(session, action, actor_id=actor_id, object_type="tender",
                 object_id=tender.id, version=tender.version, changes={
                     name: [_jsonable(old), _jsonable(new)]
                     for name, (old, new) in changed.items()})
    return changed


def claim_version(session: Session, tender: Tender, expected_version: int) -> None:
    """Take the next version of the tender for an edit based on `expected_version`, or raise
    TenderConflict when someone saved the tender since. Check and bump are one UPDATE, so two
    concurrent edits cannot both pass; the caller rolls back on a conflict."""
    if expected_version != tender.version:
        raise TenderConflict(changes_since(session, tender, expected_version))
    bumped = session.execute(
        update(Tender)
        .where(col(Tender.id) == tender.id, col(Tender.version) == expected_version)
        .values(version=Tender.version + 1)
        .execution_options(synchronize_session=False)
    )
    if affected_rows(bumped) != 1:
        raise TenderConflict([])
    tender.version = expected_version + 1
    session.add(tender)


def changes_since(session: Session, tender: Tender, version: int) -> list[dict[str, object]]:
    """Field changes saved after `version`, oldest first, with who made them and when."""
    events = session.exec(
        select(AuditEvent).where(AuditEvent.object_type == "tender",
                                 AuditEvent.object_id == str(tender.id))
        .order_by(col(AuditEvent.id))
    ).all()
    actors = {user.id: user for user in session.exec(
        select(User).where(col(User.id).in_({e.actor_id for e in events if e.actor_id}))).all()}
    result = []
    for event in events:
        if (event.details.get("version") or 0) <= version:
            continue
        actor = actors.get(event.actor_id)
        for field, (old, new) in event.details.get("changes", {}).items():
            result.append({"field": field, "old": old, "new": new, "at": event.occurred_at,
                           "by": (actor.name or actor.email) if actor else None})
    return result


class TransitionRefused(TenderError):
    """The lifecycle does not allow this status change."""


def transition(
    session: Session, tender: Tender, target: str, *, actor_id: int | None,
    now: datetime | None = None, expected_version: int | None = None,
) -> None:
    """Move the tender to `target` by setting its timestamp; the lifecycle guards the step."""
    current = tender.status
    try:
        stamp = transition_stamp(current, target)
    except TransitionError:
        raise TransitionRefused(N_("A tender that is %(current)s cannot become %(target)s."),
                                current=current, target=target) from None
    update_tender(session, tender, {stamp: now or clock.now()}, actor_id=actor_id,
                  action=f"tender.{target}", expected_version=expected_version)


def organisation_tenders(session: Session, organisation_id: int) -> list[Tender]:
    statement = (
        select(Tender)
        .where(Tender.organisation_id == organisation_id)
        .order_by(col(Tender.created_at).desc(), col(Tender.id).desc())
    )
    return list(session.exec(statement).all())


def get_tender(session: Session, tender_id: int, organisation_id: int) -> Tender | None:
    tender = session.get(Tender, tender_id)
    if tender is None or tender.organisation_id != organisation_id:
        return None
    return tender


def public_tenders(session: Session) -> list[Tender]:
    """Planned and open tenders: the only ones the public may see."""
    statement = (
        select(Tender)
        .where(
            or_(col(Tender.planned_at).is_not(None), col(Tender.opened_at).is_not(None)),
            col(Tender.evaluation_at).is_(None),
            col(Tender.awarded_at).is_(None),
            col(Tender.cancelled_at).is_(None),
            col(Tender.closed_at).is_(None),
        )
        .order_by(col(Tender.tender_deadline), col(Tender.id))
    )
    return list(session.exec(statement).all())
