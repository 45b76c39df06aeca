"""Issue 20, item 8: after publication a change is an amendment (rettelse): a running number,
the officer's description, old and new values, a notice e-mailed to every invited and
interested business, and a change log on the public purchase page and the competition page.
A moved deadline is recorded and shown with both dates."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from procure import clock
from procure.domain.amendments import notice
from procure.domain.competition_letters import TenderFacts
from procure.mail import Mailer, outbox_messages
from procure.models import (
    AuditEvent,
    InterestRegistration,
    SupplierMessage,
    Tender,
    TenderAmendment,
    utcnow,
)
from procure.services import amendments, competition, suppliers, tenders
from tests.helpers import csrf_token, post_form
from tests.public_data import tender as public_tender
from tests.support.templates import load_demo
from tests.web.test_wizard import walk_to_recommendation

TITLE = "Vaktmester for skolene"


def _register(db, orgnr: str, name: str, email: str, *, alerts: bool = True,
              tender_id: int | None = None, divisions=("90",)) -> None:
    from tests.support.owned import owner

    db.add(InterestRegistration(organisation_id=owner(db), orgnr=orgnr, business_name=name,
                                email=email,
                                divisions=list(divisions), alerts=alerts, tender_id=tender_id,
                                unsubscribe_token=secrets.token_hex(16), confirmed_at=utcnow()))


def open_competition(client, db, tmp_path) -> Tender:
    """A simplified competition whose invitations went out to three suppliers."""
    url = walk_to_recommendation(client, title=TITLE)
    assert post_form(client, url, {"track": "simplified-competition"}).status_code == 302
    tender = db.exec(select(Tender).where(Tender.title == TITLE)).one()
    tenders.update_tender(db, tender, {"weight_price": Decimal(70),
                                       "weight_quality": Decimal(30)}, actor_id=None)
    for orgnr, name, postal, size in (("914778271", "Lokal Vaktmester AS", "2000", "micro"),
                                      ("811958611", "Oslo Drift AS", "0150", "large"),
                                      ("889640782", "Bergen Drift AS", "5003", "large")):
        supplier = suppliers.create_supplier(db, {"orgnr": orgnr, "name": name,
                                                  "postal_code": postal, "size_class": size},
                                             actor_id=None)
        suppliers.add_contact(db, supplier, {"name": "Kari", "email": f"tilbud@{orgnr}.example"},
                              organisation_id=tender.organisation_id, actor_id=None)
        competition.invite_supplier(db, tender, supplier.id, actor_id=None)
    today = clock.today()
    competition.send_invitations(db, tender, today + timedelta(days=14), "", actor_id=None,
                                 mailer=Mailer("x <x@example.org>", tmp_path / "arranged"),
                                 today=today)
    db.commit()
    return tender


def test_an_amendment_is_numbered_mailed_and_shown_to_suppliers(app, login_as, db, tmp_path):
    client = login_as("officer")
    tender = open_competition(client, db, tmp_path)
    outbox = Path(app.config["OUTBOX_DIR"])
    # Interested businesses: one follows the category, one registered for the purchase with
    # the address an invited supplier already has (told once), one has stopped alerts.
    _register(db, "923456783", "Følger Kategorien AS", "post@kategori.example")
    _register(db, "914778271", "Lokal Vaktmester AS", "TILBUD@914778271.example",
              tender_id=tender.id, divisions=())
    _register(db, "974760673", "Stoppet Varsel AS", "stopp@varsel.example", alerts=False)
    db.commit()
    old_deadline = tender.tender_deadline
    new_deadline = old_deadline + timedelta(days=7)
    page_url = f"/officer/tenders/{tender.id}/amendments"

    page = client.get(page_url).text
    assert "Rettelse nr. 1" in page
    for shown in ("tilbud@811958611.example", "post@kategori.example", "Følger kategorien"):
        assert shown in page, shown
    assert "stopp@varsel.example" not in page
    assert "Publiser rettelsen og send e-post til 4 virksomheter" in page

    # Refused: nothing described, nothing changed, a deadline in the past. Nothing is sent.
    base = {"title": tender.title, "description": tender.description,
            "tender_deadline": old_deadline.isoformat()}
    for data, message in (
            ({**base, "note": ""}, "Beskriv endringen for leverandørene."),
            ({**base, "note": "Ingen endring."}, "Ingenting er endret."),
            ({**base, "note": "Frist i går.",
              "tender_deadline": (clock.today() - timedelta(days=1)).isoformat()},
             "Tilbudsfristen må være en dag etter i dag.")):
        response = post_form(client, page_url, data, page=page_url)
        assert response.status_code == 400 and message in response.text, message
    assert db.exec(select(TenderAmendment)).all() == []
    assert not [m for m in outbox_messages(outbox) if "Rettelse" in m["Subject"]]

    # Amendment 1 moves the deadline.
    response = post_form(client, page_url, {
        **base, "note": "Fristen er utsatt en uke etter spørsmål fra leverandørene.",
        "tender_deadline": new_deadline.isoformat()}, page=page_url)
    assert response.status_code == 302, response.text
    db.refresh(tender)
    assert tender.tender_deadline == new_deadline
    first = db.exec(select(TenderAmendment).where(TenderAmendment.tender_id == tender.id)).one()
    assert first.number == 1
    assert first.changes == {"tender_deadline": [old_deadline.isoformat(),
                                                 new_deadline.isoformat()]}
    notices = db.exec(select(SupplierMessage).where(SupplierMessage.kind == "amendment")).all()
    assert sorted(m.recipient for m in notices) == [
        "post@kategori.example", "tilbud@811958611.example", "tilbud@889640782.example",
        "tilbud@914778271.example"]
    assert {m.amendment_id for m in notices} == {first.id}
    mails = [m for m in outbox_messages(outbox) if m["Subject"].startswith("Rettelse nr. 1")]
    assert len(mails) == 4
    body = mails[0].get_content()
    assert (f"Tilbudsfristen er flyttet fra {old_deadline:%d.%m.%Y} til "
            f"{new_deadline:%d.%m.%Y} kl. 12:00.") in body
    assert "Fristen er utsatt en uke" in body and f"/purchases/{tender.id}" in body

    # Amendment 2: the tender document changed, nothing else.
    response = post_form(client, page_url, {
        **base, "tender_deadline": new_deadline.isoformat(), "document_changed": "y",
        "note": "Bilag 2 (prisskjema) er byttet ut."}, page=page_url)
    assert response.status_code == 302, response.text
    assert [a.number for a in amendments.amendments(db, tender)] == [1, 2]
    assert len([m for m in outbox_messages(outbox)
                if m["Subject"].startswith("Rettelse nr. 2")]) == 4

    # The public purchase page: the change log, newest first, and the moved deadline.
    public = client.get(f"/purchases/{tender.id}").text.replace("\xa0", " ")
    assert "Anskaffelsen er rettet 2 ganger." in public
    assert public.index('id="amendment-2"') < public.index('id="amendment-1"')
    moved = re.search(r'<li class="amendment__deadline">([^<]*)</li>', public).group(1)
    assert moved.startswith("Tilbudsfristen er flyttet fra ")
    assert f"{old_deadline.day}. " in moved and f"til {new_deadline.day}. " in moved
    assert old_deadline.isoformat() not in moved
    assert "Bilag 2 (prisskjema) er byttet ut." in public
    assert "Konkurransegrunnlaget er endret." in public
    assert "Flyttet ved rettelse nr. 1" in public
    # The list and the feeds say it too.
    assert "2 rettelser" in client.get("/purchases").text
    assert "Rettelser: 2 (den siste " in client.get("/purchases.atom").text
    # ... and the officer's competition page.
    comp = client.get(f"/officer/tenders/{tender.id}/competition").text
    assert "Rettelser sendt til leverandørene" in comp and "Bilag 2 (prisskjema)" in comp

    # The history reads as sentences: the number, the description, who was told, the dates.
    history = client.get(f"/officer/tenders/{tender.id}/history").text
    line = next(row for row in history.split("<tr>") if "nr. 1" in row and "Rettelse" in row)
    assert "Rettelse publisert og sendt til leverandørene" in line
    assert "Fristen er utsatt en uke" in line and "Oslo Drift AS" in line
    assert old_deadline.isoformat() not in line and new_deadline.isoformat() not in line
    assert "tender.amended" not in history
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "tender.amended")).first()
    assert event.details["number"] == 1


def test_a_document_only_amendment_updates_the_public_version(login_as, db, tmp_path):
    client = login_as("officer")
    tender = open_competition(client, db, tmp_path)
    before = tender.public_version
    url = f"/officer/tenders/{tender.id}/amendments"
    assert post_form(client, url, {
        "title": tender.title, "description": tender.description,
        "tender_deadline": tender.tender_deadline.isoformat(), "document_changed": "y",
        "note": "Nytt vedlegg."}, page=url).status_code == 302
    db.refresh(tender)
    assert tender.public_version > before  # the feeds, caches and alerts see the change


def test_a_stale_amendment_is_refused_and_keeps_what_was_typed(login_as, db, tmp_path):
    client = login_as("officer")
    tender = open_competition(client, db, tmp_path)
    url = f"/officer/tenders/{tender.id}/amendments"
    page = client.get(url).text
    stale = tender.version
    tenders.update_tender(db, tender, {"contact_name": "Ola"}, actor_id=None)
    db.commit()
    response = client.post(url, data={
        "csrf_token": csrf_token(page), "version": str(stale), "title": tender.title,
        "description": tender.description, "document_changed": "y",
        "tender_deadline": tender.tender_deadline.isoformat(), "note": "Skrevet for sent."})
    assert response.status_code == 409
    assert "Skrevet for sent." in response.text
    assert db.exec(select(TenderAmendment)).all() == []


def test_the_wizard_does_not_change_a_published_tender_silently(login_as, db, tmp_path):
    client = login_as("officer")
    tender = open_competition(client, db, tmp_path)
    base = f"/officer/tenders/{tender.id}/steps"
    page = client.get(f"{base}/need").text
    assert "data-seen" in page and f"/officer/tenders/{tender.id}/amendments" in page
    response = post_form(client, f"{base}/need", {
        "title": "Ny tittel i stillhet", "description": tender.description,
        "cpv_code": tender.cpv_code})
    assert response.status_code == 400
    assert "endres bare gjennom en rettelse" in response.text
    response = post_form(client, f"{base}/contract", {
        "contract_type": "services", "buyer_type": "municipality",
        "planned_notice_date": tender.planned_notice_date.isoformat(),
        "tender_deadline": (tender.tender_deadline + timedelta(days=3)).isoformat()})
    assert response.status_code == 400
    db.refresh(tender)
    assert tender.title == TITLE
    # What suppliers do not read of the tender still saves as before.
    response = post_form(client, f"{base}/contract", {
        "contract_type": "services", "buyer_type": "municipality",
        "planned_notice_date": tender.planned_notice_date.isoformat(),
        "tender_deadline": tender.tender_deadline.isoformat()})
    assert response.status_code == 302


@pytest.mark.parametrize("status", ["draft", "evaluation", "awarded", "cancelled"])
def test_no_amendment_before_publication_or_after_the_deadline(login_as, db, status):
    client = login_as("officer")
    load_demo(db)
    row = public_tender(db, f"Rettelse {status}", status=status)
    db.commit()
    url = f"/officer/tenders/{row.id}/amendments"
    page = client.get(url).text
    assert 'id="new-amendment"' not in page
    response = post_form(client, url, {"title": row.title, "description": "Ny tekst.",
                                       "tender_deadline": "", "note": "Forsøk.",
                                       "version": str(row.version)}, page=url)
    assert response.status_code == 400
    expected = ("ikke publisert ennå" if status == "draft"
                else "kan ikke lenger rettes")
    assert expected in response.text
    assert db.exec(select(TenderAmendment)).all() == []


def test_the_notice_names_every_change():
    facts = TenderFacts(buyer="Lillestrøm kommune", reference="2026-001", title="Ny tittel",
                        description="Ny beskrivelse.", contact="Ola ola@example.org")
    from datetime import date

    letter = notice(facts, "Oslo Drift AS", 3, "Rettet feil i beskrivelsen.", {
        "title": ("Gammel tittel", "Ny tittel"), "description": ("Gammel.", "Ny beskrivelse."),
        "tender_deadline": (date(2026, 12, 1), date(2026, 12, 8))}, True,
        "https://example.org/purchases/1")
    assert letter.subject == "Rettelse nr. 3: Ny tittel (2026-001)"
    for text in ("Til Oslo Drift AS", "Rettelse nr. 3:\nRettet feil i beskrivelsen.",
                 "Tilbudsfristen er flyttet fra 01.12.2026 til 08.12.2026 kl. 12:00.",
                 "Tittelen er endret fra «Gammel tittel» til «Ny tittel».",
                 "Slik lyder den nå:\nNy beskrivelse.", "Konkurransegrunnlaget er endret.",
                 "https://example.org/purchases/1", "Vennlig hilsen\nLillestrøm kommune"):
        assert text in letter.body, text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", letter.body)


def test_a_name_typed_into_the_public_form_never_reaches_the_notice(app, login_as, db,
                                                                     tmp_path):
    """Issue 19, finding 2: free text from the public stays out of e-mails sent in the
    buyer's name; an interested business is greeted by the register's name or its number."""
    client = login_as("officer")
    tender = open_competition(client, db, tmp_path)
    _register(db, "923456783", "X URGENT: pay invoice at https://evil.example",
              "post@kategori.example")
    db.commit()
    page_url = f"/officer/tenders/{tender.id}/amendments"
    response = post_form(client, page_url, {
        "title": tender.title, "description": tender.description,
        "tender_deadline": (tender.tender_deadline + timedelta(days=7)).isoformat(),
        "note": "Fristen er utsatt."}, page=page_url)
    assert response.status_code == 302, response.text
    [mail] = [m for m in outbox_messages(Path(app.config["OUTBOX_DIR"]))
              if m["To"] == "post@kategori.example"]
    body = mail.get_content()
    assert "evil.example" not in body and "URGENT" not in body
    assert "923456783" in body.replace(" ", "")
