from __future__ import annotations

import pytest
from sqlmodel import select

from procure.models import LoginThrottle, User
from tests.helpers import csrf_token, login, post_form

DEMO = "demo-password"


@pytest.fixture
def demo(db):
    from tests.support.templates import load_demo

    load_demo(db)
    db.commit()


@pytest.mark.parametrize(
    ("email", "landing"),
    [
        ("officer@lillestrom.example", "/officer/"),
        ("controller@lillestrom.example", "/controller/"),
        ("admin@lillestrom.example", "/admin/users"),
    ],
)
def test_each_demo_user_lands_in_their_area(client, demo, email, landing):
    response = login(client, email, DEMO)
    assert response.status_code == 302
    assert response.location == landing
    assert client.get(landing).status_code == 200


def test_email_is_case_insensitive(client, demo):
    assert login(client, "  Officer@Lillestrom.EXAMPLE ", DEMO).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, demo):
    response = login(client, "officer@lillestrom.example", "wrong password!")
    assert response.status_code == 401
    assert "Feil e-post eller passord." in response.get_data(as_text=True)


def test_unknown_user_gets_the_same_message(client, demo):
    response = login(client, "nobody@lillestrom.example", "wrong password!")
    assert response.status_code == 401
    assert "Feil e-post eller passord." in response.get_data(as_text=True)


def test_repeated_failures_pause_the_address_and_say_so(client, demo, db):
    for _ in range(4):
        assert login(client, "officer@lillestrom.example", "nope nope nope").status_code == 401
    response = login(client, "officer@lillestrom.example", "nope nope nope")
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "Prøv igjen om 15 minutter" in text
    # Even the right password is refused from this address while the pause lasts.
    response = login(client, "officer@lillestrom.example", DEMO)
    assert response.status_code == 429
    throttle = db.exec(select(LoginThrottle)).one()
    assert throttle.address == "127.0.0.1" and throttle.locked_until is not None
    assert "officer" not in throttle.account_key  # a keyed hash, not the address


def test_password_is_stored_hashed(db, demo):
    user = db.exec(select(User).where(User.email == "admin@lillestrom.example")).one()
    assert DEMO not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")


def test_login_form_needs_csrf(client, demo):
    response = client.post("/login", data={"email": "officer@lillestrom.example",
                                           "password": DEMO})
    assert response.status_code == 400
    assert "Skjemaet var utløpt" in response.get_data(as_text=True)


def test_next_is_followed_only_when_local(client, demo):
    page = client.get("/login").get_data(as_text=True)
    data = {"email": "officer@lillestrom.example", "password": DEMO,
            "csrf_token": csrf_token(page)}
    response = client.post("/login?next=/officer/tenders/new", data=data)
    assert response.location == "/officer/tenders/new"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_next_cannot_redirect_off_site(client, demo, target):
    page = client.get("/login").get_data(as_text=True)
    data = {"email": "officer@lillestrom.example", "password": DEMO,
            "csrf_token": csrf_token(page)}
    response = client.post("/login", query_string={"next": target}, data=data)
    assert response.location == "/officer/"


def test_session_is_renewed_on_login(client, demo):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by attacker"
    login(client, "officer@lillestrom.example", DEMO)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


def test_logout_is_a_post_and_ends_the_session(client, demo):
    login(client, "officer@lillestrom.example", DEMO)
    assert client.get("/logout").status_code == 405
    response = post_form(client, "/logout", {}, page="/officer/")
    assert response.status_code == 302
    assert client.get("/officer/").status_code == 302


def test_inactive_user_cannot_sign_in(client, demo, db):
    user = db.exec(select(User).where(User.email == "officer@lillestrom.example")).one()
    user.active = False
    db.add(user)
    db.commit()
    assert login(client, "officer@lillestrom.example", DEMO).status_code == 401


def test_sign_in_attempts_are_rate_limited_per_address(app, client, demo):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert login(client, "nobody@lillestrom.example", "wrong password!").status_code == 401
    response = login(client, "nobody@lillestrom.example", "wrong password!")
    assert response.status_code == 429
    assert "For mange forsøk" in response.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # reading the page is not limited
