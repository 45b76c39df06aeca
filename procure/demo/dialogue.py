"""Demo LUP-style market dialogues (issue 5, item 4), at two stages. Loading twice changes
nothing.

- DEMO-MD1, fall detection at home: anchored, needs described, PIN published, a conference
  held, four participants each offered a 60-minute meeting, minutes written, a Q&A and a
  document shared with all, then converted into an innovation partnership (now in evaluation:
  the participants prequalified and the negotiations under way, demo_partnership.py),
  follow-up planned.
- DEMO-MD2, heating of sports halls: early; anchored, needs described, the conference set
  up and the PIN text ready to publish (so still a draft).

Every step goes through the services, so the trail and protocol are the real ones; the trail's
timestamps are moved back to the days the steps happened. No e-mail is sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from procure.demo import requirements as own
from procure.demo.competition import DemoMailer, _backdate, _last_event, estimate, step
from procure.demo.partnership import continue_dialogue_demo
from procure.demo.requirements import Own
from procure.domain.rules import RuleBook
from procure.models import Organisation, Supplier, Tender, User
from procure.services import audit, chooser, dialogue, tender_criteria
from procure.services import market_dialogue as lup

EXTRA = {"934567897": "post@stromrenhold.example", "987654325": "salg@kjellerelektro.example",
         "928374653": "hei@fetsundit.example", "918171614": "tilbud@akershustransport.example",
         "975312461": "anbud@nordiskbygg.example"}


def _tender(session, organisation, actor, rulebook, reference, title, description, cpv,
            value, created, requirements: tuple[Own, ...]) -> Tender:
    tender = Tender(
        organisation_id=organisation.id, reference=reference, title=title,
        description=description, contract_type="services", cpv_code=cpv,
        estimated_value=Decimal(value),
        value_estimate=estimate(value),
        planned_notice_date=created.date() + timedelta(days=20), innovation="new",
        market="unknown", needs_rnd=False, contact_name="Olav Innkjøper",
        contact_email="innkjop@lillestrom.example", created_by_id=actor, created_at=created)
    session.add(tender)
    session.flush()
    audit.record(session, "tender.created", actor_id=actor, object_type="tender",
                 object_id=tender.id, reference=reference)
    chooser.refresh_recommendation(session, tender, rulebook, actor_id=actor)
    reason = "" if tender.recommended_track == lup.TRACK else \
        "Behovet er nytt for oss; vi vil snakke med markedet før vi velger prosedyre."
    chooser.choose_track(session, tender, lup.TRACK, reason, actor_id=actor, now=created)
    own.add_own(session, tender, requirements, actor_id=actor, now=created)
    own.set_weights(session, tender, requirements, {}, actor_id=actor)
    tender_criteria.refresh_climate(session, tender, rulebook, actor_id=actor)
    return tender


# Each dialogue's requirements so far: price 40 %, quality 30 % and a climate and
# environment criterion of 30 % that fits the purchase.
FALL_REQUIREMENTS = (
    own.TAX_CERTIFICATE,
    Own("spec-must", "Varsel innen ett minutt",
        "Løsningen skal varsle hjemmetjenesten og pårørende innen ett minutt etter et fall, "
        "også uten mobildekning i boligen.",
        "Beskrivelse av løsningen og resultater fra test eller tidligere bruk."),
    own.price(40),
    own.quality(30, "Hvor godt løsningen oppdager fall uten at brukeren må gjøre noe, og hvor "
                    "få falske alarmer den gir."),
    Own("award", "Lavt energibruk og lang levetid",
        "Sensorenes strømforbruk, batterilevetid og hvor lenge utstyret kan brukes og "
        "repareres før det må byttes.",
        "Datablad med strømforbruk og batterilevetid, og leverandørens garanti og "
        "reservedelsordning.", 30, "quality", climate=True),
)
HEATING_REQUIREMENTS = (
    own.TAX_CERTIFICATE,
    Own("qualification", "Kompetanse på energi i idrettsbygg",
        "Leverandøren skal ha rådgivere med erfaring fra energiløsninger i idrettshaller eller "
        "andre store bygg.",
        "CV for nøkkelpersonene og inntil tre referanseprosjekter."),
    own.price(40),
    own.quality(30, "Hvor godt forslaget passer hallenes bruk, drift og vedlikehold."),
    Own("award", "Klimagassutslipp fra oppvarmingen",
        "Beregnede utslipp av klimagasser fra oppvarmingen de neste 20 årene med den "
        "foreslåtte løsningen, sammenlignet med dagens olje- og elkjeler.",
        "Beregning i kg CO₂-ekvivalenter med forutsetninger.", 30, "quality", climate=True),
)



def _participants(session, tender, orgnrs, actor, when):
    suppliers = {s.orgnr: s for s in session.exec(
        select(Supplier).where(Supplier.orgnr.in_(orgnrs))).all()}
    for orgnr in orgnrs:
        if orgnr in suppliers:
            step(session, when, lup.add_participant, tender, orgnr, suppliers[orgnr].name,
                  EXTRA[orgnr], actor_id=actor, now=when)


def apply_demo_dialogue(session: Session, organisation: Organisation, rulebook: RuleBook,
                        now: datetime) -> None:
    officer = session.exec(select(User).where(
        User.email == "officer@lillestrom.example")).first()
    actor = officer.id if officer else None
    mailer = DemoMailer()
    day = lambda days: now - timedelta(days=days)  # noqa: E731

    reference = f"{now.year}-DEMO-MD1"
    if session.exec(select(Tender).where(Tender.organisation_id == organisation.id,
                                         Tender.reference == reference)).first() is None:
        mark = _last_event(session)
        tender = _tender(session, organisation, actor, rulebook, reference,
                         "Digital fallvarsling for hjemmeboende eldre",
                         "Hjemmetjenesten trenger å vite raskt når en bruker faller.",
                         "85000000-9", 6_500_000, day(120), FALL_REQUIREMENTS)
        _backdate(session, mark, day(120))
        step(session, day(115), lup.save_anchoring, tender,
              "Vedtatt i helse- og omsorgsutvalget (sak 12/2026). Målet er at flere kan bo "
              "trygt hjemme lenger. Eier: kommunalsjef helse; LUP bistår.", actor_id=actor,
              now=day(115))
        step(session, day(110), lup.save_needs, tender,
              "Varsle pårørende og hjemmetjenesten innen ett minutt når en bruker faller, "
              "også uten mobildekning. Brukeren skal ikke måtte gjøre noe selv.",
              "Færre akuttinnleggelser etter fall, kortere tid på gulvet, tryggere brukere "
              "og pårørende.", actor_id=actor, now=day(110))
        step(session, day(100), lup.publish_pin, tender, actor_id=actor, now=day(100))
        step(session, day(99), dialogue.add_event, tender, {
            "title": "Dialogkonferanse: trygghet hjemme", "description":
            "Vi presenterer behovet og ber om innspill fra markedet.",
            "starts_at": day(80).replace(hour=8, minute=0, second=0, microsecond=0),
            "ends_at": day(80).replace(hour=10, minute=0, second=0, microsecond=0),
            "place": "Lillestrøm rådhus, kommunestyresalen", "link": "",
            "registration_deadline": day(82).date()}, actor_id=actor, now=day(99))
        _participants(session, tender, ("987654325", "928374653", "918171614", "975312461"),
                      actor, day(79))
        first = day(70).replace(hour=8, minute=0, second=0, microsecond=0)
        step(session, day(78), lup.offer_slots, tender, first, 60, 15, actor_id=actor,
              mailer=mailer, now=day(78))
        notes = ("Viste radarbasert fallsensor uten kamera; spurte om tilgang til "
                 "trygghetsalarmplattformen.",
                 "Foreslo en app på nettbrett; trenger mobildekning, ble gjort oppmerksom på "
                 "behovet.",
                 "Logistikk og montering i boliger; kan samarbeide med en sensorleverandør.",
                 "Ingen egen løsning, men interessert i å utvikle en sammen med andre.")
        for meeting, text in zip(lup.meetings(session, tender), notes, strict=False):
            step(session, day(69), lup.save_minutes, tender, meeting, text, actor_id=actor,
                  now=day(69))
        step(session, day(68), lup.publish, tender, "qa",
              "Må løsningen kobles til dagens trygghetsalarmplattform?",
              "Ja, varsler skal komme fram i den plattformen hjemmetjenesten bruker i dag. "
              "Grensesnittet beskrives i konkurransegrunnlaget.", actor_id=actor,
              mailer=mailer, now=day(68))
        step(session, day(67), lup.publish, tender, "document", "Oppsummering av dialogen",
              "Alle innspill, anonymisert, og hva vi tar med videre.",
              "https://www.lillestrom.kommune.no/innkjop/fallvarsling", actor_id=actor,
              mailer=mailer, now=day(67))
        step(session, day(60), lup.convert, tender, "innovation-partnership",
              actor_id=actor, now=day(60))
        step(session, day(59), lup.save_follow_up, tender,
              "Effekten måles hvert kvartal i kontraktsperioden: antall fall med innleggelse, "
              "tid fra fall til hjelp, og brukertilfredshet.", actor_id=actor, now=day(59))
        # The innovation partnership was announced and the negotiations are under way.
        continue_dialogue_demo(session, tender, rulebook, actor, day)

    reference = f"{now.year}-DEMO-MD2"
    if session.exec(select(Tender).where(Tender.organisation_id == organisation.id,
                                         Tender.reference == reference)).first() is None:
        mark = _last_event(session)
        tender = _tender(session, organisation, actor, rulebook, reference,
                         "Klimavennlig oppvarming av idrettshaller",
                         "Fire idrettshaller varmes opp med gamle oljekjeler og elkjeler.",
                         "71314000-2", 12_000_000, day(40), HEATING_REQUIREMENTS)
        _backdate(session, mark, day(40))
        step(session, day(35), lup.save_anchoring, tender,
              "Del av klimaplanen 2026–2030; vedtatt av formannskapet. Eier: eiendom.",
              actor_id=actor, now=day(35))
        step(session, day(30), lup.save_needs, tender,
              "Holde 18 °C i hallene og varmt tappevann i garderobene hele året.",
              "Halvert energibruk og ingen direkte utslipp fra oppvarmingen innen 2028.",
              actor_id=actor, now=day(30))
        step(session, day(24), dialogue.add_event, tender, {
            "title": "Dialogkonferanse: varme i idrettshaller", "description":
            "Vi deler energidata for hallene og ønsker innspill.",
            "starts_at": (now + timedelta(days=30)).replace(hour=8, minute=0, second=0,
                                                            microsecond=0),
            "ends_at": (now + timedelta(days=30)).replace(hour=11, minute=0, second=0,
                                                          microsecond=0),
            "place": "", "link": "https://meet.lillestrom.example/idrettshaller",
            "registration_deadline": (now + timedelta(days=28)).date()}, actor_id=actor,
            now=day(24))
