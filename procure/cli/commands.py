"""Our commands, added to the app's CLI group so `procure` and `flask` both see them."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from procure import clock
from procure.cli.orgs import chosen_organisation, organisation_option
from procure.db import get_session
from procure.demo.loader import load_demo
from procure.services import accounts


def register_cli(app: Flask) -> None:
    import procure.cli.tender_documents  # noqa: F401  (adds pdf and protocol to `tender`)
    from procure.cli.alerts import alerts_group
    from procure.cli.criteria import criteria
    from procure.cli.notice import notice_group
    from procure.cli.orgs import org_group
    from procure.cli.outbox import outbox_group
    from procure.cli.recommend import recommend_command
    from procure.cli.tender import tender

    for command in (db_group, demo_group, users_group, org_group, recommend_command, criteria,
                    tender, alerts_group, outbox_group, notice_group):
        app.cli.add_command(command)
    from procure.cli.stats import register_statistics_cli  # `stats` and `import` groups
    register_statistics_cli(app)


@click.group("db")
def db_group() -> None:
    """Database migrations, backup and restore."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations up to REVISION."""
    from procure.migrate import MigrationRefused, upgrade

    try:
        upgrade(current_app.config["DATABASE_URL"], revision)
    except MigrationRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"Database is at {revision}.")


@db_group.command("backup")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="File to write; default instance/backups/procure-<time>.")
@click.option("--schema", default=None, help="PostgreSQL only: back up just this schema.")
@with_appcontext
def db_backup(output: Path | None, schema: str | None) -> None:
    """Write a consistent backup of the database (SQLite file or pg_dump custom format)."""
    from procure.backup import BackupError, backup_database

    url = current_app.config["DATABASE_URL"]
    if output is None:
        stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
        suffix = ".sqlite3" if url.startswith("sqlite") else ".dump"
        output = Path(current_app.instance_path) / "backups" / f"procure-{stamp}{suffix}"
    try:
        written = backup_database(url, output, schema=schema)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {written}")


@db_group.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--schema", default=None, help="PostgreSQL only: restore just this schema.")
@click.confirmation_option(prompt="This replaces everything in the database. Continue?")
@with_appcontext
def db_restore(backup: Path, schema: str | None) -> None:
    """Replace the database's contents with BACKUP (from `procure db backup`). Stop the app
    first; all or nothing."""
    from procure.backup import BackupError, restore_database
    from procure.db import get_engine

    get_engine().dispose()  # no pooled connection of ours holds a lock or a stale page
    try:
        restore_database(current_app.config["DATABASE_URL"], backup, schema=schema)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {backup}")


@click.group("demo")
def demo_group() -> None:
    """Demo data."""


@demo_group.command("load")
@with_appcontext
def demo_load() -> None:
    """Load the Lillestrøm demo data; running it again changes nothing. Refused in production."""
    if current_app.config.get("ENV") == "production":
        raise click.ClickException(
            "The demo data is refused in production (PROCURE_ENV=production): it creates "
            "accounts with a published password. Create real users with `procure users create`.")
    session = get_session()
    load_demo(session)
    session.commit()
    click.echo("Demo data loaded. Demo logins (demo only): officer@lillestrom.example, "
               "controller@lillestrom.example, admin@lillestrom.example / demo-password")


@click.group("users")
def users_group() -> None:
    """User accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--role", "roles", required=True, multiple=True,
              type=click.Choice(accounts.ROLES), help="Repeat for several roles.")
@click.option("--password", default=None, help="Generated and printed when left out.")
@click.option("--name", default="")
@organisation_option
@with_appcontext
def users_create(email: str, roles: tuple[str, ...], password: str | None, name: str,
                 org: str | None) -> None:
    """Create a user with one or more roles, working for the organisation --org (the only
    one when left out; none while there is none)."""
    from procure.services.organisations import all_organisations

    session = get_session()
    generated = password is None
    password = password or secrets.token_urlsafe(16)
    organisation = (chosen_organisation(org) if org or all_organisations(session)
                    else None)
    try:
        user = accounts.create_user(session, email, password, set(roles), name=name,
                                    organisation_id=organisation.id if organisation else None)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    session.commit()
    click.echo(f"Created {user.email} with roles {', '.join(sorted(roles))}"
               + (f", in {organisation.name}." if organisation else "."))
    if generated:
        click.echo(f"Password: {password}")


@users_group.command("set-org")
@click.option("--email", required=True)
@click.option("--org", "org", required=True, metavar="ORGNR",
              help="The organisation number of the organisation the user works for.")
@with_appcontext
def users_set_org(email: str, org: str) -> None:
    """Move a user to another organisation: from their next page on they see its tenders,
    supplier contacts, imports and statistics, and no longer the old one's."""
    from procure.services.organisations import assign_user

    session = get_session()
    user = accounts.find_user(session, email)
    if user is None:
        raise click.ClickException(f"There is no user with e-mail {email.strip().lower()}.")
    organisation = chosen_organisation(org)
    changed = assign_user(session, user, organisation, actor_id=None)
    session.commit()
    click.echo(f"{user.email} works for {organisation.name}"
               + ("." if changed else " already; nothing changed."))
