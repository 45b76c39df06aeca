"""Issue 19, finding 10: erasure removes the address from every table, except where a tender's
record must keep it (services/erasure.py says which, and why)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from procure import clock
from procure.mail import Mailer, Outbox, compose, queue
from procure.models import (
    AlertDelivery,
    AuditEvent,
    CompetitionInvitation,
    DialogueParticipant,
    InterestRegistration,
    InterestToken,
    OutboxMessage,
    SupplierContact,
    SupplierMessage,
    Tender,
    utcnow,
)
from procure.services import competition, erasure, interest, suppliers, tenders
from procure.services import market_dialogue as lup
from tests.support.templates import load_demo

ADDRESS = "ola@enkelt.example"
OTHER = "kari@annen.example"  # someone else's, which nothing may touch
SENDER = "Lillestrøm kommune <innkjop@lillestrom.example>"


@pytest.fixture
def mailer(tmp_path):
    return Mailer(sender=SENDER, outbox=tmp_path / "outbox")


def _tender(db, organisation, track: str, title: str) -> Tender:
    tender = tenders.create_draft(db, organisation.id, title, "Beskrivelse.", actor_id=None)
    tenders.update_tender(db, tender, {"track": track, "weight_price": Decimal(100)},
                          actor_id=None)
    return tender


def _everywhere(db, mailer) -> dict:
    """The address in every table that can hold it, and OTHER beside it."""
    organisation = load_demo(db)
    today = clock.today()
    supplier = suppliers.create_supplier(db, {"orgnr": "974760673", "name": "Ola Enkelt ENK",
                                              "size_class": "micro"}, actor_id=None,
                                         require_postal_code=False)
    # As typed, in capitals: a register filled in by hand or by an import keeps the case.
    db.add(SupplierContact(organisation_id=organisation.id, supplier_id=supplier.id,
                           name="Ola Enkelt", email="Ola@Enkelt.example"))
    kjeller = suppliers.by_orgnr(db, "987654325")
    suppliers.add_contact(db, kjeller, {"name": "Ola i Kjeller", "email": ADDRESS},
                          organisation_id=organisation.id, actor_id=None)
    suppliers.add_contact(db, kjeller, {"name": "Kari", "email": OTHER},
                          organisation_id=organisation.id, actor_id=None)

    # A registration of interest, its links and an alert.
    registered = interest.register(db, orgnr="974760673", email=ADDRESS, divisions=["90"],
                                   known_divisions=["90"])
    interest.confirm(db, registered.token)
    interest.register(db, orgnr="974760673", email=OTHER, divisions=["90"],
                      known_divisions=["90"])
    sent_mail = queue(db, compose(SENDER, ADDRESS, "Bekreft registreringen", f"Til {ADDRESS}"))
    sent_mail.status, sent_mail.sent_at = "sent", utcnow()

    # Competitions: one whose invitation went out, one not sent yet, one whose invitation is
    # still in the outbox.
    sent = _tender(db, organisation, competition.TRACK, "Sendt konkurranse")
    competition.invite_supplier(db, sent, supplier.id, actor_id=None)
    competition.send_invitations(db, sent, today + timedelta(days=14), "Smalt marked.",
                                 actor_id=None, mailer=mailer, today=today)
    draft = _tender(db, organisation, competition.TRACK, "Ikke sendt")
    competition.invite_supplier(db, draft, supplier.id, actor_id=None)
    competition.invite_supplier(db, draft, kjeller.id, actor_id=None)  # its first contact
    queued = _tender(db, organisation, competition.TRACK, "I utboksen")
    competition.invite_supplier(db, queued, supplier.id, actor_id=None)
    competition.send_invitations(db, queued, today + timedelta(days=14), "Smalt marked.",
                                 actor_id=None, mailer=Outbox(db, SENDER), today=today)

    # Market dialogues: a participant offered a meeting, and one sent nothing yet.
    met = _tender(db, organisation, lup.TRACK, "Dialog med møter")
    lup.add_participant(db, met, "974760673", "Ola Enkelt ENK", ADDRESS, actor_id=None)
    lup.offer_slots(db, met, clock.now() + timedelta(days=10), 60, 0, actor_id=None,
                    mailer=mailer)
    waiting = _tender(db, organisation, lup.TRACK, "Dialog uten møter")
    lup.add_participant(db, waiting, "974760673", "Ola Enkelt ENK", ADDRESS, actor_id=None)
    lup.add_participant(db, waiting, "987654325", "Kjeller Elektro AS", OTHER, actor_id=None)
    db.add(AlertDelivery(email=ADDRESS, tender_id=sent.id, public_version=1))
    db.add(AlertDelivery(email=OTHER, tender_id=sent.id, public_version=1))
    db.flush()
    return {"sent": sent, "draft": draft, "queued": queued, "met": met, "waiting": waiting,
            "supplier": supplier, "kjeller": kjeller, "sent_mail": sent_mail.id}


def _invitation(db, tender) -> CompetitionInvitation:
    return db.exec(select(CompetitionInvitation).where(
        CompetitionInvitation.tender_id == tender.id,
        CompetitionInvitation.contact_name != "Kjell Elvik")).one()


def test_erasure_removes_the_address_except_from_the_record(db, mailer):
    rows = _everywhere(db, mailer)
    pending = db.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
    assert [m.recipients.lower() for m in pending] == [ADDRESS]

    assert interest.erase_email(db, ADDRESS.upper()) == 1

    # Gone: the registration, its links, the alert record, the register contacts.
    assert db.exec(select(InterestRegistration).where(
        InterestRegistration.email == ADDRESS)).all() == []
    assert db.exec(select(InterestToken).where(InterestToken.email == ADDRESS)).all() == []
    assert db.exec(select(AlertDelivery).where(AlertDelivery.email == ADDRESS)).all() == []
    owner = rows["draft"].organisation_id
    assert [c.email for c in suppliers.contacts(db, rows["supplier"], owner)] == []
    assert [c.email for c in suppliers.contacts(db, rows["kjeller"], owner)] == [
        "salg@kjellerelektro.example", OTHER]
    # … recorded without the address, and the trail's earlier entries lose it too.
    erased = db.exec(select(AuditEvent).where(
        AuditEvent.action == "supplier.contact_erased")).all()
    assert len(erased) == 2 and all(ADDRESS not in str(e.details).lower() for e in erased)
    for event in db.exec(select(AuditEvent).where(AuditEvent.object_type == "supplier")).all():
        assert ADDRESS not in str(event.details).lower()
    assert OTHER in str([e.details for e in db.exec(select(AuditEvent).where(
        AuditEvent.action == "supplier.contact_added")).all()])

    # An invitation not sent loses the address; one sent is kept with it.
    unsent = _invitation(db, rows["draft"])
    assert (unsent.email, unsent.contact_name, unsent.sent_at) == ("", "", None)
    kept = _invitation(db, rows["sent"])
    assert kept.email.lower() == ADDRESS and kept.sent_at is not None
    # The invitation that was still in the outbox was never sent: mail, record, address go.
    stuck = _invitation(db, rows["queued"])
    assert (stuck.email, stuck.sent_at) == ("", None)
    assert db.exec(select(SupplierMessage).where(
        SupplierMessage.tender_id == rows["queued"].id)).all() == []
    assert db.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")).all() == []
    # Sent messages stay, with their recipient: the tender's record.
    record = db.exec(select(SupplierMessage).where(
        SupplierMessage.tender_id == rows["sent"].id)).one()
    assert record.recipient.lower() == ADDRESS and record.kind == "invitation"

    # A participant offered a meeting stays; one sent nothing is out of the dialogue.
    [met] = lup.participants(db, rows["met"])
    assert met.email == ADDRESS and lup.meetings(db, rows["met"])
    assert [p.email for p in lup.participants(db, rows["waiting"])] == [OTHER]

    # Delivered mail keeps its subject and text, not the address.
    delivered = db.get(OutboxMessage, rows["sent_mail"])
    assert delivered.recipients == erasure.ERASED_ADDRESS
    assert ADDRESS.encode() not in delivered.message.lower()
    assert b"Bekreft registreringen" in delivered.message

    # The tenders whose record changed say so in their trails, without the address.
    changed = db.exec(select(AuditEvent).where(AuditEvent.action == "tender.address_erased")
                      ).all()
    assert sorted(int(e.object_id) for e in changed) == sorted(
        [rows["draft"].id, rows["queued"].id, rows["waiting"].id])
    assert all(ADDRESS not in str(e.details).lower() for e in changed)
    assert db.exec(select(InterestRegistration).where(
        InterestRegistration.email == OTHER)).one()
    assert db.exec(select(DialogueParticipant).where(DialogueParticipant.email == OTHER)).one()


def test_sending_after_an_erasure_asks_for_another_contact(db, mailer):
    rows = _everywhere(db, mailer)
    interest.erase_email(db, ADDRESS)
    today = clock.today()
    with pytest.raises(competition.CompetitionError, match="was erased at the contact"):
        competition.send_invitations(db, rows["draft"], today + timedelta(days=14), "Ok.",
                                     actor_id=None, mailer=mailer, today=today)
    suppliers.add_contact(db, rows["supplier"], {"name": "Ny", "email": "ny@enkelt.example"},
                          organisation_id=rows["draft"].organisation_id, actor_id=None)
    competition.send_invitations(db, rows["draft"], today + timedelta(days=14), "Ok.",
                                 actor_id=None, mailer=mailer, today=today)
    assert _invitation(db, rows["draft"]).email == "ny@enkelt.example"


def test_an_address_only_in_the_register_can_be_erased_too(db):
    """A demo contact never registered interest; an erasure link for its address (the one
    /privacy sends) still takes it out of the register."""
    organisation = load_demo(db)
    token = interest._new_token(db, interest.ERASE, "salg@kjellerelektro.example",
                                utcnow() + timedelta(hours=1), now=utcnow())
    db.flush()
    assert interest.erase_with_token(db, token) == 0  # no registration …
    kjeller = suppliers.by_orgnr(db, "987654325")
    assert suppliers.contacts(db, kjeller, organisation.id) == []  # … but the contact is gone
    assert db.exec(select(SupplierContact).where(
        SupplierContact.email == "salg@kjellerelektro.example")).all() == []


def test_erasure_by_the_unsubscribe_link_reaches_the_register_too(db):
    load_demo(db)
    registered = interest.register(db, orgnr="987654325", email="salg@kjellerelektro.example",
                                   divisions=["45"], known_divisions=["45"])
    interest.confirm(db, registered.token)
    interest.erase_by_unsubscribe_token(db, registered.registration.unsubscribe_token)
    assert db.exec(select(SupplierContact).where(
        SupplierContact.email == "salg@kjellerelektro.example")).all() == []
