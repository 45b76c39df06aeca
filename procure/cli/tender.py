"""`tender` command group: inspect a tender from the command line."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session, col, select

from procure.db import get_session
from procure.exports.protocol import tender_protocol
from procure.models import AuditEvent, Tender, User
from procure.services.tender_criteria import tender_summary
from procure.vocabulary import PROCEDURES, STATUSES, label


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def audit_events(session: Session, row: Tender) -> list[dict[str, Any]]:
    """Every recorded event on the tender, oldest first: who, when, what, and the details."""
    events = session.exec(select(AuditEvent).where(
        col(AuditEvent.object_type) == "tender", col(AuditEvent.object_id) == str(row.id))
        .order_by(col(AuditEvent.occurred_at), col(AuditEvent.id))).all()
    users = {u.id: u for u in session.exec(select(User).where(
        col(User.id).in_({e.actor_id for e in events if e.actor_id}))).all()}
    return [{"at": e.occurred_at.isoformat(), "actor": users[e.actor_id].email
             if e.actor_id in users else None, "action": e.action, "details": e.details}
            for e in events]


@click.group("tender")
def tender() -> None:
    """Inspect tenders."""


@tender.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@with_appcontext
def list_tenders(as_json: bool) -> None:
    """List every tender: id, reference, title, track and status."""
    rows = get_session().exec(select(Tender).order_by(col(Tender.id))).all()
    items = [{"id": r.id, "reference": r.reference, "title": r.title, "track": r.track,
              "status": r.status, "track_label": label(PROCEDURES, r.track),
              "status_label": label(STATUSES, r.status)} for r in rows]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        click.echo(f"{item['id']:>5}  {item['reference']:<12} {item['status_label']:<10} "
                   f"{item['track_label']:<40} {item['title']}")


@tender.command("show")
@click.argument("tender_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@with_appcontext
def show(tender_id: int, as_json: bool) -> None:
    """Show a tender's requirements (own and pinned), award weights and FOA § 7-9 result."""
    row = get_session().get(Tender, tender_id)
    if row is None:
        raise click.ClickException(f"no tender with id {tender_id}")
    # Plain JSON-able data, read here by key.
    summary: dict[str, Any] = tender_summary(get_session(), row,
                                             current_app.extensions["procure.rulebook"])
    if as_json:
        summary["audit"] = audit_events(get_session(), row)
        summary["protocol"] = dataclasses.asdict(tender_protocol(get_session(), row))
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2, default=_plain))
        return
    click.echo(f"{summary['reference']}  {summary['title']}  "
               f"({label(STATUSES, summary['status'])})")
    click.echo(f"CPV {summary['cpv_code'] or '-'}, planned notice date "
               f"{summary['planned_notice_date'] or '-'}, "
               f"track {label(PROCEDURES, summary['track'])}, "
               f"ambition {summary['ambition_level'] or '-'}")
    weights = summary["weights"]
    if weights["price"] is None:
        click.echo("Weights: no award criteria (the price alone decides)")
    else:
        click.echo("Weights: " + ", ".join(f"{name} {value} %" for name, value in weights.items())
                   + ("" if summary["weights_add_up"] else " (the criteria do not add up yet)"))
    click.echo(f"Requirements ({len(summary['requirements'])}):")
    for row in summary["requirements"]:
        indent = "    " if row["parent"] else "  "
        extra = f" {row['weight']} %" if row["weight"] is not None else ""
        extra += " [§ 7-9]" if row["climate_environment"] else ""
        pin = row["criterion"]
        source = f"  ({pin['id']} {pin['hash'][:12]})" if pin else ""
        click.echo(f"{indent}{row['kind']:<16} {row['title']}{extra}{source}")
    climate = summary["climate"]
    click.echo(f"§ 7-9: {climate['status'] or 'not checked'}"
               + (f" ({climate['basis']}, {climate['code']})" if climate["basis"] else ""))
    for line in climate["missing"]:
        click.echo(f"  - {line}")
