"""Issue 20, item 8 and the loose edges: nothing is published or e-mailed on one click. Publishing
as planned and sending the invitations each show what will be public and who is told, and ask
for confirmation; a tender past its draft (open, awarded, cancelled, closed) is not offered
"publish as planned", and the service refuses it too."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from procure import clock
from procure.domain.rules import DEFAULT_RULES_DIR, load_rulebook
from procure.mail import outbox_messages
from procure.models import InterestRegistration, Tender, utcnow
from procure.services import publishing, tenders
from tests.helpers import csrf_token, post_form
from tests.public_data import tender as public_tender
from tests.support.templates import load_demo
from tests.web.test_every_step_reopens import Arrange


def _demo(db, reference: str) -> Tender:
    load_demo(db)
    return db.exec(select(Tender).where(Tender.reference == reference)).one()


@pytest.mark.parametrize("status", ["open", "evaluation", "awarded", "cancelled", "closed"])
def test_past_the_draft_there_is_no_publish_as_planned(login_as, db, status):
    client = login_as("officer")
    load_demo(db)
    row = public_tender(db, f"Ferdig {status}", status=status)
    db.commit()
    overview = client.get(f"/officer/tenders/{row.id}").text
    assert "Publiser som planlagt" not in overview
    assert 'data-record="protocol"' in overview
    confirm = client.get(f"/officer/tenders/{row.id}/publish").text
    assert "Bare et utkast kan publiseres som planlagt." in confirm
    assert "Bekreft: publiser som planlagt" not in confirm
    planned_at = row.planned_at
    response = post_form(client, f"/officer/tenders/{row.id}/publish",
                         {"version": str(row.version)}, page=f"/officer/tenders/{row.id}")
    assert response.status_code == 302
    assert "Bare et utkast kan publiseres som planlagt." in client.get(response.location).text
    db.refresh(row)
    assert row.planned_at == planned_at and row.status == status


def test_the_service_refuses_to_publish_an_awarded_tender(db):
    row = _demo(db, "2026-DEMO-4")
    assert row.status == "awarded" and not publishing.can_publish(row)
    with pytest.raises(publishing.PublishError, match="Only a draft"):
        publishing.publish_as_planned(db, row, load_rulebook(DEFAULT_RULES_DIR), actor_id=None)
    assert row.planned_at is not None and row.status == "awarded"


def test_publishing_shows_what_and_who_then_asks_for_confirmation(login_as, db):
    client = login_as("officer")
    row = _demo(db, "2026-DEMO-5")  # a draft with nothing missing
    division = row.cpv_code[:2]
    for orgnr, name, email, alerts in (("914778271", "Bygg Lokal AS", "bygg@lokal.example",
                                        True),
                                       ("811958611", "Stille AS", "stille@example.org", False)):
        db.add(InterestRegistration(organisation_id=row.organisation_id, orgnr=orgnr,
                                    business_name=name, email=email,
                                    divisions=[division], alerts=alerts,
                                    unsubscribe_token=secrets.token_hex(16),
                                    confirmed_at=utcnow()))
    db.commit()
    overview = f"/officer/tenders/{row.id}"
    assert f'href="{overview}/publish"' in client.get(overview).text
    url = f"{overview}/publish"
    page = client.get(url).text.replace("\xa0", " ")
    for shown in (row.title, row.reference, "Ikke fastsatt ennå", "48 000 000 kr",
                  "Markedsdialog før konkurranse", "Bygg Lokal AS", "bygg@lokal.example",
                  "1 virksomhet som har meldt interesse", "Bekreft: publiser som planlagt"):
        assert shown in page, shown
    assert "stille@example.org" not in page  # alerts stopped: not told
    db.refresh(row)
    assert row.status == "draft"  # looking changes nothing

    # Confirmed on a page that is out of date: shown again, nothing published.
    stale = row.version
    tenders.update_tender(db, row, {"contact_name": "Ola Innkjøper"}, actor_id=None)
    db.commit()
    response = client.post(url, data={"csrf_token": csrf_token(page), "version": str(stale)})
    assert response.status_code == 409
    assert "endret etter at du åpnet denne siden" in response.text
    db.refresh(row)
    assert row.status == "draft"

    response = post_form(client, url, {}, page=url)
    assert response.status_code == 302
    db.refresh(row)
    assert row.status == "planned"
    assert "Publisert som planlagt" in client.get(response.location).text
    assert row.title in client.get("/").text


def test_sending_invitations_lists_the_recipients_and_waits_for_confirmation(
        app, login_as, db, tmp_path):
    client = login_as("officer")
    outbox = Path(app.config["OUTBOX_DIR"])
    arrange = Arrange(app, client, db, None)
    tender, rows = arrange.invited()
    base = f"/officer/tenders/{tender.id}/competition"
    deadline = (clock.today() + timedelta(days=14)).isoformat()
    assert "Kontroller invitasjonene før sending" in client.get(base).text
    response = post_form(client, f"{base}/send/confirm", {"deadline": deadline, "reason": ""},
                         page=base)
    assert response.status_code == 200
    page = response.text
    assert 'data-recipients="3"' in page
    for supplier in rows:
        assert supplier.name in page and f"tilbud@{supplier.orgnr}.example" in page
    assert "Invitasjon til forenklet konkurranse" in page  # the letter itself
    assert "Bekreft: send 3 invitasjoner" in page and "kun for inviterte" in page
    db.refresh(tender)
    assert tender.status == "draft" and outbox_messages(outbox) == []

    # A post that has not been through the confirmation is refused; nothing goes out.
    response = post_form(client, f"{base}/send", {"deadline": deadline, "reason": ""},
                         page=base)
    assert response.status_code == 400
    assert "Kontroller invitasjonene og mottakerne på bekreftelsessiden først." in response.text
    assert outbox_messages(outbox) == []

    # Refusals the confirmation would meet are shown before it: a deadline in the past.
    response = post_form(client, f"{base}/send/confirm", {
        "deadline": clock.today().isoformat(), "reason": ""}, page=base)
    assert response.status_code == 400 and "en dag etter i dag" in response.text

    confirm = csrf_token(page)
    response = client.post(f"{base}/send", data={
        "csrf_token": confirm, "version": str(tender.version), "deadline": deadline,
        "reason": "", "confirmed": "yes"})
    assert response.status_code == 302, response.text
    db.refresh(tender)
    assert tender.status == "open"
    assert len([m for m in outbox_messages(outbox) if "Invitasjon" in m["Subject"]]) == 3
