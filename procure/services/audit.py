"""Audit trail: one row per thing that happened, written in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from procure.models import AuditEvent

_STAMP = "procure.audit.stamp"
_STAMPED = "procure.audit.stamped"


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    **details: object,
) -> AuditEvent:
    details = {**session.info.get(_STAMP, {}), **details}
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        object_type=object_type,
        object_id=str(object_id),
        details={key: value for key, value in details.items() if value is not None},
    )
    session.add(event)
    session.flush()
    if _STAMPED in session.info:
        session.info[_STAMPED].append(event)
    return event


@contextmanager
def stamped(session: Session, **details: object) -> Iterator[list[AuditEvent]]:
    """Every event recorded in the session inside the block carries these details (unless it
    names them itself); yields the list of those events. The step runner stamps the tender
    version a step saved, so the trail says which version each change made."""
    session.info[_STAMP], session.info[_STAMPED] = details, []
    try:
        yield session.info[_STAMPED]
    finally:
        session.info.pop(_STAMP, None)
        session.info.pop(_STAMPED, None)
