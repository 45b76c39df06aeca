"""LUP-style market dialogue on a tender (issue 5, item 4).

Phases: anchoring, needs description, market dialogue (conferences from services/dialogue.py,
participants, one-to-one meetings), competition (conversion), contract follow-up. Equal
treatment: every participant is offered one slot of the same length, and every shared item
(Q&A, document) goes to every participant in one action; a participant added later gets the
same slot length and everything shared so far. Every step is in the tender's audit trail,
every e-mail as a supplier message (services/supplier_messages.py): composed, sent, then
recorded; a failure raises and the caller rolls back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from procure import clock, vocabulary
from procure.clock import norwegian_date
from procure.domain import market_dialogue as domain
from procure.domain.orgnr import is_valid, normalise
from procure.errors import N_, UserError
from procure.models import (
    DialogueMeeting,
    DialogueParticipant,
    DialogueShared,
    InterestRegistration,
    MarketDialogue,
    Organisation,
    SupplierMessage,
    Tender,
    stored_id,
)
from procure.services import (
    audit,
    dialogue,
    interest,
    supplier_identity,
    supplier_messages,
    tenders,
)
from procure.services.supplier_messages import Mailer, Outgoing

TRACK = "market-dialogue"
ACTIVE = ("draft", "planned", "open")


class MarketDialogueError(UserError):
    """A market dialogue step that cannot be carried out now."""


def applies(session: Session, tender: Tender) -> bool:
    return tender.track == TRACK or existing(session, tender) is not None


def existing(session: Session, tender: Tender) -> MarketDialogue | None:
    return session.exec(select(MarketDialogue).where(
        MarketDialogue.tender_id == tender.id)).first()


def dialogue_for(session: Session, tender: Tender) -> MarketDialogue:
    if not applies(session, tender):
        raise MarketDialogueError(N_("This tender does not follow the market dialogue track."))
    row = existing(session, tender)
    if row is None:
        row = MarketDialogue(tender_id=stored_id(tender))
        session.add(row)
        session.flush()
    return row


def _record(session: Session, tender: Tender, action: str, actor_id: int | None,
            **details: object) -> None:
    audit.record(session, action, actor_id=actor_id, object_type="tender",
                 object_id=tender.id, **details)


def _require_open(row: MarketDialogue) -> None:
    if row.converted_at is not None:
        raise MarketDialogueError(N_("The dialogue has been converted into a competition; "
                                     "it can no longer be changed."))


# --- anchoring and needs -----------------------------------------------------------------------


def save_anchoring(session: Session, tender: Tender, text: str, *, actor_id: int | None,
                   now: datetime | None = None) -> MarketDialogue:
    row = dialogue_for(session, tender)
    text = (text or "").strip()
    if not text:
        raise MarketDialogueError(N_("Describe how the purchase is anchored: who decided it, "
                                     "and with what goal."))
    if text != row.anchoring:
        _record(session, tender, "dialogue.anchoring_saved", actor_id,
                changes={"anchoring": [row.anchoring or None, text]})
        row.anchoring, row.anchored_at = text, now or clock.now()
        session.add(row)
        session.flush()
    return row


def save_needs(session: Session, tender: Tender, functions: str, outcomes: str, *,
               actor_id: int | None, now: datetime | None = None) -> list[str]:
    """Save the needs description; returns the solution cues found (a warning, not a refusal)."""
    row = dialogue_for(session, tender)
    _require_open(row)
    functions, outcomes = (functions or "").strip(), (outcomes or "").strip()
    if not functions or not outcomes:
        raise MarketDialogueError(N_("Describe both the functions needed and the outcomes "
                                     "wanted."))
    changes = {name: [old or None, new] for name, old, new in (
        ("needs_functions", row.needs_functions, functions),
        ("needs_outcomes", row.needs_outcomes, outcomes)) if old != new}
    if changes:
        row.needs_functions, row.needs_outcomes = functions, outcomes
        row.needs_at = now or clock.now()
        session.add(row)
        session.flush()
        _record(session, tender, "dialogue.needs_saved", actor_id, changes=changes)
    return domain.solution_cues(functions + "\n" + outcomes)


# --- participants ------------------------------------------------------------------------------


def participants(session: Session, tender: Tender) -> list[DialogueParticipant]:
    return list(session.exec(select(DialogueParticipant).where(
        DialogueParticipant.tender_id == tender.id).order_by(
        col(DialogueParticipant.name), col(DialogueParticipant.id))).all())


def get_participant(session: Session, tender: Tender,
                    participant_id: int) -> DialogueParticipant | None:
    row = session.get(DialogueParticipant, participant_id)
    return row if row is not None and row.tender_id == tender.id else None


def registered(session: Session, tender: Tender) -> list[InterestRegistration]:
    """Confirmed registrations for the tender's dialogue conferences not yet participants."""
    known = {p.orgnr for p in participants(session, tender)}
    return [i.registration for i in interest.interested_in(session, tender)
            if i.reason == "event" and i.registration.orgnr not in known]


