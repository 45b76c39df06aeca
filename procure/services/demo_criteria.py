"""Demo tenders with green criteria applied (issue 4). Applying twice changes nothing.

Each published demo tender meets FOA § 7-9 in a different way, and one draft still uses
vehicle criteria from the superseded 2025-1 set, so the superseded-criteria report has
something to show. DEMO-5 is left without criteria for the officer (and the browser test)
to apply them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from procure.domain.criteria import DEFAULT_CRITERIA_DIR, load_library
from procure.domain.estimate import format_nok
from procure.domain.rules import RuleBook
from procure.models import Organisation, Tender, TenderCriterion
from procure.services import chooser, tender_criteria


@dataclass(frozen=True)
class DemoCriteria:
    criteria: tuple[str, ...]
    ambition: str
    weights: tuple[int, int, int, int] | None = None  # price, quality, climate, other
    award_weights: dict[str, int] = field(default_factory=dict)
    spec_justification: str = ""


PLANS = {
    # Cleaning: climate and environment weighted 30 %, split between two award criteria
    # (one of them above the tender's ambition level, chosen criterion by criterion).
    "DEMO-1": DemoCriteria(
        ("cln-kjem-01:1", "cln-dose-01:1", "cln-mikro-01:1", "cln-avfall-01:1",
         "cln-opplaering-01:1", "cln-merke-01:1", "cln-behov-01:1"),
        "avansert", (60, 10, 30, 0), {"cln-merke-01:1": 20, "cln-behov-01:1": 10}),
    # School meals: requirements in the specification, with a justification.
    "DEMO-2": DemoCriteria(
        ("food-veg-01:1", "food-svinn-01:1", "food-vann-01:1", "food-kjem-01:1"),
        "basis", (70, 30, 0, 0),
        spec_justification=(
            "Kravene til vegetarretter, matsvinn og springvann gir klart bedre klimaeffekt enn "
            "å vekte miljø i tildelingen, fordi de gjelder hele leveransen (FOA § 7-9 (2)).")),
    # Vans: 30 % climate and environment split between two award criteria.
    "DEMO-3": DemoCriteria(
        ("veh-lov-01:1", "veh-ev-01:2", "veh-lade-01:1", "veh-energi-01:1", "veh-lca-01:1"),
        "avansert", (50, 20, 30, 0), {"veh-energi-01:1": 20, "veh-lca-01:1": 10}),
    # Furniture: requirements in the specification combined with award criteria.
    "DEMO-4": DemoCriteria(
        ("fur-tre-01:1", "fur-kvalitet-01:1", "fur-ombruk-01:1"),
        "basis", (60, 20, 20, 0), {"fur-ombruk-01:1": 20},
        spec_justification=(
            "Kravene til treverk og holdbarhet kombineres med tildelingskriteriet for ombruk; "
            "til sammen gir det best klimaeffekt for møbler.")),
}
# A draft that pinned vehicle criteria while the 2025-1 set was in force.
OLD_VEHICLES = ("K1", "Elbiler til hjemmetjenesten, runde 2", "34144900-7", 2_400_000,
                ("veh-lov-01:1", "veh-ev-01:1", "veh-euro-01:1", "veh-energi-01:1"))


def _apply(session: Session, tender: Tender, plan: DemoCriteria, library, rulebook: RuleBook,
           now: datetime) -> None:
    for criterion_id in plan.criteria:
        tender_criteria.pin_criterion(session, tender, library, criterion_id, actor_id=None,
                                      now=now)
    pins = tender_criteria.tender_pins(session, tender)
    tender_criteria.set_pin_options(session, tender, {
        p.id: (Decimal(plan.award_weights[p.criterion_id])
               if p.criterion_id in plan.award_weights else None, p.spec_requirement)
        for p in pins}, actor_id=None)
    tender_criteria.set_ambition(session, tender, plan.ambition, actor_id=None)
    if plan.weights:
        tender_criteria.set_weights(session, tender, dict(zip(
            tender_criteria.WEIGHT_FIELDS, (Decimal(w) for w in plan.weights), strict=True)),
            actor_id=None)
    if plan.spec_justification:
        tender_criteria.set_climate_inputs(
            session, tender, spec_justification=plan.spec_justification, exemption=None,
            exemption_justification="", actor_id=None)
    tender_criteria.refresh_climate(session, tender, rulebook, actor_id=None)


def _has_pins(session: Session, tender: Tender) -> bool:
    return session.exec(select(TenderCriterion.id).where(
        TenderCriterion.tender_id == tender.id)).first() is not None


def apply_demo_criteria(session: Session, organisation: Organisation, rulebook: RuleBook,
                        now: datetime) -> None:
    """Pin criteria to the demo tenders that have none yet, and add the draft with
    superseded vehicle criteria if it is missing."""
    library = load_library(DEFAULT_CRITERIA_DIR)
    for key, plan in PLANS.items():
        tender = session.exec(select(Tender).where(
            Tender.organisation_id == organisation.id,
            Tender.reference == f"{now.year}-{key}")).first()
        if tender is not None and not _has_pins(session, tender):
            _apply(session, tender, plan, library, rulebook, now)
    key, title, cpv, value, criteria = OLD_VEHICLES
    reference = f"{now.year}-DEMO-{key}"
    if session.exec(select(Tender).where(Tender.organisation_id == organisation.id,
                                         Tender.reference == reference)).first() is None:
        tender = Tender(
            organisation_id=organisation.id, reference=reference, title=title,
            description="Åtte elbiler til. Kriteriene ble valgt i vår, før kjøretøysettet "
                        "2026-1 kom.",
            contract_type="goods", cpv_code=cpv, estimated_value=Decimal(value),
            created_at=now - timedelta(days=200),
            planned_notice_date=(now + timedelta(days=30)).date(),
            value_estimate={"lines": [f"Anslått verdi i alt: {format_nok(value)} ekskl. mva."],
                            "total": str(value)},
            innovation="none", market="known", needs_rnd=False)
        session.add(tender)
        session.flush()
        chooser.refresh_recommendation(session, tender, rulebook, actor_id=None)
        _apply(session, tender, DemoCriteria(criteria, "basis"), library, rulebook,
               now - timedelta(days=200))
