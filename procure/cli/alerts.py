"""`procure alerts send`: e-mail each confirmed subscriber the purchases that are new or
changed for them. Run it from cron (for example every morning); running it twice sends
nothing twice. The digests go through the outbox: each is queued with its record and
delivered once that is committed; what cannot be delivered now stays in the outbox for
`procure outbox send`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from procure.db import get_session
from procure.mail import queue


@click.group("alerts")
def alerts_group() -> None:
    """E-mail alerts to businesses that registered interest."""


@alerts_group.command("send")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send and record nothing.")
@with_appcontext
def alerts_send(dry_run: bool) -> None:
    """Send the digests that are due, and delete expired unconfirmed registrations."""
    from procure.services import alerts, interest
    from procure.web.public import emails

    app = current_app  # the command's app context stays pushed throughout
    # Links in the e-mails are built on PUBLIC_BASE_URL, never on a request's host.
    with app.test_request_context("/", base_url=app.config["PUBLIC_BASE_URL"]):
        session = get_session()
        if not dry_run:
            purged = interest.purge_expired(session,
                                            confirm_days=app.config["INTEREST_CONFIRM_DAYS"])
            session.commit()
            if purged:
                click.echo(f"Deleted {purged} unconfirmed registration(s) past the deadline.")
        digests = alerts.pending_digests(session)
        sent = 0
        for digest in digests:
            if dry_run:
                click.echo(f"Would send {len(digest.items)} purchase(s) to {digest.email}")
                continue
            try:
                # Record and queue in one transaction: if another run got there first, the
                # unique key stops us and nothing is queued.
                alerts.record(session, digest)
                queue(session, emails.digest(digest))
                session.commit()
            except IntegrityError:
                session.rollback()
                continue
            sent += 1
        if dry_run:
            click.echo(f"{len(digests)} digest(s) due; nothing sent (dry run).")
            return
        report = app.extensions["procure.outbox"].deliver_now()
        click.echo(f"Sent {sent} digest(s) with {len(alerts.item_ids(digests))} "
                   f"purchase(s) in all.")
        if report.retrying or report.failed:
            raise click.ClickException(
                f"{report.retrying + report.failed} e-mail(s) could not be delivered; they stay "
                f"in the outbox and `procure outbox send` tries again.")
