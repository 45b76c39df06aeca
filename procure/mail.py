"""Outgoing e-mail: composed here, written to the outbox in the caller's transaction, and
delivered after that transaction commits (SMTP when PROCURE_SMTP_HOST is set, otherwise .eml
files in OUTBOX_DIR).

The one way for app code to send an e-mail is `queue`:

    from procure.mail import Mailer, compose, queue

    sender = Mailer.from_config(current_app.config).sender
    queue(session, compose(sender, "to@example.no", "Subject", "Body"))
    session.commit()          # delivered after this; a rollback sends nothing

`queue(session, message)` adds an `OutboxMessage` row holding the composed message (headers
and bodies, as bytes) and flushes; it never talks to a mail server. After the commit,
procure.outbox delivers it: in a background thread during requests, so no request waits on
SMTP, or from `procure outbox send` (cron or a worker), with retries and the last error kept.
Services that take a mailer (anything with `sender` and `send`) get an `Outbox`, which queues
in the same way: `Outbox.from_config(session, current_app.config)`.

No Flask here. `Mailer` is the transport the delivery uses (and that service tests may hand
to a service directly); how a message is worded is the composer's business, not the outbox's.

Development and tests read the outbox folder: one RFC 5322 file per message, written
atomically, named so that they sort by time.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP, default
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sqlalchemy.orm import Session

from procure import clock
from procure.models import OutboxMessage

SECURITY_MODES = ("starttls", "ssl", "none")
QUEUED = "procure.outbox.queued"  # session.info key: this transaction wrote outbox rows


class MailError(RuntimeError):
    """The message could not be handed over; nothing is known to have been sent."""


def compose(sender: str, to: str, subject: str, text: str, *, html: str | None = None,
            headers: Mapping[str, str] | None = None,
            now: datetime | None = None) -> EmailMessage:
    """A plain-text message (with an optional HTML part). Header values are checked by the
    email package: a newline in a subject or address raises ValueError instead of injecting."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now or clock.now())
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text, cte="quoted-printable")
    if html is not None:
        message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message


@dataclass(frozen=True)
class Mailer:
    sender: str
    outbox: Path | None = None
    host: str = ""
    port: int = 587
    username: str = ""
    password: str = ""
    security: str = "starttls"
    timeout: float = 20.0

    @classmethod
    def from_config(cls, config: Mapping) -> Mailer:
        security = str(config.get("SMTP_SECURITY") or "starttls").lower()
        if security not in SECURITY_MODES:
            raise ValueError(f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}")
        return cls(
            sender=str(config.get("MAIL_FROM") or "procure <noreply@localhost>"),
            outbox=Path(config["OUTBOX_DIR"]) if config.get("OUTBOX_DIR") else None,
            host=str(config.get("SMTP_HOST") or ""),
            port=int(config.get("SMTP_PORT") or 587),
            username=str(config.get("SMTP_USERNAME") or ""),
            password=str(config.get("SMTP_PASSWORD") or ""),
            security=security,
        )

    @property
    def uses_smtp(self) -> bool:
        return bool(self.host)

    def send(self, message: EmailMessage) -> str:
        """Send or file the message; returns where it went (a file path or 'smtp:host')."""
        if self.uses_smtp:
            return self._smtp(message)
        if self.outbox is None:
            raise MailError("Neither SMTP_HOST nor OUTBOX_DIR is configured.")
        return str(self._file(message))

    def _smtp(self, message: EmailMessage) -> str:
        try:
            client: smtplib.SMTP
            if self.security == "ssl":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                          context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password)
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"SMTP delivery to {self.host}:{self.port} failed: {error}") from error
        return f"smtp:{self.host}"

    def _file(self, message: EmailMessage) -> Path:
        assert self.outbox is not None
        self.outbox.mkdir(parents=True, exist_ok=True)
        stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        temporary = self.outbox / f".{name}.tmp"
        temporary.write_bytes(message.as_bytes(policy=default))  # LF line ends on disk
        os.replace(temporary, self.outbox / name)
        return self.outbox / name


def queue(session: Session, message: EmailMessage) -> OutboxMessage:
    """Write the composed message to the outbox in the session's transaction (and flush).

    It is delivered after the transaction commits and never if it rolls back. Raises
    ValueError for a message without a recipient."""
    recipients = ", ".join(str(value) for name in ("To", "Cc", "Bcc")
                           for value in message.get_all(name, []))
    if not recipients.strip():
        raise ValueError("The message has no recipient.")
    row = OutboxMessage(recipients=recipients[:1000], subject=str(message["Subject"] or "")[:300],
                        message=message.as_bytes(policy=default))
    session.add(row)
    session.flush()
    session.info[QUEUED] = True
    return row


@dataclass(frozen=True)
class Outbox:
    """A mailer for the services that take one: `send` queues the message in the session's
    transaction and returns where it went, 'outbox:<row id>'."""

    session: Session
    sender: str

    @classmethod
    def from_config(cls, session: Session, config: Mapping) -> Outbox:
        return cls(session, Mailer.from_config(config).sender)

    def send(self, message: EmailMessage) -> str:
        return f"outbox:{queue(self.session, message).id}"


def outbox_messages(outbox: Path) -> list[EmailMessage]:
    """The filed messages, oldest first (for development and tests)."""
    from email import message_from_bytes

    if not outbox.is_dir():
        return []
    return [message_from_bytes(path.read_bytes(), policy=default)
            for path in sorted(outbox.glob("*.eml"))]
