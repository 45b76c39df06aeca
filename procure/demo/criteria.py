"""Demo tenders with their requirements: the officer's own and green criteria from the
library (issues 4 and 20). Applying twice changes nothing.

Each demo tender meets FOA § 7-9 in a different way, by what its document holds, and one draft
still uses vehicle criteria from the superseded 2025-1 set, so the superseded-criteria report
has something to show. Every demo tender's protocol is complete: the drafts are ready to
publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from procure.demo.competition import estimate, step
from procure.demo.requirements import PAY_CLAUSE, TAX_CERTIFICATE, Own, add_own, price, quality
from procure.demo.requirements import set_weights as set_award_weights
from procure.domain.criteria import DEFAULT_CRITERIA_DIR, load_library
from procure.domain.rules import RuleBook
from procure.models import Organisation, Tender, TenderRequirement, stored_id
from procure.services import chooser, tender_criteria


@dataclass(frozen=True)
class DemoCriteria:
    """The library criteria pinned, the officer's own requirements, and the § 7-9 answers.

    `weights` (price, quality, climate, other) is what the award criteria come to: the
    library's award criteria weigh `award_weights`, the own ones their own weights; when `own`
    has no award criteria, a price and a quality criterion are written from `weights`."""

    criteria: tuple[str, ...]
    ambition: str
    weights: tuple[int, int, int, int] | None = None  # price, quality, climate, other
    award_weights: dict[str, int] = field(default_factory=dict)
    spec_justification: str = ""
    exemption: str | None = None  # one of rules.CLIMATE_EXEMPTIONS, with its justification
    exemption_justification: str = ""
    own: tuple[Own, ...] = ()


PLANS = {
    # Cleaning: climate and environment weighted 30 %, split between two award criteria
    # (one of them above the tender's ambition level, chosen criterion by criterion).
    "DEMO-1": DemoCriteria(
        ("cln-kjem-01:1", "cln-dose-01:1", "cln-mikro-01:1", "cln-avfall-01:1",
         "cln-opplaering-01:1", "cln-merke-01:1", "cln-behov-01:1"),
        "avansert", (60, 10, 30, 0), {"cln-merke-01:1": 20, "cln-behov-01:1": 10},
        own=(
            TAX_CERTIFICATE,
            Own("qualification", "Erfaring med renhold av barnehager",
                "Leverandøren skal ha erfaring med daglig renhold av barnehager, skoler eller "
                "tilsvarende lokaler der barn oppholder seg.",
                "Liste over inntil tre relevante oppdrag de siste tre årene, med tidsrom, "
                "omfang og kontaktperson hos kunden."),
            Own("spec-must", "Renhold før barna kommer",
                "Daglig renhold skal være ferdig før kl. 07.00 eller gjøres etter kl. 17.00, "
                "slik at barna ikke er til stede mens det vaskes.",
                "Bekreftelse i tilbudsbrevet og forslag til renholdsplan per barnehage."),
            Own("spec-should", "Faste renholdere i hver barnehage",
                "Det bør være de samme renholderne i hver barnehage, så de ansatte vet hvem "
                "de skal kontakte.",
                "Beskrivelse av bemanningsplanen."),
            price(60),
            quality(10, "Hvor godt bemanningsplanen, opplæringen og kvalitetskontrollen sikrer "
                        "jevnt godt renhold i alle fire barnehagene."),
            PAY_CLAUSE,
        )),
    # School meals: requirements in the specification, with a justification.
    "DEMO-2": DemoCriteria(
        ("food-veg-01:1", "food-svinn-01:1", "food-vann-01:1", "food-kjem-01:1"),
        "basis", (70, 30, 0, 0),
        spec_justification=(
            "Kravene til vegetarretter, matsvinn og springvann gir klart bedre klimaeffekt enn "
            "å vekte miljø i tildelingen, fordi de gjelder hele leveransen (FOA § 7-9 (2))."),
        own=(
            TAX_CERTIFICATE,
            Own("qualification", "Registrert næringsmiddelvirksomhet",
                "Leverandøren skal være registrert hos Mattilsynet som næringsmiddelvirksomhet.",
                "Bekreftelse på registreringen hos Mattilsynet."),
            Own("spec-must", "Lunsj levert innen kl. 11.00",
                "Lunsjen leveres varm eller kald etter menyen til hver skole innen kl. 11.00 "
                "alle skoledager.",
                "Bekreftelse i tilbudsbrevet og plan for levering til de tre skolene."),
            Own("spec-must", "Allergener og spesialkost",
                "Leverandøren skal tilby spesialkost ved allergier og intoleranser, og merke "
                "alle retter med allergener.",
                "Rutine for spesialkost og eksempel på merking."),
            price(70),
            quality(30, "Hvor varierte, sunne og barnevennlige menyene er, og hvor godt "
                        "leverandøren følger opp tilbakemeldinger fra elevene."),
        )),
    # Vans: 30 % climate and environment split between two award criteria.
    "DEMO-3": DemoCriteria(
        ("veh-lov-01:1", "veh-ev-01:2", "veh-lade-01:1", "veh-energi-01:1", "veh-lca-01:1"),
        "avansert", (50, 20, 30, 0), {"veh-energi-01:1": 20, "veh-lca-01:1": 10},
        own=(
            TAX_CERTIFICATE,
            Own("spec-must", "Plass til utstyr",
                "Lasterommet skal ha minst 3 m³ og festepunkter for hyller til pleieutstyr.",
                "Datablad for hver modell som tilbys."),
            Own("spec-should", "Rekkevidde i vinterkulde",
                "Bilene bør kjøre minst 200 km på én lading ved −10 °C.",
                "Produsentens dokumentasjon av rekkevidde ved lav temperatur."),
            price(50),
            Own("award", "Service og oppetid",
                "Hvor raskt leverandøren stiller med service og erstatningsbil, og hvor nær "
                "kommunens baser verkstedet ligger.",
                "Beskrivelse av serviceavtalen, responstider og verkstedets adresse.", 20,
                "quality", children=(
                    Own("award", "Responstid ved feil", "Tid fra melding til bilen er "
                        "reparert eller erstattet.", "Garanterte responstider.", 10),
                    Own("award", "Avstand til verksted", "Kjøreavstand fra kommunens baser "
                        "til verkstedet.", "Verkstedets adresse.", 10),
                )),
            Own("contract-clause", "Dagbøter ved forsinket levering",
                "Ved forsinket levering betaler leverandøren dagbøter på 0,1 % av "
                "kontraktssummen per kalenderdag, høyst 10 %."),
        )),
    # Furniture: requirements in the specification combined with award criteria.
    "DEMO-4": DemoCriteria(
        ("fur-tre-01:1", "fur-kvalitet-01:1", "fur-ombruk-01:1"),
        "basis", (60, 20, 20, 0), {"fur-ombruk-01:1": 20},
        spec_justification=(
            "Kravene til treverk og holdbarhet kombineres med tildelingskriteriet for ombruk; "
            "til sammen gir det best klimaeffekt for møbler."),
        own=(
            TAX_CERTIFICATE,
            Own("spec-must", "Møbler til 120 arbeidsplasser",
                "Leveransen omfatter skrivebord, kontorstoler og oppbevaring til 120 "
                "arbeidsplasser og fire møterom, etter vedlagt romplan.",
                "Produktliste med mål og bilder."),
            price(60),
            quality(20, "Hvor godt møblene fungerer for arbeidsplassene i romplanen: "
                        "ergonomi, justering og samlet uttrykk."),
        )),
    # Works: fossil-free site as requirements, and 30 % climate and environment in the award.
    "DEMO-5": DemoCriteria(
        ("bld-maskin-01:1", "bld-byggvarme-01:1", "bld-tomgang-01:1", "bld-rapport-01:1",
         "bld-avfall-01:1", "bld-nullutslipp-01:1", "bld-klimagass-01:1"),
        "avansert", (60, 10, 30, 0), {"bld-nullutslipp-01:1": 20, "bld-klimagass-01:1": 10},
        own=(
            TAX_CERTIFICATE,
            Own("qualification", "Erfaring med rehabilitering i drift",
                "Leverandøren skal ha gjennomført minst to rehabiliteringer av skoler eller "
                "andre bygg som var i bruk mens arbeidet pågikk.",
                "Referanseprosjekter med omfang, tidsrom og kontaktperson."),
            Own("spec-must", "Støy og adkomst i skoletiden",
                "Støyende arbeid gjøres utenom skoletiden, og adkomsten for elever og ansatte "
                "skal være skilt fra anleggstrafikken.",
                "Riggplan og plan for støyende arbeid."),
            price(60),
            quality(10, "Hvor godt planen for gjennomføringen sikrer at undervisningen går "
                        "som normalt."),
            PAY_CLAUSE,
        )),
}
# A draft that pinned vehicle criteria while the 2025-1 set was in force.
OLD_VEHICLES = ("K1", "Elbiler til hjemmetjenesten, runde 2", "34144900-7", 2_400_000,
                DemoCriteria(
                    ("veh-lov-01:1", "veh-ev-01:1", "veh-euro-01:1"),
                    "basis", (100, 0, 0, 0),
                    spec_justification=(
                        "Kravet om nullutslipp gjelder hele bilparken i kontrakten og gir større "
                        "klimaeffekt enn å vekte miljø i tildelingen (FOA § 7-9 (2))."),
                    own=(TAX_CERTIFICATE, price(100))))


def apply_plan(session: Session, tender: Tender, plan: DemoCriteria, library,
               rulebook: RuleBook, now: datetime) -> None:
    """Write the own requirements, pin the plan's criteria, weigh the award criteria and
    settle § 7-9, as an officer would."""
    own = list(plan.own)
    if plan.weights and not any(item.kind == "award" for item in own):
        price_weight, quality_weight, _climate, other = plan.weights
        own += [price(price_weight)] if price_weight else []
        own += [quality(quality_weight)] if quality_weight else []
        own += [Own("award", "Andre forhold", "Andre forhold som er beskrevet i "
                    "konkurransegrunnlaget.", "", other, "other")] if other else []
    add_own(session, tender, own, actor_id=None, now=now)
    for criterion_id in plan.criteria:
        tender_criteria.pin_criterion(session, tender, library, criterion_id, actor_id=None,
                                      now=now)
    set_award_weights(session, tender, own, plan.award_weights, actor_id=None)
    derived = tuple(getattr(tender, name) or 0 for name in tender_criteria.WEIGHT_FIELDS)
    if plan.weights and derived != tuple(Decimal(w) for w in plan.weights):
        raise ValueError(f"{tender.reference}: the award criteria come to {derived}, "
                         f"not {plan.weights}")
    tender_criteria.set_ambition(session, tender, plan.ambition, actor_id=None)
    if plan.spec_justification or plan.exemption:
        tender_criteria.set_climate_inputs(
            session, tender, spec_justification=plan.spec_justification,
            exemption=plan.exemption, exemption_justification=plan.exemption_justification,
            actor_id=None)
    tender_criteria.refresh_climate(session, tender, rulebook, actor_id=None)


def _has_pins(session: Session, tender: Tender) -> bool:
    return session.exec(select(TenderRequirement.id).where(
        TenderRequirement.tender_id == tender.id)).first() is not None


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
