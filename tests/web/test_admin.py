from __future__ import annotations

from sqlmodel import select

from procure.models import User
from tests.helpers import login, post_form
from tests.support.templates import load_demo


def test_admin_creates_user_with_several_roles(login_as, db, app):
    client = login_as("admin")
    organisation = load_demo(db)
    response = post_form(client, "/admin/users", {
        "email": "Ny.Bruker@lillestrom.example", "name": "Ny Bruker",
        "password": "a long enough passphrase", "roles": ["officer", "controller"],
        "organisation": str(organisation.id),
    })
    assert response.status_code == 302
    user = db.exec(select(User).where(User.email == "ny.bruker@lillestrom.example")).one()
    assert user.role_names == {"officer", "controller"}
    assert user.organisation_id == organisation.id
    other = app.test_client()
    assert login(other, "ny.bruker@lillestrom.example", "a long enough passphrase").location \
        == "/officer/"
    assert other.get("/controller/").status_code == 200
    assert other.get("/admin/users").status_code == 403


def test_duplicate_email_and_short_password_are_explained(login_as, db):
    client = login_as("admin")
    response = post_form(client, "/admin/users", {
        "email": "admin@test.example", "password": "a long enough passphrase",
        "roles": ["officer"], "organisation": "",
    })
    assert response.status_code == 400
    assert "Det finnes allerede en bruker med e-post admin@test.example." in response.text
    response = post_form(client, "/admin/users", {
        "email": "short@test.example", "password": "short", "roles": ["officer"],
        "organisation": "",
    })
    assert response.status_code == 400
    assert "Passordet må ha minst 12 tegn." in response.text
    assert db.exec(select(User).where(User.email == "short@test.example")).first() is None


def test_admin_changes_roles(login_as, db):
    client = login_as("admin")
    target = db.exec(select(User).where(User.email == "officer@lillestrom.example")).one()
    response = post_form(client, f"/admin/users/{target.id}", {"roles": ["controller"]})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(User, target.id).role_names == {"controller"}


def test_admin_cannot_drop_own_admin_role(login_as, db):
    client = login_as("admin")
    me = db.exec(select(User).where(User.email == "admin@test.example")).one()
    response = post_form(client, f"/admin/users/{me.id}", {"roles": ["officer"]})
    assert response.status_code == 200
    assert "Du kan ikke fjerne din egen administratorrolle." in response.text
    db.expire_all()
    assert "admin" in db.get(User, me.id).role_names
