"""Audit trail: one row per thing that happened, written in the caller's transaction."""

from __future__ import annotations

from sqlmodel import Session

from procure.models import AuditEvent


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    **details: object,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        object_type=object_type,
        object_id=str(object_id),
        details={key: value for key, value in details.items() if value is not None},
    )
    session.add(event)
    session.flush()
    return event
