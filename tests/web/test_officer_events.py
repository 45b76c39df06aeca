from __future__ import annotations

from datetime import time, timedelta

from sqlmodel import select

from procure.domain.purchases import oslo_to_utc
from procure.models import AuditEvent, DialogueEvent, Tender
from tests.helpers import csrf_token, oslo_today, post_form

DAY = oslo_today() + timedelta(days=30)


def cleaning(db) -> Tender:
    return db.exec(select(Tender).where(Tender.reference.endswith("DEMO-1"))).one()


def test_officer_sets_contact_and_confidential_value(login_as, db, client):
    officer = login_as("officer")
    row = cleaning(db)
    url = f"/officer/tenders/{row.id}/public"
    assert "Offentlig side og dialogkonferanser" in officer.get(url).text
    response = post_form(officer, url, {"contact_name": "Innkjøp", "version": row.version,
                                        "contact_email": "Innkjop@Kommune.example",
                                        "value_confidential": "y"})
    assert response.status_code == 302
    db.refresh(row)
    assert row.value_confidential and row.contact_email == "innkjop@kommune.example"
    assert db.exec(select(AuditEvent).where(
        AuditEvent.action == "tender.public_page_updated")).first() is not None
    public = client.get(f"/purchases/{row.id}").text
    assert "innkjop@kommune.example" in public and "900\xa0000 kr" not in public


def test_stale_version_is_a_conflict(login_as, db):
    officer = login_as("officer")
    row = cleaning(db)
    response = post_form(officer, f"/officer/tenders/{row.id}/public",
                         {"contact_name": "X", "version": row.version - 1})
    assert response.status_code == 409


def test_officer_adds_edits_and_deletes_a_dialogue_conference(login_as, db, client):
    officer = login_as("officer")
    row = cleaning(db)
    new_url = f"/officer/tenders/{row.id}/events/new"
    response = post_form(officer, new_url, {
        "title": "Leverandørmøte om renhold", "description": "Vi forteller om behovet.",
        "day": DAY.isoformat(), "starts": "09:00", "ends": "11:00",
        "place": "Rådhuset", "link": "", "registration_deadline": ""})
    assert response.status_code == 302
    event = db.exec(select(DialogueEvent).where(
        DialogueEvent.title == "Leverandørmøte om renhold")).one()
    assert event.starts_at == oslo_to_utc(DAY, time(9))  # entered in Oslo time
    assert event.ends_at == oslo_to_utc(DAY, time(11))
    assert "Leverandørmøte om renhold" in client.get(f"/purchases/{row.id}").text
    edit_url = f"/officer/tenders/{row.id}/events/{event.id}"
    form = officer.get(edit_url).text
    assert 'value="09:00"' in form
    post_form(officer, edit_url, {"title": "Leverandørmøte om renhold", "day": DAY.isoformat(),
                                  "starts": "10:00", "ends": "12:00", "place": "",
                                  "link": "https://meet.example.org/renhold"})
    db.refresh(event)
    assert event.version == 2 and event.link == "https://meet.example.org/renhold"
    page = officer.get(f"/officer/tenders/{row.id}/public").text
    delete = officer.post(f"/officer/tenders/{row.id}/events/{event.id}/delete",
                          data={"csrf_token": csrf_token(page)})
    assert delete.status_code == 302
    event_id = event.id
    db.expire_all()
    assert db.exec(select(DialogueEvent).where(DialogueEvent.id == event_id)).first() is None


def test_invalid_conference_is_refused_with_messages(login_as, db):
    officer = login_as("officer")
    row = cleaning(db)
    url = f"/officer/tenders/{row.id}/events/new"
    response = post_form(officer, url, {"title": "Møte", "day": DAY.isoformat(),
                                        "starts": "12:00", "ends": "11:00", "place": "Her"})
    assert response.status_code == 400
    assert "Konferansen må slutte etter at den begynner." in response.text
    response = post_form(officer, url, {"title": "Møte", "day": DAY.isoformat(),
                                        "starts": "10:00", "ends": "11:00",
                                        "link": "http://insecure.example"})
    assert "https://" in response.text and response.status_code == 400


def test_other_organisations_cannot_touch_the_page(login_as, db):
    from procure.models import Organisation

    officer = login_as("officer")
    other = Organisation(name="Annen kommune", orgnr="964201358", kommunenummer="0301")
    db.add(other)
    db.flush()
    row = Tender(organisation_id=other.id, reference="X-1", title="Andres")
    db.add(row)
    db.commit()
    assert officer.get(f"/officer/tenders/{row.id}/public").status_code == 404
    assert officer.get(f"/officer/tenders/{row.id}/events/new").status_code == 404


def test_tender_page_links_to_the_public_page(login_as, db):
    officer = login_as("officer")
    row = cleaning(db)
    assert f"/officer/tenders/{row.id}/public" in officer.get(f"/officer/tenders/{row.id}").text
