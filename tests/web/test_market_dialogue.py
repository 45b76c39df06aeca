"""The LUP-style market dialogue, end to end through the web: phases, needs, conference,
participants, equal one-to-one meetings, information shared with all, PIN, conversion."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from procure.mail import outbox_messages
from procure.models import (
    AuditEvent,
    DialogueEvent,
    DialogueMeeting,
    DialogueParticipant,
    InterestRegistration,
    SupplierMessage,
    Tender,
    utcnow,
)
from tests.helpers import post_form
from tests.web.test_wizard import walk_to_recommendation

TITLE = "Digital oppfølging av hjemmeboende"


def dialogue_tender(client, db) -> Tender:
    url = walk_to_recommendation(client, market="unknown", innovation="new", rnd="no",
                                 title=TITLE)
    response = post_form(client, url, {"track": "market-dialogue", "reason": "Vi vil snakke "
                                       "med markedet først."})
    assert response.status_code == 302, response.text
    return db.exec(select(Tender).where(Tender.title == TITLE)).one()


def _register(db, event: DialogueEvent, orgnr: str, name: str, email: str) -> None:
    tender = db.get(Tender, event.tender_id)
    db.add(InterestRegistration(organisation_id=tender.organisation_id,
                                orgnr=orgnr, business_name=name, email=email,
                                divisions=["85"], dialogue_event_id=event.id,
                                unsubscribe_token=secrets.token_hex(16),
                                confirmed_at=utcnow()))
    db.commit()


def test_market_dialogue_end_to_end(app, login_as, db):
    client = login_as("officer")
    outbox = Path(app.config["OUTBOX_DIR"])
    tender = dialogue_tender(client, db)
    base = f"/officer/tenders/{tender.id}/dialogue"
    assert base in client.get(f"/officer/tenders/{tender.id}").text
    page = client.get(base).text
    assert 'data-phase="anchoring" data-status="to_do"' in page
    assert 'data-phase="competition" data-status="cannot_start"' in page

    # Anchoring and needs; an empty field is refused and what was typed is kept.
    assert post_form(client, f"{base}/anchoring", {"anchoring": "Vedtatt av helse- og "
                     "omsorgsutvalget; mål: flere kan bo hjemme lenger."},
                     page=base).status_code == 302
    response = post_form(client, f"{base}/needs", {"functions": "Varsle ved fall",
                                                   "outcomes": ""}, page=base)
    assert response.status_code == 400 and "Varsle ved fall" in response.text
    response = post_form(client, f"{base}/needs", {
        "functions": "Varsle pårørende og hjemmetjenesten når en bruker faller. Skal bruke "
                     "merke X.",
        "outcomes": "Færre akuttinnleggelser og tryggere brukere."}, page=base)
    assert response.status_code == 302
    page = client.get(base).text
    assert 'data-warning="solution"' in page and "merke" in page
    post_form(client, f"{base}/needs", {
        "functions": "Varsle pårørende og hjemmetjenesten når en bruker faller.",
        "outcomes": "Færre akuttinnleggelser og tryggere brukere."}, page=base)
    page = client.get(base).text
    assert 'data-warning="solution"' not in page
    assert 'data-phase="needs" data-status="done"' in page
    # The PIN text is generated from the tender and its needs description.
    assert "Veiledende kunngjøring" in page and "Færre akuttinnleggelser" in page
    assert post_form(client, f"{base}/pin", {}, page=base).status_code == 302
    db.refresh(tender)
    assert tender.status == "planned"

    # A dialogue conference (the existing officer page), with two confirmed registrations.
    day = (utcnow() + timedelta(days=30)).date()
    assert post_form(client, f"/officer/tenders/{tender.id}/events/new", {
        "title": "Dialogkonferanse om velferdsteknologi", "description": "",
        "day": day.isoformat(), "starts": "09:00", "ends": "11:00", "place": "Rådhuset",
        "link": "", "registration_deadline": ""}).status_code == 302
    event = db.exec(select(DialogueEvent).where(DialogueEvent.tender_id == tender.id)).one()
    _register(db, event, "914778271", "Lokal Velferd AS", "post@lokal.example")
    _register(db, event, "811958611", "Oslo Helse AS", "post@oslohelse.example")
    meetings_url = f"{base}/meetings"
    assert "Lokal Velferd AS" in client.get(meetings_url).text
    # Each address is confirmed as the business's contact before it takes part (issue 19).
    for registration in db.exec(select(InterestRegistration)).all():
        assert post_form(client, f"{base}/interest/{registration.id}/confirm",
                         {"note": "Ringte sentralbordet, som bekreftet adressen."},
                         page=meetings_url).status_code == 302
    assert post_form(client, f"{base}/participants/import", {},
                     page=meetings_url).status_code == 302
    # One added by hand; a bad organisation number is refused and the input kept.
    response = post_form(client, f"{base}/participants", {
        "orgnr": "123", "name": "Bergen Sensor AS", "email": "hei@bergensensor.example"},
        page=meetings_url)
    assert response.status_code == 400 and "Bergen Sensor AS" in response.text
    assert post_form(client, f"{base}/participants", {
        "orgnr": "889640782", "name": "Bergen Sensor AS", "email": "hei@bergensensor.example"},
        page=meetings_url).status_code == 302
    assert len(db.exec(select(DialogueParticipant).where(
        DialogueParticipant.tender_id == tender.id)).all()) == 3

    # One-to-one meetings: every participant is offered one slot of the same length.
    assert 'data-check="unequal"' in client.get(meetings_url).text
    response = post_form(client, f"{base}/slots", {
        "day": (day + timedelta(days=7)).isoformat(), "starts": "09:00", "minutes": "60",
        "pause": "15"}, page=meetings_url)
    assert response.status_code == 302, response.text
    slots = db.exec(select(DialogueMeeting).where(DialogueMeeting.tender_id == tender.id)
                   .order_by(DialogueMeeting.starts_at)).all()
    assert len(slots) == 3
    assert {(m.ends_at - m.starts_at) for m in slots} == {timedelta(minutes=60)}
    assert slots[1].starts_at - slots[0].ends_at == timedelta(minutes=15)
    offers = [m for m in outbox_messages(outbox) if "En-til-en-møte" in m["Subject"]]
    assert sorted(m["To"] for m in offers) == [
        "hei@bergensensor.example", "post@lokal.example", "post@oslohelse.example"]
    assert all("60 minutter" in m.get_content() for m in offers)
    assert 'data-check="equal"' in client.get(meetings_url).text

    # Q&A to all at once: the answer reaches every participant.
    shared_url = f"{base}/shared"
    response = post_form(client, shared_url, {
        "kind": "qa", "title": "Må løsningen virke uten mobildekning?",
        "body": "Ja, også i områder med dårlig dekning.", "link": ""})
    assert response.status_code == 302, response.text
    answers = [m for m in outbox_messages(outbox) if "Spørsmål og svar" in m["Subject"]]
    assert len(answers) == 3
    assert all("uten mobildekning" in m.get_content() for m in answers)
    assert len({m["To"] for m in answers}) == 3
    assert 'data-check="shared-equal"' in client.get(shared_url).text
    # A bad link is refused, the text kept, nothing sent.
    response = post_form(client, shared_url, {
        "kind": "document", "title": "Behovsnotat", "body": "Vedlagt.",
        "link": "ftp://x"})
    assert response.status_code == 400 and "Behovsnotat" in response.text

    # A late participant gets a slot of the same length and everything shared so far.
    assert post_form(client, f"{base}/participants", {
        "orgnr": "923456783", "name": "Sen Sensor AS", "email": "sen@sensor.example"},
        page=meetings_url).status_code == 302
    late = db.exec(select(DialogueParticipant).where(
        DialogueParticipant.orgnr == "923456783")).one()
    late_slot = db.exec(select(DialogueMeeting).where(
        DialogueMeeting.participant_id == late.id)).one()
    assert late_slot.ends_at - late_slot.starts_at == timedelta(minutes=60)
    late_mail = [m for m in outbox_messages(outbox) if m["To"] == "sen@sensor.example"]
    assert len(late_mail) == 2
    assert len(db.exec(select(SupplierMessage).where(
        SupplierMessage.tender_id == tender.id, SupplierMessage.kind == "shared")).all()) == 4
    # Another length is refused: everyone gets the same.
    response = post_form(client, f"{base}/slots", {
        "day": (day + timedelta(days=8)).isoformat(), "starts": "09:00", "minutes": "30",
        "pause": "0"}, page=meetings_url)
    assert response.status_code == 400 and "allerede tilbudt møter på 60 minutter" in response.text

    # Minutes for every meeting; the dialogue phase is then done.
    for meeting in db.exec(select(DialogueMeeting).where(
            DialogueMeeting.tender_id == tender.id)).all():
        assert post_form(client, f"{base}/meetings/{meeting.id}/minutes", {
            "minutes": f"Møte {meeting.id}: leverandøren viste fallsensorer."},
            page=meetings_url).status_code == 302
    response = post_form(client, f"{base}/meetings/{slots[0].id}/minutes", {"minutes": ""},
                         page=meetings_url)
    assert response.status_code == 400 and "Skriv referat fra møtet" in response.text
    page = client.get(base).text
    assert 'data-phase="dialogue" data-status="done"' in page

    # Convert: the needs description and participants carry over.
    response = post_form(client, f"{base}/convert", {"target": ""}, page=base)
    assert response.status_code == 400
    assert post_form(client, f"{base}/convert", {"target": "innovation-partnership"},
                     page=base).status_code == 302
    db.refresh(tender)
    assert tender.track == "innovation-partnership"
    assert "Færre akuttinnleggelser" in tender.description
    page = client.get(base).text
    assert 'data-converted="innovation-partnership"' in page and "4" in page
    assert 'data-phase="competition" data-status="done"' in page
    assert base in client.get(f"/officer/tenders/{tender.id}").text
    assert post_form(client, f"{base}/follow-up", {
        "follow_up": "Måles kvartalsvis: antall fall og innleggelser."},
        page=base).status_code == 302
    assert 'data-phase="follow-up" data-status="done"' in client.get(base).text

    # The trail and the protocol cover the dialogue.
    actions = {e.action for e in db.exec(select(AuditEvent).where(
        AuditEvent.object_id == str(tender.id))).all()}
    assert {"dialogue.needs_saved", "dialogue.slots_offered", "dialogue.shared",
            "dialogue.minutes_saved", "dialogue.converted",
            "dialogue.pin_published"} <= actions
    protocol = client.get(f"/officer/tenders/{tender.id}/protocol").text
    assert "Markedsdialog" in protocol and "Sen Sensor AS" in protocol
    assert "60 minutter" in protocol


def test_dialogue_pages_are_only_for_the_track(login_as, db):
    client = login_as("officer")
    url = walk_to_recommendation(client, title="Renhold")
    post_form(client, url, {"track": "simplified-competition", "reason": ""})
    tender = db.exec(select(Tender).where(Tender.title == "Renhold")).one()
    response = client.get(f"/officer/tenders/{tender.id}/dialogue")
    assert response.status_code == 302
    assert client.get("/officer/tenders/999999/dialogue").status_code == 404
