"""The `procure` command: Flask's CLI group (run, routes, shell) plus our commands."""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError, ProgrammingError

from procure import create_app
from procure.config import ConfigError


@click.group(cls=FlaskGroup, create_app=create_app)
def cli() -> None:
    """procure: procurement support for Norwegian municipalities."""


def main() -> None:
    """Console entry point: configuration errors are one line, not a traceback."""
    try:
        cli.main(prog_name="procure")
    except ConfigError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    except (OperationalError, ProgrammingError) as error:
        click.echo(f"Error: {database_problem(error)}", err=True)
        sys.exit(1)


def database_problem(error: OperationalError | ProgrammingError) -> str:
    """One line for a database that is missing, unreachable or not migrated."""
    text = str(error.orig).lower()
    if "no such table" in text or ("relation" in text and "does not exist" in text) \
            or "no such column" in text or ("column" in text and "does not exist" in text):
        return ("the database is not set up for this version of procure. "
                "Run `procure db upgrade` first.")
    if "unable to open database" in text or "connection" in text or "could not connect" in text:
        return f"cannot reach the database ({str(error.orig).splitlines()[0]})."
    return f"the database refused the command ({str(error.orig).splitlines()[0]})."
