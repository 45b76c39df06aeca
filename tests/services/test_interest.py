from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from procure.models import AlertDelivery, InterestRegistration, InterestToken, Supplier, utcnow
from procure.services import interest
from tests.public_data import event, organisation, tender

DIVISIONS = ["45", "55", "90"]
ORGNR = "934567897"


def register(db, **kwargs):
    organisation(db)  # the public site's: a registration for categories belongs to it
    values = {"orgnr": ORGNR, "email": "Post@Bedrift.example", "business_name": "Bedrift AS",
              "divisions": ["90"], "known_divisions": DIVISIONS, **kwargs}
    return interest.register(db, **values)


def test_registration_is_pending_until_confirmed_and_token_is_hashed(db):
    registered = register(db)
    row = registered.registration
    assert row.confirmed_at is None and row.email == "post@bedrift.example"
    stored = db.exec(select(InterestToken)).one()
    assert stored.token_hash == interest.hash_token(registered.token)
    assert registered.token not in stored.token_hash
    assert interest.pending_for_token(db, registered.token).id == row.id
    confirmed = interest.confirm(db, registered.token)
    assert confirmed.confirmed_at is not None
    with pytest.raises(interest.TokenError):
        interest.confirm(db, registered.token)  # one use only


def test_orgnr_is_checked_and_name_comes_from_the_register(db):
    with pytest.raises(interest.InterestError, match="not valid"):
        register(db, orgnr="123456789")
    db.add(Supplier(orgnr=ORGNR, name="Strømmen Renhold AS"))
    db.flush()
    row = register(db, orgnr="NO 934 567 897 MVA", business_name="").registration
    assert row.orgnr == ORGNR and row.business_name == "Strømmen Renhold AS"
    with pytest.raises(interest.InterestError, match="name of the business"):
        register(db, orgnr="923456783", business_name=" ")


def test_categories_or_a_purchase_are_required(db):
    with pytest.raises(interest.InterestError, match="at least one category"):
        register(db, divisions=[])
    with pytest.raises(interest.InterestError, match="Unknown category"):
        register(db, divisions=["99"])
    draft = tender(db, "Utkast", status="draft")
    with pytest.raises(interest.InterestError, match="not open"):
        register(db, divisions=[], tender_id=draft.id)
    planned = tender(db, "Planlagt")
    assert register(db, divisions=[], tender_id=planned.id).registration.tender_id == planned.id


def test_event_registration_closes_at_the_deadline(db):
    row = tender(db, "Planlagt")
    open_event = event(db, row, days=10)
    closed_event = event(db, row, days=1, registration_deadline=utcnow().date()
                         - timedelta(days=1))
    registration = register(db, event_id=open_event.id).registration
    assert registration.tender_id == row.id and registration.dialogue_event_id == open_event.id
    with pytest.raises(interest.InterestError, match="closed"):
        register(db, email="other@bedrift.example", event_id=closed_event.id)


def test_expired_link_and_throttle(db):
    registered = register(db, now=utcnow() - timedelta(days=8))
    with pytest.raises(interest.TokenError):
        interest.confirm(db, registered.token)
    for _attempt in range(interest.MAX_PENDING_PER_DAY):
        register(db)
    with pytest.raises(interest.InterestError, match="several e-mails"):
        register(db)


def test_confirming_again_updates_instead_of_duplicating(db):
    first = register(db, divisions=["90"])
    interest.confirm(db, first.token)
    second = register(db, divisions=["45", "55"], alerts=False)
    kept = interest.confirm(db, second.token)
    assert kept.id == first.registration.id
    rows = db.exec(select(InterestRegistration)).all()
    assert len(rows) == 1 and rows[0].divisions == ["45", "55"] and not rows[0].alerts


