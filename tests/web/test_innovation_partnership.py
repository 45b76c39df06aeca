"""The innovation partnership, end to end through the web: set-up and value, the notice,
prequalification, negotiation with at least three, partners, phase decisions and the protocol."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlmodel import select

from procure.domain.purchases import oslo_today
from procure.models import (
    AuditEvent,
    InterestRegistration,
    PartnershipCandidate,
    PartnershipPhase,
    Supplier,
    Tender,
    utcnow,
)
from tests.helpers import post_form
from tests.web.test_wizard import walk_to_recommendation

TITLE = "Tidlig varsling av lekkasjer"


def partnership_tender(client, db) -> Tender:
    url = walk_to_recommendation(client, monthly="500000", months="48", innovation="new",
                                 market="unknown", rnd="yes", title=TITLE)
    assert "innovation-partnership" in client.get(url).text
    response = post_form(client, url, {"track": "innovation-partnership",
                                        "reason": "Markedsdialogen viste at ingen løsning "
                                                  "finnes."})
    assert response.status_code == 302, response.text
    return db.exec(select(Tender).where(Tender.title == TITLE)).one()


def _candidate_id(db, tender, orgnr: str) -> int:
    supplier = db.exec(select(Supplier).where(Supplier.orgnr == orgnr)).one()
    return db.exec(select(PartnershipCandidate.id).where(
        PartnershipCandidate.tender_id == tender.id,
        PartnershipCandidate.supplier_id == supplier.id)).one()


def test_innovation_partnership_end_to_end(app, login_as, db):
    client = login_as("officer")
    tender = partnership_tender(client, db)
    base = f"/officer/tenders/{tender.id}/partnership"
    overview = client.get(f"/officer/tenders/{tender.id}").text
    assert base in overview and "Innovasjonspartnerskap" in overview
    assert 'data-missing="requirements ipr option phases"' in client.get(base).text

    # Set-up; a refused form keeps what was typed.
    response = post_form(client, f"{base}/requirements", {"rnd": "Forskning på sensorer.",
                                                           "implementation": ""}, page=base)
    assert response.status_code == 400 and "Forskning på sensorer." in response.text
    assert post_form(client, f"{base}/requirements", {
        "rnd": "Forskning på akustiske sensorer siste fem år.",
        "implementation": "Innføring av ny teknologi i kommunal drift."},
        page=base).status_code == 302
    for name, cost in (("Konsept", "2000000"), ("Prototyp", "5000000"), ("Pilot", "8000000")):
        assert post_form(client, f"{base}/phases", {
            "phase_name": name, "interim_targets": f"Delmål for {name.lower()}.",
            "phase_cost": cost},
            page=base).status_code == 302
    assert post_form(client, f"{base}/option", {
        "targets": "Finner 90 % av lekkasjene innen 48 timer.", "max_cost": "18000000"},
        page=base).status_code == 302
    response = post_form(client, f"{base}/ipr", {"ownership": "shared", "terms": ""},
                         page=base)
    assert response.status_code == 400
    assert "Velg kommunens rett til å bruke resultatene." in response.text
    assert post_form(client, f"{base}/ipr", {"ownership": "shared",
                                             "licence": "use-modify-share",
                                             "terms": "Royalty på 3 % i fem år."},
                     page=base).status_code == 302
    page = client.get(base).text
    assert "data-missing" not in page
    assert 'data-value="33000000.00"' in page and "Sum forskning og utvikling: 15 000 000 kr" \
        in page
    db.refresh(tender)
    assert str(tender.estimated_value) == "33000000.00"
    summary = client.get(f"/officer/tenders/{tender.id}").text.replace("\xa0", " ")
    assert "33 000 000 kr" in summary  # the tender's estimate, as the thresholds use it

    # The notice: at least 30 days for requests to participate.
    today = oslo_today(utcnow())
    response = post_form(client, f"{base}/open", {
        "deadline": (today + timedelta(days=20)).isoformat()}, page=base)
    assert response.status_code == 400 and "minst 30 dager" in response.text
    assert post_form(client, f"{base}/open", {
        "deadline": (today + timedelta(days=35)).isoformat()}, page=base).status_code == 302
    db.refresh(tender)
    assert tender.status == "open"

    # Candidates: from the register and from a registration of interest.
    candidates_url = f"{base}/candidates"
    found = client.get(f"{candidates_url}?q=Kjeller").text
    assert "Kjeller Elektro AS" in found
    suppliers = {s.orgnr: s for s in db.exec(select(Supplier)).all()}
    for orgnr in ("987654325", "928374653", "918171614"):
        assert post_form(client, f"{base}/candidates/add",
                         {"supplier_id": str(suppliers[orgnr].id)},
                         page=f"{candidates_url}?q=Kjeller").status_code == 302
    db.add(InterestRegistration(organisation_id=tender.organisation_id,
                                orgnr="914778271", business_name="Lokal Sensor AS",
                                email="post@lokalsensor.example", divisions=[],
                                tender_id=tender.id, unsubscribe_token=secrets.token_hex(16),
                                confirmed_at=utcnow()))
    db.commit()
    registration = db.exec(select(InterestRegistration).where(
        InterestRegistration.orgnr == "914778271")).one()
    assert "Lokal Sensor AS" in client.get(candidates_url).text
    # The address is confirmed as the business's contact first (issue 19).
    assert post_form(client, f"{base}/interest/{registration.id}/confirm",
                     {"note": "Ringte daglig leder, som bekreftet adressen."},
                     page=candidates_url).status_code == 302
    assert post_form(client, f"{base}/candidates/add", {"registration_id": str(registration.id)},
                     page=candidates_url).status_code == 302

    # Decisions with reasons; a missing reason is refused and the choice kept.
    first = _candidate_id(db, tender, "987654325")
    response = post_form(client, f"{base}/candidates/{first}/decision",
                         {"decision": "qualified", "reason": ""}, page=candidates_url)
    assert response.status_code == 400 and 'value="qualified" checked' in response.text
    decisions = {"987654325": "qualified", "928374653": "qualified", "914778271": "qualified",
                 "918171614": "rejected"}
    for orgnr, decision in decisions.items():
        assert post_form(client, f"{base}/candidates/{_candidate_id(db, tender, orgnr)}"
                         "/decision", {"decision": decision, "reason": f"Vurdert: {decision}."},
                         page=candidates_url).status_code == 302
    page = client.get(candidates_url).text
    assert page.count('data-decision="qualified"') == 3

    # Negotiation: a cap below three is refused; without a cap every qualified one is invited.
    qualified = [str(_candidate_id(db, tender, o)) for o, d in decisions.items()
                 if d == "qualified"]
    response = post_form(client, f"{base}/negotiation/invite",
                         {"candidates": qualified[:2], "cap": "2", "reason": ""},
                         page=candidates_url)
    assert response.status_code == 400 and "grensen være minst 3" in response.text
    response = post_form(client, f"{base}/negotiation/invite",
                         {"candidates": qualified, "cap": "", "reason": ""},
                         page=candidates_url)
    assert response.status_code == 302, response.text
    db.refresh(tender)
    assert tender.status == "evaluation"

    negotiation_url = f"{base}/negotiation"
    assert post_form(client, f"{base}/rounds", {
        "held_on": today.isoformat(), "topics": "Pris, sensortetthet og IPR.",
        "outcome": "Reviderte tilbud om to uker."}, page=negotiation_url).status_code == 302
    partners = qualified[:2]
    response = post_form(client, f"{base}/partners", {"partners": partners, "reason": ""},
                         page=negotiation_url)
    assert response.status_code == 400
    assert post_form(client, f"{base}/partners", {
        "partners": partners, "reason": "Best forhold mellom kostnad og kvalitet."},
        page=negotiation_url).status_code == 302
    db.refresh(tender)
    assert tender.status == "awarded"

    # Phases: continue after the first, reduce after the second (choosing who leaves).
    phases_url = f"{base}/phases"
    page = client.get(phases_url).text
    assert 'data-phase="1" data-state="running"' in page
    first_phase, second_phase, _third = db.exec(select(PartnershipPhase).where(
        PartnershipPhase.tender_id == tender.id).order_by(PartnershipPhase.number)).all()
    assert f"/phases/{first_phase.id}/decision" in page
    assert f"/phases/{second_phase.id}/decision" not in page  # only the running phase
    decide = f"{base}/phases/{first_phase.id}/decision"
    response = post_form(client, decide, {"decision": "reduce", "targets_met": "yes",
                                          "reason": "Kutter."}, page=phases_url)
    assert response.status_code == 400 and "Velg partnerne som går ut." in response.text
    assert post_form(client, decide, {"decision": "continue", "targets_met": "yes",
                                      "reason": "Delmålene er nådd."},
                     page=phases_url).status_code == 302
    page = client.get(phases_url).text
    assert 'data-phase="1" data-state="done"' in page
    assert 'data-phase="2" data-state="running"' in page
    assert post_form(client, f"{base}/phases/{second_phase.id}/decision", {
        "decision": "reduce", "targets_met": "no", "leaving": [partners[1]],
        "reason": "Fetsund IT-Service AS nådde ikke delmålet."},
        page=phases_url).status_code == 302
    page = client.get(phases_url).text
    assert 'data-phase="3" data-state="running"' in page and "Kjeller Elektro AS" in page

    events = [e.action for e in db.exec(select(AuditEvent).where(
        AuditEvent.object_type == "tender", AuditEvent.object_id == str(tender.id))).all()]
    assert events.count("partnership.phase_decided") == 2
    assert "partnership.negotiation_invited" in events and "tender.awarded" in events

    protocol = client.get(f"/officer/tenders/{tender.id}/protocol").text
    assert "Innovasjonspartnerskap (FOA § 13-1 (3))" in protocol
    assert "Prekvalifisering" in protocol and "Vurdert: rejected." in protocol
    assert "gikk ut etter fase 2" in protocol
    assert "Kommunen har rett til å bruke, endre og dele" in protocol
    assert "Royalty på 3 % i fem år." in protocol
    assert "Partnerne er ikke valgt" not in protocol and "IPR) er ikke fastsatt" not in protocol
    pdf = client.get(f"/officer/tenders/{tender.id}/protocol.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_other_tracks_are_sent_back(login_as, db):
    client = login_as("officer")
    tender = db.exec(select(Tender).where(Tender.reference.endswith("DEMO-FK"))).one()
    response = client.get(f"/officer/tenders/{tender.id}/partnership")
    assert response.status_code == 302
    assert response.location.endswith(f"/officer/tenders/{tender.id}")


def test_the_demo_partnership_is_in_its_second_phase(login_as, db):
    client = login_as("officer")
    tender = db.exec(select(Tender).where(Tender.reference.endswith("DEMO-IP1"))).one()
    page = client.get(f"/officer/tenders/{tender.id}/partnership/phases").text
    assert 'data-phase="1" data-state="done"' in page and 'data-decision="continue"' in page
    assert 'data-phase="2" data-state="running"' in page
    assert 'data-phase="3" data-state="planned"' in page
    dialogue = db.exec(select(Tender).where(Tender.reference.endswith("DEMO-MD1"))).one()
    page = client.get(f"/officer/tenders/{dialogue.id}/partnership/candidates").text
    assert page.count("Fra markedsdialogen") == 4
    assert "Invitert til forhandling" in page


def test_sending_the_letters_from_the_pages(app, login_as, db):
    from pathlib import Path

    client = login_as("officer")
    tender = db.exec(select(Tender).where(Tender.reference.endswith("DEMO-IP1"))).one()
    outbox = Path(app.config["OUTBOX_DIR"])
    before = len(list(outbox.glob("*.eml"))) if outbox.exists() else 0
    candidates = f"/officer/tenders/{tender.id}/partnership/candidates"
    page = client.get(candidates).text
    assert "Brev om prekvalifiseringen" in page and "invitert til forhandlinger" in page
    response = post_form(client, f"/officer/tenders/{tender.id}/partnership/letters/"
                         "prequalification", {}, page=candidates)
    assert response.status_code == 302
    page = client.get(candidates).text
    assert "Sendte brev" in page and "Invitasjon til forhandlinger" in page
    assert "Send brevene" not in page
    assert len(list(outbox.glob("*.eml"))) > before
    negotiation = f"/officer/tenders/{tender.id}/partnership/negotiation"
    response = post_form(client, f"/officer/tenders/{tender.id}/partnership/letters/partners",
                         {}, page=negotiation)
    assert response.status_code == 302
    assert "Melding om valg av partner" in client.get(negotiation).text
    assert post_form(client, f"/officer/tenders/{tender.id}/partnership/letters/nonsense", {},
                     page=negotiation).status_code == 404


def test_a_phase_is_changed_until_the_notice_and_the_trail_keeps_the_old_terms(login_as, db):
    client = login_as("officer")
    tender = partnership_tender(client, db)
    base = f"/officer/tenders/{tender.id}/partnership"
    for name, cost in (("Konsept", "2000000"), ("Prototyp", "5000000")):
        assert post_form(client, f"{base}/phases", {
            "phase_name": name, "interim_targets": f"Delmål for {name.lower()}.",
            "phase_cost": cost}, page=base).status_code == 302
    first = db.exec(select(PartnershipPhase).where(PartnershipPhase.tender_id == tender.id,
                                                   PartnershipPhase.number == 1)).one()
    edit = f"{base}/phases/{first.id}/edit"
    assert edit in client.get(base).text  # not only the last phase

    response = post_form(client, edit, {"phase_name": "Konsept", "phase_cost": "2500000",
                                        "interim_targets": ""}, page=edit)
    assert response.status_code == 400
    assert "2500000" in response.text  # what was typed is kept
    assert post_form(client, edit, {
        "phase_name": "Konsept og behovsavklaring", "phase_cost": "2500000",
        "interim_targets": "Tre konsepter testet mot ledningsdata."},
        page=edit).status_code == 302
    db.refresh(first)
    db.refresh(tender)
    assert (first.name, str(first.max_cost)) == ("Konsept og behovsavklaring", "2500000.00")
    assert str(tender.estimated_value) == "7500000.00"  # the phases, no purchase option yet
    event = db.exec(select(AuditEvent).where(
        AuditEvent.action == "partnership.phase_changed")).one()
    assert event.details["changes"]["max_cost"] == ["2000000.00", "2500000.00"]
    protocol = client.get(f"/officer/tenders/{tender.id}/protocol").text
    assert "Fase endret" in protocol and "«Konsept» → «Konsept og behovsavklaring»" in protocol

    # Once the notice is out, the terms are what candidates apply on.
    tender.opened_at = utcnow()
    db.add(tender)
    db.commit()
    assert edit not in client.get(base).text
    db.refresh(tender)  # a page opened before the notice, posted after it
    response = post_form(client, edit, {"phase_name": "Ny", "phase_cost": "1",
                                        "interim_targets": "Ny.",
                                        "version": str(tender.version)})
    assert response.status_code == 400 and "kan ikke lenger endres" in response.text
    db.refresh(first)
    assert first.name == "Konsept og behovsavklaring"
