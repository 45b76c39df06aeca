"""Logs are JSON lines with a request id, and never hold e-mail addresses or passwords."""

from __future__ import annotations

import json
import smtplib

import pytest

from procure.db import get_session
from procure.logs import mask
from procure.models import User
from tests.helpers import login
from tests.support.templates import load_demo
from tests.web.test_public_interest import submit

EMAIL = "Post@Bedrift.example"
PASSWORD = "a wrong but long password 7"  # noqa: S105 (what a visitor typed)


def log_lines(capsys) -> list[dict]:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


class RefusingSMTP:
    """An SMTP server that refuses the recipient, as smtplib reports it (with the address)."""

    def __init__(self, *_args, **_kwargs) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *_exc) -> None:
        return None

    def starttls(self, **_kwargs) -> None:
        return None

    def send_message(self, message) -> None:
        raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"5.1.1 User unknown")})


@pytest.fixture
def demo(app, db):
    app.config["INTEREST_MIN_FILL_SECONDS"] = 0
    load_demo(db)
    db.commit()


def test_sign_in_and_interest_leave_no_personal_data_in_the_log(app, client, demo, capsys,
                                                               monkeypatch):
    capsys.readouterr()
    assert login(client, "officer@lillestrom.example", PASSWORD).status_code != 302
    assert login(client, "officer@lillestrom.example", "demo-password").status_code == 302
    registered = submit(client, {"divisions": ["90"], "email": EMAIL})
    assert registered.status_code == 302
    # The mail server refuses the address: smtplib's error names it, the log must not. The
    # registration stands; its mail stays in the outbox to be tried again.
    app.config["SMTP_HOST"] = "mail.invalid"
    monkeypatch.setattr(smtplib, "SMTP", RefusingSMTP)
    refused = submit(client, {"divisions": ["77"], "email": "other@" + "bedrift.example"})
    assert refused.status_code == 302
    lines = log_lines(capsys)
    text = json.dumps(lines).lower()
    for secret in (EMAIL.lower(), "other@bedrift.example", "officer@lillestrom.example",
                   PASSWORD, "demo-password", "bedrift.example"):
        assert secret not in text, secret
    failures = [line for line in lines if "exception" in line]
    assert failures and "<e-mail>" in failures[0]["exception"]  # the refusal, masked
    access = [line for line in lines if line["logger"] == "procure.access"]
    assert {"route", "status", "duration_ms", "request_id"} <= set(access[0])
    assert all(line.get("request_id") for line in lines)
    assert any(line["route"] == "/interest" and line["status"] == 302 for line in access)
    assert any(line.get("user_id") for line in access)  # who, by id only


def test_request_id_is_returned_and_taken_from_a_proxy_when_sane(client, capsys):
    capsys.readouterr()
    fresh = client.get("/livez")
    given = client.get("/livez", headers={"X-Request-ID": "proxy-4f2a9c1e"})
    forged = client.get("/livez", headers={"X-Request-ID": "x\"} injected"})
    assert len(fresh.headers["X-Request-ID"]) == 32
    assert given.headers["X-Request-ID"] == "proxy-4f2a9c1e"
    assert forged.headers["X-Request-ID"] not in ("x\"} injected", "")
    ids = [line["request_id"] for line in log_lines(capsys)]
    assert ids == [fresh.headers["X-Request-ID"], "proxy-4f2a9c1e",
                   forged.headers["X-Request-ID"]]


def test_tokens_in_addresses_stay_out_of_the_access_log(client, capsys):
    capsys.readouterr()
    client.get("/interest/confirm/SECRET-TOKEN-VALUE?q=hidden-words")
    [line] = log_lines(capsys)
    assert line["route"] == "/interest/confirm/<token>"
    assert "SECRET-TOKEN-VALUE" not in json.dumps(line) and "hidden-words" not in json.dumps(line)


def test_a_database_error_in_a_request_is_logged_without_the_values(app, client, capsys):
    """SQLite's message would carry the parameters (hidden by the engine); PostgreSQL's
    DETAIL names the duplicate value itself (masked by the formatter)."""

    def duplicate():
        session = get_session()
        for _ in range(2):
            session.add(User(email="person@bedrift.example", name="", password_hash="x"))
            session.flush()
        return "unreachable"

    app.add_url_rule("/test-duplicate", "duplicate", duplicate)
    capsys.readouterr()
    response = client.get("/test-duplicate")
    assert response.status_code == 500 and "person@" not in response.text
    [failure] = [line for line in log_lines(capsys) if "exception" in line]
    assert "IntegrityError" in failure["exception"]
    assert "person@bedrift.example" not in failure["exception"]
    assert "password_hash" not in failure["message"]


def test_mask_hides_addresses():
    assert mask("to {'a.b+c@sub.example.no': (550, b'x')} and x@y.io") == (
        "to {'<e-mail>': (550, b'x')} and <e-mail>")
    assert mask("no address here @ all") == "no address here @ all"