def test_stop_alerts_and_erase(db):
    row = tender(db, "Planlagt")
    a = register(db)
    b = register(db, tender_id=row.id, divisions=[])
    interest.confirm(db, a.token)
    interest.confirm(db, b.token)
    db.add(AlertDelivery(email="post@bedrift.example", tender_id=row.id, public_version=1))
    db.flush()
    assert interest.stop_alerts(db, a.registration.unsubscribe_token) == 2
    assert all(not r.alerts for r in db.exec(select(InterestRegistration)).all())
    # An unknown address gets a link too (the same work and the same mail); it deletes nothing.
    nobody = interest.request_erasure(db, "nobody@example.org")
    assert nobody is not None and interest.erase_with_token(db, nobody) == 0
    token = interest.request_erasure(db, "POST@bedrift.example")
    assert interest.erase_email_for_token(db, token) == "post@bedrift.example"
    assert interest.erase_with_token(db, token) == 2
    assert db.exec(select(InterestRegistration)).all() == []
    assert db.exec(select(AlertDelivery)).all() == []
    assert db.exec(select(InterestToken).where(
        InterestToken.email == "post@bedrift.example")).all() == []


def test_purge_deletes_stale_unconfirmed_registrations_only(db):
    old = register(db, now=utcnow() - timedelta(days=9))
    confirmed = register(db, email="b@bedrift.example")
    interest.confirm(db, confirmed.token)
    fresh = register(db, email="c@bedrift.example")
    assert interest.purge_expired(db) == 1
    ids = {r.id for r in db.exec(select(InterestRegistration)).all()}
    assert ids == {confirmed.registration.id, fresh.registration.id}
    assert old.registration.id not in ids
    assert len(db.exec(select(InterestToken)).all()) == 1  # fresh's link; used one removed


def test_officers_see_who_is_interested_and_why(db):
    row = tender(db, "Renhold", cpv_code="90911200-8")
    conference = event(db, row)
    other = tender(db, "Skolemat", cpv_code="55524000-9")
    by_category = register(db, orgnr="923456783", email="a@x.example", divisions=["90"])
    by_purchase = register(db, orgnr="934567897", email="b@x.example", divisions=[],
                           tender_id=row.id)
    by_event = register(db, orgnr="987654325", email="c@x.example", divisions=["90"],
                        event_id=conference.id)
    unrelated = register(db, orgnr="998877660", email="d@x.example", divisions=["55"])
    pending = register(db, orgnr="975312461", email="e@x.example", divisions=["90"])
    for item in (by_category, by_purchase, by_event, unrelated):
        interest.confirm(db, item.token)
    found = interest.interested_in(db, row)
    assert [(i.registration.email, i.reason) for i in found] == [
        ("c@x.example", "event"), ("b@x.example", "purchase"), ("a@x.example", "category")]
    assert pending.registration.email not in {i.registration.email for i in found}
    assert [i.registration.email for i in interest.interested_in(db, other)] == ["d@x.example"]


@pytest.mark.parametrize("variants", [
    ["anne@gmail.com", "a.n.n.e@gmail.com", "Anne+1@googlemail.com", "anne+x@GMAIL.com"],
    ["per@bedrift.example", "per+1@bedrift.example", "PER+2@bedrift.example",
     "per+3@bedrift.example"],
])
def test_the_daily_cap_counts_per_mailbox_not_per_spelling(db, variants):
    """Issue 19, finding 2: plus tags and Gmail's dots gave a fresh allowance of mails."""
    for email in variants[:interest.MAX_PENDING_PER_DAY]:
        register(db, email=email)
    with pytest.raises(interest.InterestError, match="several e-mails"):
        register(db, email=variants[interest.MAX_PENDING_PER_DAY])
    register(db, email="someone.else@bedrift.example")  # another mailbox is not affected


def test_erasure_links_are_capped_per_mailbox(db):
    for number in range(interest.MAX_PENDING_PER_DAY):
        assert interest.request_erasure(db, f"ola+{number}@bedrift.example") is not None
    assert interest.request_erasure(db, "OLA@bedrift.example") is None
    assert interest.request_erasure(db, "kari@bedrift.example") is not None


def test_a_typed_business_name_is_kept_on_one_line(db):
    row = register(db, business_name="X\nURGENT:\u2028pay\u202e invoice\tnow ").registration
    assert row.business_name == "X URGENT: pay invoice now"
