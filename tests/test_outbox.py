"""Mail after commit (issue 17): e-mail is written to an outbox in the transaction and
delivered only after it commits, never after a rollback, without the request waiting."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from procure import create_app, outbox
from procure.db import get_session
from procure.mail import Mailer, MailError, compose, outbox_messages, queue
from procure.models import OutboxMessage, utcnow
from tests.helpers import csrf_token

SENDER = "Lillestrøm kommune <noreply@lillestrom.example>"


def message(to: str = "leverandor@bedrift.example", subject: str = "Hei"):
    return compose(SENDER, to, subject, "Tekst med æøå.\n")


def rows(db) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def files(app) -> list:
    return outbox_messages(Path(app.config["OUTBOX_DIR"]))


# --- after commit, never after a rollback ------------------------------------------------------


def test_mail_goes_out_after_commit_and_a_rollback_sends_nothing(app, db):
    with app.app_context():
        session = get_session()
        queue(session, message(subject="Angret"))
        assert files(app) == []  # queued, not sent
        session.rollback()
        session.commit()
        assert files(app) == [] and rows(db) == []
        row = queue(session, message(subject="Sendt"))
        assert files(app) == []
        session.commit()
    [mail] = files(app)
    assert mail["Subject"] == "Sendt" and mail.get_content() == "Tekst med æøå.\n"
    [stored] = rows(db)
    assert (stored.id, stored.status, stored.attempts) == (row.id, "sent", 1)
    assert stored.delivered_to.endswith(".eml") and stored.sent_at is not None


def test_a_savepoint_rolled_back_keeps_the_mail_queued_before_it(app, db):
    with app.app_context():
        session = get_session()
        queue(session, message(subject="Før"))
        with pytest.raises(RuntimeError), session.begin_nested():
            queue(session, message(subject="I savepoint"))
            raise RuntimeError
        session.commit()
    assert [m["Subject"] for m in files(app)] == ["Før"]


def test_a_view_that_fails_after_queueing_sends_nothing(app, client, db):
    @app.get("/test-outbox-then-fail")
    def queue_then_fail():
        queue(get_session(), message(subject="Skulle aldri gått"))
        raise RuntimeError("the step failed after the mail was queued")

    assert client.get("/test-outbox-then-fail").status_code == 500
    assert files(app) == [] and rows(db) == []


def test_an_answer_rolled_back_after_its_mail_was_queued_sends_nothing(app, login_as, db,
                                                                      tmp_path, monkeypatch):
    """The real view: the answer's e-mails are queued, then the audit record fails and the
    view rolls back. Before the outbox those e-mails had already gone out."""
    from procure.models import CompetitionQuestion, SupplierMessage
    from procure.services import audit, competition, suppliers
    from tests.helpers import post_form
    from tests.web.test_competition import NEW_SUPPLIERS, _simplified_tender

    client = login_as("officer")
    tender = _simplified_tender(client, db)
    arrange = Mailer(sender="x@lillestrom.example", outbox=tmp_path / "arrange")
    for orgnr, name, address, postal, size in NEW_SUPPLIERS:
        supplier = suppliers.create_supplier(db, {"orgnr": orgnr, "name": name, "address": address,
                                                  "postal_code": postal, "size_class": size},
                                             actor_id=None)
        suppliers.add_contact(db, supplier, {"name": "Post", "email": f"p@{orgnr}.example"},
                              organisation_id=tender.organisation_id, actor_id=None)
        competition.invite_supplier(db, tender, supplier.id, actor_id=None)
    today = utcnow().date()
    competition.send_invitations(db, tender, today + timedelta(days=10), "", actor_id=None,
                                 mailer=arrange, today=today)
    question = competition.add_question(db, tender, "Hvor mange bygg?", None, actor_id=None)
    db.commit()
    real_record = audit.record

    def failing_record(session, action, **kwargs):
        if action == "competition.answer_sent":
            assert session.exec(select(OutboxMessage)).all(), "the answers were queued first"
            raise competition.CompetitionError("Lagring feilet.")
        return real_record(session, action, **kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    base = f"/officer/tenders/{tender.id}/competition"
    response = post_form(client, f"{base}/questions/{question.id}/answer",
                         {"answer": "Seks bygg."}, page=f"{base}/questions")
    assert response.status_code == 400
    assert files(app) == [] and rows(db) == []
    assert db.get(CompetitionQuestion, question.id).answered_at is None
    assert db.exec(select(SupplierMessage).where(
        SupplierMessage.tender_id == tender.id, SupplierMessage.kind == "answer")).all() == []


# --- the request does not wait ------------------------------------------------------------------


@pytest.fixture
def threaded_app(engine, tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-" + "x" * 32,
                      "DATABASE_URL": engine.url.render_as_string(hide_password=False),
                      "ENGINE": engine, "OUTBOX_DIR": str(tmp_path / "outbox"),
                      "OUTBOX_DELIVERY": "thread", "INTEREST_MIN_FILL_SECONDS": 0})
    yield app
    app.extensions["procure.outbox"].close()


def test_privacy_request_does_not_wait_on_the_mail_server(threaded_app, db, monkeypatch):
    """Issue 19, 7: the erasure mail is sent from a queue the request does not wait on, so
    the answer takes as long whether or not the address is registered."""
    from tests.public_data import organisation
    from tests.web.test_public_interest import submit

    app, client = threaded_app, threaded_app.test_client()
    started, release, delivered = threading.Event(), threading.Event(), threading.Event()
    real_send = Mailer.send

    def slow_server(self, mail):
        started.set()
        assert release.wait(10), "the test never let the mail server answer"
        where = real_send(self, mail)
        delivered.set()
        return where

    def wait_for(condition) -> bool:
        deadline = time.monotonic() + 10
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.05)
        return condition()

    organisation(db)  # the public site's: the registration belongs to it
    db.commit()
    assert submit(client, {"divisions": ["90"], "business_name": "Bedrift AS"}).status_code == 302
    # The confirmation, delivered by the thread.
    assert wait_for(lambda: [row.status for row in rows(db)] == ["sent"])
    monkeypatch.setattr(Mailer, "send", slow_server)
    page = client.get("/privacy")
    answer = client.post("/privacy", data={"csrf_token": csrf_token(page.text),
                                           "email": "post@bedrift.example"})
    assert answer.status_code == 302 and answer.location == "/privacy/erase-sent"
    assert started.wait(10)  # delivery has begun, in another thread, and is stuck ...
    assert not delivered.is_set() and len(files(app)) == 1  # ... while the answer is out
    [_confirmation, erasure] = rows(db)
    assert erasure.status == "sending"
    release.set()
    assert delivered.wait(10)
    assert wait_for(lambda: rows(db)[-1].status == "sent")
    assert [m["Subject"] for m in files(app)][-1] == "Slett opplysningene dine"


# --- delivery: claims, retries, the CLI ---------------------------------------------------------


class Recorder:
    """A mail server that is slow enough for two workers to overlap and counts every send."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids: list[str] = []

    def send(self, mail) -> str:
        time.sleep(0.01)
        with self.lock:
            self.ids.append(mail["Message-ID"])
        return "recorder"


