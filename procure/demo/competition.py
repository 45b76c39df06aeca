"""A demo simplified competition at a late stage (issue 5). Loading twice changes nothing.

Snow clearing at municipal buildings: three suppliers invited (one a local SME), a question
answered to all three, three offers scored, the award decided and the letters sent. Every
step goes through the services, so the trail and the protocol are the real ones; the trail's
timestamps are then moved back to the days the steps happened. No e-mail is sent: the demo
mailer only records the messages.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from procure.demo import requirements as own
from procure.demo.requirements import PAY_CLAUSE, TAX_CERTIFICATE, Own
from procure.domain.estimate import format_nok
from procure.domain.rules import RuleBook
from procure.models import (
    AuditEvent,
    Organisation,
    Supplier,
    SupplierContact,
    Tender,
    User,
    stored_id,
)
from procure.services import audit, chooser, competition, tender_criteria

KEY = "DEMO-FK"
CONTACTS = {
    "934567897": ("Siri Strøm", "Daglig leder", "post@stromrenhold.example", "63 80 10 10"),
    "987654325": ("Kjell Elvik", "Salg", "salg@kjellerelektro.example", "63 81 20 20"),
    "998877660": ("Rana Grønn", "Kjøkkensjef", "bestilling@romerikegront.example", ""),
    "975312461": ("Nora Bygg", "Anbudsansvarlig", "anbud@nordiskbygg.example", "22 00 00 00"),
    "964201358": ("Sverre Skjetten", "Snekker", "verksted@skjettenmobel.example", ""),
    "918171614": ("Anders Akershus", "Markedssjef", "tilbud@akershustransport.example",
                  "67 00 11 22"),
    "928374653": ("Frida Fetsund", "Konsulent", "hei@fetsundit.example", ""),
}
INVITED = ("934567897", "918171614", "975312461")  # local SME first
# orgnr: price, quality, climate and environment (scores 0-10), note
OFFERS = {
    "934567897": (Decimal("612000"), 8, 9, "Elektriske småtraktorer; vaktordning døgnet rundt."),
    "918171614": (Decimal("548000"), 7, 5, "Diesel med HVO100; bemanning fra Lørenskog."),
    "975312461": (Decimal("690000"), 9, 6, "Stor maskinpark; underleverandør for strøing."),
}
# The competition's own requirements; the climate criterion is what meets § 7-9.
SNOW_REQUIREMENTS = (
    TAX_CERTIFICATE,
    Own("qualification", "Beredskap med eget mannskap og utstyr",
        "Leverandøren skal ha mannskap og maskiner til å rydde alle seks byggene samtidig.",
        "Oversikt over mannskap, maskiner og vaktordning."),
    Own("spec-must", "Ryddet og strødd innen kl. 07.00",
        "Ved snøfall eller glatte forhold skal gangveier, innganger og parkeringsplasser være "
        "ryddet og strødd innen kl. 07.00 på hverdager og kl. 09.00 i helgene.",
        "Bekreftelse i tilbudsbrevet."),
    own.price(50),
    Own("award", "Beredskap og responstid",
        "Hvor raskt leverandøren er på plass etter varsel, og hvor robust vaktordningen er.",
        "Beskrivelse av vaktordningen og garanterte responstider.", 20, "quality"),
    Own("award", "Utslippsfrie maskiner",
        "Hvor stor del av arbeidet som gjøres med elektriske eller andre utslippsfrie "
        "maskiner.",
        "Liste over maskinene som skal brukes, med drivlinje, og anslått andel timer med "
        "utslippsfrie maskiner.", 30, "quality", climate=True),
    PAY_CLAUSE,
)


class DemoMailer:
    """Records instead of sending: loading demo data never sends e-mail."""

    sender = "Lillestrøm kommune <innkjop@lillestrom.example>"

    def send(self, message) -> str:
        return "demo: ikke sendt"


def _backdate(session: Session, since: int, when: datetime) -> None:
    """Move the audit events written since `since` to when the step happened."""
    session.flush()
    session.execute(update(AuditEvent).where(col(AuditEvent.id) > since)
                    .values(occurred_at=when).execution_options(synchronize_session=False))


def _last_event(session: Session) -> int:
    return session.exec(select(func.max(AuditEvent.id))).one() or 0


def estimate(value: int) -> dict:
    """A demo tender's value estimate: one total, as the wizard stores it."""
    return {"lines": [f"Anslått verdi i alt: {format_nok(value)} ekskl. mva."],
            "total": str(value)}


def step(session: Session, when: datetime, action, *args, **kwargs):
    """Run a service call and date the audit events it wrote to when it happened."""
    mark = _last_event(session)
    result = action(session, *args, **kwargs)
    _backdate(session, mark, when)
    return result


