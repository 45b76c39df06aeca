from __future__ import annotations

import smtplib

import pytest

from procure.mail import Mailer, MailError, compose, outbox_messages


def test_outbox_when_no_smtp_is_configured(tmp_path):
    mailer = Mailer.from_config({"OUTBOX_DIR": str(tmp_path / "out"), "MAIL_FROM":
                                 "Kommunen <noreply@kommune.example>"})
    assert not mailer.uses_smtp
    path = mailer.send(compose(mailer.sender, "a@x.example", "Hei æøå", "Tekst med æøå\n",
                               headers={"List-Unsubscribe": "<https://x.example/u>"}))
    assert path.endswith(".eml")
    [message] = outbox_messages(tmp_path / "out")
    assert message["Subject"] == "Hei æøå" and message["To"] == "a@x.example"
    assert message.get_content() == "Tekst med æøå\n"
    assert message["Message-ID"].endswith("@kommune.example>")
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_header_injection_is_refused():
    with pytest.raises(ValueError):
        compose("a@x.example", "b@x.example", "Hei\nBcc: evil@x.example", "x")


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout):
        self.calls = [("connect", host, port)]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self, context):
        self.calls.append(("starttls",))

    def login(self, user, password):
        self.calls.append(("login", user))

    def send_message(self, message):
        FakeSMTP.sent.append((self.calls, message))


def test_smtp_when_configured(monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    mailer = Mailer.from_config({"SMTP_HOST": "smtp.kommune.example", "SMTP_PORT": "2525",
                                 "SMTP_USERNAME": "u", "SMTP_PASSWORD": "p",
                                 "OUTBOX_DIR": "/nonexistent"})
    assert mailer.send(compose(mailer.sender, "a@x.example", "S", "T")) == \
        "smtp:smtp.kommune.example"
    calls, message = FakeSMTP.sent[-1]
    assert calls == [("connect", "smtp.kommune.example", 2525), ("starttls",), ("login", "u")]
    assert message["To"] == "a@x.example"


def test_smtp_failure_is_a_mail_error(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    mailer = Mailer.from_config({"SMTP_HOST": "smtp.kommune.example"})
    with pytest.raises(MailError, match="smtp.kommune.example"):
        mailer.send(compose(mailer.sender, "a@x.example", "S", "T"))


def test_unknown_security_mode_is_refused():
    with pytest.raises(ValueError):
        Mailer.from_config({"SMTP_SECURITY": "tls-ish"})
