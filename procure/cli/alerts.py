"""`procure alerts send`: e-mail each confirmed subscriber the purchases that are new or
changed for them. Run it from cron (for example every morning); running it twice sends
nothing twice."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from procure.db import get_session
from procure.mail import MailError


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
        mailer = emails.mailer()
        sent = failed = 0
        for digest in digests:
            if dry_run:
                click.echo(f"Would send {len(digest.items)} purchase(s) to {digest.email}")
                continue
            try:
                # Record first: if another run got there first, the unique key stops us
                # before anything is sent. The commit follows the hand-over to the mailer.
                alerts.record(session, digest)
                mailer.send(emails.digest(digest))
                session.commit()
            except IntegrityError:
                session.rollback()
                continue
            except MailError as error:
                session.rollback()
                failed += 1
                click.echo(f"Could not send to {digest.email}: {error}", err=True)
                continue
            sent += 1
        if dry_run:
            click.echo(f"{len(digests)} digest(s) due; nothing sent (dry run).")
            return
        click.echo(f"Sent {sent} digest(s) with {len(alerts.item_ids(digests))} "
                   f"purchase(s) in all.")
        if failed:
            raise click.ClickException(f"{failed} digest(s) could not be sent; run again later.")
