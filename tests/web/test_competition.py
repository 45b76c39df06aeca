"""The supplier register and the simplified competition track, end to end through the web."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlmodel import select

from procure.mail import outbox_messages
from procure.models import (
    AuditEvent,
    CompetitionOffer,
    InterestRegistration,
    OutboxMessage,
    Supplier,
    SupplierContact,
    SupplierMessage,
    Tender,
    utcnow,
)
from procure.services import tenders
from tests.helpers import post_form
from tests.web.test_wizard import walk_to_recommendation

NEW_SUPPLIERS = (
    ("914778271", "Lokal Vaktmester AS", "Storgata 1", "2000", "micro"),
    ("811958611", "Oslo Drift AS", "Karl Johans gate 2", "0150", "large"),
    ("889640782", "Bergen Renhold AS", "Bryggen 3", "5003", "medium"),
)


def _add_supplier(client, orgnr, name, address, postal, size):
    response = post_form(client, "/officer/suppliers/new", {
        "orgnr": orgnr, "name": name, "address": address, "postal_code": postal,
        "size_class": size})
    assert response.status_code == 302, response.text
    url = response.location
    response = post_form(client, f"{url}/contacts", {
        "name": "Kari Salg", "role": "Salgssjef", "email": f"tilbud@{orgnr}.example",
        "phone": "22 22 22 22"}, page=url)
    assert response.status_code == 302, response.text
    return int(url.rsplit("/", 1)[1])


def test_supplier_register_create_edit_search(login_as, db):
    client = login_as("officer")
    response = post_form(client, "/officer/suppliers/new", {
        "orgnr": "914778272", "name": "Feil Nummer AS", "address": "Storgata 1",
        "postal_code": "2000", "size_class": "small"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "kontrollsifferet" in page.lower() and 'value="Feil Nummer AS"' in page
    response = post_form(client, "/officer/suppliers/new", {
        "orgnr": "914 778 271", "name": "Lokal Vaktmester AS", "address": "Storgata 1",
        "postal_code": "9999", "size_class": "small"})
    assert response.status_code == 400 and "9999" in response.get_data(as_text=True)

    supplier_id = _add_supplier(client, *NEW_SUPPLIERS[0])
    supplier = db.get(Supplier, supplier_id)
    assert (supplier.orgnr, supplier.kommunenummer, supplier.size_class) == (
        "914778271", "3205", "micro")
    page = client.get(f"/officer/suppliers/{supplier_id}").get_data(as_text=True)
    assert "Lillestrøm" in page and "tilbud@914778271.example" in page

    response = post_form(client, f"/officer/suppliers/{supplier_id}", {
        "orgnr": "914778271", "name": "Lokal Vaktmester AS", "address": "Storgata 1",
        "postal_code": "1900", "size_class": "small"})
    assert response.status_code == 302
    db.refresh(supplier)
    assert supplier.size_class == "small" and supplier.postal_code == "1900"
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "supplier.updated")).one()
    assert event.details["changes"]["size_class"] == ["micro", "small"]

    found = client.get("/officer/suppliers?q=vaktmester").get_data(as_text=True)
    assert "Lokal Vaktmester AS" in found and "Strømmen Renhold" not in found
    local = client.get("/officer/suppliers?local=1&size=small").get_data(as_text=True)
    assert "Lokal Vaktmester AS" in local and "Nordisk Bygg" not in local
    assert client.get("/officer/suppliers/999999").status_code == 404


def _simplified_tender(client, db) -> Tender:
    url = walk_to_recommendation(client, title="Vaktmestertjenester for skoler")
    assert post_form(client, url, {"track": "simplified-competition",
                                   "reason": ""}).status_code == 302
    tender = db.exec(select(Tender).where(
        Tender.title == "Vaktmestertjenester for skoler")).one()
    tenders.update_tender(db, tender, {"weight_price": Decimal(70),
                                       "weight_quality": Decimal(30)}, actor_id=None)
    db.commit()
    return tender


def test_simplified_competition_end_to_end(app, login_as, db):
    client = login_as("officer")
    outbox = Path(app.config["OUTBOX_DIR"])
    ids = [_add_supplier(client, *row) for row in NEW_SUPPLIERS[1:]]
    tender = _simplified_tender(client, db)
    base = f"/officer/tenders/{tender.id}/competition"
    overview = client.get(f"/officer/tenders/{tender.id}").get_data(as_text=True)
    assert base in overview

    # Two non-local suppliers: both warnings.
    for supplier_id in ids:
        assert post_form(client, f"{base}/invite", {"supplier_id": str(supplier_id)},
                         page=base).status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert 'data-warning="too-few"' in page and 'data-warning="no-local-sme"' in page
    # Sending without a reason is refused and keeps the deadline typed.
    deadline = (utcnow() + timedelta(days=14)).date().isoformat()
    response = post_form(client, f"{base}/send/confirm", {"deadline": deadline, "reason": ""},
                         page=base)
    assert response.status_code == 400 and deadline in response.get_data(as_text=True)
    assert outbox_messages(outbox) == []

    # A local SME from the register: the warnings are gone.
    local_id = _add_supplier(client, *NEW_SUPPLIERS[0])
    search = client.get(f"{base}?q=Lokal").get_data(as_text=True)
    assert "Lokal Vaktmester AS" in search
    assert post_form(client, f"{base}/invite", {"supplier_id": str(local_id)},
                     page=base).status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "data-warning" not in page
    # The confirmation lists every recipient and the letter; it sends nothing.
    response = post_form(client, f"{base}/send/confirm", {"deadline": deadline, "reason": ""},
                         page=base)
    assert response.status_code == 200, response.text
    confirm = response.get_data(as_text=True)
    assert 'data-recipients="3"' in confirm and "tilbud@914778271.example" in confirm
    assert outbox_messages(outbox) == []
    response = post_form(client, f"{base}/send", {"deadline": deadline, "reason": "",
                                                  "confirmed": "yes"}, page=base)
    assert response.status_code == 302, response.text
    db.refresh(tender)
    assert tender.status == "open" and tender.tender_deadline.isoformat() == deadline
    invitations = [m for m in outbox_messages(outbox) if "Invitasjon" in m["Subject"]]
    assert len(invitations) == 3
    assert "Pris: 70 %" in invitations[0].get_content()

    # Q&A: the answer goes to all three at once.
    response = post_form(client, f"{base}/questions", {
        "question": "Gjelder avtalen også skolenes uteområder?", "asked_by": str(ids[0])})
    assert response.status_code == 302
    question_id = int(response.location.rsplit("#q-", 1)[1])
    response = post_form(client, f"{base}/questions/{question_id}/answer",
                         {"answer": "Ja, uteområdene er med."}, page=f"{base}/questions")
    assert response.status_code == 302
    answers = [m for m in outbox_messages(outbox) if "Spørsmål og svar 1" in m["Subject"]]
    assert sorted(m["To"] for m in answers) == sorted(
        f"tilbud@{orgnr}.example" for orgnr, *_rest in NEW_SUPPLIERS)
    assert all("Ja, uteområdene er med." in m.get_content() for m in answers)
    assert all("Oslo Drift" not in m.get_content() for m in answers
               if m["To"] != "tilbud@811958611.example")
    page = client.get(f"{base}/questions").get_data(as_text=True)
    assert 'data-check="qa-equal"' in page

    # Too early to open the offers.
    post_form(client, f"{base}/close", {}, page=f"{base}/offers")
    db.refresh(tender)
    assert tender.status == "open"
    # Time passes: the deadline is yesterday.
    tender.tender_deadline = (utcnow() - timedelta(days=1)).date()
    db.add(tender)
    db.commit()
    assert post_form(client, f"{base}/close", {}, page=f"{base}/offers").status_code == 302
    db.refresh(tender)
    assert tender.status == "evaluation"

    received = (utcnow() - timedelta(days=2)).date().isoformat()
    offers = ((local_id, "600000", "9"), (ids[0], "500000", "5"), (ids[1], "550000", ""))
    for supplier_id, price, quality in offers:
        response = post_form(client, f"{base}/offers", {
            "supplier": str(supplier_id), "price": price, "received_on": received,
            "score_quality": quality}, page=f"{base}/offers")
        assert response.status_code == 302, response.text
    # Bad input: a score above 10 is refused and what was typed is kept.
    offer_page = client.get(f"{base}/offers").get_data(as_text=True)
    assert "ikke poengsatt" in offer_page
    bergen = db.exec(select(CompetitionOffer).where(
        CompetitionOffer.supplier_id == ids[1])).one()
    response = post_form(client, f"{base}/offers/{bergen.id}", {
        "supplier": str(ids[1]), "price": "550000", "received_on": received,
        "score_quality": "11"})
    assert response.status_code == 400 and 'value="11"' in response.get_data(as_text=True)
    assert post_form(client, f"{base}/offers/{bergen.id}", {
        "supplier": str(ids[1]), "price": "550000", "received_on": received,
        "score_quality": "6"}).status_code == 302
    # Lokal: 70 × 8.33 / 10 = 58.31 + 27 = 85.31; Oslo: 70 + 15 = 85; Bergen: 63.56 + 18
    ranking = client.get(f"{base}/offers").get_data(as_text=True)
    assert ranking.index("Lokal Vaktmester AS") < ranking.index("Oslo Drift AS") \
        < ranking.index("Bergen Renhold AS")
    assert "85,31" in ranking

    response = post_form(client, f"{base}/award", {"winner": str(local_id), "justification": ""})
    assert response.status_code == 400
    response = post_form(client, f"{base}/award", {
        "winner": str(local_id),
        "justification": "Høyest samlet poengsum: best kvalitet til akseptabel pris."})
    assert response.status_code == 302
    db.refresh(tender)
    assert tender.status == "awarded"
    page = client.get(f"{base}/award").get_data(as_text=True)
    assert "Melding om tildeling" in page and "Melding om tildelingsbeslutning" in page
    assert post_form(client, f"{base}/letters", {}, page=f"{base}/award").status_code == 302
    letters = [m for m in outbox_messages(outbox) if "Melding om" in m["Subject"]]
    assert len(letters) == 3
    winner = next(m for m in letters if m["To"] == "tilbud@914778271.example")
    assert "til dere" in winner.get_content()
    loser = next(m for m in letters if m["To"] == "tilbud@811958611.example")
    assert "nummer 2 av 3" in loser.get_content() and "Lokal Vaktmester AS" in loser.get_content()
    # A second send is refused; nothing more goes out.
    post_form(client, f"{base}/letters", {}, page=f"{base}/award")
    assert len([m for m in outbox_messages(outbox) if "Melding om" in m["Subject"]]) == 3

    protocol = client.get(f"/officer/tenders/{tender.id}/protocol").get_data(as_text=True)
    for text in ("inviterte leverandører", "Lokal Vaktmester AS", "Spørsmål og svar",
                 "Ja, uteområdene er med.", "Mottatte tilbud", "Evaluering",
                 "Tildeling", "Høyest samlet poengsum"):
        assert text in protocol, text
    pdf = client.get(f"/officer/tenders/{tender.id}/protocol.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    history = client.get(f"/officer/tenders/{tender.id}/history").get_data(as_text=True)
    assert "Svar sendt til alle inviterte leverandører" in history
    kinds = [m.kind for m in db.exec(select(SupplierMessage).where(
        SupplierMessage.tender_id == tender.id)).all()]
    assert kinds.count("invitation") == 3 and kinds.count("answer") == 3
    assert sorted(kinds[-3:]) == ["award", "rejection", "rejection"]


def test_invite_a_business_that_registered_interest(login_as, db):
    client = login_as("officer")
    tender = _simplified_tender(client, db)
    db.add(InterestRegistration(organisation_id=tender.organisation_id,
                                orgnr="974760673", business_name="Sen Start AS",
                                email="hei@senstart.example", divisions=["90"],
                                unsubscribe_token="t" * 40, confirmed_at=utcnow()))
    db.commit()
    base = f"/officer/tenders/{tender.id}/competition"
    page = client.get(base).get_data(as_text=True)
    assert "Sen Start AS" in page
    registration = db.exec(select(InterestRegistration)).one()
    # Not in the register: unconfirmed until the officer has checked the address (issue 19).
    assert "Ubekreftet" in page
    assert post_form(client, f"{base}/interest/{registration.id}/confirm",
                     {"note": "Ringte Sen Start AS, som bekreftet adressen."},
                     page=base).status_code == 302
    response = post_form(client, f"{base}/invite", {"registration_id": str(registration.id)},
                         page=base)
    assert response.status_code == 302
    supplier = db.exec(select(Supplier).where(Supplier.orgnr == "974760673")).one()
    assert supplier.size_class == "unknown"
    contact = db.exec(select(SupplierContact).where(
        SupplierContact.supplier_id == supplier.id)).one()
    assert contact.email == "hei@senstart.example"
    page = client.get(base).get_data(as_text=True)
    assert "Registrert interesse" in page


def test_unknown_ids_and_other_tracks(login_as, db):
    client = login_as("officer")
    tender = _simplified_tender(client, db)
    base = f"/officer/tenders/{tender.id}/competition"
    assert client.get("/officer/tenders/999999/competition").status_code == 404
    assert client.get(f"{base}/offers/999999").status_code == 404
    assert post_form(client, f"{base}/questions/999999/answer", {"answer": "x"},
                     page=base).status_code == 404
    tender.track = "market-dialogue"
    db.add(tender)
    db.commit()
    response = client.get(base)
    assert response.status_code == 302 and response.location.endswith(f"/tenders/{tender.id}")


def test_a_failed_delivery_keeps_the_answer_and_tries_again(app, login_as, db, tmp_path):
    from procure import outbox
    from procure.mail import Mailer
    from procure.models import CompetitionQuestion
    from procure.services import competition, suppliers

    client = login_as("officer")
    tender = _simplified_tender(client, db)
    mailer = Mailer(sender="x@lillestrom.example", outbox=tmp_path / "arrange")
    for orgnr, name, address, postal, size in NEW_SUPPLIERS:
        supplier = suppliers.create_supplier(db, {"orgnr": orgnr, "name": name, "address": address,
                                                  "postal_code": postal, "size_class": size},
                                             actor_id=None)
        suppliers.add_contact(db, supplier, {"name": "Post", "email": f"p@{orgnr}.example"},
                              organisation_id=tender.organisation_id, actor_id=None)
        competition.invite_supplier(db, tender, supplier.id, actor_id=None)
    today = utcnow().date()
    competition.send_invitations(db, tender, today + timedelta(days=10), "", actor_id=None,
                                 mailer=mailer, today=today)
    question = competition.add_question(db, tender, "Hvor mange bygg?", None, actor_id=None)
    db.commit()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9, SMTP_SECURITY="none")
    base = f"/officer/tenders/{tender.id}/competition"
    response = post_form(client, f"{base}/questions/{question.id}/answer",
                         {"answer": "Seks bygg, se vedlegg 2."}, page=f"{base}/questions")
    # The answer is committed with its messages in the outbox; the mail server being down
    # does not undo it, the delivery is tried again later.
    assert response.status_code == 302
    db.expire_all()
    assert db.get(CompetitionQuestion, question.id).answered_at is not None
    sent = db.exec(select(SupplierMessage).where(
        SupplierMessage.tender_id == tender.id, SupplierMessage.kind == "answer")).all()
    assert len(sent) == len(NEW_SUPPLIERS)
    queued = db.exec(select(OutboxMessage)).all()
    assert {m.delivered_to for m in sent} == {f"outbox:{row.id}" for row in queued}
    assert {(row.status, row.attempts) for row in queued} == {("pending", 1)}
    assert all("127.0.0.1:9" in row.last_error for row in queued)
    outbox_dir = Path(app.config["OUTBOX_DIR"])
    assert outbox_messages(outbox_dir) == []
    app.config.update(SMTP_HOST="")  # the server is back (here: the file outbox)
    later = utcnow() + outbox.backoff(1) + timedelta(seconds=1)
    report = outbox.deliver_pending(db.get_bind(), app.extensions["procure.outbox"].transport(),
                                    now=later)
    assert (report.sent, report.retrying) == (len(NEW_SUPPLIERS), 0)
    assert len([m for m in outbox_messages(outbox_dir) if "Spørsmål og svar 1" in m["Subject"]]) \
        == len(NEW_SUPPLIERS)
