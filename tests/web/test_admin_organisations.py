"""The administrator's organisations page and the organisation on each user's page (issue 19,
finding 13): listed with their users, created with checked input, every change in the admin
log."""

from __future__ import annotations

import html

import pytest
from sqlmodel import func, select

from procure.models import AuditEvent, Organisation, User
from tests.helpers import post_form
from tests.support.templates import load_demo

NEW = {"name": "Romerike innkjøpssamarbeid", "orgnr": "974 760 673", "kommunenummer": "3222"}


def _count(db) -> int:
    return db.exec(select(func.count()).select_from(Organisation)).one()


def test_the_admin_lists_organisations_with_their_users_and_creates_one(login_as, db):
    client = login_as("admin")
    demo = load_demo(db)
    users = db.exec(select(func.count()).select_from(User).where(
        User.organisation_id == demo.id)).one()
    page = html.unescape(client.get("/admin/organisations").get_data(as_text=True))
    assert "<h1>Organisasjoner</h1>" in page
    assert "<td>Lillestrøm kommune</td>" in page and "<td>923456783</td>" in page
    assert "<td>3205 Lillestrøm</td>" in page and f'<td class="num">{users}</td>' in page
    response = post_form(client, "/admin/organisations", NEW)
    assert response.status_code == 302 and response.location.endswith("/admin/organisations")
    page = html.unescape(client.get(response.location).get_data(as_text=True))
    assert "Romerike innkjøpssamarbeid er opprettet." in page
    assert "<td>974760673</td>" in page and "<td>3222 Lørenskog</td>" in page
    row = db.exec(select(Organisation).where(Organisation.orgnr == "974760673")).one()
    admin = db.exec(select(User).where(User.email == "admin@test.example")).one()
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "organisation.created")).one()
    assert (event.actor_id, event.object_id) == (admin.id, str(row.id))
    log = html.unescape(client.get("/admin/log").get_data(as_text=True))
    assert ("admin@test.example opprettet organisasjonen Romerike innkjøpssamarbeid "
            "(organisasjonsnummer 974760673, kommune 3222 Lørenskog).") in log


@pytest.mark.parametrize("change, message", [
    ({"orgnr": "923456783"}, "Lillestrøm kommune har allerede organisasjonsnummer 923456783."),
    ({"orgnr": "974760674"}, "Kontrollsifferet i organisasjonsnummer 974760674 er feil."),
    ({"orgnr": "000000000"}, "000000000 er ikke et organisasjonsnummer."),
    ({"orgnr": "1234"}, "Et organisasjonsnummer har 9 sifre."),
    ({"kommunenummer": "9999"}, "Kommunenummer 9999 finnes ikke i kommunelisten (2024)."),
    ({"kommunenummer": "abcd"}, "Et kommunenummer har 4 sifre."),
    ({"name": ""}, "Skriv navnet på organisasjonen."),
])
def test_bad_input_is_explained_and_creates_nothing(login_as, db, change, message):
    client = login_as("admin")
    before = _count(db)
    response = post_form(client, "/admin/organisations", {**NEW, **change})
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert _count(db) == before


@pytest.mark.parametrize("role", ["officer", "controller"])
def test_other_roles_get_no_organisations_page(login_as, db, role):
    client = login_as(role)
    before = _count(db)
    assert client.get("/admin/organisations").status_code == 403
    assert client.post("/admin/organisations", data=NEW).status_code in (400, 403)
    assert _count(db) == before


def test_the_admin_moves_a_user_to_another_organisation(login_as, db):
    client = login_as("admin")
    demo = load_demo(db)
    post_form(client, "/admin/organisations", NEW)
    romerike = db.exec(select(Organisation).where(Organisation.orgnr == "974760673")).one()
    officer = db.exec(select(User).where(User.email == "officer@lillestrom.example")).one()
    url = f"/admin/users/{officer.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'<option selected value="{demo.id}">' in page
    response = post_form(client, f"{url}/organisation", {"organisation": str(romerike.id)},
                         page=url)
    assert response.status_code == 302
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert "officer@lillestrom.example hører nå til Romerike innkjøpssamarbeid." in page
    db.expire_all()
    assert db.get(User, officer.id).organisation_id == romerike.id
    refused = post_form(client, f"{url}/organisation", {"organisation": "999999"}, page=url)
    assert refused.status_code == 400 and "Velg fra listen." in refused.get_data(as_text=True)
    assert post_form(client, f"{url}/organisation", {"organisation": ""},
                     page=url).status_code == 302
    db.expire_all()
    assert db.get(User, officer.id).organisation_id is None
    log = html.unescape(client.get("/admin/log").get_data(as_text=True))
    assert ("admin@test.example flyttet officer@lillestrom.example til Romerike "
            "innkjøpssamarbeid.") in log
    assert "admin@test.example tok officer@lillestrom.example ut av alle organisasjoner." in log
    users = html.unescape(client.get("/admin/users").get_data(as_text=True))
    assert "<td>Ingen</td>" in users
