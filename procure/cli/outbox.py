"""`procure outbox send|status`: deliver the queued e-mail from cron or a worker, and see what
is waiting. Several may run at once (and beside the app's own delivery thread): each message is
claimed before it is sent, so none goes out twice."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlmodel import col

from procure.db import get_engine, get_session
from procure.models import OutboxMessage


@click.group("outbox")
def outbox_group() -> None:
    """E-mail queued by the app, delivered after its transaction commits."""


@outbox_group.command("send")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1),
              help="At most this many messages in this run.")
@click.option("--retry-failed", is_flag=True,
              help="First give the messages that failed for good a fresh set of attempts.")
@click.option("--keep-days", default=30, show_default=True, type=click.IntRange(0),
              help="Delete sent messages older than this many days.")
@with_appcontext
def outbox_send(limit: int, retry_failed: bool, keep_days: int) -> None:
    """Deliver every message that is due (new ones and retries whose wait is over)."""
    from procure import outbox

    session = get_session()
    if retry_failed:
        click.echo(f"{outbox.retry_failed(session)} failed message(s) will be tried again.")
    purged = outbox.purge_sent(session, keep_days)
    session.commit()
    report = outbox.deliver_pending(get_engine(), current_app.extensions["procure.outbox"]
                                    .transport(), limit=limit)
    click.echo(f"Sent {report.sent} message(s); {report.retrying} will be tried again later; "
               f"{report.failed} failed for good.")
    if purged:
        click.echo(f"Deleted {purged} message(s) sent more than {keep_days} day(s) ago.")
    if report.retrying or report.failed:
        raise click.ClickException("Some messages could not be delivered; see "
                                   "`procure outbox status`.")


@outbox_group.command("status")
@with_appcontext
def outbox_status() -> None:
    """Count the messages by status and show why the undelivered ones failed."""
    from procure import outbox

    session = get_session()
    found = outbox.counts(session)
    click.echo(", ".join(f"{status}: {found.get(status, 0)}"
                         for status in ("pending", "sending", "sent", "failed")))
    troubled = session.scalars(
        select(OutboxMessage).where(col(OutboxMessage.status).in_(("pending", "failed")),
                                    col(OutboxMessage.last_error) != "")
        .order_by(col(OutboxMessage.id)).limit(20))
    for row in troubled:
        state = ("gave up" if row.status == "failed"
                 else f"next try {row.next_attempt_at:%Y-%m-%d %H:%M} UTC")
        click.echo(f"#{row.id} after {row.attempts} attempt(s), {state}: {row.last_error}")
