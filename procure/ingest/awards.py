"""Storing contract awards from any source, matched on (organisation, source, ocid, award
key): the import run's organisation's awards only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session, col

from procure.models import Award, AwardSupplier, ImportRun, Supplier, stored_id

AWARD_FIELDS = ("title", "cpv_code", "procedure", "method_details", "award_criteria",
                "number_of_tenderers", "tender_value_ore", "value_ore", "tender_deadline",
                "award_date", "decision_days", "suitability_sme", "bids_known_size", "sme_bids",
                "tender_id", "currency", "amount", "tender_currency", "tender_amount")

# (party key, name, organisation number, size class) of one winner of an award.
Winner = tuple[str, str, str, str]


@dataclass
class WinnerData:
    party_key: str
    name: str
    orgnr: str = ""
    size_class: str = "unknown"
    postal_code: str = ""


@dataclass
class AwardData:
    ocid: str
    award_key: str
    title: str = ""
    cpv_code: str = ""
    procedure: str = ""
    method_details: str = ""
    award_criteria: str | None = None
    number_of_tenderers: int | None = None
    tender_value_ore: int | None = None  # NOK, in øre
    value_ore: int | None = None  # NOK, in øre
    currency: str = "NOK"
    amount: Decimal | None = None  # as published, in `currency`
    tender_currency: str = "NOK"
    tender_amount: Decimal | None = None
    tender_deadline: date | None = None
    award_date: date | None = None
    decision_days: int | None = None
    suitability_sme: bool | None = None
    bids_known_size: int | None = None
    sme_bids: int | None = None
    tender_id: int | None = None
    winners: list[WinnerData] = field(default_factory=list)


def decision_days(deadline: date | None, decided: date | None) -> int | None:
    """Days from the tender deadline to the award; None when a date is missing or the award
    predates the deadline (a data error)."""
    if deadline is None or decided is None or decided < deadline:
        return None
    return (decided - deadline).days


def store_awards(session: Session, source: str, awards: list[AwardData],
                 run: ImportRun) -> tuple[int, int]:
    """Insert new awards, update changed ones; returns (inserted, updated)."""
    existing: dict[tuple[str, str], Award] = {}
    ocids = sorted({award.ocid for award in awards})
    for start in range(0, len(ocids), 500):
        statement = select(Award).where(col(Award.organisation_id) == run.organisation_id,
                                        col(Award.source) == source,
                                        col(Award.ocid).in_(ocids[start:start + 500]))
        for found in session.scalars(statement):
            existing[(found.ocid, found.award_key)] = found
    supplier_ids = _ensure_suppliers(session, awards)
    current = _current_winners(session, [stored_id(found) for found in existing.values()])
    inserted = updated = 0
    for data in awards:
        row = existing.get((data.ocid, data.award_key))
        winners = {(w.party_key, w.name[:300], w.orgnr, w.size_class) for w in data.winners}
        if row is None:
            row = Award(organisation_id=run.organisation_id, source=source, ocid=data.ocid,
                        award_key=data.award_key,
                        import_id=run.id, **{name: getattr(data, name) for name in AWARD_FIELDS})
            session.add(row)
            session.flush()
            inserted += 1
            changed_winners = True
        else:
            changes = {name: getattr(data, name) for name in AWARD_FIELDS
                       if getattr(row, name) != getattr(data, name)}
            changed_winners = current.get(stored_id(row), set()) != winners
            if changes or changed_winners:
                for name, value in changes.items():
                    setattr(row, name, value)
                row.import_id = run.id
                session.add(row)
                updated += 1
        if changed_winners:
            for old in session.scalars(select(AwardSupplier).where(
                    col(AwardSupplier.award_id) == row.id)):
                session.delete(old)
            session.flush()
            for party_key, name, orgnr, size_class in sorted(winners):
                session.add(AwardSupplier(award_id=stored_id(row), party_key=party_key, name=name,
                                          supplier_orgnr=orgnr, size_class=size_class,
                                          supplier_id=supplier_ids.get(orgnr)))
    session.flush()
    return inserted, updated


def _current_winners(session: Session, award_ids: list[int]) -> dict[int, set[Winner]]:
    result: dict[int, set[Winner]] = {}
    for start in range(0, len(award_ids), 500):
        statement = select(AwardSupplier).where(
            col(AwardSupplier.award_id).in_(award_ids[start:start + 500]))
        for winner in session.scalars(statement):
            result.setdefault(winner.award_id, set()).add(
                (winner.party_key, winner.name, winner.supplier_orgnr, winner.size_class))
    return result


def _ensure_suppliers(session: Session, awards: list[AwardData]) -> dict[str, int]:
    """Register winners with a valid organisation number that the register lacks (size from
    the award's scale); returns orgnr -> supplier id for every winner."""
    from procure.domain.places import kommunenummer_for

    wanted = {w.orgnr: w for award in awards for w in award.winners if w.orgnr}
    known: dict[str, int] = {}
    numbers = sorted(wanted)
    for start in range(0, len(numbers), 500):
        statement = select(col(Supplier.orgnr), col(Supplier.id)).where(
            col(Supplier.orgnr).in_(numbers[start:start + 500]))
        known.update(dict(session.execute(statement).all()))
    for orgnr in numbers:
        if orgnr in known:
            continue
        winner = wanted[orgnr]
        postal_code = winner.postal_code
        supplier = Supplier(orgnr=orgnr, name=(winner.name or orgnr)[:300],
                            postal_code=postal_code,
                            kommunenummer=(kommunenummer_for(postal_code) or "")
                            if postal_code else "",
                            size_class=winner.size_class, size_basis="ocds-scale")
        session.add(supplier)
        session.flush()
        known[orgnr] = stored_id(supplier)
    return known
