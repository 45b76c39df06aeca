"""Issue 19, finding 1: a registration of interest does not make anyone a supplier's contact.

Someone registers interest with a real supplier's organisation number and their own address,
and confirms it by the e-mailed link. On every track the officer's invite must then neither
add that address to the supplier register nor send anything to it, until the address is a
register contact of the supplier: it already was, or an officer confirmed it with a note."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from procure import clock
from procure.exports.trail import audit_trail
from procure.mail import Mailer, outbox_messages
from procure.models import (
    AuditEvent,
    DialogueEvent,
    InterestRegistration,
    Supplier,
    SupplierContact,
    SupplierMessage,
    utcnow,
)
from procure.services import competition, interest, supplier_identity, suppliers, tenders
from procure.services import innovation_partnership as ip
from procure.services import market_dialogue as lup
from procure.vocabulary import bokmal
from tests.support.templates import load_demo

KJELLER = "987654325"  # Kjeller Elektro AS in the demo register, contact salg@kjellerelektro…
KJELLER_CONTACT = "salg@kjellerelektro.example"
ATTACKER = "innkjop@kjeller-elektro.example"  # looks right, is not the register's
NEWCOMER = "974760673"  # not in the register


@pytest.fixture
def mailer(tmp_path):
    return Mailer(sender="Lillestrøm kommune <innkjop@lillestrom.example>",
                  outbox=tmp_path / "outbox")


def _tender(db, track: str, title: str):
    organisation = load_demo(db)
    tender = tenders.create_draft(db, organisation.id, title, "Drift av tre bygg.",
                                  actor_id=None)
    tenders.update_tender(db, tender, {"track": track, "weight_price": Decimal(60),
                                       "weight_quality": Decimal(40)}, actor_id=None)
    return tender


def _registered(db, tender, orgnr: str, email: str, name: str = "Kjeller Elektro AS", *,
                event: DialogueEvent | None = None) -> InterestRegistration:
    row = InterestRegistration(organisation_id=tender.organisation_id, orgnr=orgnr,
                               business_name=name, email=email, divisions=[],
                               tender_id=None if event else tender.id,
                               dialogue_event_id=event.id if event else None,
                               unsubscribe_token=secrets.token_hex(16), confirmed_at=utcnow())
    db.add(row)
    db.flush()
    return row


def _contacts_with(db, email: str) -> list[SupplierContact]:
    return list(db.exec(select(SupplierContact).where(SupplierContact.email == email)).all())


def _event(db, tender) -> DialogueEvent:
    start = datetime.now(UTC) + timedelta(days=30)
    event = DialogueEvent(tender_id=tender.id, title="Dialogkonferanse", starts_at=start,
                          ends_at=start + timedelta(hours=2))
    db.add(event)
    db.flush()
    return event


def test_the_attack_neither_adds_a_contact_nor_invites_the_attacker(db, mailer):
    tender = _tender(db, competition.TRACK, "Vaktmestertjenester")
    registration = _registered(db, tender, KJELLER, ATTACKER, "Kjeller Elektro Innkjøp")
    [standing] = supplier_identity.standings(db, tender, [registration])
    assert not standing.confirmed
    assert standing.name == "Kjeller Elektro AS"  # the register's name …
    assert standing.typed_name == "Kjeller Elektro Innkjøp"  # … apart from the typed one
    assert standing.reason_params == {"email": ATTACKER, "name": "Kjeller Elektro AS",
                                      "orgnr": KJELLER}
    assert "is not registered as a contact of" in standing.reason_msgid

    with pytest.raises(competition.CompetitionError, match="not confirmed as a contact"):
        competition.invite_interested(db, tender, registration.id, actor_id=None,
                                      mailer=mailer)
    assert _contacts_with(db, ATTACKER) == []
    assert competition.invited(db, tender) == []
    # Nor later, once the invitations are out (an invite then sends at once).
    competition.invite_supplier(db, tender, suppliers.by_orgnr(db, "934567897").id,
                                actor_id=None)
    competition.send_invitations(db, tender, clock.today() + timedelta(days=14),
                                 "Kort frist.", actor_id=None, mailer=mailer,
                                 today=clock.today())
    with pytest.raises(competition.CompetitionError):
        competition.invite_interested(db, tender, registration.id, actor_id=None,
                                      mailer=mailer)
    assert ATTACKER not in {m["To"] for m in outbox_messages(mailer.outbox)}
    assert db.exec(select(SupplierMessage).where(
        SupplierMessage.recipient == ATTACKER)).all() == []


def test_an_address_already_in_the_register_is_invited_directly(db, mailer):
    tender = _tender(db, competition.TRACK, "Vaktmestertjenester")
    registration = _registered(db, tender, KJELLER, KJELLER_CONTACT)
    before = len(db.exec(select(SupplierContact)).all())
    assert supplier_identity.standing(db, tender, registration).confirmed
    invitation = competition.invite_interested(db, tender, registration.id, actor_id=None,
                                               mailer=mailer)
    assert (invitation.email, invitation.source) == (KJELLER_CONTACT, "interest")
    assert invitation.contact_name == "Kjell Elvik"  # the register's contact
    assert len(db.exec(select(SupplierContact)).all()) == before


def test_an_officer_confirms_the_address_and_it_is_invited_after(db, mailer):
    tender = _tender(db, competition.TRACK, "Vaktmestertjenester")
    registration = _registered(db, tender, NEWCOMER, "post@senstart.example", "Sen Start AS")
    standing = supplier_identity.standing(db, tender, registration)
    assert standing.supplier is None and "is not in the supplier register" in \
        standing.reason_msgid
    with pytest.raises(competition.CompetitionError, match="Write how you verified"):
        supplier_identity.confirm_contact(db, tender, registration, "  ", actor_id=None,
                                          error=competition.CompetitionError)
    assert suppliers.by_orgnr(db, NEWCOMER) is None

    contact = supplier_identity.confirm_contact(
        db, tender, registration, "Ringte daglig leder på 63 80 00 00.", actor_id=None,
        error=competition.CompetitionError)
    supplier = suppliers.by_orgnr(db, NEWCOMER)
    assert supplier is not None and supplier.size_class == "unknown"
    assert (contact.supplier_id, contact.email) == (supplier.id, "post@senstart.example")
    with pytest.raises(competition.CompetitionError, match="already a contact"):
        supplier_identity.confirm_contact(db, tender, registration, "Igjen.", actor_id=None,
                                          error=competition.CompetitionError)

    invitation = competition.invite_interested(db, tender, registration.id, actor_id=None,
                                               mailer=mailer)
    assert invitation.email == contact.email and invitation.supplier_id == supplier.id

    # The trail says who confirmed it and how, in words.
    event = db.exec(select(AuditEvent).where(
        AuditEvent.action == "supplier.contact_confirmed")).one()
    assert event.object_type == "tender" and event.object_id == str(tender.id)
    with bokmal():
        [entry] = [e for e in audit_trail(db, tender) if e.action == "supplier.contact_confirmed"]
        assert entry.action_label == ("Adresse fra en interesseregistrering bekreftet som "
                                      "kontakt hos leverandøren")
        assert entry.subject == "Sen Start AS"
        assert ("Slik ble adressen bekreftet", "", "Ringte daglig leder på 63 80 00 00.") in \
            entry.changes


def test_a_known_supplier_gets_the_confirmed_address_as_a_second_contact(db, mailer):
    tender = _tender(db, competition.TRACK, "Vaktmestertjenester")
    registration = _registered(db, tender, KJELLER, "anbud@kjellerelektro.example")
    supplier_identity.confirm_contact(db, tender, registration, "Kjell Elvik bekreftet den.",
                                      actor_id=None, error=competition.CompetitionError)
    kjeller = suppliers.by_orgnr(db, KJELLER)
    assert [c.email for c in suppliers.contacts(db, kjeller, tender.organisation_id)] == [
        KJELLER_CONTACT, "anbud@kjellerelektro.example"]
    invitation = competition.invite_interested(db, tender, registration.id, actor_id=None,
                                               mailer=mailer)
    assert invitation.email == "anbud@kjellerelektro.example"


def test_market_dialogue_imports_only_confirmed_registrations(db, mailer):
    tender = _tender(db, lup.TRACK, "Velferdsteknologi")
    event = _event(db, tender)
    attack = _registered(db, tender, KJELLER, ATTACKER, "Kjeller Elektro Innkjøp", event=event)
    assert [r.id for r in lup.registered(db, tender)] == [attack.id]
    assert lup.import_registered(db, tender, actor_id=None, mailer=mailer) == (0, 1)
    assert lup.participants(db, tender) == []
    assert _contacts_with(db, ATTACKER) == []

    supplier_identity.confirm_contact(db, tender, attack, "Ringte sentralbordet.",
                                      actor_id=None, error=lup.MarketDialogueError)
    assert lup.import_registered(db, tender, actor_id=None, mailer=mailer) == (1, 0)
    [person] = lup.participants(db, tender)
    assert (person.name, person.email, person.source) == ("Kjeller Elektro AS", ATTACKER,
                                                           "interest")


def test_innovation_partnership_adds_only_confirmed_registrations(db):
    tender = _tender(db, ip.TRACK, "Lekkasjesøk")
    registration = _registered(db, tender, KJELLER, ATTACKER)
    with pytest.raises(ip.PartnershipError, match="not confirmed as a contact"):
        ip.add_interested(db, tender, registration.id, actor_id=None)
    assert ip.candidates(db, tender) == []
    assert _contacts_with(db, ATTACKER) == []

    match = _registered(db, tender, "928374653", "hei@fetsundit.example", "Fetsund IT")
    row = ip.add_interested(db, tender, match.id, actor_id=None)
    assert db.get(Supplier, row.supplier_id).orgnr == "928374653"
    supplier_identity.confirm_contact(db, tender, registration, "Bekreftet på telefon.",
                                      actor_id=None, error=ip.PartnershipError)
    assert ip.add_interested(db, tender, registration.id, actor_id=None).source == "interest"


def test_a_dialogue_participant_from_interest_does_not_become_a_contact(db):
    tender = _tender(db, lup.TRACK, "Velferdsteknologi")
    lup.add_participant(db, tender, KJELLER, "Kjeller Elektro AS", ATTACKER, actor_id=None,
                        source="interest")  # as one imported before issue 19
    lup.add_participant(db, tender, NEWCOMER, "Sen Start AS", "post@senstart.example",
                        actor_id=None)  # typed by the officer
    tenders.update_tender(db, tender, {"track": ip.TRACK}, actor_id=None)
    for person in ip.dialogue_candidates(db, tender):
        ip.add_participant(db, tender, person.id, actor_id=None)
    assert _contacts_with(db, ATTACKER) == []
    assert len(_contacts_with(db, "post@senstart.example")) == 1


def test_the_registration_keeps_the_name_that_was_typed(db):
    load_demo(db)
    typed = interest.register(db, orgnr=KJELLER, email=ATTACKER, business_name="Annet Navn AS",
                              divisions=["45"], known_divisions=["45"]).registration
    assert typed.business_name == "Annet Navn AS"
    blank = interest.register(db, orgnr=KJELLER, email="x@y.example", business_name="",
                              divisions=["45"], known_divisions=["45"]).registration
    assert blank.business_name == "Kjeller Elektro AS"  # filled in from the register
