"""LUP-style market dialogue: phases, equal meeting slots, the equal-treatment checks and the
Doffin PIN text. Pure: no Flask, no session."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Required, TypedDict

# The LUP sequence (a design choice; LUP publishes no official step list).
PHASES = ("anchoring", "needs", "dialogue", "competition", "follow-up")
# Competitions a dialogue can turn into.
TARGETS = ("competitive-negotiation", "innovation-partnership")
SLOT_MINUTES = (30, 45, 60, 90)

# Words that usually name a solution rather than a need: brands, models, "must use".
SOLUTION_CUES = re.compile(
    r"®|™|\b(merke|modell|produktnavn|av typen|skal bruke|skal benytte|must use|brand|"
    r"model number)\b", re.IGNORECASE)


def solution_cues(text: str) -> list[str]:
    """Phrases in a needs description that point to a given solution, not a function."""
    seen: list[str] = []
    for match in SOLUTION_CUES.finditer(text or ""):
        word = match.group(0).lower()
        if word not in seen:
            seen.append(word)
    return seen


@dataclass(frozen=True)
class PhaseFacts:
    anchored: bool
    needs_described: bool
    conference: bool
    participants: int
    all_offered: bool
    all_minuted: bool
    converted: bool
    followed_up: bool


def phase_statuses(facts: PhaseFacts) -> dict[str, str]:
    """done | in_progress | to_do | cannot_start for each phase, in order."""
    done = {
        "anchoring": facts.anchored,
        "needs": facts.needs_described,
        "dialogue": facts.conference and facts.participants > 0 and facts.all_offered
        and facts.all_minuted,
        "competition": facts.converted,
        "follow-up": facts.followed_up,
    }
    started = {
        "anchoring": False, "needs": False,
        "dialogue": facts.conference or facts.participants > 0,
        "competition": False, "follow-up": False,
    }
    result: dict[str, str] = {}
    previous_done = True
    for phase in PHASES:
        if done[phase]:
            result[phase] = "done"
        elif started[phase]:
            result[phase] = "in_progress"
        elif previous_done or phase in ("anchoring", "needs"):
            result[phase] = "to_do"
        else:
            result[phase] = "cannot_start"
        previous_done = done[phase]
    return result


def slot_times(first: datetime, count: int, minutes: int,
               pause: int = 0) -> list[tuple[datetime, datetime]]:
    """`count` back-to-back slots of exactly `minutes` each, `pause` minutes apart."""
    if minutes <= 0 or count < 0 or pause < 0:
        raise ValueError("slot length must be positive")
    step = timedelta(minutes=minutes + pause)
    length = timedelta(minutes=minutes)
    return [(first + i * step, first + i * step + length) for i in range(count)]


@dataclass(frozen=True)
class Offer:
    participant: int
    starts_at: datetime
    ends_at: datetime

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


def slot_problems(participants: Sequence[int],
                  offers: Iterable[Offer]) -> dict[str, list[int]]:
    """The equal-treatment check for one-to-one meetings: every participant offered exactly one
    slot, every slot the same length. Empty lists mean everyone was offered the same."""
    by_participant: dict[int, list[Offer]] = {}
    for offer in offers:
        by_participant.setdefault(offer.participant, []).append(offer)
    lengths = sorted({o.minutes for rows in by_participant.values() for o in rows})
    return {
        "not_offered": [p for p in participants if p not in by_participant],
        "several": [p for p, rows in by_participant.items() if len(rows) > 1],
        "lengths": lengths if len(lengths) > 1 else [],
    }


def info_gaps(participants: Sequence[int], items: Sequence[int],
              delivered: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    """Published items (Q&A, documents) some participant did not receive: item -> participants."""
    got = set(delivered)
    gaps = {}
    for item in items:
        missing = [p for p in participants if (item, p) not in got]
        if missing:
            gaps[item] = missing
    return gaps


class PinFacts(TypedDict, total=False):
    """What the PIN text says; conferences are (when, where, registration deadline) texts."""

    buyer: Required[str]
    reference: Required[str]
    title: Required[str]
    cpv: str
    functions: str | None
    outcomes: str | None
    conferences: Sequence[tuple[str, str, str]]
    contact: str
    slot_minutes: int | None


def pin_text(facts: PinFacts) -> str:
    """The Doffin "veiledende kunngjøring" used to invite the market to dialogue (Norwegian,
    as published). facts: buyer, reference, title, cpv, functions, outcomes, conferences
    (list of (when, where, deadline)), contact, slot_minutes."""
    lines = [
        f"Veiledende kunngjøring – invitasjon til markedsdialog: {facts['title']}",
        "",
        f"Oppdragsgiver: {facts['buyer']}",
        f"Referanse: {facts['reference']}",
    ]
    if facts.get("cpv"):
        lines.append(f"CPV-kode: {facts['cpv']}")
    lines += ["", "Behov og ønskede funksjoner:", str(facts.get("functions") or "–").strip(),
              "", "Resultater vi ønsker å oppnå:", str(facts.get("outcomes") or "–").strip(),
              "", "Vi beskriver behovet, ikke løsningen. Vi ønsker innspill fra markedet på "
              "hvordan behovet kan dekkes, hva som finnes i dag og hva som kan utvikles."]
    conferences = list(facts.get("conferences") or ())
    if conferences:
        lines += ["", "Dialogkonferanse:"]
        for when, where, deadline in conferences:
            text = f"- {when}, {where}"
            if deadline:
                text += f" (påmelding innen {deadline})"
            lines.append(text)
    minutes = facts.get("slot_minutes")
    lines += ["", "En-til-en-møter: Alle leverandører som melder seg på, får tilbud om et "
              "en-til-en-møte" + (f" på {minutes} minutter" if minutes else "")
              + ". Alle får like lang tid.",
              "", "Likebehandling: Spørsmål og svar og dokumenter som deles i dialogen, "
              "publiseres til alle deltakerne samtidig. Forretningshemmeligheter deles ikke.",
              "", "Denne kunngjøringen er en invitasjon til dialog. Den forkorter ikke "
              "tilbudsfrister og forplikter ikke oppdragsgiver til å gjennomføre en "
              "konkurranse."]
    if facts.get("contact"):
        lines += ["", f"Kontakt: {facts['contact']}"]
    return "\n".join(lines) + "\n"
