"""The account and organisation audit trail as sentences an administrator can read (bokmål
and English)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from procure.domain.places import load_kommuner
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
    "user.organisation_changed": _l("%(actor)s moved %(user)s to %(organisation)s."),
    "user.login": _l("%(actor)s signed in."),
    "user.logout": _l("%(actor)s signed out, which ended all of their sessions."),
    "organisation.created": _l("%(actor)s created the organisation %(organisation)s "
                               "(organisation number %(orgnr)s, kommune %(kommune)s)."),
}
# A user taken out of every organisation.
NO_ORGANISATION = _l("%(actor)s took %(user)s out of every organisation.")
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


def _user_id(event: AuditEvent) -> int | None:
    """The account an event is about (None for an organisation's)."""
    return int(event.object_id) if event.object_type == "user" and event.object_id.isdigit() \
        else None


def sentences(session: Session, events: list[AuditEvent]) -> list[Entry]:
    ids = {e.actor_id for e in events if e.actor_id}
    ids |= {user_id for e in events if (user_id := _user_id(e)) is not None}
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids))).all()}
    kommuner = load_kommuner()
    entries = []
    for event in events:
        actor = users.get(event.actor_id)
        user_id = _user_id(event)
        target = users.get(user_id) if user_id is not None else None
        template = SENTENCES.get(event.action)
        if template is None:
            continue
        organisation = event.details.get("organisation") or event.details.get("name")
        if event.action == "user.organisation_changed" and not organisation:
            template = NO_ORGANISATION
        kommune = str(event.details.get("kommunenummer", "–"))
        entries.append(Entry(event.occurred_at, str(template) % {
            "actor": (actor.name or actor.email) if actor
            else _("An operator at the command line"),
            "user": (target.email if target else str(event.details.get("email", "–"))),
            "roles": _roles(event.details.get("roles")),
            "minutes": event.details.get("minutes", "–"),
            "organisation": organisation or "–",
            "orgnr": event.details.get("orgnr", "–"),
            "kommune": f"{kommune} {kommuner.get(kommune, '')}".strip(),
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
        col(AuditEvent.object_type).in_(("user", "organisation")),
        col(AuditEvent.action).in_(ADMIN_ACTIONS))
        .order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
        .limit(limit)).all()
    return sentences(session, list(events))
