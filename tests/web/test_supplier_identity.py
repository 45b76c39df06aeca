"""Issue 19, finding 1, through the pages: posing as a supplier by registering interest.

A member of the public registers interest with a real supplier's organisation number and an
address of their own, and confirms it by the e-mailed link. The officer's pages show the
registration as unconfirmed, with the reason and the name typed apart from the register's;
"invite" is refused and adds nothing, until an officer confirms the address with a note."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from sqlmodel import select

from procure.models import (
    CompetitionInvitation,
    DialogueEvent,
    InterestRegistration,
    PartnershipCandidate,
    SupplierContact,
    SupplierMessage,
    Tender,
    utcnow,
)
from procure.services import suppliers, tenders
from tests.helpers import csrf_token, post_form
from tests.web.test_competition import _simplified_tender
from tests.web.test_market_dialogue import dialogue_tender
from tests.web.test_public_interest import link, outbox, submit

KJELLER = "987654325"  # Kjeller Elektro AS in the demo register
KJELLER_CONTACT = "salg@kjellerelektro.example"
ATTACKER = "innkjop@kjeller-elektro.example"
REASON = ("Ubekreftet: adressen innkjop@kjeller-elektro.example er ikke registrert som kontakt "
          "hos Kjeller Elektro AS (org.nr. 987654325). Bekreft at adressen tilhører "
          "leverandøren, for eksempel ved å ringe dem, før du inviterer.")


@pytest.fixture
def attacker(app):
    """A visitor of the public pages, not signed in; people are slower than tests."""
    app.config["INTEREST_MIN_FILL_SECONDS"] = 0
    return app.test_client()


def _register_and_confirm(app, attacker, **fields) -> None:
    """The attack's first half, as the public pages allow it."""
    response = submit(attacker, {"orgnr": KJELLER, "email": ATTACKER,
                                 "business_name": "Kjeller Elektro Innkjøp", **fields})
    assert response.status_code == 302, response.text
    path = link(outbox(app)[-1], "/interest/confirm/")
    done = attacker.post(path, data={"csrf_token": csrf_token(attacker.get(path).text)})
    assert done.status_code == 302


def _registration(db, email: str = ATTACKER) -> InterestRegistration:
    return db.exec(select(InterestRegistration).where(InterestRegistration.email == email)).one()


def _add_registration(db, tender: Tender, orgnr: str, email: str, name: str, **where):
    fields = {"tender_id": tender.id, "divisions": []} | where
    db.add(InterestRegistration(organisation_id=tender.organisation_id, orgnr=orgnr,
                                business_name=name, email=email,
                                unsubscribe_token=secrets.token_hex(16), confirmed_at=utcnow(),
                                **fields))
    db.commit()
    return _registration(db, email)


def _nothing_reached_the_attacker(app, db) -> None:
    assert db.exec(select(SupplierContact).where(SupplierContact.email == ATTACKER)).all() == []
    assert db.exec(select(SupplierMessage).where(
        SupplierMessage.recipient == ATTACKER)).all() == []
    assert [m["Subject"] for m in outbox(app) if m["To"] == ATTACKER] in (
        [], ["Bekreft registreringen av interesse"])  # only the public page's own link


def test_posing_as_a_supplier_on_the_competition_track(app, login_as, db, attacker):
    officer = login_as("officer")
    tender = _simplified_tender(officer, db)
    _register_and_confirm(app, attacker, divisions=["90"])  # the tender's category
    registration = _registration(db)
    base = f"/officer/tenders/{tender.id}/competition"

    page = officer.get(base).text
    assert REASON in page
    assert "Navn oppgitt i registreringen: Kjeller Elektro Innkjøp" in page
    assert f'data-unconfirmed="{registration.id}"' in page
    assert f'name="registration_id" value="{registration.id}"' not in page  # no invite button
    public = officer.get(f"/officer/tenders/{tender.id}/public").text
    assert REASON in public and "mailto:" + ATTACKER not in public

    # The invite, posted anyway, is refused: no contact, no invitation, no mail.
    response = post_form(officer, f"{base}/invite", {"registration_id": str(registration.id)},
                         page=base)
    assert response.status_code == 302
    assert "er ikke bekreftet som kontakt hos Kjeller Elektro AS" in officer.get(base).text
    assert db.exec(select(CompetitionInvitation).where(
        CompetitionInvitation.tender_id == tender.id)).all() == []
    _nothing_reached_the_attacker(app, db)

    # Confirming needs a note on how; without one nothing changes, and the page says why.
    response = post_form(officer, f"{base}/interest/{registration.id}/confirm", {"note": " "},
                         page=base)
    assert response.status_code == 400
    assert "Skriv hvordan du bekreftet at adressen tilhører leverandøren." in response.text
    _nothing_reached_the_attacker(app, db)


