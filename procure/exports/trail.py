"""A tender's audit trail as sentences: what happened (from the vocabulary), to what (the
criterion, the supplier, the phase), and each changed field with its old and new value in words.

No raw event codes, no Python values (True, None) and no ISO timestamps reach the reader. The
labels are in the current language; the protocol builds the trail inside `vocabulary.bokmal()`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, col, select

from procure import vocabulary as v
from procure.clock import norwegian_date
from procure.domain.estimate import format_nok
from procure.models import AuditEvent, Tender, TenderCriterion, User
from procure.vocabulary import translate as _

# Computed from other fields and shown elsewhere in full (the recommendation, the value lines,
# the eForms code of the § 7-9 basis, which the protocol names in its § 7-9 section).
HIDDEN_FIELDS = frozenset({"recommendation", "value_estimate", "climate_code"})
ISO_MOMENT = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?)?$")
# Details shown whole under the event, each on its own line (the officer's own words).
NOTED_FIELDS = ("registered_name", "verified_how")
# Which group names the decision in an event's details.
DECISIONS = {"partnership.candidate_decided": v.CANDIDATE_DECISIONS,
             "partnership.phase_decided": v.PHASE_DECISIONS}


@dataclass
class TrailEntry:
    at: datetime
    who: str
    action: str
    action_label: str
    subject: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def when(self) -> str:
        return norwegian_date(self.at)


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: object) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if v.current_language() == "nb" else text


def _moment(text: str) -> str:
    try:
        if len(text) == 10:
            return norwegian_date(date.fromisoformat(text))
        return norwegian_date(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return text


def describe(name: str, value: object) -> str:
    """One recorded value in words: a label for a code, yes/no, a Norwegian date, money."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return v.label(v.YES_NO, "yes" if value else "no")
    if name in v.FIELD_VALUES:
        return v.label(v.FIELD_VALUES[name], value)
    if name in v.MONEY_FIELDS:
        try:
            return format_nok(Decimal(str(value)), v.current_language())
        except (InvalidOperation, ValueError):
            return str(value)
    if name in v.PERCENT_FIELDS:
        return f"{_number(value)} %"
    if name == "scores" and isinstance(value, Mapping):
        return ", ".join(f"{v.label(v.AWARD_CRITERIA, key)} {_number(score)}"
                         for key, score in value.items()) or "–"
    if isinstance(value, datetime | date):
        return norwegian_date(value)
    if isinstance(value, str) and ISO_MOMENT.match(value):
        return _moment(value)
    if isinstance(value, list):
        return ", ".join(describe(name, item) for item in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{v.label(v.FIELDS, key)}: {describe(key, item)}"
                         for key, item in value.items())
    return _short(str(value))


def _criterion_titles(session: Session, tender: Tender) -> dict[str, str]:
    """Criterion id (with and without version) -> title, from the tender's pinned snapshots."""
    titles: dict[str, str] = {}
    for pin in session.exec(select(TenderCriterion).where(
            TenderCriterion.tender_id == tender.id)).all():
        title = str((pin.snapshot or {}).get("content", {}).get("title") or "")
        if title:
            titles[pin.criterion_id] = title
            titles.setdefault(pin.base_id, title)
    return titles


def _criterion(details: Mapping, titles: Mapping[str, str], key: str = "criterion") -> str:
    ident = str(details.get(key) or "")
    title = details.get("title") if key == "criterion" else None
    title = title or titles.get(ident) or titles.get(ident.split(":", 1)[0])
    return f"{title} ({ident})" if title else ident


def _subject(action: str, details: Mapping, titles: Mapping[str, str]) -> str:
    """What the event was about, in a few words."""
    if "criterion" in details:
        subject = _criterion(details, titles)
        if details.get("replaced"):
            subject += " " + _("in place of %(old)s", old=details["replaced"])
        return subject
    parts: list[str] = []
    number = details.get("number", details.get("phase"))
    if number is not None:
        parts.append(_("no. %(number)s", number=number))
    name = next((details[key] for key in ("supplier", "name", "title", "participant", "email",
                                          "filename", "reference") if details.get(key)), "")
    if name:
        parts.append(str(name))
    if details.get("note"):  # an amendment's description of the change
        parts.append(_short(str(details["note"]), 200))
    if details.get("document_changed"):
        parts.append(v.lower_first(v.label(v.FIELDS, "document_changed")))
    if action in DECISIONS and details.get("decision"):
        parts.append(v.lower_first(v.label(DECISIONS[action], details["decision"])))
    if details.get("held_on"):
        parts.append(describe("held_on", details["held_on"]))
    for key in ("suppliers", "partners", "participants", "recipients"):
        names = details.get(key)
        if isinstance(names, list) and names:
            parts.append(", ".join(str(n) for n in names))
            break
    return ", ".join(parts)


def _changes(action: str, details: Mapping,
             titles: Mapping[str, str]) -> list[tuple[str, str, str]]:
    changes = details.get("changes") or {}
    if action == "tender.criteria_options":
        # {criterion id: [weight or None, stated in the specification]}: what each became.
        lines = []
        for ident, (weight, spec) in changes.items():
            now = (_("weight %(weight)s %%", weight=_number(weight))
                   if weight is not None else
                   _("stated in the specification: %(answer)s",
                               answer=v.lower_first(describe("", bool(spec)))))
            lines.append((_criterion({"criterion": ident}, titles), "", now))
        return lines
    lines = [(v.label(v.FIELDS, name), describe(name, old), describe(name, new))
             for name, (old, new) in changes.items() if name not in HIDDEN_FIELDS]
    lines += [(v.label(v.FIELDS, name), "", str(details[name]))
              for name in NOTED_FIELDS if details.get(name)]
    return lines


def audit_trail(session: Session, tender: Tender) -> list[TrailEntry]:
    """Every recorded event on the tender, oldest first, in words."""
    events = session.exec(
        select(AuditEvent).where(AuditEvent.object_type == "tender",
                                 AuditEvent.object_id == str(tender.id))
        .order_by(col(AuditEvent.occurred_at), col(AuditEvent.id))
    ).all()
    user_ids = {event.actor_id for event in events if event.actor_id}
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(user_ids))).all()}
    titles = _criterion_titles(session, tender)
    trail = []
    for event in events:
        actor = users.get(event.actor_id)
        details = event.details or {}
        trail.append(TrailEntry(
            at=event.occurred_at,
            who=(actor.name or actor.email) if actor else _("the system"),
            action=event.action,
            action_label=v.label(v.EVENTS, event.action),
            subject=_subject(event.action, details, titles),
            changes=_changes(event.action, details, titles),
        ))
    return trail