def test_two_workers_at_once_send_each_message_once(engine, db):
    for number in range(20):
        queue(db, message(subject=f"Nr. {number}"))
    db.commit()  # a bare session: no app, so nothing is delivered yet
    assert {row.status for row in rows(db)} == {"pending"}
    recorder, reports, errors = Recorder(), [], []

    def worker() -> None:
        try:
            reports.append(outbox.deliver_pending(engine, recorder))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(60)
    assert errors == []
    assert len(recorder.ids) == len(set(recorder.ids)) == 20
    assert sum(r.sent for r in reports) == 20 and sum(r.handled for r in reports) == 20
    assert {(row.status, row.attempts, row.claim) for row in rows(db)} == {("sent", 1, "")}


def test_a_claim_is_won_once(engine, db):
    row = queue(db, message())
    db.commit()
    now = utcnow()
    with Session(engine) as first, Session(engine) as second:
        assert outbox.claim(first, row.id, now) is not None
        first.commit()
        assert outbox.claim(second, row.id, now) is None
        second.commit()


class Refusing:
    def send(self, mail) -> str:
        raise MailError("SMTP delivery to smtp.kommune.example:587 failed: 451 try later")


def test_failures_are_kept_retried_with_backoff_and_given_up(engine, db):
    row = queue(db, message())
    db.commit()
    now = utcnow()
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        report = outbox.deliver_pending(engine, Refusing(), now=now)
        assert report.handled == 1
        [stored] = rows(db)
        assert stored.attempts == attempt and "451 try later" in stored.last_error
        if attempt < outbox.MAX_ATTEMPTS:
            assert stored.status == "pending"
            assert outbox.deliver_pending(engine, Refusing(), now=now).handled == 0  # waits
            assert stored.next_attempt_at > now
            now = stored.next_attempt_at + timedelta(seconds=1)
    assert (stored.id, stored.status, report.failed) == (row.id, "failed", 1)
    assert outbox.deliver_pending(engine, Refusing(), now=now + timedelta(days=1)).handled == 0