def _contacts(session: Session, organisation: Organisation) -> None:
    for orgnr, (name, role, email, phone) in CONTACTS.items():
        supplier = session.exec(select(Supplier).where(Supplier.orgnr == orgnr)).first()
        if supplier is None or session.exec(select(SupplierContact.id).where(
                SupplierContact.supplier_id == supplier.id,
                SupplierContact.organisation_id == organisation.id)).first() is not None:
            continue
        session.add(SupplierContact(supplier_id=stored_id(supplier),
                                    organisation_id=stored_id(organisation), name=name,
                                    role=role, email=email, phone=phone))
    session.flush()


def apply_demo_competition(session: Session, organisation: Organisation, rulebook: RuleBook,
                           now: datetime) -> None:
    _contacts(session, organisation)
    reference = f"{now.year}-{KEY}"
    if session.exec(select(Tender).where(Tender.organisation_id == organisation.id,
                                         Tender.reference == reference)).first() is not None:
        return
    officer = session.exec(select(User).where(
        User.email == "officer@lillestrom.example")).first()
    actor = officer.id if officer else None
    day = lambda days: now - timedelta(days=days)  # noqa: E731
    mark = _last_event(session)
    value = 750_000
    tender = Tender(
        organisation_id=stored_id(organisation), reference=reference,
        title="Snørydding og strøing ved kommunale bygg i Skedsmokorset",
        description=("Brøyting, snørydding og strøing av gangveier, parkeringsplasser og "
                     "innganger ved seks skoler og barnehager i Skedsmokorset, vintrene "
                     "2026–2028. Utslippsfrie maskiner og lokal beredskap er ønsket."),
        contract_type="services", cpv_code="90620000-9", estimated_value=Decimal(value),
        value_estimate=estimate(value),
        planned_notice_date=day(40).date(), innovation="none", market="known",
        needs_rnd=False, contact_name="Olav Innkjøper",
        contact_email="innkjop@lillestrom.example", created_by_id=actor, created_at=day(60))
    session.add(tender)
    session.flush()
    audit.record(session, "tender.created", actor_id=actor, object_type="tender",
                 object_id=tender.id, reference=reference)
    chooser.refresh_recommendation(session, tender, rulebook, actor_id=actor)
    chooser.choose_track(session, tender, "simplified-competition", "", actor_id=actor,
                         now=day(58))
    own.add_own(session, tender, SNOW_REQUIREMENTS, actor_id=actor, now=day(58))
    own.set_weights(session, tender, SNOW_REQUIREMENTS, {}, actor_id=actor)
    tender_criteria.refresh_climate(session, tender, rulebook, actor_id=actor)
    _backdate(session, mark, day(58))

    mailer = DemoMailer()
    suppliers = {s.orgnr: s for s in session.exec(
        select(Supplier).where(col(Supplier.orgnr).in_(INVITED))).all()}
    mark = _last_event(session)
    for orgnr in INVITED:
        competition.invite_supplier(session, tender, stored_id(suppliers[orgnr]), actor_id=actor,
                                    now=day(38))
    _backdate(session, mark, day(38))
    mark = _last_event(session)
    competition.send_invitations(session, tender, day(14).date(), "", actor_id=actor,
                                 mailer=mailer, today=day(35).date(), now=day(35))
    _backdate(session, mark, day(35))

    mark = _last_event(session)
    question = competition.add_question(
        session, tender, "Skal snø fra parkeringsplassene kjøres bort, eller kan den legges i "
        "hauger på tomten?", suppliers["918171614"].id, actor_id=actor, now=day(30))
    _backdate(session, mark, day(30))
    mark = _last_event(session)
    competition.answer_question(
        session, tender, question, "Snø kan legges i hauger på tomten så lenge den ikke "
        "hindrer adkomst, rømningsveier eller sikt ved utkjørsler. Bortkjøring bestilles "
        "særskilt og prises per lass i prisskjemaet.", actor_id=actor, mailer=mailer,
        now=day(29))
    _backdate(session, mark, day(29))

    mark = _last_event(session)
    competition.close_for_offers(session, tender, actor_id=actor, today=day(13).date(),
                                 now=day(13))
    _backdate(session, mark, day(13))
    mark = _last_event(session)
    for orgnr, (price, quality, climate, note) in OFFERS.items():
        competition.record_offer(session, tender, stored_id(suppliers[orgnr]), {
            "price": price, "received_on": day(15).date(), "score_quality": quality,
            "score_climate": climate, "note": note}, actor_id=actor, now=day(12))
    _backdate(session, mark, day(12))

    mark = _last_event(session)
    competition.decide_award(
        session, tender, stored_id(suppliers["934567897"]),
        "Strømmen Renhold AS har høyest samlet poengsum (87,75 av 100). Tilbudet er ikke det "
        "billigste, men gir best kvalitet på beredskapen og klart lavest utslipp med "
        "elektriske maskiner, som veier 30 % i tildelingen.", actor_id=actor, now=day(5))
    competition.send_award_letters(session, tender, actor_id=actor, mailer=mailer, now=day(5))
    _backdate(session, mark, day(5))
