"""The `procure` command: Flask's CLI group (run, routes, shell) plus our commands."""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

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
