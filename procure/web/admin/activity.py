"""The account audit trail as sentences an administrator can read (bokmål and English)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from procure.models import AuditEvent, User
from procure.web.filters import ROLE_LABELS

# One sentence per account action; %(actor)s did it, %(user)s is the account.
SENTENCES = {
    "user.created": _l("%(actor)s created the account %(user)s with the roles %(roles)s."),
    "user.roles_changed": _l("%(actor)s set the roles of %(user)s to %(roles)s."),
    "user.deactivated": _l("%(actor)s deactivated %(user)s and ended all of their sessions."),
    "user.reactivated": _l("%(actor)s reactivated %(user)s."),
    "user.unlocked": _l("%(actor)s unlocked sign-in for %(user)s from every address."),
    "user.password_link_sent": _l("%(actor)s sent %(user)s a one-time password link that "
                                  "works for %(minutes)s minutes."),
    "user.password_changed": _l("%(actor)s set a new password for %(user)s; all of their "
                                "sessions ended."),
    "user.login": _l("%(actor)s signed in."),
    "user.logout": _l("%(actor)s signed out, which ended all of their sessions."),
}
# The administrators' own actions (the log page); sign-ins are on each user's page.
ADMIN_ACTIONS = tuple(action for action in SENTENCES
                      if action not in ("user.login", "user.logout"))


@dataclass(frozen=True)
class Entry:
    at: datetime
    sentence: str


def _roles(value: object) -> str:
    names = [str(ROLE_LABELS.get(name, name)) for name in value or []] \
        if isinstance(value, list) else []
    return ", ".join(names) if names else _("no roles")


def sentences(session: Session, events: list[AuditEvent]) -> list[Entry]:
    ids = {e.actor_id for e in events if e.actor_id}
    ids |= {int(e.object_id) for e in events if e.object_id.isdigit()}
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids))).all()}
    entries = []
    for event in events:
        actor = users.get(event.actor_id)
        target = users.get(int(event.object_id)) if event.object_id.isdigit() else None
        template = SENTENCES.get(event.action)
        if template is None:
            continue
        entries.append(Entry(event.occurred_at, str(template) % {
            "actor": (actor.name or actor.email) if actor
            else _("An operator at the command line"),
            "user": (target.email if target else str(event.details.get("email", "–"))),
            "roles": _roles(event.details.get("roles")),
            "minutes": event.details.get("minutes", "–"),
        }))
    return entries


def account_history(session: Session, user: User, limit: int = 50) -> list[Entry]:
    events = session.exec(select(AuditEvent).where(
        AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id))
        .order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
        .limit(limit)).all()
    return sentences(session, list(events))


def admin_log(session: Session, limit: int = 200) -> list[Entry]:
    events = session.exec(select(AuditEvent).where(
        AuditEvent.object_type == "user", col(AuditEvent.action).in_(ADMIN_ACTIONS))
        .order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
        .limit(limit)).all()
    return sentences(session, list(events))