def add_participant(session: Session, tender: Tender, orgnr: str, name: str, email: str, *,
                    actor_id: int | None, mailer: Mailer | None = None, source: str = "manual",
                    now: datetime | None = None) -> DialogueParticipant:
    """Add a participant. Once slots have been offered, the newcomer is offered a slot of the
    same length and sent everything shared so far, in the same action."""
    row = dialogue_for(session, tender)
    _require_open(row)
    number = normalise(orgnr or "")
    name, email = (name or "").strip(), (email or "").strip().lower()
    if not is_valid(number):
        raise MarketDialogueError(N_("The organisation number is not valid."))
    if not name:
        raise MarketDialogueError(N_("Enter the business's name."))
    if "@" not in email or any(c in email for c in " \r\n"):
        raise MarketDialogueError(N_("Enter a valid e-mail address."))
    if any(p.orgnr == number for p in participants(session, tender)):
        raise MarketDialogueError(N_("This business already takes part in the dialogue."))
    now = now or clock.now()
    person = DialogueParticipant(tender_id=stored_id(tender), orgnr=number, name=name[:300],
                                 email=email[:254], source=source, added_at=now,
                                 added_by_id=actor_id)
    session.add(person)
    session.flush()
    _record(session, tender, "dialogue.participant_added", actor_id, name=person.name,
            orgnr=number, source=source)
    offered = meetings(session, tender)
    if offered or shared(session, tender):
        if mailer is None:
            raise MarketDialogueError(N_("The e-mail could not be sent: %(error)s"),
                                     error="no mailer")
        batch = []
        if offered:
            last = max(m.ends_at for m in offered)
            minutes = row.slot_minutes or int(
                (offered[0].ends_at - offered[0].starts_at).total_seconds() // 60)
            meeting = DialogueMeeting(tender_id=stored_id(tender), participant_id=stored_id(person),
                                      starts_at=last, ends_at=last + timedelta(minutes=minutes),
                                      offered_at=now)
            session.add(meeting)
            session.flush()
            batch.append(_slot_message(session, tender, person, meeting))
        for item in shared(session, tender):
            batch.append(_shared_message(session, tender, person, item))
        _send(session, tender, mailer, batch, now)
    return person


def import_registered(session: Session, tender: Tender, *, actor_id: int | None,
                      mailer: Mailer | None = None,
                      now: datetime | None = None) -> tuple[int, int]:
    """Add the businesses registered for the tender's conferences as participants, each under
    its name and contact in the supplier register (supplier_identity). A registration not yet
    confirmed as a register contact is left out. Returns (added, left out)."""
    added = unconfirmed = 0
    for registration in registered(session, tender):
        try:
            supplier, contact = supplier_identity.contact_for(session, tender, registration,
                                                              error=MarketDialogueError)
        except MarketDialogueError:
            unconfirmed += 1
            continue
        try:
            add_participant(session, tender, supplier.orgnr, supplier.name, contact.email,
                            actor_id=actor_id, mailer=mailer, source="interest", now=now)
        except MarketDialogueError as error:
            if error.msgid == N_("This business already takes part in the dialogue."):
                continue
            raise
        added += 1
    return added, unconfirmed


# --- e-mail ------------------------------------------------------------------------------------


def _buyer(session: Session, tender: Tender) -> str:
    organisation = session.get(Organisation, tender.organisation_id)
    return organisation.name if organisation else ""


def _nb_time(moment: datetime) -> str:
    return norwegian_date(moment)


def _slot_message(session: Session, tender: Tender, person: DialogueParticipant,
                  meeting: DialogueMeeting) -> Outgoing:
    minutes = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
    subject = f"En-til-en-møte i markedsdialog: {tender.title} ({tender.reference})"
    body = (f"Til {person.name}\n\n{_buyer(session, tender)} tilbyr alle deltakerne i "
            f"markedsdialogen om «{tender.title}» et en-til-en-møte av samme lengde.\n\n"
            f"Ditt tidspunkt: {_nb_time(meeting.starts_at)}, {minutes} minutter.\n\n"
            "Gi beskjed om tidspunktet ikke passer. Alle får like lang tid, og informasjon "
            "som deles i møtene, publiseres til alle deltakerne.\n")
    return Outgoing(kind="slot", recipient=person.email, subject=subject, body=body,
                    participant_id=person.id, meeting_id=meeting.id)


def _shared_message(session: Session, tender: Tender, person: DialogueParticipant,
                    item: DialogueShared) -> Outgoing:
    label = "Spørsmål og svar" if item.kind == "qa" else "Dokument"
    subject = f"{label} i markedsdialog: {tender.title} ({tender.reference})"
    body = (f"Til {person.name}\n\n{_buyer(session, tender)} deler dette med alle deltakerne "
            f"i markedsdialogen om «{tender.title}» samtidig.\n\n{label}: {item.title}\n\n"
            f"{item.body}\n")
    if item.link:
        body += f"\n{item.link}\n"
    return Outgoing(kind="shared", recipient=person.email, subject=subject, body=body,
                    participant_id=person.id, shared_id=item.id)


def _send(session: Session, tender: Tender, mailer: Mailer, batch: list[Outgoing],
          now: datetime) -> list[SupplierMessage]:
    return supplier_messages.send(session, tender, mailer, batch, now=now,
                                  error=MarketDialogueError)


def messages(session: Session, tender: Tender, kind: str | None = None) -> list[SupplierMessage]:
    """The dialogue's e-mails to participants, of one kind or all."""
    return supplier_messages.sent(session, tender, (kind,) if kind else supplier_messages.DIALOGUE)


# --- one-to-one meetings -----------------------------------------------------------------------


def meetings(session: Session, tender: Tender) -> list[DialogueMeeting]:
    return list(session.exec(select(DialogueMeeting).where(
        DialogueMeeting.tender_id == tender.id).order_by(
        col(DialogueMeeting.starts_at), col(DialogueMeeting.id))).all())


def get_meeting(session: Session, tender: Tender, meeting_id: int) -> DialogueMeeting | None:
    row = session.get(DialogueMeeting, meeting_id)
    return row if row is not None and row.tender_id == tender.id else None


def offer_slots(session: Session, tender: Tender, first: datetime, minutes: int, pause: int, *,
                actor_id: int | None, mailer: Mailer,
                now: datetime | None = None) -> list[DialogueMeeting]:
    """Offer every participant without a slot one slot of `minutes`, back to back, and e-mail
    each their time. The length is fixed by the first offer: later offers use the same."""
    row = dialogue_for(session, tender)
    _require_open(row)
    if minutes not in domain.SLOT_MINUTES:
        raise MarketDialogueError(N_("Choose a meeting length."))
    if row.slot_minutes is not None and minutes != row.slot_minutes:
        raise MarketDialogueError(
            N_("Slots of %(minutes)s minutes have already been offered; every supplier must "
               "be offered the same length."), minutes=row.slot_minutes)
    now = now or clock.now()
    if first <= now:
        raise MarketDialogueError(N_("The first meeting must be in the future."))
    offered = {m.participant_id for m in meetings(session, tender)}
    waiting = [p for p in participants(session, tender) if p.id not in offered]
    if not waiting:
        raise MarketDialogueError(N_("Every participant has already been offered a meeting."))
    created = []
    for person, (starts, ends) in zip(waiting, domain.slot_times(first, len(waiting), minutes,
                                                                pause), strict=True):
        meeting = DialogueMeeting(tender_id=stored_id(tender), participant_id=stored_id(person),
                                  starts_at=starts, ends_at=ends, offered_at=now)
        session.add(meeting)
        created.append((person, meeting))
    session.flush()
    _send(session, tender, mailer, [_slot_message(session, tender, p, m) for p, m in created],
          now)
    if row.slot_minutes is None:
        row.slot_minutes = minutes
        session.add(row)
    session.flush()
    _record(session, tender, "dialogue.slots_offered", actor_id, minutes=minutes,
            participants=[p.name for p, _m in created])
    return [m for _p, m in created]


def save_minutes(session: Session, tender: Tender, meeting: DialogueMeeting, text: str, *,
                 actor_id: int | None, now: datetime | None = None) -> None:
    text = (text or "").strip()
    if not text:
        raise MarketDialogueError(N_("Write the minutes of the meeting."))
    if text == meeting.minutes:
        return
    old = meeting.minutes
    meeting.minutes, meeting.minuted_at = text, now or clock.now()
    session.add(meeting)
    session.flush()
    person = session.get(DialogueParticipant, meeting.participant_id)
    _record(session, tender, "dialogue.minutes_saved", actor_id, meeting_id=meeting.id,
            participant=person.name if person else None,
            changes={"minutes": [old or None, text]})


def slot_check(session: Session, tender: Tender) -> dict[str, list]:
    """Who was not offered a slot, who got several, and the lengths if they differ."""
    people = participants(session, tender)
    names = {p.id: p.name for p in people}
    problems = domain.slot_problems(
        [stored_id(p) for p in people],
        [domain.Offer(m.participant_id, m.starts_at, m.ends_at)
         for m in meetings(session, tender)])
    return {"not_offered": [names[i] for i in problems["not_offered"]],
            "several": [names.get(i, "?") for i in problems["several"]],
            "lengths": problems["lengths"]}


# --- information shared with all ---------------------------------------------------------------


def shared(session: Session, tender: Tender) -> list[DialogueShared]:
    return list(session.exec(select(DialogueShared).where(
        DialogueShared.tender_id == tender.id).order_by(col(DialogueShared.id))).all())


def publish(session: Session, tender: Tender, kind: str, title: str, body: str, link: str = "",
            *, actor_id: int | None, mailer: Mailer,
            now: datetime | None = None) -> DialogueShared:
    """Publish a Q&A or a document to every participant at once, the same text to each."""
    row = dialogue_for(session, tender)
    _require_open(row)
    if kind not in ("qa", "document"):
        raise MarketDialogueError(N_("Choose what you are sharing."))
    title, body, link = (title or "").strip(), (body or "").strip(), (link or "").strip()
    if not title or not body:
        raise MarketDialogueError(N_("Write both the question (or document title) and the "
                                     "answer (or text)."))
    if link:
        parts = urlsplit(link)
        if parts.scheme != "https" or not parts.netloc:
            raise MarketDialogueError(N_("The link must be a full address starting with "
                                         "https://."))
    people = participants(session, tender)
    if not people:
        raise MarketDialogueError(N_("There are no participants to share with yet."))
    now = now or clock.now()
    item = DialogueShared(tender_id=stored_id(tender), kind=kind, title=title[:300], body=body,
                          link=link[:500], published_at=now, published_by_id=actor_id)
    session.add(item)
    session.flush()
    sent = _send(session, tender, mailer,
                 [_shared_message(session, tender, p, item) for p in people], now)
    _record(session, tender, "dialogue.shared", actor_id, kind=kind, title=item.title,
            recipients=len(sent))
    return item


def shared_gaps(session: Session, tender: Tender) -> dict[int, list[str]]:
    """Shared items some participant did not receive (shared item id -> names)."""
    people = participants(session, tender)
    names = {p.id: p.name for p in people}
    gaps = domain.info_gaps([stored_id(p) for p in people],
                            [stored_id(s) for s in shared(session, tender)],
                            [(m.shared_id, m.participant_id)
                             for m in messages(session, tender, "shared")
                             if m.shared_id is not None and m.participant_id is not None])
    return {item: [names[p] for p in missing] for item, missing in gaps.items()}


# --- PIN, conversion, follow-up ----------------------------------------------------------------


def pin_text(session: Session, tender: Tender) -> str:
    from procure.domain.purchases import in_oslo

    row = existing(session, tender) or MarketDialogue(tender_id=stored_id(tender))
    conferences = []
    for event in dialogue.tender_events(session, tender):
        start = in_oslo(event.starts_at)
        when = start.strftime("%d.%m.%Y kl. %H:%M") + "–" + in_oslo(event.ends_at).strftime(
            "%H:%M")
        where = ", ".join(part for part in (event.place, event.link) if part)
        deadline = event.registration_deadline.strftime("%d.%m.%Y") \
            if event.registration_deadline else ""
        conferences.append((when, where, deadline))
    contact = " ".join(part for part in (tender.contact_name, tender.contact_email) if part)
    return domain.pin_text({
        "buyer": _buyer(session, tender), "reference": tender.reference,
        "title": tender.title, "cpv": tender.cpv_code or "",
        "functions": row.needs_functions or tender.description,
        "outcomes": row.needs_outcomes, "conferences": conferences, "contact": contact,
        "slot_minutes": row.slot_minutes})


def publish_pin(session: Session, tender: Tender, *, actor_id: int | None,
                now: datetime | None = None) -> None:
    """Record that the PIN was published on Doffin; a draft tender becomes planned."""
    row = dialogue_for(session, tender)
    if not row.needs_at:
        raise MarketDialogueError(N_("Write the needs description before inviting the "
                                     "market."))
    if row.pin_published_at is not None:
        raise MarketDialogueError(N_("The notice is already recorded as published."))
    now = now or clock.now()
    row.pin_published_at = now
    session.add(row)
    session.flush()
    _record(session, tender, "dialogue.pin_published", actor_id)
    if tender.status == "draft":
        tenders.transition(session, tender, "planned", actor_id=actor_id, now=now)


def convert(session: Session, tender: Tender, target: str, *, actor_id: int | None,
            now: datetime | None = None) -> None:
    """Turn the dialogue into a competition on the same tender: the track becomes `target`,
    the needs description becomes the tender's description, the participants stay as the
    candidates to invite. Refused while the equal-treatment checks fail."""
    row = dialogue_for(session, tender)
    _require_open(row)
    if target not in domain.TARGETS:
        raise MarketDialogueError(N_("Choose the competition to convert to."))
    if tender.status not in ACTIVE:
        raise MarketDialogueError(N_("This cannot be done while the tender is %(status)s."),
                                  status=tender.status)
    if not row.needs_at:
        raise MarketDialogueError(N_("Write the needs description first."))
    check = slot_check(session, tender)
    if check["not_offered"] or check["lengths"] or shared_gaps(session, tender):
        raise MarketDialogueError(N_("Not every participant was offered the same: fix the "
                                     "equal-treatment check first."))
    now = now or clock.now()
    description = ("Funksjoner: " + row.needs_functions + "\n\nResultater: "
                   + row.needs_outcomes)
    reason = tender.track_reason or "Konvertert fra markedsdialog (LUP)."
    tenders.update_tender(session, tender, {"track": target, "description": description,
                                            "track_reason": reason},
                          actor_id=actor_id, action="dialogue.converted")
    row.converted_to, row.converted_at = target, now
    session.add(row)
    session.flush()


def save_follow_up(session: Session, tender: Tender, text: str, *, actor_id: int | None,
                   now: datetime | None = None) -> None:
    row = dialogue_for(session, tender)
    if row.converted_at is None:
        raise MarketDialogueError(N_("Contract follow-up comes after the competition."))
    text = (text or "").strip()
    if not text:
        raise MarketDialogueError(N_("Describe how the contract is followed up."))
    if text != row.follow_up:
        _record(session, tender, "dialogue.follow_up_saved", actor_id,
                changes={"follow_up": [row.follow_up or None, text]})
        row.follow_up, row.followed_up_at = text, now or clock.now()
        session.add(row)
        session.flush()


def phases(session: Session, tender: Tender) -> dict[str, str]:
    row = existing(session, tender)
    people = participants(session, tender)
    offered = meetings(session, tender)
    check = slot_check(session, tender)
    return domain.phase_statuses(domain.PhaseFacts(
        anchored=bool(row and row.anchored_at), needs_described=bool(row and row.needs_at),
        conference=bool(dialogue.tender_events(session, tender)), participants=len(people),
        all_offered=bool(offered) and not check["not_offered"] and not check["lengths"],
        all_minuted=bool(offered) and all(m.minuted_at for m in offered),
        converted=bool(row and row.converted_at),
        followed_up=bool(row and row.followed_up_at)))


# --- the protocol's section (Norwegian, as the record) -----------------------------------------


def protocol_data(session: Session, tender: Tender) -> dict | None:
    """The dialogue's part of the protocol: phases, needs, conferences, participants, meetings
    and minutes, what was shared with all, the equal-treatment check and the conversion.
    Labelled in bokmål, as the record."""
    with vocabulary.bokmal():
        return _protocol_data(session, tender)


def _protocol_data(session: Session, tender: Tender) -> dict | None:
    v = vocabulary
    row = existing(session, tender)
    if row is None and tender.track != TRACK:
        return None
    people = participants(session, tender)
    names = {p.id: p.name for p in people}
    sent = messages(session, tender, "shared")
    check = slot_check(session, tender)
    gaps = shared_gaps(session, tender)

    def day(value):
        return norwegian_date(value) if value else "–"

    return {
        "anchoring": row.anchoring if row else "",
        "functions": row.needs_functions if row else "",
        "outcomes": row.needs_outcomes if row else "",
        "solution_cues": domain.solution_cues(
            (row.needs_functions + "\n" + row.needs_outcomes) if row else ""),
        "pin_published": day(row.pin_published_at if row else None),
        "phases": (stages := phases(session, tender)),
        "phase_labels": [(v.label(v.DIALOGUE_PHASES, name), v.label(v.TASK_STATUSES, state))
                         for name, state in stages.items()],
        "conferences": [{"title": e.title, "when": day(e.starts_at),
                         "where": ", ".join(p for p in (e.place, e.link) if p),
                         "registered": dialogue.registrations(session, e)}
                        for e in dialogue.tender_events(session, tender)],
        "participants": [{"name": p.name, "orgnr": p.orgnr, "added": day(p.added_at),
                          "source": v.label(v.PARTICIPANT_SOURCES, p.source)}
                         for p in people],
        "slot_minutes": row.slot_minutes if row else None,
        "meetings": [{"name": names.get(m.participant_id, "?"), "when": day(m.starts_at),
                      "minutes_long": int((m.ends_at - m.starts_at).total_seconds() // 60),
                      "minutes": m.minutes, "held": m.ends_at <= clock.now()}
                     for m in meetings(session, tender)],
        "shared": [{"kind": v.label(v.SHARED_KINDS, s.kind),
                    "title": s.title, "body": s.body, "when": day(s.published_at),
                    "recipients": sum(1 for m in sent if m.shared_id == s.id)}
                   for s in shared(session, tender)],
        "equal": bool(people) and not (check["not_offered"] or check["several"]
                                       or check["lengths"] or gaps),
        "not_offered": check["not_offered"],
        "lengths": check["lengths"],
        "gaps": sum(len(found) for found in gaps.values()),
        "converted_to": v.label(v.PROCEDURES, row.converted_to) if row else "–",
        "converted_at": day(row.converted_at if row else None),
        "follow_up": row.follow_up if row else "",
    }


def protocol_missing(data: dict | None) -> list[str]:
    if data is None:
        return []
    missing = []
    if not data["functions"]:
        missing.append("Behovsbeskrivelsen (funksjoner og resultater) er ikke skrevet.")
    if data["participants"] and not data["equal"]:
        missing.append("Ikke alle deltakerne i markedsdialogen har fått det samme tilbudet "
                       "om møte og den samme informasjonen.")
    if any(m["held"] and not m["minutes"] for m in data["meetings"]):
        missing.append("Referat mangler fra minst ett en-til-en-møte.")
    return missing
