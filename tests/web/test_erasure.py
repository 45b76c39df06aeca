"""Issue 19, finding 10, through the pages: /privacy says what erasure removes and what is
kept, and the e-mailed link erases the address from the supplier register and the unsent
invitations, while what a tender has sent stays in its record."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from procure import clock
from procure.mail import Mailer
from procure.models import CompetitionInvitation, InterestRegistration, SupplierContact, Tender
from procure.services import competition, suppliers, tenders
from tests.helpers import csrf_token
from tests.support.templates import load_demo
from tests.web.test_public_interest import link, outbox, submit

ADDRESS = "salg@kjellerelektro.example"  # the demo's contact at Kjeller Elektro AS


@pytest.fixture
def fast(app):
    app.config["INTEREST_MIN_FILL_SECONDS"] = 0
    return app


def _competition(db, organisation, title: str, *, send: bool, outbox_dir: Path) -> Tender:
    tender = tenders.create_draft(db, organisation.id, title, "Beskrivelse.", actor_id=None)
    tenders.update_tender(db, tender, {"track": competition.TRACK,
                                       "weight_price": Decimal(100)}, actor_id=None)
    competition.invite_supplier(db, tender, suppliers.by_orgnr(db, "987654325").id,
                                actor_id=None)
    if send:
        today = clock.today()
        competition.send_invitations(db, tender, today + timedelta(days=14), "Smalt marked.",
                                     actor_id=None, mailer=Mailer(sender="x@lillestrom.example",
                                                                  outbox=outbox_dir),
                                     today=today)
    return tender


def test_the_privacy_page_says_what_is_kept_and_why(client):
    page = client.get("/privacy").text
    for text in ("Hva slettingen fjerner, og hva vi tar vare på",
                 "adressen din som kontakt i kommunens leverandørregister",
                 "anskaffelsesforskriften §§ 7-1 og 25-5", "arkivlova §§ 6 og 9",
                 "artikkel 17 nr. 3 bokstav b",
                 "Invitasjoner, svar, møtetilbud og brev som allerede er sendt til deg",
                 "En invitasjon som ikke er sendt ennå, mister adressen din",
                 "i høyst 30 dager, uten adressen din"):
        assert text in page, text


def test_erasure_through_the_privacy_page(app, fast, client, db, login_as, tmp_path):
    organisation = load_demo(db)
    sent = _competition(db, organisation, "Sendt", send=True, outbox_dir=tmp_path / "arrange")
    draft = _competition(db, organisation, "Ikke sendt", send=False,
                         outbox_dir=tmp_path / "arrange")
    db.commit()
    submit(client, {"orgnr": "987654325", "email": ADDRESS, "divisions": ["45"],
                    "business_name": ""})
    confirm_path = link(outbox(app)[-1], "/interest/confirm/")
    client.post(confirm_path, data={"csrf_token": csrf_token(client.get(confirm_path).text)})

    page = client.get("/privacy")
    assert client.post("/privacy", data={"csrf_token": csrf_token(page.text),
                                         "email": ADDRESS.upper()}).status_code == 302
    erase_path = link(outbox(app)[-1], "/privacy/erase/")
    confirm_page = client.get(erase_path).text
    assert "adressen din som kontakt i leverandørregisteret" in confirm_page
    assert "tas vare på som en del av dokumentasjonen" in confirm_page
    done = client.post(erase_path, data={"csrf_token": csrf_token(confirm_page)})
    assert done.location == "/privacy/erased"
    assert "tas vare på som en del av dokumentasjonen" in client.get(done.location).text

    assert db.exec(select(InterestRegistration)).all() == []
    assert db.exec(select(SupplierContact).where(SupplierContact.email == ADDRESS)).all() == []
    unsent = db.exec(select(CompetitionInvitation).where(
        CompetitionInvitation.tender_id == draft.id)).one()
    kept = db.exec(select(CompetitionInvitation).where(
        CompetitionInvitation.tender_id == sent.id)).one()
    assert unsent.email == "" and (kept.email, kept.sent_at is not None) == (ADDRESS, True)

    officer = login_as("officer")
    page = officer.get(f"/officer/tenders/{draft.id}/competition").text
    assert "Slettet etter ønske fra kontakten" in page
    history = officer.get(f"/officer/tenders/{draft.id}/history").text
    assert "En e-postadresse slettet etter ønske fra eieren" in history
    assert ADDRESS not in history
