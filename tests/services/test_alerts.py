from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from procure.mail import outbox_messages
from procure.models import AlertDelivery
from procure.services import alerts, interest
from tests.public_data import organisation, tender


def subscribe(db, email: str, divisions: list[str], *, tender_id: int | None = None,
              alerts_wanted: bool = True, locale: str = "nb"):
    organisation(db)  # the public site's: a registration for categories belongs to it
    registered = interest.register(
        db, orgnr="934567897", email=email, business_name="Bedrift AS", divisions=divisions,
        known_divisions=["45", "55", "90"], tender_id=tender_id, alerts=alerts_wanted,
        locale=locale)
    interest.confirm(db, registered.token)
    return registered.registration


def test_digest_has_new_matching_purchases_once(db):
    subscribe(db, "a@x.example", ["90"])
    subscribe(db, "b@x.example", ["55"])
    subscribe(db, "quiet@x.example", ["90"], alerts_wanted=False)
    cleaning = tender(db, "Renhold", cpv_code="90911200-8")
    tender(db, "Skolemat", cpv_code="55524000-9", status="open")
    tender(db, "Utkast", cpv_code="90911200-8", status="draft")
    db.commit()
    digests = {d.email: d for d in alerts.pending_digests(db)}
    assert set(digests) == {"a@x.example", "b@x.example"}
    assert [(i.purchase.title, i.new) for i in digests["a@x.example"].items] == [
        ("Renhold", True)]
    for digest in digests.values():
        alerts.record(db, digest)
    db.commit()
    assert alerts.pending_digests(db) == []  # nothing is sent twice
    cleaning.tender_deadline = cleaning.tender_deadline.replace(day=1)
    db.add(cleaning)
    db.commit()
    [again] = alerts.pending_digests(db)
    assert again.email == "a@x.example"
    assert [(i.purchase.title, i.new) for i in again.items] == [("Renhold", False)]


def test_purchases_from_before_the_subscription_are_not_news(db):
    tender(db, "Gammel", cpv_code="90911200-8")
    db.commit()
    subscribe(db, "a@x.example", ["90"])
    db.commit()
    assert alerts.pending_digests(db) == []


def test_registered_purchase_is_followed_and_addresses_are_merged(db):
    row = tender(db, "Ladepunkter", cpv_code="45310000-3")
    db.commit()
    subscribe(db, "a@x.example", [], tender_id=row.id)
    subscribe(db, "a@x.example", ["90"], locale="en")
    db.commit()
    tender(db, "Renhold", cpv_code="90911200-8")
    row.title = "Ladepunkter med laststyring"
    db.add(row)
    db.commit()
    [digest] = alerts.pending_digests(db)
    assert digest.locale == "en"
    assert sorted(i.purchase.title for i in digest.items) == [
        "Ladepunkter med laststyring", "Renhold"]


def test_cli_sends_digests_to_the_outbox_once(app, runner, db):
    subscribe(db, "a@x.example", ["90"])
    db.commit()
    tender(db, "Renhold av barnehager", cpv_code="90911200-8")
    db.commit()
    outbox = Path(app.config["OUTBOX_DIR"])
    dry = runner.invoke(args=["alerts", "send", "--dry-run"])
    assert dry.exit_code == 0 and "Would send 1 purchase(s) to a@x.example" in dry.output
    assert outbox_messages(outbox) == []
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 digest(s)" in result.output
    [message] = outbox_messages(outbox)
    assert message["To"] == "a@x.example"
    assert message["Subject"] == "Nye og endrede anskaffelser (1)"
    body = message.get_content()
    assert "Renhold av barnehager [Ny]" in body
    assert "/interest/unsubscribe/" in body and "/privacy" in body
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/interest/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    again = runner.invoke(args=["alerts", "send"])
    assert "Sent 0 digest(s)" in again.output
    assert len(outbox_messages(outbox)) == 1
    assert len(db.exec(select(AlertDelivery)).all()) == 1
