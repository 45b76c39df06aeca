"""Contract awards from procure's own tenders: every awarded, uncancelled tender.

The winner and the offers come from the simplified competition where there is one
(`Competition.winner_supplier_id`, `CompetitionOffer`): the number of tenders received, and the
bids by supplier size from the register. The award criteria are "price only" when price weighs
100 %, else "rated criteria"; unknown while no weights are set.

The awarded value is the winning offer's price (NOK, excluding VAT) in a simplified
competition; in an innovation partnership, the maximum cost of its phases plus the purchase
option's, as agreed with the partners. Otherwise the value is unknown (None), never 0: the
estimated value is the tender's value, not the award's.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from procure import clock
from procure.domain.size_class import KNOWN_CLASSES, SME_CLASSES
from procure.ingest import finish_run, start_run
from procure.ingest.awards import (
    AwardData,
    WinnerData,
    decision_days,
    store_awards,
)
from procure.ingest.reading import lookup_cpv
from procure.models import (
    Competition,
    CompetitionOffer,
    ImportRun,
    InnovationPartnership,
    PartnershipPhase,
    Supplier,
    Tender,
    stored_id,
)

OSLO = clock.OSLO


def _kroner(ore: int | None) -> Decimal | None:
    return None if ore is None else Decimal(ore) / 100


def tender_ocid(tender: Tender) -> str:
    return f"procure-tender-{tender.id}"


def _offers(session: Session) -> dict[int, tuple[int, int, int]]:
    """tender id -> (offers, offers from suppliers of known size, offers from SMEs)."""
    size = func.coalesce(col(Supplier.size_class), "unknown")
    statement = (
        select(col(CompetitionOffer.tender_id), func.count(),
               func.sum(case((size.in_(KNOWN_CLASSES), 1), else_=0)),
               func.sum(case((size.in_(SME_CLASSES), 1), else_=0)))
        .outerjoin(Supplier, col(Supplier.id) == col(CompetitionOffer.supplier_id))
        .group_by(col(CompetitionOffer.tender_id))
    )
    return {tender_id: (int(n), int(known or 0), int(sme or 0))
            for tender_id, n, known, sme in session.execute(statement)}


def _winners(session: Session) -> dict[int, Supplier]:
    statement = (select(col(Competition.tender_id), Supplier)
                 .join(Supplier, col(Supplier.id) == col(Competition.winner_supplier_id)))
    return {tender_id: supplier for tender_id, supplier in session.execute(statement)}


def _winning_prices(session: Session) -> dict[int, int]:
    """tender id -> the winner's offer price in øre (simplified competitions)."""
    statement = (select(col(CompetitionOffer.tender_id), col(CompetitionOffer.price))
                 .join(Competition,
                       (col(Competition.tender_id) == col(CompetitionOffer.tender_id))
                       & (col(Competition.winner_supplier_id)
                          == col(CompetitionOffer.supplier_id))))
    return {tender_id: round(price * 100) for tender_id, price in session.execute(statement)}


def _partnership_values(session: Session) -> dict[int, int]:
    """tender id -> the partnership's maximum cost in øre: its phases plus the purchase
    option; only for partnerships whose partners are chosen and that have phases."""
    phases: dict[int, Decimal] = dict(session.execute(
        select(col(PartnershipPhase.tender_id), func.sum(col(PartnershipPhase.max_cost)))
        .group_by(col(PartnershipPhase.tender_id))).all())
    values: dict[int, int] = {}
    for partnership in session.scalars(select(InnovationPartnership).where(
            col(InnovationPartnership.partners_selected_at).is_not(None))):
        if phases.get(partnership.tender_id) is None:
            continue
        total = phases[partnership.tender_id] + (partnership.purchase_max_cost or 0)
        values[partnership.tender_id] = round(total * 100)
    return values


def _criteria(tender: Tender) -> str | None:
    if tender.weight_price is None:
        return None
    return "priceOnly" if tender.weight_price >= 100 else "ratedCriteria"


def sync_tender_awards(session: Session, *, organisation_id: int,
                       actor_id: int | None = None) -> ImportRun:
    """Upsert one award per awarded tender of the organisation (source "procure")."""
    statement = select(Tender).where(col(Tender.organisation_id) == organisation_id,
                                     col(Tender.awarded_at).is_not(None),
                                     col(Tender.cancelled_at).is_(None)).order_by(col(Tender.id))
    offers = _offers(session)
    winners = _winners(session)
    values = {**_partnership_values(session), **_winning_prices(session)}
    awards = []
    for tender in session.scalars(statement):
        tender_id = stored_id(tender)
        assert tender.awarded_at is not None  # the statement takes awarded tenders only
        awarded = tender.awarded_at.astimezone(OSLO).date()
        value = (round(tender.estimated_value * 100)
                 if tender.estimated_value is not None else None)
        count, known, sme = offers.get(tender_id) or (None, None, None)
        winner = winners.get(tender_id)
        awards.append(AwardData(
            ocid=tender_ocid(tender), award_key="1", title=tender.title[:300],
            cpv_code=(lookup_cpv(tender.cpv_code) or "") if tender.cpv_code else "",
            procedure=(tender.procedure or tender.track or "")[:60],
            award_criteria=_criteria(tender), number_of_tenderers=count,
            tender_value_ore=value, value_ore=values.get(tender_id),
            amount=_kroner(values.get(tender_id)), tender_amount=tender.estimated_value,
            tender_deadline=tender.tender_deadline,
            award_date=awarded, decision_days=decision_days(tender.tender_deadline, awarded),
            bids_known_size=known, sme_bids=sme, tender_id=tender.id,
            winners=[WinnerData(party_key=winner.orgnr, name=winner.name, orgnr=winner.orgnr)]
            if winner is not None else [],
        ))
    run = start_run(session, "tenders", "procure", actor_id, organisation_id=organisation_id)
    inserted, updated = store_awards(session, "procure", awards, run)
    return finish_run(session, run, rows_read=len(awards), inserted=inserted, updated=updated)
