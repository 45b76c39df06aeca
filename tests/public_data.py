"""Test data for the public portal: tenders in any state, quickly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

from sqlmodel import Session, select

from procure.models import DialogueEvent, Organisation, Tender
from tests.helpers import oslo_today

_numbers = count(1)
NOW = datetime.now(UTC)


def organisation(db: Session) -> Organisation:
    found = db.exec(select(Organisation).where(Organisation.orgnr == "923456783")).first()
    if found is None:
        found = Organisation(name="Lillestrøm kommune", orgnr="923456783", kommunenummer="3205")
        db.add(found)
        db.flush()
    return found


def tender(db: Session, title: str, *, status: str = "planned", **fields) -> Tender:
    """A tender in the given status ('draft', 'planned', 'open', 'evaluation', 'awarded',
    'cancelled', 'closed'), with sensible public fields unless given."""
    stamps = {
        "draft": {},
        "planned": {"planned_at": NOW - timedelta(days=5)},
        "open": {"planned_at": NOW - timedelta(days=9), "opened_at": NOW - timedelta(days=2)},
        "evaluation": {"opened_at": NOW - timedelta(days=20),
                       "evaluation_at": NOW - timedelta(days=1)},
        "awarded": {"opened_at": NOW - timedelta(days=40),
                    "evaluation_at": NOW - timedelta(days=9), "awarded_at": NOW},
        "cancelled": {"planned_at": NOW - timedelta(days=9), "cancelled_at": NOW},
        "closed": {"opened_at": NOW - timedelta(days=90), "closed_at": NOW},
    }[status]
    values = {
        "organisation_id": organisation(db).id,
        "reference": f"T-{next(_numbers):04d}",
        "title": title,
        "description": f"Om {title}",
        "contract_type": "services",
        "cpv_code": "90911200-8",
        "estimated_value": Decimal(900_000),
        "tender_deadline": oslo_today() + timedelta(days=30),
        "track": "simplified-competition",
        **stamps,
        **fields,
    }
    row = Tender(**values)
    db.add(row)
    db.flush()
    return row


def event(db: Session, row: Tender, title: str = "Dialogkonferanse", *, days: int = 10,
          **fields) -> DialogueEvent:
    start = NOW.replace(microsecond=0) + timedelta(days=days)
    values = {"tender_id": row.id, "title": title, "starts_at": start,
              "ends_at": start + timedelta(hours=2), "place": "Rådhuset",
              "registration_deadline": (start - timedelta(days=2)).date(), **fields}
    item = DialogueEvent(**values)
    db.add(item)
    db.flush()
    return item
