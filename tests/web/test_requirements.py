"""The officer's "Krav og kriterier" page (issue 20): one list of own requirements and library
criteria, added, changed, moved and deleted without JavaScript; sub-criteria; the award
weights; bad input refused with a reason (never a 500) and a stale page refused with a 409."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from procure.models import AuditEvent, Tender, TenderCriterion, TenderRequirement
from procure.services import requirements, tenders
from tests.fuzz.test_forms import SETTINGS, nasty
from tests.helpers import csrf_token, post_form


def demo_tender(db, key: str) -> Tender:
    return db.exec(select(Tender).where(Tender.reference.endswith(f"-{key}"))).one()


def fresh_tender(db) -> Tender:
    tender = tenders.create_draft(db, tenders.default_organisation(db).id, "Elsykler",
                                  "Ti elsykler til hjemmetjenesten.", actor_id=None)
    tenders.update_tender(db, tender, {"cpv_code": "34430000-0",
                                       "planned_notice_date": date(2026, 9, 1)}, actor_id=None)
    db.commit()
    return tender


def rows_of(db, tender: Tender) -> list[TenderRequirement]:
    db.expire_all()
    return requirements.tender_requirements(db, tender)


def add(client, tender, **data):
    url = f"/officer/tenders/{tender.id}/requirements/new"
    fields = {"kind": "spec-must", "title": "", "text": "", "documentation": "",
              "weight": "", "award_group": "quality", "parent_id": "", **data}
    return post_form(client, url, fields, page=url)


def test_the_page_lists_own_requirements_beside_library_criteria(login_as, db):
    client = login_as("officer")
    tender = demo_tender(db, "DEMO-1")
    url = f"/officer/tenders/{tender.id}/requirements"
    page = client.get(url).get_data(as_text=True)
    for heading in ("Kvalifikasjonskrav", "Kravspesifikasjon: skal-krav",
                    "Kravspesifikasjon: bør-krav", "Tildelingskriterier", "Kontraktsvilkår"):
        assert heading in page
    assert "Erfaring med renhold av barnehager" in page  # own
    assert "Miljømerkede renholdsprodukter" in page  # from the library
    assert "DFØ" in page and "cln-kjem-01:1" in page  # its source and pin, for the officer
    assert 'data-climate-status="met"' in page
    # Reachable from the tender page and from the criteria step.
    for origin in (f"/officer/tenders/{tender.id}", f"/officer/tenders/{tender.id}/criteria"):
        assert f'href="{url}"' in client.get(origin).get_data(as_text=True)
    assert client.get("/officer/tenders/999999/requirements").status_code == 404


def test_add_every_kind_and_a_sub_criterion(login_as, db):
    client = login_as("officer")
    tender = fresh_tender(db)
    for kind, title in (("qualification", "Verksted i kommunen"),
                        ("spec-must", "Batteri minst 500 Wh"),
                        ("spec-should", "Lav egenvekt"),
                        ("contract-clause", "Dagbøter")):
        response = add(client, tender, kind=kind, title=title, text="Tekst.",
                       documentation="Datablad.")
        assert response.status_code == 302, response.get_data(as_text=True)
    response = add(client, tender, kind="award", title="Pris", weight="70",
                   award_group="price")
    assert response.status_code == 302 and "#r-" in response.location
    quality = next(r for r in rows_of(db, tender) if r.title == "Pris")
    response = add(client, tender, kind="award", title="Rekkevidde", weight="30",
                   climate_environment="y", parent_id="")
    assert response.status_code == 302
    parent = next(r for r in rows_of(db, tender) if r.title == "Rekkevidde")
    page = client.get(f"/officer/tenders/{tender.id}/requirements/new?kind=award"
                      f"&parent={parent.id}").get_data(as_text=True)
    assert "Nytt underkriterium" in page
    response = add(client, tender, kind="award", title="Rekkevidde om vinteren", weight="30",
                   parent_id=str(parent.id))
    assert response.status_code == 302
    rows = rows_of(db, tender)
    assert [(r.kind, r.title) for r in rows] == [
        ("qualification", "Verksted i kommunen"), ("spec-must", "Batteri minst 500 Wh"),
        ("spec-should", "Lav egenvekt"), ("award", "Pris"), ("award", "Rekkevidde"),
        ("award", "Rekkevidde om vinteren"), ("contract-clause", "Dagbøter")]
    assert rows[5].parent_id == parent.id and quality.award_group == "price"
    db.refresh(tender)
    assert (tender.weight_price, tender.weight_climate, tender.climate_status) == (
        70, 30, "met")
    page = client.get(f"/officer/tenders/{tender.id}/requirements").get_data(as_text=True)
    assert page.index(f'id="r-{rows[5].id}"') > page.index(f'id="r-{parent.id}"')
    assert page.index(f'id="r-{rows[6].id}"') > page.index(f'id="r-{rows[5].id}"')


def test_change_move_and_delete(login_as, db):
    client = login_as("officer")
    tender = fresh_tender(db)
    for title in ("Første", "Andre"):
        add(client, tender, title=title)
    first, second = rows_of(db, tender)
    edit = f"/officer/tenders/{tender.id}/requirements/{first.id}"
    response = post_form(client, edit, {"kind": "spec-must", "title": "Første, endret",
                                        "text": "Ny tekst.", "documentation": "",
                                        "weight": "", "climate_environment": "y"})
    assert response.status_code == 302
    assert rows_of(db, tender)[0].title == "Første, endret"
    base = f"/officer/tenders/{tender.id}/requirements"
    response = post_form(client, f"{base}/{second.id}/move", {"direction": "up"}, page=base)
    assert response.status_code == 302
    assert [r.title for r in rows_of(db, tender)] == ["Andre", "Første, endret"]
    response = post_form(client, f"{base}/{second.id}/move", {"direction": "up"}, page=base)
    assert "er allerede først" in client.get(response.location).get_data(as_text=True)
    assert post_form(client, f"{base}/{second.id}/move", {"direction": "left"},
                     page=base).status_code == 400
    response = post_form(client, f"{base}/{first.id}/delete", {}, page=edit)
    assert response.status_code == 302
    assert [r.title for r in rows_of(db, tender)] == ["Andre"]
    history = client.get(f"/officer/tenders/{tender.id}/history").get_data(as_text=True)
    for words in ("Krav lagt til", "Krav endret", "Krav flyttet", "Krav slettet",
                  "Første, endret", "Plass i listen"):
        assert words in history, words


def test_a_library_criterion_keeps_its_text_on_the_page(login_as, db):
    client = login_as("officer")
    tender = demo_tender(db, "DEMO-1")
    row = next(r for r in rows_of(db, tender) if r.criterion_pin_id and r.kind == "spec-must")
    url = f"/officer/tenders/{tender.id}/requirements/{row.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="text"' not in page and row.text in page
    response = post_form(client, url, {"kind": "spec-should", "title": row.title,
                                       "text": "Forsøk på ny tekst", "weight": ""})
    assert response.status_code == 302
    after = next(r for r in rows_of(db, tender) if r.id == row.id)
    assert (after.kind, after.text) == ("spec-should", row.text)
    response = post_form(client, url, {"kind": "award", "title": row.title, "weight": ""})
    assert response.status_code == 400
    assert "kan ikke gjøres om til den typen krav" in response.get_data(as_text=True)


def test_bad_input_is_refused_with_a_reason_never_a_500(login_as, db):
    client = login_as("officer")
    tender = fresh_tender(db)
    other = demo_tender(db, "DEMO-3")
    theirs = next(r for r in rows_of(db, other) if r.kind == "award" and not r.parent_id)
    cases = [
        ({"title": ""}, "Gi kravet en tittel."),
        ({"kind": "wish", "title": "X"}, "Ikke et gyldig valg"),
        ({"kind": "award", "title": "X", "weight": "abc"}, "Ikke en gyldig desimalverdi"),
        ({"kind": "award", "title": "X", "weight": "150"}, "Oppgi en vekt fra 0 til 100 %."),
        ({"kind": "award", "title": "X", "weight": "1e400"}, "Oppgi en vekt fra 0 til 100 %."),
        ({"kind": "award", "title": "X", "weight": "NaN"}, ""),
        ({"kind": "spec-must", "title": "X", "weight": "10"},
         "Bare tildelingskriterier og underkriteriene deres har vekt."),
        ({"kind": "award", "title": "X", "parent_id": str(theirs.id)}, "Ikke et gyldig valg"),
        ({"kind": "award", "title": "X", "parent_id": "abc"}, "Ikke et gyldig valg"),
        ({"title": "X" * 301}, ""),
        ({"title": "X", "award_group": "climate"}, "Ikke et gyldig valg"),
    ]
    for data, message in cases:
        response = add(client, tender, **data)
        assert response.status_code == 400, data
        if message:
            assert message in response.get_data(as_text=True), data
    assert rows_of(db, tender) == []
    base = f"/officer/tenders/{tender.id}/requirements"
    assert client.get(f"{base}/{theirs.id}").status_code == 404  # another tender's
    assert client.get(f"{base}/99999999999999").status_code == 404
    assert post_form(client, f"{base}/99999999999999/delete", {},
                     page=base).status_code == 404
    assert post_form(client, f"{base}/{theirs.id}/move", {"direction": "up"},
                     page=base).status_code == 404
    for bad in ({"rows-0-requirement_id": "abc", "rows-0-weight": "10"},
                {"rows-0-requirement_id": str(theirs.id), "rows-0-weight": "100"},
                {"rows-0-requirement_id": "99999999999", "rows-0-weight": "100"}):
        assert post_form(client, f"{base}/weights", bad, page=base).status_code == 400, bad
    assert client.get(f"{base}/new?kind=nonsense&parent=abc").status_code == 200


def test_a_post_without_a_version_or_a_stale_one_saves_nothing(app, login_as, db):
    client = login_as("officer")
    tender = fresh_tender(db)
    url = f"/officer/tenders/{tender.id}/requirements/new"
    page = client.get(url).get_data(as_text=True)
    typed = {"kind": "spec-must", "title": "Lås til hver sykkel", "csrf_token": csrf_token(page)}
    assert client.post(url, data=typed).status_code == 400
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    # Someone else adds a requirement after this page was opened.
    assert add(client, tender, title="Hjelm").status_code == 302
    response = client.post(url, data={**typed, "version": version})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Noen andre endret denne anskaffelsen" in text
    assert "Lås til hver sykkel" in text  # what was typed is kept
    assert [r.title for r in rows_of(db, tender)] == ["Hjelm"]
    current = re.search(r'name="version" type="hidden" value="(\d+)"', text).group(1)
    assert client.post(url, data={**typed, "version": current}).status_code == 302
    assert [r.title for r in rows_of(db, tender)] == ["Hjelm", "Lås til hver sykkel"]
    event = db.exec(select(AuditEvent).where(
        AuditEvent.action == "tender.requirement_added",
        AuditEvent.object_id == str(tender.id))).all()[-1]
    assert event.details["version"] == int(current) + 1
    # A stale edit of one requirement is refused the same way.
    row = rows_of(db, tender)[0]
    edit = f"/officer/tenders/{tender.id}/requirements/{row.id}"
    response = client.post(edit, data={"kind": "spec-must", "title": "Hjelm, endret",
                                       "version": version, "csrf_token": csrf_token(page)})
    assert response.status_code == 409 and "Hjelm, endret" in response.get_data(as_text=True)
    assert rows_of(db, tender)[0].title == "Hjelm"


def test_the_award_weights_are_saved_together(login_as, db):
    client = login_as("officer")
    tender = fresh_tender(db)
    add(client, tender, kind="award", title="Pris", award_group="price")
    add(client, tender, kind="award", title="Rekkevidde", climate_environment="y")
    price, reach = rows_of(db, tender)
    base = f"/officer/tenders/{tender.id}/requirements"
    data = {"rows-0-requirement_id": price.id, "rows-0-weight": "60",
            "rows-1-requirement_id": reach.id, "rows-1-weight": "30"}
    response = post_form(client, f"{base}/weights", data, page=base)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Tildelingskriteriene veier 90 % til sammen; de må summere til 100 %." in text
    data["rows-1-weight"] = "40"
    response = post_form(client, f"{base}/weights", data, page=base)
    assert response.status_code == 302 and response.location.endswith("#weights")
    db.refresh(tender)
    assert (tender.weight_price, tender.weight_climate, tender.climate_status) == (
        60, 40, "met")
    assert db.exec(select(TenderCriterion).where(
        TenderCriterion.tender_id == tender.id)).all() == []


@pytest.fixture
def officer(login_as):
    return login_as("officer")


@SETTINGS
@given(data=st.fixed_dictionaries({
    "kind": st.one_of(nasty, st.sampled_from(["award", "spec-must", "qualification"])),
    "title": nasty, "text": nasty, "documentation": nasty, "weight": nasty,
    "award_group": nasty, "parent_id": nasty, "climate_environment": nasty}))
def test_generated_input_never_breaks_the_requirement_form(officer, db, data):
    client = officer
    tender = demo_tender(db, "DEMO-5")
    url = f"/officer/tenders/{tender.id}/requirements/new"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(url, data={**data, "version": version,
                                      "csrf_token": csrf_token(page)})
    assert response.status_code in (302, 400)
