"""`procure org create|list`, and the `--org` option of the commands that work for one
organisation (imports, statistics, users)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click
from flask.cli import with_appcontext

from procure.db import get_session
from procure.models import Organisation
from procure.services import organisations

F = TypeVar("F", bound=Callable[..., object])
HINTS = {
    "There is no organisation yet: create one first.":
        " Use `procure org create --name NAME --orgnr ORGNR --kommunenummer NNNN`.",
    "There are several organisations: say which one (its organisation number).":
        " Add --org ORGNR; `procure org list` shows them.",
}


def organisation_option(function: F) -> F:
    """Add --org ORGNR: the organisation the command works for (the only one when left out)."""
    return click.option(
        "--org", "org", default=None, metavar="ORGNR",
        help="The organisation's organisation number (needed when there are several; "
             "`procure org list` shows them).")(function)


def chosen_organisation(orgnr: str | None) -> Organisation:
    """The organisation named by --org, or the only one; a one-line error otherwise."""
    try:
        return organisations.resolve(get_session(), orgnr)
    except organisations.OrganisationError as error:
        raise click.ClickException(f"{error}{HINTS.get(error.msgid, '')}") from None


@click.group("org")
def org_group() -> None:
    """Organisations: the municipalities (or purchasing partnerships) using procure."""


@org_group.command("create")
@click.option("--name", required=True, help="The organisation's name, e.g. Lillestrøm kommune.")
@click.option("--orgnr", required=True, help="Its organisation number (9 digits).")
@click.option("--kommunenummer", required=True,
              help="Its kommune number (4 digits, 2024 numbering): the home kommune of its "
                   "statistics.")
@with_appcontext
def org_create(name: str, orgnr: str, kommunenummer: str) -> None:
    """Create an organisation. Then give it users: `procure users set-org`."""
    session = get_session()
    try:
        row = organisations.create_organisation(session, name, orgnr, kommunenummer,
                                                actor_id=None)
    except organisations.OrganisationError as error:
        session.rollback()
        raise click.ClickException(str(error)) from None
    session.commit()
    click.echo(f"Created {row.name} (organisation number {row.orgnr}, kommune "
               f"{row.kommunenummer}).")


@org_group.command("list")
@with_appcontext
def org_list() -> None:
    """Every organisation: organisation number, kommune, users and name."""
    rows = organisations.with_user_counts(get_session())
    if not rows:
        click.echo("No organisations yet. Create one with `procure org create`.")
        return
    for item in rows:
        row = item.organisation
        kommune = f"{row.kommunenummer} {item.kommune}".strip()
        users = f"{item.users} user" + ("" if item.users == 1 else "s")
        click.echo(f"{row.orgnr}  {kommune:<24} {users:>9}  {row.name}")
