"""Issue 19, findings 4 and 5 and the administrator's tools: sessions end on the server,
sign-in answers the same for every failure, throttles are per account and client address."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from procure.mail import outbox_messages
from procure.models import AuditEvent, LoginThrottle, PasswordReset, User, utcnow
from procure.services import accounts
from tests.helpers import login, post_form

DEMO = "demo-password"
OFFICER = "officer@lillestrom.example"
CSRF_VALUE = re.compile(r'name="csrf_token"[^>]*?value="[^"]+"')


@pytest.fixture
def demo(db):
    from procure.demo.loader import load_demo

    load_demo(db)
    db.commit()


def from_address(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def page_text(response, email: str) -> str:
    """The page without its CSRF tokens and the address typed in, the parts that differ."""
    return CSRF_VALUE.sub("", response.get_data(as_text=True)).replace(email, "<email>")


def user(db, email: str = OFFICER) -> User:
    db.expire_all()
    return db.exec(select(User).where(User.email == email)).one()


# --- Finding 5: the same answer and the same work for every failed sign-in --------------------


def test_a_real_account_and_an_unknown_address_get_identical_answers(app, demo):
    real, unknown = app.test_client(), app.test_client()
    nobody = "nobody@lillestrom.example"
    answers = []
    for _ in range(6):
        a = login(real, OFFICER, "wrong password!")
        b = login(unknown, nobody, "wrong password!")
        assert a.status_code == b.status_code
        assert page_text(a, OFFICER) == page_text(b, nobody)
        answers.append(a.status_code)
    # Five failures pause both pairs of (e-mail, address) alike.
    assert answers == [401, 401, 401, 401, 429, 429]


def test_every_failure_costs_exactly_one_password_verification(app, client, demo, db,
                                                                monkeypatch):
    calls = []
    real_verify = accounts.verify_password

    def counting(password_hash, password):
        calls.append(password_hash is not None)
        return real_verify(password_hash, password)

    monkeypatch.setattr(accounts, "verify_password", counting)
    app.config["LOGIN_MAX_FAILURES"] = 1
    target = user(db)
    target.active = False
    db.commit()
    cases = [("nobody@lillestrom.example", "wrong password!"),  # unknown
             ("controller@lillestrom.example", "wrong password!"),  # wrong password
             ("controller@lillestrom.example", DEMO),  # right password, but throttled
             (OFFICER, DEMO)]  # deactivated
    for email, password in cases:
        calls.clear()
        assert login(client, email, password).status_code in (401, 429)
        assert len(calls) == 1, email


def test_right_password_from_another_address_works_while_one_is_throttled(app, demo, db):
    attacker = from_address(app.test_client(), "203.0.113.7")
    for _ in range(5):
        login(attacker, OFFICER, "guessing guessing")
    assert login(attacker, OFFICER, DEMO).status_code == 429
    owner = from_address(app.test_client(), "198.51.100.20")
    response = login(owner, OFFICER, DEMO)
    assert response.status_code == 302 and response.location == "/officer/"


def test_ipv6_clients_are_counted_per_64_network():
    assert accounts.client_key("2001:db8:1:2:aaaa::1") == accounts.client_key("2001:db8:1:2::ffff")
    assert accounts.client_key("2001:db8:1:3::1") != accounts.client_key("2001:db8:1:2::1")
    assert accounts.client_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert accounts.client_key("10.0.0.1") == "10.0.0.1"


def test_each_new_pause_lasts_twice_as_long(db, demo):
    now = utcnow()
    settings = {"address": "192.0.2.1", "secret": "s" * 40, "max_failures": 2,
                "lockout": timedelta(minutes=15)}
    first = [accounts.authenticate(db, OFFICER, "bad bad bad!", now=now, **settings)
             for _ in range(2)]
    assert first[0].throttled_until is None
    assert first[1].throttled_until == now + timedelta(minutes=15)
    later = now + timedelta(minutes=16)
    second = [accounts.authenticate(db, OFFICER, "bad bad bad!", now=later, **settings)
              for _ in range(2)]
    assert second[1].throttled_until == later + timedelta(minutes=30)
    # A day without failures forgets the history.
    much_later = later + timedelta(days=2)
    third = [accounts.authenticate(db, OFFICER, "bad bad bad!", now=much_later, **settings)
             for _ in range(2)]
    assert third[1].throttled_until == much_later + timedelta(minutes=15)


def test_an_administrator_unlocks_an_account(app, demo, db, login_as):
    app.config["LOGIN_MAX_FAILURES"] = 1
    attacker = from_address(app.test_client(), "203.0.113.9")
    assert login(attacker, OFFICER, "guessing guessing").status_code == 429
    admin = login_as("admin")
    target = user(db)
    page = admin.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert "203.0.113.9" in page
    assert "Pålogging" in page and "Lås opp pålogging" in page
    assert "pause" in admin.get("/admin/users").get_data(as_text=True)
    response = post_form(admin, f"/admin/users/{target.id}/unlock", {},
                         page=f"/admin/users/{target.id}")
    assert response.status_code == 302
    assert db.exec(select(LoginThrottle)).all() == []
    assert login(attacker, OFFICER, DEMO).status_code == 302
    log = admin.get("/admin/log").get_data(as_text=True)
    assert f"admin@test.example låste opp påloggingen for {OFFICER} fra alle adresser." in log


# --- Finding 4: sessions end on the server -----------------------------------------------------


def copy_session(source, app):
    """A second client holding the same session cookie (a stolen or copied cookie)."""
    thief = app.test_client()
    cookie = source.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_sign_out_ends_a_copied_session(app, client, demo):
    assert login(client, OFFICER, DEMO).status_code == 302
    thief = copy_session(client, app)
    assert thief.get("/officer/").status_code == 200
    post_form(client, "/logout", {}, page="/officer/")
    assert thief.get("/officer/").status_code == 302
    assert client.get("/officer/").status_code == 302


def test_deactivation_ends_every_session_and_reactivation_allows_sign_in(app, demo, db,
                                                                         login_as):
    officer = app.test_client()
    assert login(officer, OFFICER, DEMO).status_code == 302
    admin = login_as("admin")
    target = user(db)
    response = post_form(admin, f"/admin/users/{target.id}/deactivate", {},
                         page=f"/admin/users/{target.id}")
    assert response.status_code == 302
    assert officer.get("/officer/").status_code == 302
    refused = login(app.test_client(), OFFICER, DEMO)
    assert refused.status_code == 401 and "Feil e-post eller passord." in refused.text
    assert "Deaktivert" in admin.get("/admin/users").text
    post_form(admin, f"/admin/users/{target.id}/reactivate", {},
              page=f"/admin/users/{target.id}")
    assert login(app.test_client(), OFFICER, DEMO).status_code == 302
    me = user(db, "admin@test.example")
    response = post_form(admin, f"/admin/users/{me.id}/deactivate", {},
                         page=f"/admin/users/{me.id}")
    assert user(db, "admin@test.example").active
    assert "Du kan ikke deaktivere din egen konto." in admin.get(response.location).text
    log = admin.get("/admin/log").text
    assert f"admin@test.example deaktiverte {OFFICER} og avsluttet alle øktene deres." in log
    assert f"admin@test.example aktiverte {OFFICER} igjen." in log


def password_link_in(outbox) -> str:
    body = outbox_messages(outbox)[-1].get_body(("plain",)).get_content()
    match = re.search(r"http://[^\s]+/password/([A-Za-z0-9_-]+)", body)
    assert match, body
    return match.group(1)


def test_password_link_sets_a_new_password_once_and_ends_every_session(app, demo, db,
                                                                        login_as, tmp_path):
    officer = app.test_client()
    assert login(officer, OFFICER, DEMO).status_code == 302
    admin = login_as("admin")
    target = user(db)
    response = post_form(admin, f"/admin/users/{target.id}/password-link", {},
                         page=f"/admin/users/{target.id}")
    assert response.status_code == 302
    token = password_link_in(tmp_path / "outbox")
    assert db.exec(select(PasswordReset)).one().token_hash != token  # stored hashed
    visitor = app.test_client()
    weak = post_form(visitor, f"/password/{token}", {"password": "short",
                                                     "repeat": "short"})
    assert weak.status_code == 400 and "Passordet må ha minst 12 tegn." in weak.text
    new = "a brand new passphrase 4"
    assert post_form(visitor, f"/password/{token}",
                     {"password": new, "repeat": new}).status_code == 302
    assert officer.get("/officer/").status_code == 302  # the old session ended
    assert visitor.get(f"/password/{token}").status_code == 404  # works once
    assert login(app.test_client(), OFFICER, DEMO).status_code == 401
    assert login(app.test_client(), OFFICER, new).status_code == 302
    log = admin.get("/admin/log").text
    assert f"admin@test.example sendte {OFFICER} en engangslenke til nytt passord" in log
    history = admin.get(f"/admin/users/{target.id}").text
    assert "satte nytt passord for" in history and "logget inn." in history


def test_an_expired_password_link_is_refused(app, demo, db):
    target = user(db)
    token = accounts.create_password_reset(db, target, actor_id=None,
                                           lifetime=timedelta(minutes=60),
                                           now=utcnow() - timedelta(minutes=61))
    db.commit()
    response = app.test_client().get(f"/password/{token}")
    assert response.status_code == 404
    assert "Denne lenken til nytt passord gjelder ikke lenger." in response.text


def test_an_idle_session_ends(app, client, demo):
    assert login(client, OFFICER, DEMO).status_code == 302
    assert client.get("/officer/").status_code == 200
    with client.session_transaction() as session:
        session["_seen"] = int(time.time()) - 31 * 60
    response = client.get("/officer/")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert "Økten din er avsluttet" in client.get(response.location).text


def test_a_session_ends_after_the_longest_session_time(app, client, demo):
    app.config["SESSION_MAX_HOURS"] = 1
    assert login(client, OFFICER, DEMO).status_code == 302
    with client.session_transaction() as session:
        session["_signed_in"] = int(time.time()) - 3601
    assert client.get("/officer/").status_code == 302


def test_last_sign_in_is_shown_to_the_administrator(app, demo, db, login_as):
    admin = login_as("admin")
    assert "Aldri" in admin.get(f"/admin/users/{user(db).id}").text
    assert login(app.test_client(), OFFICER, DEMO).status_code == 302
    target = user(db)
    assert target.last_login_at is not None
    page = admin.get(f"/admin/users/{target.id}").text
    assert "Sist logget inn" in page and "Aldri" not in page


def test_admin_actions_read_as_sentences_in_english_too(app, demo, db, login_as):
    admin = login_as("admin")
    post_form(admin, "/admin/users", {"email": "new@test.example",
                                      "password": "a long enough passphrase",
                                      "roles": ["officer"], "organisation": ""})
    post_form(admin, "/language", {"lang": "en"}, page="/admin/users")
    log = admin.get("/admin/log").text
    assert ("admin@test.example created the account new@test.example with the roles "
            "Procurement officer.") in log
    actions = set(db.exec(select(AuditEvent.action)).all())
    assert "user.created" in actions
