"""Demo data for Lillestrøm kommune. Loading twice changes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from procure import clock
from procure.demo import StatusStamps
from procure.demo import public as demo_public
from procure.demo.competition import apply_demo_competition, estimate, step
from procure.demo.criteria import apply_demo_criteria
from procure.demo.dialogue import apply_demo_dialogue
from procure.demo.partnership import apply_demo_partnership
from procure.demo.statistics import load_demo_statistics
from procure.domain.places import kommunenummer_for
from procure.domain.rules import DEFAULT_RULES_DIR, RuleBook, load_rulebook
from procure.models import Organisation, Supplier, Tender, stored_id
from procure.services import accounts, chooser, market_dialogue

DEMO_PASSWORD = "demo-password"  # noqa: S105 (documented demo-only credential)
BUYER = {"name": "Lillestrøm kommune", "orgnr": "923456783", "kommunenummer": "3205"}
USERS = (
    ("officer@lillestrom.example", "Olav Innkjøper", ["officer"]),
    ("controller@lillestrom.example", "Kari Kontroller", ["controller"]),
    ("admin@lillestrom.example", "Anne Admin", ["admin"]),
)
# Fictitious businesses; the organisation numbers pass the mod-11 check.
SUPPLIERS = (
    ("934567897", "Strømmen Renhold AS", "Stasjonsveien 4", "2010", "small"),
    ("987654325", "Kjeller Elektro AS", "Gunnar Randers vei 9", "2007", "micro"),
    ("998877660", "Romerike Grønt Catering AS", "Storgata 12", "2000", "small"),
    ("975312461", "Nordisk Bygg og Anlegg AS", "Karl Johans gate 1", "0150", "large"),
    ("964201358", "Skjetten Møbelverksted AS", "Skjettenveien 30", "2013", "micro"),
    ("918171614", "Akershus Transport AS", "Solheimveien 100", "1470", "medium"),
    ("928374653", "Fetsund IT-Service AS", "Fetsund sentrum 2", "1900", "unknown"),
)

# Demo answers to the chooser's innovation questions, by demo key; the rest are "none, known".
CHOOSER_ANSWERS = {"DEMO-3": ("adapt", "known"), "DEMO-5": ("none", "unknown")}
NEEDS = {"DEMO-3": (
    "Hjemmetjenesten og driften trenger tolv varebiler som dekker 150 km kjøring om dagen "
    "i all slags vær, med plass til utstyr og lading over natten ved basene.",
    "Ingen utslipp fra kjøringen, ingen tapte oppdrag på grunn av rekkevidde, og lavere "
    "kostnad per kilometer enn dagens dieselbiler."), "DEMO-5": (
    "Kjeller skole skal rehabiliteres mens skolen er i drift: elever og ansatte trenger ro, "
    "trygg adkomst og frisk luft, og naboene trenger lite støy og trafikk.",
    "Byggeplassen gir ingen utslipp fra maskiner, oppvarming og uttørking, undervisningen går "
    "som normalt, og erfaringene kan brukes i kommunens neste byggeprosjekter.")}


def load_demo(session: Session, now: datetime | None = None) -> Organisation:
    """Create the buyer, demo users, suppliers and tenders where they are missing."""
    now = now or clock.now()
    organisation = session.exec(
        select(Organisation).where(Organisation.orgnr == BUYER["orgnr"])
    ).first()
    if organisation is None:
        organisation = Organisation(name=BUYER["name"], orgnr=BUYER["orgnr"],
                                    kommunenummer=BUYER["kommunenummer"])
        session.add(organisation)
        session.flush()
    accounts.ensure_roles(session)
    for email, name, roles in USERS:
        if accounts.find_user(session, email) is None:
            accounts.create_user(session, email, DEMO_PASSWORD, roles, name=name,
                                 organisation_id=organisation.id)
    for orgnr, name, address, postal_code, size in SUPPLIERS:
        if session.exec(select(Supplier).where(Supplier.orgnr == orgnr)).first() is None:
            session.add(Supplier(orgnr=orgnr, name=name, address=address,
                                 postal_code=postal_code,
                                 kommunenummer=kommunenummer_for(postal_code) or "",
                                 size_class=size))
    rulebook = load_rulebook(DEFAULT_RULES_DIR)  # once: reading the rule files is the slow part
    _demo_tenders(session, organisation, rulebook, now)
    apply_demo_criteria(session, organisation, rulebook, now)
    apply_demo_competition(session, organisation, rulebook, now)
    apply_demo_dialogue(session, organisation, rulebook, now)
    apply_demo_partnership(session, organisation, rulebook, now)
    demo_public.load_public_demo(session, organisation, now)
    load_demo_statistics(session, organisation, now)
    session.flush()
    return organisation


def _demo_tenders(session: Session, organisation: Organisation, rulebook: RuleBook,
                  now: datetime) -> None:
    year = now.year
    today = now.date()
    # reference key, title, contract type, CPV, value, status stamps, deadline, description
    specs: list[tuple[str, str, str, str, int, StatusStamps, date | None, str]] = [
        ("DEMO-1", "Renhold av barnehager i Strømmen", "services", "90911200-8", 900_000,
         {"planned_at": now - timedelta(days=3)}, today + timedelta(days=40),
         "Vi planlegger å kjøpe renhold av fire barnehager fra våren. Miljømerkede "
         "rengjøringsmidler og lokale leverandører er velkomne."),
        ("DEMO-2", "Skolemat med økologiske råvarer", "services", "55524000-9", 1_800_000,
         {"planned_at": now - timedelta(days=20), "opened_at": now - timedelta(days=5)},
         today + timedelta(days=21),
         "Lunsj til tre ungdomsskoler, med krav til andel økologisk mat og redusert matsvinn."),
        ("DEMO-3", "Utslippsfrie servicebiler", "goods", "34144900-7", 3_200_000,
         {"planned_at": now - timedelta(days=60), "opened_at": now - timedelta(days=45),
          "evaluation_at": now - timedelta(days=2)}, today - timedelta(days=2),
         "Tolv elektriske varebiler til hjemmetjenesten og drift."),
        ("DEMO-4", "Møbler til nytt rådhus, ombruk først", "goods", "39100000-3", 650_000,
         {"planned_at": now - timedelta(days=120), "opened_at": now - timedelta(days=100),
          "evaluation_at": now - timedelta(days=70), "awarded_at": now - timedelta(days=60)},
         today - timedelta(days=70),
         "Kontormøbler der ombrukte og restaurerte møbler foretrekkes."),
        ("DEMO-5", "Fossilfri byggeplass for Kjeller skole", "works", "45214200-2", 48_000_000,
         {}, None, "Utkast: rehabilitering med krav om fossilfri og utslippsfri byggeplass."),
    ]
    for key, title, contract_type, cpv, value, stamps, deadline, description in specs:
        reference = f"{year}-{key}"
        existing = session.exec(select(Tender).where(
            Tender.organisation_id == organisation.id, Tender.reference == reference)).first()
        if existing is not None:
            continue
        # (a TypedDict's values() is typed as objects)
        notice = min([now, *(stamp for stamp in stamps.values()
                             if isinstance(stamp, datetime))]).date()
        innovation, market = CHOOSER_ANSWERS.get(key, ("none", "known"))
        tender = Tender(
            organisation_id=stored_id(organisation), reference=reference, title=title,
            description=description, contract_type=contract_type, cpv_code=cpv,
            estimated_value=Decimal(value), tender_deadline=deadline,
            created_at=now - timedelta(days=150), planned_notice_date=notice,
            value_estimate=estimate(value),
            innovation=innovation, market=market, needs_rnd=False, **stamps,
        )
        session.add(tender)
        session.flush()
        decided = now - timedelta(days=149)
        step(session, decided, chooser.refresh_recommendation, tender, rulebook, actor_id=None)
        step(session, decided, chooser.choose_track, tender, tender.recommended_track, "",
             actor_id=None, now=decided)
        if key in NEEDS and tender.track == "market-dialogue":  # the need, as functions
            described = now - timedelta(days=148)
            step(session, described, market_dialogue.save_needs, tender, *NEEDS[key],
                 actor_id=None, now=described)