def test_a_confirmed_address_is_invited_after_confirmation(app, login_as, db):
    officer = login_as("officer")
    tender = _simplified_tender(officer, db)
    registration = _add_registration(db, tender, "974760673", "post@senstart.example",
                                     "Sen Start AS")
    base = f"/officer/tenders/{tender.id}/competition"
    assert "Ubekreftet: org.nr. 974760673 er ikke i leverandørregisteret" in officer.get(
        base).text
    response = post_form(officer, f"{base}/interest/{registration.id}/confirm",
                         {"note": "Ringte daglig leder Siv Start, som bekreftet adressen."},
                         page=base)
    assert response.status_code == 302
    assert response.location.endswith(f"#interest-{registration.id}")
    page = officer.get(base).text
    assert "post@senstart.example er nå kontakt hos Sen Start AS i leverandørregisteret." in page
    assert f'data-confirmed="{registration.id}"' in page
    supplier = suppliers.by_orgnr(db, "974760673")
    contacts = suppliers.contacts(db, supplier, tender.organisation_id)
    assert [c.email for c in contacts] == ["post@senstart.example"]

    assert post_form(officer, f"{base}/invite", {"registration_id": str(registration.id)},
                     page=base).status_code == 302
    invitation = db.exec(select(CompetitionInvitation).where(
        CompetitionInvitation.tender_id == tender.id)).one()
    assert (invitation.supplier_id, invitation.email) == (supplier.id, "post@senstart.example")
    history = officer.get(f"/officer/tenders/{tender.id}/history").text
    assert "Adresse fra en interesseregistrering bekreftet som kontakt hos leverandøren" in history
    assert "Slik ble adressen bekreftet" in history and "Siv Start" in history


def test_an_address_already_a_contact_is_invited_directly(app, login_as, db):
    officer = login_as("officer")
    tender = _simplified_tender(officer, db)
    registration = _add_registration(db, tender, KJELLER, KJELLER_CONTACT, "Kjeller Elektro")
    base = f"/officer/tenders/{tender.id}/competition"
    page = officer.get(base).text
    assert f'data-confirmed="{registration.id}"' in page and "Kontakt i leverandørregisteret" \
        in page
    assert post_form(officer, f"{base}/invite", {"registration_id": str(registration.id)},
                     page=base).status_code == 302
    invitation = db.exec(select(CompetitionInvitation).where(
        CompetitionInvitation.tender_id == tender.id)).one()
    assert (invitation.email, invitation.contact_name) == (KJELLER_CONTACT, "Kjell Elvik")


def test_posing_as_a_supplier_in_a_market_dialogue(app, login_as, db):
    officer = login_as("officer")
    tender = dialogue_tender(officer, db)
    base = f"/officer/tenders/{tender.id}/dialogue"
    start = utcnow() + timedelta(days=30)
    event = DialogueEvent(tender_id=tender.id, title="Dialogkonferanse", starts_at=start,
                          ends_at=start + timedelta(hours=2))
    db.add(event)
    db.commit()
    registration = _add_registration(db, tender, KJELLER, ATTACKER, "Kjeller Elektro AS",
                                     tender_id=None, dialogue_event_id=event.id)
    meetings = f"{base}/meetings"
    page = officer.get(meetings).text
    assert REASON in page and f'data-unconfirmed="{registration.id}"' in page
    assert "bekreftede som deltakere" not in page  # nothing to add yet
    assert post_form(officer, f"{base}/participants/import", {},
                     page=meetings).status_code == 302
    page = officer.get(meetings).text
    assert "1 ubekreftede registreringer ble ikke lagt til" in page
    _nothing_reached_the_attacker(app, db)

    assert post_form(officer, f"{base}/interest/{registration.id}/confirm",
                     {"note": "Kjell Elvik bekreftet adressen på telefon."},
                     page=meetings).status_code == 302
    assert post_form(officer, f"{base}/participants/import", {},
                     page=meetings).status_code == 302
    assert "Kjeller Elektro AS" in officer.get(meetings).text


def test_posing_as_a_supplier_in_an_innovation_partnership(app, login_as, db):
    officer = login_as("officer")
    tender = _simplified_tender(officer, db)
    tenders.update_tender(db, tender, {"track": "innovation-partnership"}, actor_id=None)
    db.commit()
    registration = _add_registration(db, tender, KJELLER, ATTACKER, "Kjeller Elektro AS")
    base = f"/officer/tenders/{tender.id}/partnership"
    candidates = f"{base}/candidates"
    page = officer.get(candidates).text
    assert REASON in page and f'data-unconfirmed="{registration.id}"' in page
    assert post_form(officer, f"{base}/candidates/add",
                     {"registration_id": str(registration.id)},
                     page=candidates).status_code == 302
    assert "er ikke bekreftet som kontakt hos Kjeller Elektro AS" in officer.get(
        candidates).text
    assert db.exec(select(PartnershipCandidate).where(
        PartnershipCandidate.tender_id == tender.id)).all() == []
    _nothing_reached_the_attacker(app, db)

    assert post_form(officer, f"{base}/interest/{registration.id}/confirm",
                     {"note": "Bekreftet av daglig leder."},
                     page=candidates).status_code == 302
    assert post_form(officer, f"{base}/candidates/add",
                     {"registration_id": str(registration.id)},
                     page=candidates).status_code == 302
    assert len(db.exec(select(PartnershipCandidate).where(
        PartnershipCandidate.tender_id == tender.id)).all()) == 1


def test_a_confirm_for_a_registration_not_about_the_tender_is_a_404(app, login_as, db):
    officer = login_as("officer")
    tender = _simplified_tender(officer, db)
    elsewhere = _add_registration(db, tender, KJELLER, ATTACKER, "Kjeller Elektro AS",
                                  tender_id=None, divisions=["45"])  # another category
    mine = _add_registration(db, tender, "974760673", "post@senstart.example", "Sen Start AS")
    base = f"/officer/tenders/{tender.id}/competition"
    for registration_id in (elsewhere.id, 999999):
        assert post_form(officer, f"{base}/interest/{registration_id}/confirm", {"note": "x"},
                         page=base).status_code == 404
    _nothing_reached_the_attacker(app, db)
    assert post_form(officer, f"{base}/interest/{mine.id}/confirm", {"note": "Ringte."},
                     page=base).status_code == 302  # the route is there, for this tender's
