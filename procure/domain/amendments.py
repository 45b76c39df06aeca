"""Amendments (rettelser): what a change after publication is, and the notice about it.

Once suppliers have seen a tender (it is published as planned, or the invitations are sent),
a change to what they see is an amendment: it gets a running number, the officer's
description, and a notice to every invited and interested business. The notice is in
Norwegian, like the other letters to suppliers (they are the record).

Pure: plain values in, a Letter out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from procure.domain.competition_letters import Letter, TenderFacts, signature

# The tender's own fields that suppliers read, and that only an amendment changes once they
# have seen them. The tender document is named by the amendment itself (document_changed).
AMENDABLE = ("title", "description", "tender_deadline")
# Statuses in which suppliers have seen the tender and it can still be amended; after the
# deadline (evaluation, award) or the end, what suppliers were told stands.
AMENDABLE_STATUSES = ("planned", "open")
# Statuses in which suppliers have seen the tender (it was published, or invitations went out).
SEEN_STATUSES = ("planned", "open", "evaluation", "awarded", "cancelled", "closed")

FIELD_NB = {"title": "tittelen", "description": "beskrivelsen",
            "tender_deadline": "tilbudsfristen"}


@dataclass(frozen=True)
class DeadlineMove:
    old: date | None
    new: date | None


def deadline_move(changes: Mapping[str, tuple[object, object]]) -> DeadlineMove | None:
    """The deadline's old and new date, when the amendment moved it."""
    if "tender_deadline" not in changes:
        return None
    old, new = changes["tender_deadline"]
    return DeadlineMove(_as_date(old), _as_date(new))


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "ingen frist"


def notice(facts: TenderFacts, recipient: str, number: int, description: str,
           changes: Mapping[str, tuple[object, object]], document_changed: bool,
           page_url: str) -> Letter:
    """The notice of amendment `number` to one business. `changes`: field -> (old, new) of
    the AMENDABLE fields that changed; `facts` are the tender as it is after the change."""
    lines = []
    moved = deadline_move(changes)
    if moved is not None:
        lines.append(f"Tilbudsfristen er flyttet fra {_day(moved.old)} til {_day(moved.new)}"
                     + (" kl. 12:00." if moved.new else "."))
    if "title" in changes:
        old, new = changes["title"]
        lines.append(f"Tittelen er endret fra «{old}» til «{new}».")
    if "description" in changes:
        lines.append(f"Beskrivelsen er endret. Slik lyder den nå:\n{facts.description}")
    if document_changed:
        lines.append("Konkurransegrunnlaget er endret. Bruk den nye versjonen når dere gir "
                     "tilbud.")
    body = (
        f"Til {recipient}\n\n"
        f"{facts.buyer} har gjort en rettelse i anskaffelsen «{facts.title}» (referanse "
        f"{facts.reference}). Rettelsen sendes samtidig til alle inviterte og interesserte "
        "leverandører.\n\n"
        f"Rettelse nr. {number}:\n{description}\n\n"
        + "".join(f"{line}\n\n" for line in lines)
        + f"Alle rettelser står på anskaffelsens side: {page_url}\n\n"
        f"{signature(facts)}\n"
    )
    return Letter(f"Rettelse nr. {number}: {facts.title} ({facts.reference})", body)
