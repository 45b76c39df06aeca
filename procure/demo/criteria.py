"""Demo tenders with green criteria applied (issue 4). Applying twice changes nothing.

Each demo tender meets FOA § 7-9 in a different way, and one draft still uses vehicle
criteria from the superseded 2025-1 set, so the superseded-criteria report has something to
show. Every demo tender's protocol is complete: the drafts are ready to publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from procure.demo.competition import estimate, step
from procure.domain.criteria import DEFAULT_CRITERIA_DIR, load_library
from procure.domain.rules import RuleBook
from procure.models import Organisation, Tender, TenderCriterion, stored_id
from procure.services import chooser, tender_criteria


@dataclass(frozen=True)
class DemoCriteria:
    criteria: tuple[str, ...]
    ambition: str
    weights: tuple[int, int, int, int] | None = None  # price, quality, climate, other
    award_weights: dict[str, int] = field(default_factory=dict)
    spec_justification: str = ""
    exemption: str | None = None  # one of rules.CLIMATE_EXEMPTIONS, with its justification
    exemption_justification: str = ""


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
    # Works: fossil-free site as requirements, and 30 % climate and environment in the award.
    "DEMO-5": DemoCriteria(
        ("bld-maskin-01:1", "bld-byggvarme-01:1", "bld-tomgang-01:1", "bld-rapport-01:1",
         "bld-avfall-01:1", "bld-nullutslipp-01:1", "bld-klimagass-01:1"),
        "avansert", (60, 10, 30, 0), {"bld-nullutslipp-01:1": 20, "bld-klimagass-01:1": 10}),
}
# A draft that pinned vehicle criteria while the 2025-1 set was in force.
OLD_VEHICLES = ("K1", "Elbiler til hjemmetjenesten, runde 2", "34144900-7", 2_400_000,
                DemoCriteria(
                    ("veh-lov-01:1", "veh-ev-01:1", "veh-euro-01:1", "veh-energi-01:1"),
                    "basis", spec_justification=(
                        "Kravet om nullutslipp gjelder hele bilparken i kontrakten og gir større "
                        "klimaeffekt enn å vekte miljø i tildelingen (FOA § 7-9 (2)).")))


def apply_plan(session: Session, tender: Tender, plan: DemoCriteria, library,
               rulebook: RuleBook, now: datetime) -> None:
    """Pin the plan's criteria with their weights and settle § 7-9, as an officer would."""
    for criterion_id in plan.criteria:
        tender_criteria.pin_criterion(session, tender, library, criterion_id, actor_id=None,
                                      now=now)
    pins = tender_criteria.tender_pins(session, tender)
    tender_criteria.set_pin_options(session, tender, {
        stored_id(p): (Decimal(plan.award_weights[p.criterion_id])
               if p.criterion_id in plan.award_weights else None, p.spec_requirement)
        for p in pins}, actor_id=None)
    tender_criteria.set_ambition(session, tender, plan.ambition, actor_id=None)
    if plan.weights:
        tender_criteria.set_weights(session, tender, dict(zip(
            tender_criteria.WEIGHT_FIELDS, (Decimal(w) for w in plan.weights), strict=True)),
            actor_id=None)
    if plan.spec_justification or plan.exemption:
        tender_criteria.set_climate_inputs(
            session, tender, spec_justification=plan.spec_justification,
            exemption=plan.exemption, exemption_justification=plan.exemption_justification,
            actor_id=None)
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
            chosen = now - timedelta(days=147)  # after the track, before the notice
            step(session, chosen, apply_plan, tender, plan, library, rulebook, chosen)
    key, title, cpv, value, plan = OLD_VEHICLES
    reference = f"{now.year}-DEMO-{key}"
    if session.exec(select(Tender).where(Tender.organisation_id == organisation.id,
                                         Tender.reference == reference)).first() is None:
        tender = Tender(
            organisation_id=stored_id(organisation), reference=reference, title=title,
            description="Åtte elbiler til. Kriteriene ble valgt i vår, før kjøretøysettet "
                        "2026-1 kom.",
            contract_type="goods", cpv_code=cpv, estimated_value=Decimal(value),
            created_at=now - timedelta(days=200),
            planned_notice_date=(now + timedelta(days=30)).date(),
            value_estimate=estimate(value),
            innovation="none", market="known", needs_rnd=False)
        session.add(tender)
        session.flush()
        decided = now - timedelta(days=199)
        step(session, decided, chooser.refresh_recommendation, tender, rulebook, actor_id=None)
        step(session, decided, chooser.choose_track, tender, tender.recommended_track, "",
             actor_id=None, now=decided)
        step(session, decided, apply_plan, tender, plan, library, rulebook, decided)
