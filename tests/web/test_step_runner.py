"""The tracks' step runner and the version every edit must carry (issue 19, finding 9): a
post without a version is a 400 and saves nothing; a stale one is refused as a conflict and
keeps what was typed; a current one saves, bumps the version and stamps it in the trail."""

from __future__ import annotations

from sqlmodel import func, select

from procure.models import AuditEvent, InnovationPartnership, Tender
from tests.helpers import csrf_token, post_form
from tests.web.test_innovation_partnership import partnership_tender


def _events(db, tender: Tender) -> int:
    return db.exec(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "tender", AuditEvent.object_id == str(tender.id))).one()


def _requirements(db, tender: Tender) -> InnovationPartnership | None:
    db.expire_all()
    return db.exec(select(InnovationPartnership).where(
        InnovationPartnership.tender_id == tender.id)).one_or_none()


def test_a_track_step_needs_the_version_and_refuses_a_stale_one(login_as, db):
    client = login_as("officer")
    tender = partnership_tender(client, db)
    base = f"/officer/tenders/{tender.id}/partnership"
    url = f"{base}/requirements"
    page = client.get(base).text
    assert f'name="version" type="hidden" value="{tender.version}"' in page
    typed = {"rnd": "Forskning på sensorer.", "implementation": "Drift i ledningsnettet."}
    version, events = tender.version, _events(db, tender)

    for missing in ({}, {"version": ""}, {"version": "abc"}, {"version": "1e3"}):
        response = client.post(url, data={**typed, **missing, "csrf_token": csrf_token(page)})
        assert response.status_code == 400, missing
        assert "Forskning på sensorer." not in response.text
    db.refresh(tender)
    assert _requirements(db, tender) is None
    assert (tender.version, _events(db, tender)) == (version, events)

    # Someone else saves another part of the set-up after this page was opened.
    assert post_form(client, f"{base}/option", {
        "targets": "Finner 90 % av lekkasjene innen 48 timer.", "max_cost": "18000000"},
        page=base).status_code == 302
    db.refresh(tender)
    current = tender.version
    assert current > version
    response = client.post(url, data={**typed, "version": str(version),
                                       "csrf_token": csrf_token(page)})
    assert response.status_code == 409
    assert "Noen andre endret denne anskaffelsen" in response.text
    assert "Forskning på sensorer." in response.text  # what was typed is kept ...
    assert f'name="version" type="hidden" value="{current}"' in response.text  # rebased
    assert _requirements(db, tender).rnd_requirements == ""

    # ... and saved when posted again on the current version.
    response = client.post(url, data={**typed, "version": str(current),
                                       "csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.location.endswith("#requirements")
    assert _requirements(db, tender).rnd_requirements == "Forskning på sensorer."
    db.refresh(tender)
    assert tender.version == current + 1
    event = db.exec(select(AuditEvent).where(
        AuditEvent.action == "partnership.requirements_saved",
        AuditEvent.object_id == str(tender.id))).one()
    assert event.details["version"] == current + 1


def test_a_wizard_step_without_the_version_is_a_bad_request(login_as, db):
    client = login_as("officer")
    tender = partnership_tender(client, db)
    url = f"/officer/tenders/{tender.id}/steps/need"
    page = client.get(url).text
    version, title = tender.version, tender.title
    response = client.post(url, data={"title": "Overskrevet", "description": "Overskrevet.",
                                       "csrf_token": csrf_token(page)})
    assert response.status_code == 400
    db.refresh(tender)
    assert (tender.title, tender.version) == (title, version)
    # A stale version is refused as before: the page shows the conflict, nothing is saved.
    response = client.post(url, data={"title": "Overskrevet", "description": "Overskrevet.",
                                       "version": str(version - 1),
                                       "csrf_token": csrf_token(page)})
    assert response.status_code == 409
    db.refresh(tender)
    assert (tender.title, tender.version) == (title, version)
