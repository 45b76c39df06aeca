"""`procure tender pdf` and `procure tender protocol`: write a tender's documents to files."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from procure import clock
from procure.cli.tender import tender
from procure.db import get_session
from procure.exports.documents import protocol_pdf, tender_pdf
from procure.exports.protocol import tender_protocol
from procure.exports.tender_document import tender_document
from procure.files import write_atomically
from procure.models import Tender

OUTPUT = click.option("-o", "--output", required=True,
                      type=click.Path(dir_okay=False, writable=True, path_type=Path))


def _load(tender_id: int) -> Tender:
    row = get_session().get(Tender, tender_id)
    if row is None:
        raise click.ClickException(f"No tender with id {tender_id}.")
    return row


@tender.command("pdf")
@click.argument("tender_id", type=int)
@OUTPUT
@with_appcontext
def pdf_command(tender_id: int, output: Path) -> None:
    """Write the tender documents (konkurransegrunnlag) as PDF."""
    row = _load(tender_id)
    write_atomically(output, tender_pdf(tender_document(get_session(), row,
                                                          now=clock.now())))
    click.echo(f"Wrote {output}")


@tender.command("protocol")
@click.argument("tender_id", type=int)
@OUTPUT
@with_appcontext
def protocol_command(tender_id: int, output: Path) -> None:
    """Write the procurement protocol as PDF."""
    row = _load(tender_id)
    generated = clock.norwegian_day(clock.now())
    write_atomically(output, protocol_pdf(tender_protocol(get_session(), row),
                                          generated=generated))
    click.echo(f"Wrote {output}")