def test_a_worker_that_died_while_sending_is_taken_over_later(engine, db):
    row = queue(db, message())
    row.status, row.claim, row.claimed_at = "sending", "dead-worker", utcnow()
    db.add(row)
    db.commit()
    recorder = Recorder()
    assert outbox.deliver_pending(engine, recorder).handled == 0  # it may still be sending
    later = utcnow() + outbox.STALE_CLAIM + timedelta(seconds=1)
    assert outbox.deliver_pending(engine, recorder, now=later).sent == 1
    assert rows(db)[0].status == "sent"


def test_cli_delivers_what_sessions_outside_the_app_queued(app, runner, db):
    queue(db, message(subject="Fra cron"))
    db.commit()
    assert files(app) == []
    result = runner.invoke(args=["outbox", "status"])
    assert result.exit_code == 0 and "pending: 1" in result.output
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 message(s)" in result.output
    assert [m["Subject"] for m in files(app)] == ["Fra cron"]
    again = runner.invoke(args=["outbox", "send"])
    assert "Sent 0 message(s)" in again.output and len(files(app)) == 1


def test_cli_reports_failures_and_retries_the_given_up(app, runner, db):
    row = queue(db, message(subject="Til slutt"))
    row.status, row.attempts, row.last_error = "failed", outbox.MAX_ATTEMPTS, "MailError: 550"
    db.add(row)
    db.commit()
    status = runner.invoke(args=["outbox", "status"])
    assert "failed: 1" in status.output and "gave up: MailError: 550" in status.output
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9, SMTP_SECURITY="none")
    refused = runner.invoke(args=["outbox", "send", "--retry-failed"])
    assert refused.exit_code == 1 and "1 will be tried again later" in refused.output
    assert "127.0.0.1:9" in rows(db)[0].last_error
    app.config.update(SMTP_HOST="")
    row = rows(db)[0]
    row.next_attempt_at = utcnow()
    db.add(row)
    db.commit()
    sent = runner.invoke(args=["outbox", "send"])
    assert sent.exit_code == 0 and "Sent 1 message(s)" in sent.output
    assert [m["Subject"] for m in files(app)] == ["Til slutt"]


def test_sent_messages_are_deleted_after_the_keeping_time(engine, db):
    old = queue(db, message(subject="Gammel"))
    queue(db, message(subject="Ny"))
    db.commit()
    outbox.deliver_pending(engine, Recorder())
    old = db.get(OutboxMessage, old.id)
    old.sent_at = utcnow() - timedelta(days=outbox.KEEP_SENT_DAYS + 1)
    db.add(old)
    db.commit()
    assert outbox.purge_sent(db) == 1
    db.commit()
    assert [row.subject for row in rows(db)] == ["Ny"]


def test_cron_mode_leaves_delivery_to_the_cli(engine, tmp_path, db):
    app = create_app({"TESTING": True, "SECRET_KEY": "s" * 40, "ENGINE": engine,
                      "DATABASE_URL": engine.url.render_as_string(hide_password=False),
                      "OUTBOX_DIR": str(tmp_path / "outbox"), "OUTBOX_DELIVERY": "cron"})
    with app.app_context():
        queue(get_session(), message())
        get_session().commit()
    assert files(app) == [] and rows(db)[0].status == "pending"
    assert app.test_cli_runner().invoke(args=["outbox", "send"]).exit_code == 0
    assert len(files(app)) == 1


def test_a_message_without_recipient_is_refused(db):
    mail = compose(SENDER, "a@x.example", "S", "T")
    del mail["To"]
    with pytest.raises(ValueError, match="no recipient"):
        queue(db, mail)
