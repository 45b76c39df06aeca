"""Demo data for the public pages: more planned and open purchases (simple ones among them),
public contacts and dialogue conferences. Each has its criteria and meets FOA § 7-9, as it
must before it is published. Loading twice changes nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from procure.demo import StatusStamps
from procure.demo.competition import estimate, step
from procure.demo.criteria import DemoCriteria, apply_plan
from procure.domain.criteria import DEFAULT_CRITERIA_DIR, load_library
from procure.domain.purchases import oslo_to_utc
from procure.domain.rules import DEFAULT_RULES_DIR, load_rulebook
from procure.models import DialogueEvent, Organisation, Tender, stored_id
from procure.services import chooser

CONTACT = ("Innkjøpsavdelingen", "innkjop@lillestrom.example")
# key, title, contract type, CPV, value, planned/open, deadline in days, confidential, text
PURCHASES = (
    ("PUB-1", "Vedlikehold av turstier langs Glomma", "services", "77310000-6", 800_000,
     "planned", 45, False,
     "Rydding, grusing og skilting av om lag 12 km turstier ved Fetsund lenser. Passer for "
     "lokale anleggsgartnere; vi deler oppdraget i to delområder."),
    ("PUB-2", "Snøbrøyting av kommunale parkeringsplasser", "services", "90620000-9", 1_100_000,
     "open", 14, False,
     "Brøyting og strøing av 18 parkeringsplasser ved skoler og sykehjem i Skedsmo og Sørum "
     "i tre vintersesonger. Kjøretøy med lave utslipp vektes."),
    ("PUB-3", "Kontorrekvisita med miljømerke", "goods", "30192000-1", 700_000,
     "planned", 60, True,
     "Rammeavtale for kontorrekvisita til rådhus og tjenestesteder, med krav om Svanemerket "
     "eller tilsvarende og samlet levering én gang i uken."),
    ("PUB-4", "Ladepunkter for kommunale tjenestebiler", "works", "45310000-3", 3_500_000,
     "planned", 90, False,
     "Installasjon av om lag 60 ladepunkter med laststyring ved seks driftsstasjoner. Vi "
     "inviterer til dialogkonferanse før konkurransen for å høre hva markedet kan levere."),
)

# The criteria each purchase was published with, chosen before it was announced.
PLANS = {
    # Trail maintenance: fossil-free machines as requirements, justified.
    "PUB-1": DemoCriteria(
        ("bld-maskin-01:1", "bld-tomgang-01:1"), "basis", (70, 30, 0, 0),
        spec_justification=(
            "Maskinene står for nesten hele klimaavtrykket i oppdraget; krav om fossilfrie "
            "maskiner gir større effekt enn å vekte miljø i tildelingen (FOA § 7-9 (2)).")),
    # Snow clearing: zero-emission share of the work weighted 30 %.
    "PUB-2": DemoCriteria(
        ("trn-euro-01:1", "trn-bio-01:1", "trn-tomgang-01:1", "trn-ze-02:1"), "avansert",
        (60, 10, 30, 0), {"trn-ze-02:1": 30}),
    # Office supplies: ecolabels required for the whole range, justified.
    "PUB-3": DemoCriteria(
        ("off-merke-01:1", "off-papir-01:1", "off-levering-01:1", "off-emballasje-01:1"),
        "basis", (70, 30, 0, 0),
        spec_justification=(
            "Krav om miljømerke for hele sortimentet og samlet levering gir større "
            "klimaeffekt enn å vekte miljø i tildelingen (FOA § 7-9 (2)).")),
    # Charging points: the share of zero-emission machines weighted 30 %.
    "PUB-4": DemoCriteria(
        ("bld-maskin-01:1", "bld-avfall-01:1", "bld-rapport-01:1", "bld-nullutslipp-01:1"),
        "avansert", (50, 20, 30, 0), {"bld-nullutslipp-01:1": 30}),
}


def load_public_demo(session: Session, organisation: Organisation, now: datetime) -> None:
    today = now.date()
    rulebook = load_rulebook(DEFAULT_RULES_DIR)
    library = load_library(DEFAULT_CRITERIA_DIR)
    for (key, title, kind, cpv, value, state, days, confidential,
         description) in PURCHASES:
        reference = f"{now.year}-{key}"
        if session.exec(select(Tender).where(Tender.organisation_id == organisation.id,
                                             Tender.reference == reference)).first():
            continue
        stamps: StatusStamps = {"planned_at": now - timedelta(days=10)}
        if state == "open":
            stamps["opened_at"] = now - timedelta(days=2)
        tender = Tender(
            organisation_id=stored_id(organisation), reference=reference, title=title,
            description=description, contract_type=kind, cpv_code=cpv,
            estimated_value=Decimal(value), tender_deadline=today + timedelta(days=days),
            created_at=now - timedelta(days=40), planned_notice_date=today
            + timedelta(days=max(days - 35, 1)) if state == "planned" else today
            - timedelta(days=2),
            value_estimate=estimate(value),
            innovation="none", market="known", needs_rnd=False,
            value_confidential=confidential, contact_name=CONTACT[0],
            contact_email=CONTACT[1], **stamps,
        )
        session.add(tender)
        session.flush()
        decided = now - timedelta(days=30)
        step(session, decided, chooser.refresh_recommendation, tender, rulebook, actor_id=None)
        step(session, decided, chooser.choose_track, tender, tender.recommended_track, "",
             actor_id=None, now=decided)
        chosen = now - timedelta(days=25)
        step(session, chosen, apply_plan, tender, PLANS[key], library, rulebook, chosen)
    _events(session, organisation, now)


def _events(session: Session, organisation: Organisation, now: datetime) -> None:
    today = now.date()
    specs = (
        (f"{now.year}-DEMO-1", "Dialogkonferanse om renhold av barnehager", 12, time(9),
         time(11, 30), "Lillestrøm rådhus, Jonas Lies gate 18, møterom Nitelva", "", 9,
         "Vi presenterer behovet og planene, og vil høre om miljømerkede midler, "
         "bemanning og hvordan små bedrifter kan delta. Presentasjonen publiseres etterpå."),
        (f"{now.year}-PUB-4", "Dialogkonferanse: ladepunkter med laststyring", 20, time(13),
         time(14, 30), "", "https://meet.example.org/lillestrom-lading", 17,
         "Digital konferanse. Vi ønsker innspill om laststyring, drift og hvordan "
         "oppdraget kan deles opp."),
    )
    for reference, title, days, start, end, place, link, deadline, description in specs:
        tender = session.exec(select(Tender).where(Tender.organisation_id == organisation.id,
                                                   Tender.reference == reference)).first()
        if tender is None or session.exec(select(DialogueEvent).where(
                DialogueEvent.tender_id == tender.id, DialogueEvent.title == title)).first():
            continue
        day = today + timedelta(days=days)
        session.add(DialogueEvent(
            tender_id=stored_id(tender), title=title, description=description,
            starts_at=oslo_to_utc(day, start), ends_at=oslo_to_utc(day, end), place=place,
            link=link, registration_deadline=today + timedelta(days=deadline),
            created_at=now, updated_at=now))
    session.flush()
