"""Demo data for the controller's statistics: a register, two years of spend, awards and
tenders that give every indicator and chart something to show. Loading twice changes nothing;
the second time costs one query."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache

from sqlalchemy import select
from sqlmodel import Session, col

from procure.demo.competition import estimate, step
from procure.demo.criteria import DemoCriteria, apply_plan
from procure.domain.criteria import DEFAULT_CRITERIA_DIR, load_library
from procure.domain.orgnr import check_digit
from procure.domain.places import kommunenummer_for
from procure.domain.rules import DEFAULT_RULES_DIR, load_rulebook
from procure.domain.size_class import classify
from procure.ingest import start_run
from procure.ingest.awards import AwardData, WinnerData, decision_days, store_awards
from procure.ingest.spend import upsert_sql
from procure.ingest.tenders import sync_tender_awards
from procure.models import Award, Organisation, SpendLine, Supplier, Tender, stored_id
from procure.services import chooser, market_dialogue, spend_summary

SEED = 2026
SPEND_LINES = 2400
# Fictitious businesses: name, organisation form, employees (None: none registered),
# founded, postal code, NACE, category, CPV.
REGISTER = (
    ("Lillestrøm Rørleggerservice AS", "AS", 7, "2009-04-01", "2000", "43.221",
     "Bygg og vedlikehold", "45330000-9"),
    ("Kjeller Vekst AS", "AS", 4, "2023-02-15", "2007", "72.190",
     "Konsulenttjenester", "73000000-2"),
    ("Sørumsand Snekkeri AS", "AS", 14, "1998-09-01", "1920", "16.230",
     "Bygg og vedlikehold", "45420000-7"),
    ("Fetsund Gartneri AS", "AS", 9, "2015-05-20", "1900", "01.300", "Matvarer", "03000000-1"),
    ("Romerike Vaskeri AS", "AS", 32, "2004-01-10", "2010", "96.010", "Renhold", "98310000-9"),
    ("Lørenskog Data AS", "AS", 41, "2012-08-01", "1470", "62.020", "IT-tjenester", "72000000-5"),
    ("Nittedal Maskin AS", "AS", 22, "2001-03-01", "1482", "77.320",
     "Transport og maskiner", "45500000-2"),
    ("Årnes Kontorservice AS", "AS", 3, "2021-11-01", "2150", "82.110",
     "Kontorrekvisita", "30192000-1"),
    ("Oslo Konsulentgruppen AS", "AS", 120, "1995-06-01", "0150", "70.220",
     "Konsulenttjenester", "79400000-8"),
    ("Bergen Medisinsk Utstyr AS", "AS", 85, "2003-02-01", "5003", "46.460",
     "Helse og omsorg", "33100000-1"),
    ("Trondheim Programvare AS", "AS", 260, "1990-10-01", "7010", "62.010",
     "IT-tjenester", "48000000-8"),
    ("Norsk Matgrossist AS", "AS", 900, "1979-01-01", "0580", "46.390", "Matvarer", "15000000-8"),
    ("Nordic Facility Services AS", "AS", 1400, "1988-05-01", "0250", "81.210",
     "Renhold", "90911200-8"),
    ("Skedsmokorset Elektro AS", "AS", 11, "2007-07-01", "2020", "43.210",
     "Bygg og vedlikehold", "45310000-3"),
    ("Strømmen Bakeri AS", "AS", 6, "2022-03-01", "2010", "10.710", "Matvarer", "15810000-9"),
    ("Frogner Grønt AS", "AS", 2, "2024-01-15", "2016", "01.130", "Matvarer", "03221000-6"),
    ("Aurskog Tre AS", "AS", 18, "2010-09-01", "1930", "16.100",
     "Bygg og vedlikehold", "03419000-1"),
    ("Sørumsand Transport AS", "AS", 27, "2006-04-01", "1920", "49.410",
     "Transport og maskiner", "60000000-8"),
    ("Drammen Energi AS", "AS", 310, "1992-01-01", "3015", "35.140", "Energi", "09310000-5"),
    ("Solbær Innovasjon AS", "AS", 5, "2024-06-01", "2007", "72.110",
     "Konsulenttjenester", "73000000-2"),
    ("Rasta Bilservice AS", "AS", None, "2016-02-01", "1476", "45.200",
     "Transport og maskiner", "50110000-9"),
    ("Sørum Gårdsmat Ole Hansen", "ENK", None, "2019-05-01", "1920", "01.410",
     "Matvarer", "15000000-8"),
    ("Nes Regnskap AS", "AS", 12, "2008-01-01", "2150", "69.201",
     "Konsulenttjenester", "79200000-6"),
    ("Romerike Avfallsforedling IKS", "IKS", 180, "1967-01-01", "2000", "38.110",
     "Renhold", "90500000-2"),
)
# The demo.py suppliers, filled in where the register fields are empty.
EXISTING = {"934567897": (18, "2011-03-01", "Renhold", "90911200-8"),
            "987654325": (6, "2023-05-10", "Bygg og vedlikehold", "45310000-3"),
            "998877660": (16, "2014-08-01", "Matvarer", "55520000-1"),
            "975312461": (650, "1985-01-01", "Bygg og vedlikehold", "45000000-7"),
            "964201358": (4, "2020-09-01", "Møbler", "39100000-3"),
            "918171614": (95, "2002-04-01", "Transport og maskiner", "60000000-8"),
            "928374653": (None, "2017-01-01", "IT-tjenester", "72000000-5")}
DEPARTMENTS = ("Oppvekst", "Helse og velferd", "Eiendom", "Teknisk drift", "Kultur",
               "Administrasjon")
WEIGHT = {"micro": 3.0, "small": 3.0, "medium": 2.0, "large": 2.5, "unknown": 1.0}
SCALE = {"micro": 1.0, "small": 2.0, "medium": 4.0, "large": 9.0, "unknown": 1.5}


def demo_orgnr(index: int) -> str:
    """A fictitious organisation number that passes mod-11 (deterministic)."""
    base = 81_000_000 + index * 7_919
    while check_digit(str(base)) is None:
        base += 1
    return f"{base}{check_digit(str(base))}"


def load_demo_statistics(session: Session, organisation: Organisation, now: datetime) -> None:
    organisation_id = stored_id(organisation)
    if session.scalar(select(col(SpendLine.id)).where(
            col(SpendLine.organisation_id) == organisation_id,
            col(SpendLine.invoice_id) == "DEMO-00001")):
        return
    rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
    suppliers = _suppliers(session)
    _spend(session, rng, suppliers, now, organisation_id)
    _tenders(session, organisation, now)
    session.flush()
    if session.scalar(select(col(Award.id)).where(col(Award.organisation_id) == organisation_id,
                                                  col(Award.source) == "procure")
                      .limit(1)) is None:
        sync_tender_awards(session, organisation_id=organisation_id)
    _awards(session, rng, suppliers, now, organisation_id)
    session.flush()


def _suppliers(session: Session) -> list[Supplier]:
    rows: list[Supplier] = []
    for index, (name, form, employees, founded, postal, nace, _category, _cpv) in enumerate(
            REGISTER):
        orgnr = demo_orgnr(index)
        supplier = session.scalar(select(Supplier).where(col(Supplier.orgnr) == orgnr))
        if supplier is None:
            size = classify(employees, None, form)
            supplier = Supplier(orgnr=orgnr, name=name, address=f"Demoveien {index + 1}",
                                postal_code=postal,
                                kommunenummer=kommunenummer_for(postal) or "",
                                size_class=size.size_class, size_basis=size.basis,
                                organisasjonsform=form, employees=employees,
                                founded=date.fromisoformat(founded), nace_code=nace)
            session.add(supplier)
        rows.append(supplier)
    for orgnr, (employees, founded, _category, _cpv) in EXISTING.items():
        supplier = session.scalar(select(Supplier).where(col(Supplier.orgnr) == orgnr))
        if supplier is not None and supplier.founded is None:
            supplier.employees = employees
            supplier.founded = date.fromisoformat(founded)
            supplier.organisasjonsform = supplier.organisasjonsform or "AS"
            supplier.size_basis = supplier.size_basis or "demo"
            session.add(supplier)
        if supplier is not None:
            rows.append(supplier)
    session.flush()
    return rows


def _category(supplier: Supplier) -> tuple[str, str]:
    for name, _form, _n, _f, _p, _nace, category, cpv in REGISTER:
        if name == supplier.name:
            return category, cpv
    _employees, _founded, category, cpv = EXISTING.get(supplier.orgnr,
                                                      (0, "", "Annet", ""))
    return category, cpv


def _spend(session: Session, rng: random.Random, suppliers: list[Supplier],
           now: datetime, organisation_id: int) -> None:
    connection = session.connection()
    iso = connection.dialect.name == "sqlite"
    run = start_run(session, "spend", "demo", None, organisation_id=organisation_id)
    today = now.date()
    start = date(today.year - 1, 1, 1)
    days = max(1, (today - start).days)
    weights = [WEIGHT[s.size_class] for s in suppliers]
    outsider = demo_orgnr(900)  # valid, never in the register
    rows = []
    for number in range(1, SPEND_LINES + 1):
        supplier = rng.choices(suppliers, weights)[0]
        category, cpv = _category(supplier)
        orgnr, valid, supplier_id = supplier.orgnr, True, supplier.id
        roll = rng.random()
        if roll < 0.015:
            orgnr, valid, supplier_id = "", False, None
        elif roll < 0.03:
            orgnr, valid, supplier_id = supplier.orgnr[:8] + str((int(supplier.orgnr[8]) + 1)
                                                                 % 10), False, None
        elif roll < 0.045:
            orgnr, supplier_id = outsider, None
        amount = rng.lognormvariate(8.6, 1.1) * SCALE[supplier.size_class]
        if rng.random() < 0.01:
            amount *= 40
        day = start + timedelta(days=rng.randrange(days))
        rows.append((f"org:{orgnr}", f"DEMO-{number:05d}", 1, day.isoformat() if iso else day,
                     orgnr, valid, supplier_id, round(amount * 100),
                     str(6500 + rng.randrange(8) * 10), category,
                     cpv if rng.random() < 0.7 else "", rng.choice(DEPARTMENTS), run.id,
                     organisation_id))
    connection.exec_driver_sql(upsert_sql(connection.dialect.name), rows)
    spend_summary.rebuild(session, organisation_id)
    run.rows_read = run.inserted = len(rows)
    session.add(run)


# reference, title, contract type, CPV, value, months ago opened, track, innovation, market,
# § 7-9 plan, awarded (days after deadline) or None
TENDERS = (
    ("01", "Renhold av rådhuset", "services", "90911200-8", 2_400_000, 2, "open-procedure",
     "none", "known", DemoCriteria(
         ("cln-kjem-01:1", "cln-dose-01:1", "cln-merke-01:1"), "basis", (60, 10, 30, 0),
         {"cln-merke-01:1": 30}), 35),
    ("02", "Elbiler til hjemmetjenesten", "goods", "34144900-7", 5_600_000, 4,
     "open-procedure", "none", "known", DemoCriteria(
         ("veh-lov-01:1", "veh-ev-01:2"), "basis", (70, 30, 0, 0),
         spec_justification="Krav om nullutslipp for alle bilene gir størst klimaeffekt."), 52),
    ("03", "Skolemat med lokale råvarer", "services", "55524000-9", 1_900_000, 5,
     "open-tender-competition", "adapt", "known", DemoCriteria(
         ("food-veg-01:1", "food-svinn-02:1", "food-kjem-01:1"), "basis", (70, 30, 0, 0),
         spec_justification="Kravene gjelder alle måltidene og gir mer enn vekting."), 28),
    ("04", "Velferdsteknologi for hjemmeboende", "goods", "33196200-2", 3_100_000, 7,
     "market-dialogue", "new", "unknown", DemoCriteria(
         ("it-batteri-01:1", "it-energi-01:1", "it-oppdatering-01:1"), "avansert",
         (50, 20, 30, 0), {"it-energi-01:1": 15, "it-oppdatering-01:1": 15}), None),
    ("05", "Arbeidsklær til teknisk drift", "goods", "18110000-3", 600_000, 3,
     "simplified-competition", "none", "known", DemoCriteria(
         ("tex-kjem-01:1", "tex-holdbarhet-01:1", "tex-pfas-01:1"), "basis", (70, 30, 0, 0),
         spec_justification="Krav til kjemikalier og holdbarhet gjelder hvert plagg."), 21),
    ("06", "Snøbrøyting av kommunale veier", "services", "90620000-9", 1_200_000, 9,
     "simplified-competition", "none", "known", DemoCriteria(
         ("trn-euro-01:1", "trn-bio-01:1", "trn-ze-02:1"), "avansert", (60, 10, 30, 0),
         {"trn-ze-02:1": 30}), 40),
    ("08", "Digital innbyggerdialog", "services", "72000000-5", 4_500_000, 14,
     "innovation-partnership", "new", "unknown", DemoCriteria(
         (), "basis", (50, 50, 0, 0), exemption="insignificant",
         exemption_justification=(
             "Utvikling av programvare som kjøres i kommunens eksisterende skytjeneste; "
             "klimaavtrykket er ubetydelig.")), 90),
    ("11", "Transport av skoleelever", "services", "60000000-8", 6_800_000, 18,
     "open-procedure", "none", "known", DemoCriteria(
         ("trn-euro-01:1", "trn-tomgang-01:1", "trn-ze-02:1"), "avansert", (60, 10, 30, 0),
         {"trn-ze-02:1": 30}), 60),
)
NEED = ("Hjemmeboende eldre skal kunne varsle og få hjelp raskt, også om natten, og pårørende "
        "skal kunne følge med når brukeren ønsker det.",
        "Færre fall uten hjelp, færre unødvendige nattbesøk og trygghet for brukeren.")
# Why a track other than the recommended one was chosen (it goes into the protocol).
DEVIATIONS = {
    "03": "Markedet kjenner vi fra forrige avtaleperiode og en åpen høring i fjor; vi gikk "
          "derfor rett til konkurranse.",
    "08": "Behovet ble drøftet med markedet i KS-nettverket for digital innbyggerdialog; vi "
          "gikk derfor rett til innovasjonspartnerskap.",
}


@cache
def _rulebook():
    return load_rulebook(DEFAULT_RULES_DIR)


def _tenders(session: Session, organisation: Organisation, now: datetime) -> None:
    """Earlier procurements, each taken through the chooser, its criteria and § 7-9 as an
    officer would; the trail is dated to when the steps happened."""
    library = load_library(DEFAULT_CRITERIA_DIR)
    for (key, title, kind, cpv, value, months, track, innovation, market, plan,
         awarded_after) in TENDERS:
        reference = f"STAT-{key}"
        exists = session.scalar(select(col(Tender.id)).where(
            col(Tender.organisation_id) == organisation.id, col(Tender.reference) == reference))
        if exists:
            continue
        opened = now - timedelta(days=30 * months)
        deadline = (opened + timedelta(days=35)).date()
        awarded = (datetime.combine(deadline + timedelta(days=awarded_after),
                                    datetime.min.time(), UTC).replace(hour=12)
                   if awarded_after is not None else None)
        if awarded is not None and awarded > now:
            awarded = None
        tender = Tender(
            organisation_id=stored_id(organisation), reference=reference, title=title,
            description="Demo: en tidligere anskaffelse for statistikken.",
            contract_type=kind, cpv_code=cpv, estimated_value=Decimal(value),
            innovation=innovation, market=market, needs_rnd=track == "innovation-partnership",
            planned_notice_date=(opened - timedelta(days=10)).date(),
            value_estimate=estimate(value),
            tender_deadline=deadline, created_at=opened - timedelta(days=20),
            planned_at=opened - timedelta(days=10), opened_at=opened,
            evaluation_at=opened + timedelta(days=36), awarded_at=awarded)
        session.add(tender)
        session.flush()
        decided = opened - timedelta(days=18)
        step(session, decided, chooser.refresh_recommendation, tender, _rulebook(),
             actor_id=None)
        reason = "" if track == tender.recommended_track else DEVIATIONS[key]
        step(session, decided, chooser.choose_track, tender, track, reason, actor_id=None,
             now=decided)
        if track == "market-dialogue":
            step(session, decided, market_dialogue.save_needs, tender, *NEED, actor_id=None,
                 now=decided)
        pinned = opened - timedelta(days=14)
        step(session, pinned, apply_plan, tender, plan, library, _rulebook(), pinned)


def _awards(session: Session, rng: random.Random, suppliers: list[Supplier],
            now: datetime, organisation_id: int) -> None:
    today = now.date()
    methods = (("open", "ratedCriteria"), ("open", "priceOnly"), ("selective", "ratedCriteria"),
               ("limited", "priceOnly"), ("direct", None))
    awards = []
    for number in range(1, 37):
        method, criteria = rng.choice(methods)
        supplier = rng.choice(suppliers)
        deadline = today - timedelta(days=rng.randrange(40, 700))
        decided = deadline + timedelta(days=rng.randrange(12, 110))
        if decided > today:
            decided = today
        tenderers = 1 if method == "direct" else rng.choice((1, 2, 3, 3, 4, 5, 6, 8))
        known_bids = tenderers if rng.random() < 0.8 else None
        sme_bids = None if known_bids is None else rng.randint(0, known_bids)
        scale = supplier.size_class if rng.random() < 0.7 else "unknown"
        awards.append(AwardData(
            ocid=f"ocds-demo-lillestrom-{number:03d}", award_key="1",
            title=f"Rammeavtale {number}: {_category(supplier)[0].lower()}",
            cpv_code=_category(supplier)[1], procedure=method, award_criteria=criteria,
            number_of_tenderers=tenderers if rng.random() < 0.9 else None,
            tender_value_ore=rng.randrange(3, 300) * 10_000_00,
            value_ore=rng.randrange(3, 300) * 10_000_00, tender_deadline=deadline,
            award_date=decided, decision_days=decision_days(deadline, decided),
            suitability_sme=rng.random() < 0.5, bids_known_size=known_bids, sme_bids=sme_bids,
            winners=[WinnerData(party_key=supplier.orgnr, name=supplier.name,
                                orgnr=supplier.orgnr, size_class=scale)],
        ))
    run = start_run(session, "ocds", "demo", None, organisation_id=organisation_id)
    run.inserted, _updated = store_awards(session, "ocds", awards, run)
    run.rows_read = len(awards)
    session.add(run)
