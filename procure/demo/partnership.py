"""Demo innovation partnerships (issue 5, item 5). Loading twice changes nothing.

- DEMO-IP1, leak detection in the water network: set up with requirements, IPR terms, a
  purchase option and three phases; announced, four candidates prequalified, three invited to
  negotiate (cap three), two rounds, two partners chosen; phase 1 (concept) ended with a
  decision to continue, phase 2 (prototype) is running.
- DEMO-MD1 (demo_dialogue.py) becomes an innovation partnership through the market dialogue:
  `continue_dialogue_demo` sets it up, announces it, prequalifies the dialogue's participants
  and starts the negotiation.

Every step goes through the services, so the trail and the protocol are the real ones; the trail's
timestamps are moved back to the days the steps happened.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from procure.demo import requirements as own
from procure.demo.competition import _backdate, _last_event, estimate, step
from procure.demo.requirements import Own
from procure.domain.rules import RuleBook
from procure.models import Organisation, Supplier, Tender, User, stored_id
from procure.services import audit, chooser, tender_criteria
from procure.services import innovation_partnership as ip

KEY = "DEMO-IP1"



def _set_up(session: Session, tender: Tender, actor: int | None, when: datetime,
            terms: dict) -> None:
    step(session, when, ip.save_requirements, tender, terms["rnd"], terms["implementation"],
          actor_id=actor)
    for name, targets, cost in terms["phases"]:
        step(session, when, ip.add_phase, tender, name, targets, Decimal(cost), actor_id=actor)
    step(session, when, ip.save_option, tender, terms["option"], Decimal(terms["purchase"]),
          actor_id=actor)
    step(session, when, ip.save_ipr, tender, terms["ownership"], terms["licence"],
          terms["ipr"], actor_id=actor)


def _decide(session: Session, tender: Tender, decisions: dict[str, tuple[str, str]],
            actor: int | None, when: datetime) -> None:
    for candidate in ip.candidates(session, tender):
        decision, reason = decisions[candidate.supplier.orgnr]
        step(session, when, ip.decide_candidate, tender, candidate.row, decision, reason,
              actor_id=actor, now=when)


# --- DEMO-MD1: from the market dialogue into the partnership -----------------------------------

FALL_TERMS = {
    "rnd": "Dokumentert erfaring med utvikling av sensorer eller programvare for helse eller "
           "omsorg siste fem år, og egne eller innleide utviklere med relevant kompetanse.",
    "implementation": "Erfaring med å ta i bruk ny teknologi i boliger eller i kommunal drift, "
                      "med opplæring av brukere og ansatte, og et kvalitetssystem for drift.",
    "phases": (("Konsept", "Løsningsskisse som varsler fall innen ett minutt uten at brukeren "
                "gjør noe; personvernvurdering godkjent.", 1_200_000),
               ("Prototyp", "Prototyp testet i fem boliger i fire uker; under 5 % falske "
                "alarmer.", 2_800_000),
               ("Pilot", "Pilot i 40 boliger i seks måneder, integrert med "
                "trygghetsalarmplattformen.", 4_500_000)),
    "option": "Varsel innen 60 sekunder i minst 98 % av fall, under 2 % falske alarmer, "
              "fungerer uten mobildekning, integrert med trygghetsalarmplattformen.",
    "purchase": 9_000_000,
    "ownership": "supplier", "licence": "use-modify-share",
    "ipr": "Leverandøren eier resultatene. Kommunen får en vederlagsfri, evigvarende rett til å "
           "bruke, endre og dele løsningen med andre kommuner. Data om brukerne tilhører "
           "kommunen.",
}
FALL_DECISIONS = {
    "987654325": ("qualified", "Oppfyller begge krav: to sensorprosjekter for omsorgsboliger, "
                               "egen utviklingsavdeling og referanser fra installasjon i 300 "
                               "boliger."),
    "928374653": ("qualified", "Oppfyller begge krav: utviklet varslingsapp for "
                               "hjemmetjenesten i to kommuner; ISO 27001-sertifisert drift."),
    "918171614": ("rejected", "Oppfyller ikke kravet til forskning og utvikling: ingen egen "
                              "utvikling, bare logistikk og montering."),
    "975312461": ("qualified", "Oppfyller begge krav: forskningsavdeling med to pågående "
                               "prosjekter om smarte bygg, og erfaring med innføring i "
                               "kommunale boliger."),
}


def continue_dialogue_demo(session: Session, tender: Tender, rulebook: RuleBook,
                           actor: int | None, day: Callable[[int], datetime]) -> None:
    """DEMO-MD1 after its conversion: the partnership set up and announced, the dialogue's
    participants prequalified, three invited to negotiate and the first round held."""
    _set_up(session, tender, actor, day(55), FALL_TERMS)
    rules = ip.rules_for(tender, rulebook, day(50).date())
    step(session, day(50), ip.open_for_requests, tender, (day(50) + timedelta(days=34)).date(),
          rules=rules, actor_id=actor, today=day(50).date(), now=day(50))
    for person in ip.dialogue_candidates(session, tender):
        step(session, day(20), ip.add_participant, tender, person.id, actor_id=actor,
              now=day(20))
    _decide(session, tender, FALL_DECISIONS, actor, day(16))
    qualified = [c.row.id for c in ip.candidates(session, tender)
                 if c.row.decision == "qualified"]
    step(session, day(15), ip.invite_to_negotiation, tender, qualified, None, "",
          rules=rules, actor_id=actor, now=day(15))
    step(session, day(8), ip.add_round, tender, day(8).date(),
          "Hvordan fall oppdages uten kamera, personvern, integrasjon mot "
          "trygghetsalarmplattformen og pris per bolig i piloten.",
          "Alle tre leverer reviderte tilbud innen to uker; kravet om drift uten mobildekning "
          "står fast.", actor_id=actor, today=day(8).date(), now=day(8))


# --- DEMO-IP1: a partnership in its second phase -----------------------------------------------

LEAK_TERMS = {
    "rnd": "Dokumentert forskning eller utvikling innen akustiske sensorer, maskinlæring eller "
           "hydraulisk modellering siste fem år, med minst to utviklere med mastergrad.",
    "implementation": "Erfaring med å innføre nye løsninger i kommunal drift av vann og avløp, "
                      "driftsstøtte på norsk og et dokumentert kvalitetssystem.",
    "phases": (("Konsept", "Metode som finner lekkasjer over 0,5 l/s i en modell av "
                "ledningsnettet; plan for sensorplassering.", 2_000_000),
               ("Prototyp", "Sensorer på 15 km ledning i Strømmen; finner minst 80 % av kjente "
                "lekkasjer med under 20 % falske varsler.", 5_000_000),
               ("Pilot", "Drift i hele Strømmen-sonen i ett år; varsler i "
                "driftssentralens system.", 8_000_000)),
    "option": "Finner minst 90 % av lekkasjer over 0,5 l/s innen 48 timer, under 10 % falske "
              "varsler, og en årlig driftskostnad under 1,5 mill. kr.",
    "purchase": 18_000_000,
    "ownership": "shared", "licence": "use-modify-share",
    "ipr": "Resultatene eies i fellesskap. Hver partner beholder sine bakgrunnsrettigheter. "
           "Kommunen kan bruke, endre og dele løsningen med andre vannverk uten vederlag; "
           "partnerne kan selge løsningen til andre med en royalty på 3 % til kommunen i fem "
           "år.",
}
# The partnership's award criteria: price 30 %, the solution 40 % and the water and energy
# saved 30 % (climate and environment); the R&D requirements are set on the partnership itself.
LEAK_REQUIREMENTS = (
    own.TAX_CERTIFICATE,
    own.price(30),
    Own("award", "Løsningens evne til å finne lekkasjer tidlig",
        "Hvor tidlig og hvor presist løsningen kan finne lekkasjer uten graving, og hvor godt "
        "den passer i kommunens ledningsnett.",
        "Beskrivelse av løsningen, metoden og resultater fra forsøk.", 40, "quality"),
    Own("award", "Mindre vanntap og energibruk",
        "Hvor mye vanntapet og energien til å rense og pumpe vannet kan reduseres med "
        "løsningen, beregnet for Lillestrøms ledningsnett.",
        "Beregning av redusert vanntap (m³ per år) og sparte kWh, med forutsetninger.", 30,
        "quality", climate=True),
)
LEAK_CANDIDATES = ("987654325", "928374653", "975312461", "918171614")
LEAK_DECISIONS = {
    "987654325": ("qualified", "Oppfyller begge krav: utvikler akustiske sensorer, to "
                               "sivilingeniører i utvikling, referanser fra Nedre Romerike "
                               "vannverk."),
    "928374653": ("qualified", "Oppfyller begge krav: maskinlæringsprosjekt med NMBU, "
                               "driftsstøtte på norsk."),
    "975312461": ("qualified", "Oppfyller begge krav: hydraulisk modellering og erfaring med "
                               "innføring i tre kommuner."),
    "918171614": ("qualified", "Oppfyller minstekravene: utviklingsprosjekt om sensorer i "
                               "kjøretøy og driftsstøtte døgnet rundt."),
}


def apply_demo_partnership(session: Session, organisation: Organisation, rulebook: RuleBook,
                           now: datetime) -> None:
    reference = f"{now.year}-{KEY}"
    if session.exec(select(Tender).where(Tender.organisation_id == organisation.id,
                                         Tender.reference == reference)).first() is not None:
        return
    officer = session.exec(select(User).where(
        User.email == "officer@lillestrom.example")).first()
    actor = officer.id if officer else None
    day = lambda days: now - timedelta(days=days)  # noqa: E731
    suppliers = {s.orgnr: s for s in session.exec(
        select(Supplier).where(col(Supplier.orgnr).in_(LEAK_CANDIDATES))).all()}

    mark = _last_event(session)
    value = 33_000_000
    tender = Tender(
        organisation_id=stored_id(organisation), reference=reference,
        title="Tidlig varsling av lekkasjer i vannledningsnettet",
        description=("Om lag 30 % av drikkevannet lekker ut før det når abonnentene. Vi trenger "
                     "å finne lekkasjer tidlig, før de blir brudd, uten å grave."),
        contract_type="services", cpv_code="73000000-2", estimated_value=Decimal(value),
        value_estimate=estimate(value),
        planned_notice_date=day(380).date(), innovation="new", market="unknown",
        needs_rnd=True, contact_name="Olav Innkjøper",
        contact_email="innkjop@lillestrom.example", created_by_id=actor, created_at=day(420))
    session.add(tender)
    session.flush()
    audit.record(session, "tender.created", actor_id=actor, object_type="tender",
                 object_id=tender.id, reference=reference)
    chooser.refresh_recommendation(session, tender, rulebook, actor_id=actor)
    reason = "" if tender.recommended_track == ip.TRACK else (
        "Markedsdialogen i 2025 viste at ingen løsning på markedet dekker behovet; "
        "vi trenger forskning og utvikling sammen med leverandørene.")
    chooser.choose_track(session, tender, ip.TRACK, reason, actor_id=actor, now=day(418))
    own.add_own(session, tender, LEAK_REQUIREMENTS, actor_id=actor, now=day(418))
    own.set_weights(session, tender, LEAK_REQUIREMENTS, {}, actor_id=actor)
    tender_criteria.refresh_climate(session, tender, rulebook, actor_id=actor)
    _backdate(session, mark, day(418))

    _set_up(session, tender, actor, day(400), LEAK_TERMS)
    rules = ip.rules_for(tender, rulebook, day(380).date())
    step(session, day(380), ip.open_for_requests, tender, (day(380) + timedelta(days=35)).date(),
          rules=rules, actor_id=actor, today=day(380).date(), now=day(380))
    for orgnr in LEAK_CANDIDATES:
        step(session, day(346), ip.add_candidate, tender, suppliers[orgnr].id, actor_id=actor,
              now=day(346))
    _decide(session, tender, LEAK_DECISIONS, actor, day(340))
    invited = [c.row.id for c in ip.candidates(session, tender)
               if c.supplier.orgnr in ("987654325", "928374653", "975312461")]
    step(session, day(338), ip.invite_to_negotiation, tender, invited, 3, "", rules=rules,
          actor_id=actor, now=day(338))
    step(session, day(320), ip.add_round, tender, day(320).date(),
          "Metode for å skille lekkasjer fra vanlig forbruk, sensortetthet, tilgang til "
          "driftsdata, pris per fase og fordeling av IPR.",
          "Nordisk Bygg og Anlegg AS trakk ønsket om eksklusiv lisens; alle leverer reviderte "
          "tilbud.", actor_id=actor, today=day(320).date(), now=day(320))
    step(session, day(300), ip.add_round, tender, day(300).date(),
          "Reviderte tilbud: delmål for prototypen, makspris for piloten og driftskostnad.",
          "Endelige tilbud mottatt fra alle tre.", actor_id=actor, today=day(300).date(),
          now=day(300))
    partners = [c.row.id for c in ip.candidates(session, tender)
                if c.supplier.orgnr in ("987654325", "928374653")]
    step(session, day(285), ip.select_partners, tender, partners,
          "Kjeller Elektro AS og Fetsund IT-Service AS har best forhold mellom kostnad og "
          "kvalitet (84 og 79 poeng av 100); de utfyller hverandre med sensorer og "
          "maskinlæring. Nordisk Bygg og Anlegg AS fikk 68 poeng.", actor_id=actor,
          now=day(285))
    phase = ip.phases(session, tender)[0]
    step(session, day(150), ip.decide_phase, tender, phase, "continue",
          "Delmålene er nådd: metoden fant 11 av 12 kjente lekkasjer i modellen, og "
          "sensorplanen for Strømmen er godkjent av driftssjefen. Kostnaden ble 1,86 mill. kr, "
          "under maks. Begge partnere går videre.", True, [], actor_id=actor, now=day(150))
