"""Delivering the outbox: e-mail queued in a transaction (procure.mail.queue) goes out after
that transaction commits, never before and never after a rollback.

Who delivers:
- During a request, a commit that queued mail wakes this process's delivery thread, so the
  response never waits on the mail server (OUTBOX_DELIVERY "thread", the default).
- Outside a request (CLI commands), the commit delivers at once: a cron job may wait.
- In tests (TESTING, or OUTBOX_DELIVERY "sync") every commit delivers at once, so a test reads
  the OUTBOX_DIR files right after its request.
- `procure outbox send` delivers whatever is due, for a cron job or a worker; with
  OUTBOX_DELIVERY "cron" it is the only one that does.

A message is claimed before it is sent: one UPDATE from "pending" to "sending" with a fresh
token, committed at once. Only one worker's UPDATE matches, on SQLite and PostgreSQL alike, so
two workers delivering at the same time never send a message twice. A failure is counted and
kept (`last_error`) and the message is tried again later (backoff doubling from a minute,
MAX_ATTEMPTS in all, then "failed"). A worker that dies while sending leaves its claim; after
STALE_CLAIM the message is due again (so it may go out twice in that one case: at least once,
never lost). Sent rows are deleted after KEEP_SENT_DAYS by `procure outbox send`.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any, Protocol, cast

from flask import Flask, has_request_context
from sqlalchemy import CursorResult, Engine, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from procure.config import ConfigError
from procure.mail import QUEUED, Mailer
from procure.models import OutboxMessage, utcnow

logger = logging.getLogger("procure.outbox")

MODES = ("thread", "sync", "cron")
MAX_ATTEMPTS = 8  # about four hours of retries with the backoff below
STALE_CLAIM = timedelta(minutes=15)  # far beyond the SMTP timeout of one message
KEEP_SENT_DAYS = 30
POLL_SECONDS = 60.0  # the delivery thread also looks for due retries this often
DISPATCHER = "procure.outbox.dispatcher"  # session.info key, set by procure.db.get_session


class Transport(Protocol):
    """What delivery needs of a mailer: `send(message)` returns where it went, raises on
    failure. procure.mail.Mailer is one."""

    def send(self, message: EmailMessage) -> str: ...


@dataclass
class Report:
    """What one delivery pass did."""

    sent: int = 0
    retrying: int = 0  # failed this time, due again later
    failed: int = 0  # failed for the last time
    skipped: int = 0  # claimed by another worker first

    def add(self, other: Report) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.skipped += other.skipped

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


def backoff(attempts: int) -> timedelta:
    """The wait after the given number of failed attempts: 1, 2, 4 ... minutes, at most 2 h."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def _due(now: datetime) -> ColumnElement[bool]:
    """Pending and due, or claimed by a worker that has not finished for STALE_CLAIM."""
    return or_(
        and_(col(OutboxMessage.status) == "pending", col(OutboxMessage.next_attempt_at) <= now),
        and_(col(OutboxMessage.status) == "sending",
             col(OutboxMessage.claimed_at) < now - STALE_CLAIM))


def due_ids(engine: Engine, now: datetime, limit: int) -> list[int]:
    with Session(engine) as session:
        return list(session.scalars(select(col(OutboxMessage.id)).where(_due(now))
                                    .order_by(col(OutboxMessage.id)).limit(limit)))


def claim(session: Session, message_id: int, now: datetime) -> str | None:
    """Mark the message as being sent by us; the token, or None when it is not due (another
    worker claimed or sent it). The caller commits at once."""
    token = uuid.uuid4().hex
    result = session.execute(
        update(OutboxMessage).where(col(OutboxMessage.id) == message_id, _due(now))
        .values(status="sending", claim=token, claimed_at=now)
        .execution_options(synchronize_session=False))
    # an UPDATE or DELETE gives a CursorResult (with a row count), typed as any Result
    return token if cast(CursorResult[Any], result).rowcount == 1 else None


def deliver_one(engine: Engine, transport: Transport, message_id: int,
                now: datetime | None = None) -> Report:
    """Claim, send and record one message (three short transactions; none open while the
    mail server is talked to)."""
    now = now or utcnow()
    report = Report()
    with Session(engine, expire_on_commit=False) as session:
        token = claim(session, message_id, now)
        if token is None:
            session.rollback()
            report.skipped += 1
            return report
        raw, attempts = session.execute(
            select(col(OutboxMessage.message), col(OutboxMessage.attempts))
            .where(col(OutboxMessage.id) == message_id)).one()
        session.commit()
    try:
        message = message_from_bytes(raw, policy=default)
        where = transport.send(message)
    except Exception as error:  # noqa: BLE001 (any failure is recorded and retried)
        attempts += 1
        given_up = attempts >= MAX_ATTEMPTS
        logger.warning("Outbox message %s could not be delivered (attempt %s of %s)",
                       message_id, attempts, MAX_ATTEMPTS, exc_info=True)
        values: dict[str, Any] = {
            "status": "failed" if given_up else "pending", "attempts": attempts,
            "last_error": f"{type(error).__name__}: {error}"[:2000], "claim": "",
            "next_attempt_at": utcnow() + backoff(attempts)}
        if given_up:
            report.failed += 1
        else:
            report.retrying += 1
    else:
        values = {"status": "sent", "sent_at": utcnow(), "delivered_to": str(where)[:500],
                  "attempts": attempts + 1, "claim": ""}
        report.sent += 1
    with Session(engine) as session:
        result = session.execute(
            update(OutboxMessage).where(col(OutboxMessage.id) == message_id,
                                        col(OutboxMessage.claim) == token)
            .values(**values).execution_options(synchronize_session=False))
        session.commit()
    if cast(CursorResult[Any], result).rowcount != 1:
        logger.warning("Outbox message %s was claimed again while this worker sent it",
                       message_id)
    return report


def deliver_pending(engine: Engine, transport: Transport, *, limit: int = 500,
                    now: datetime | None = None) -> Report:
    """Deliver every message due now (up to `limit`), oldest first."""
    report = Report()
    for message_id in due_ids(engine, now or utcnow(), limit):
        report.add(deliver_one(engine, transport, message_id, now))
    return report


def retry_failed(session: Session) -> int:
    """Give the messages that failed for good a fresh set of attempts; how many."""
    result = session.execute(
        update(OutboxMessage).where(col(OutboxMessage.status) == "failed")
        .values(status="pending", attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False))
    session.flush()
    return cast(CursorResult[Any], result).rowcount or 0


def purge_sent(session: Session, keep_days: int = KEEP_SENT_DAYS,
               now: datetime | None = None) -> int:
    """Delete the messages sent more than `keep_days` ago; how many. (The tender's own record
    of a letter is its SupplierMessage, not the outbox.)"""
    before = (now or utcnow()) - timedelta(days=keep_days)
    result = session.execute(
        delete(OutboxMessage).where(col(OutboxMessage.status) == "sent",
                                    col(OutboxMessage.sent_at) < before)
        .execution_options(synchronize_session=False))
    session.flush()
    return cast(CursorResult[Any], result).rowcount or 0


def counts(session: Session) -> dict[str, int]:
    return {status: count for status, count in session.execute(
        select(col(OutboxMessage.status), func.count()).group_by(col(OutboxMessage.status)))}


class Dispatcher:
    """Delivers one app's outbox after commits (see the module docstring for when and how)."""

    def __init__(self, engine: Engine, config: Mapping, mode: str) -> None:
        if mode not in MODES:
            raise ConfigError(f"OUTBOX_DELIVERY must be one of {', '.join(MODES)}.")
        self.engine = engine
        self.config = config  # read at each delivery: SMTP settings may change in tests
        self.mode = mode
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._closed = False

    def transport(self) -> Transport:
        return Mailer.from_config(self.config)

    def committed(self) -> None:
        """A transaction that queued mail has committed."""
        if self.mode == "cron":
            return
        if self.mode == "thread" and has_request_context() and not self._closed:
            self._start()
            self._wake.set()
            return
        try:
            self.deliver_now()
        except Exception:  # noqa: BLE001 (the commit stands; `procure outbox send` retries)
            logger.exception("The outbox could not be delivered after commit")

    def deliver_now(self) -> Report:
        return deliver_pending(self.engine, self.transport())

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
                return
            self._pid = os.getpid()  # a forked worker starts its own thread
            self._wake = threading.Event()
            self._thread = threading.Thread(target=self._run, name="procure-outbox", daemon=True)
            self._thread.start()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the delivery thread (after its current pass); for tests and shutdown."""
        self._closed = True
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._wake.set()
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            self._wake.wait(timeout=POLL_SECONDS)
            self._wake.clear()
            if self._closed:
                return
            try:
                self.deliver_now()
            except Exception:  # noqa: BLE001 (keep the thread alive; log and go on)
                logger.exception("Outbox delivery failed")


def _after_commit(session: OrmSession) -> None:
    if session.in_nested_transaction():  # a savepoint: the mail is not committed yet
        return
    if session.info.pop(QUEUED, False):
        dispatcher = session.info.get(DISPATCHER)
        if dispatcher is not None:
            dispatcher.committed()


def _after_rollback(session: OrmSession) -> None:
    # Only the whole transaction's rollback: rows queued outside a savepoint that was rolled
    # back are still to be delivered.
    if not session.in_nested_transaction():
        session.info.pop(QUEUED, None)


# Registered by procure.db.register_hooks (create_app calls it), not on import.
ORM_HOOKS = (("after_commit", _after_commit), ("after_rollback", _after_rollback))


def init_app(app: Flask) -> Dispatcher:
    """The app's dispatcher; sessions from procure.db.get_session carry it."""
    mode = app.config.get("OUTBOX_DELIVERY") or ("sync" if app.testing else "thread")
    dispatcher = Dispatcher(app.extensions["procure.engine"], app.config, str(mode))
    app.extensions["procure.outbox"] = dispatcher
    return dispatcher
