"""The innovation partnership service: set-up and value, the notice, prequalification (from the
market dialogue too), at least three in the negotiation, partners and the phase decisions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from procure.domain.innovation_partnership import partnership_rules
from procure.domain.rules import DEFAULT_RULES_DIR, load_rulebook
from procure.exports import partnership_protocol
from procure.exports.protocol import tender_protocol
from procure.mail import Mailer
from procure.models import AuditEvent, Supplier, SupplierContact
from procure.services import innovation_partnership as ip
from procure.services import market_dialogue as lup
from procure.services import suppliers, tenders
from tests.support.templates import load_demo

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
RULES = partnership_rules(load_rulebook(DEFAULT_RULES_DIR).for_date(TODAY))
ORGNRS = (("914778271", "Lokal Sensor AS"), ("811958611", "Oslo Data AS"),
          ("889640782", "Kjeller Robotikk AS"), ("923609016", "Romerike Vann AS"))


def _events(db, tender, prefix="partnership.") -> list[AuditEvent]:
    return [e for e in db.exec(select(AuditEvent).where(
        AuditEvent.object_type == "tender", AuditEvent.object_id == str(tender.id))
        .order_by(AuditEvent.id)).all() if e.action.startswith(prefix)]


@pytest.fixture
def tender(db):
    organisation = load_demo(db)
    row = tenders.create_draft(db, organisation.id, "Lekkasjesøk", "Finne lekkasjer tidlig.",
                               actor_id=None)
    tenders.update_tender(db, row, {"track": ip.TRACK, "estimated_value": Decimal(1)},
                          actor_id=None)
    return row


def _set_up(db, tender, phases=(("Konsept", 1_000_000), ("Prototyp", 2_000_000))):
    ip.save_requirements(db, tender, "Forskning på sensorer.", "Innføring i kommunal drift.",
                         actor_id=None)
    for name, cost in phases:
        ip.add_phase(db, tender, name, f"Delmål for {name}.", Decimal(cost), actor_id=None)
    ip.save_option(db, tender, "Finner 90 % av lekkasjene.", Decimal(10_000_000),
                   actor_id=None)
    ip.save_ipr(db, tender, "supplier", "use-modify", "Kildekode deponeres.", actor_id=None)


def _candidates(db, tender, count=4):
    rows = []
    for orgnr, name in ORGNRS[:count]:
        supplier = suppliers.create_supplier(db, {"orgnr": orgnr, "name": name,
                                                  "postal_code": "2000"}, actor_id=None)
        rows.append(ip.add_candidate(db, tender, supplier.id, actor_id=None))
    return rows


def _open(db, tender):
    ip.open_for_requests(db, tender, TODAY + timedelta(days=30),
                         rules=RULES, actor_id=None, today=TODAY,
                         now=NOW)


def test_the_value_is_rnd_plus_purchase_and_becomes_the_tenders_estimate(db, tender):
    _set_up(db, tender)
    assert tender.estimated_value == Decimal(13_000_000)
    assert tender.value_estimate["lines"][-1] == "Anslått verdi i alt: 13 000 000 kr ekskl. mva."
    assert tender.value_estimate["basis"] == ip.TRACK
    ip.remove_phase(db, tender, ip.phases(db, tender)[-1], actor_id=None)
    assert tender.estimated_value == Decimal(11_000_000)
    updates = [e for e in _events(db, tender) if e.action == "partnership.estimate_updated"]
    assert updates[-1].details["changes"]["estimated_value"] == ["13000000.00", "11000000.00"]
    with pytest.raises(ip.PartnershipError, match="Only the last phase"):
        ip.add_phase(db, tender, "Pilot", "Delmål.", Decimal(5), actor_id=None)
        ip.remove_phase(db, tender, ip.phases(db, tender)[0], actor_id=None)


def test_the_notice_needs_a_complete_setup_and_thirty_days(db, tender):
    with pytest.raises(ip.PartnershipError, match="notice must be complete"):
        _open(db, tender)
    _set_up(db, tender)
    with pytest.raises(ip.PartnershipError, match="at least 30 days"):
        ip.open_for_requests(db, tender, TODAY + timedelta(days=29), rules=RULES, actor_id=None,
                             today=TODAY)
    _open(db, tender)
    assert tender.status == "open" and tender.tender_deadline == TODAY + timedelta(days=30)
    # The notice carried the terms: they stay as announced.
    with pytest.raises(ip.PartnershipError, match="announced"):
        ip.save_ipr(db, tender, "buyer", None, "", actor_id=None)
    with pytest.raises(ip.PartnershipError, match="announced"):
        ip.add_phase(db, tender, "Pilot", "Delmål.", Decimal(5), actor_id=None)


def test_ipr_needs_the_municipalitys_rights_unless_it_owns_the_results(db, tender):
    with pytest.raises(ip.PartnershipError, match="rights to use"):
        ip.save_ipr(db, tender, "supplier", None, "", actor_id=None)
    ip.save_ipr(db, tender, "buyer", "use", "", actor_id=None)
    assert ip.existing(db, tender).ipr_licence is None


def test_dialogue_participants_become_candidates(db, tmp_path):
    organisation = load_demo(db)
    tender = tenders.create_draft(db, organisation.id, "Fallvarsling", "", actor_id=None)
    tenders.update_tender(db, tender, {"track": lup.TRACK}, actor_id=None)
    lup.save_needs(db, tender, "Varsle ved fall.", "Færre innleggelser.", actor_id=None)
    lup.add_participant(db, tender, "914778271", "Lokal Sensor AS", "post@lokal.example",
                        actor_id=None)
    lup.add_participant(db, tender, "811958611", "Oslo Data AS", "hei@oslodata.example",
                        actor_id=None)
    mailer = Mailer(sender="Kommunen <k@example.org>", outbox=tmp_path / "outbox")
    lup.offer_slots(db, tender, datetime.now(UTC) + timedelta(days=3), 60, 0, actor_id=None,
                    mailer=mailer)
    lup.convert(db, tender, ip.TRACK, actor_id=None)
    assert ip.applies(tender)
    offered = ip.dialogue_candidates(db, tender)
    assert [p.name for p in offered] == ["Lokal Sensor AS", "Oslo Data AS"]
    row = ip.add_participant(db, tender, offered[0].id, actor_id=None)
    supplier = db.get(Supplier, row.supplier_id)
    assert (row.source, supplier.orgnr, supplier.size_class) == ("dialogue", "914778271",
                                                                 "unknown")
    assert db.exec(select(SupplierContact.email).where(
        SupplierContact.supplier_id == supplier.id)).all() == ["post@lokal.example"]
    assert [p.name for p in ip.dialogue_candidates(db, tender)] == ["Oslo Data AS"]
    with pytest.raises(ip.PartnershipError, match="not among"):
        ip.add_participant(db, tender, offered[0].id, actor_id=None)


def test_prequalification_and_at_least_three_in_the_negotiation(db, tender):
    _set_up(db, tender)
    rows = _candidates(db, tender)
    with pytest.raises(ip.PartnershipError, match="while the tender is draft"):
        ip.decide_candidate(db, tender, rows[0], "qualified", "God.", actor_id=None)
    _open(db, tender)
    with pytest.raises(ip.PartnershipError, match="reason"):
        ip.decide_candidate(db, tender, rows[0], "qualified", " ", actor_id=None)
    for row in rows[:3]:
        ip.decide_candidate(db, tender, row, "qualified", "Oppfyller begge krav.",
                            actor_id=None)
    with pytest.raises(ip.PartnershipError, match="every candidate"):
        ip.invite_to_negotiation(db, tender, [r.id for r in rows[:3]], None, "",
                                 rules=RULES, actor_id=None)
    ip.decide_candidate(db, tender, rows[3], "rejected", "Ingen FoU-erfaring.", actor_id=None)
    with pytest.raises(ip.PartnershipError, match="Only qualified"):
        ip.invite_to_negotiation(db, tender, [rows[3].id], None, "", rules=RULES, actor_id=None)
    with pytest.raises(ip.PartnershipError, match="at least 3"):
        ip.invite_to_negotiation(db, tender, [r.id for r in rows[:2]], 2, "",
                                 rules=RULES, actor_id=None)
    with pytest.raises(ip.PartnershipError, match="With a cap, at least 3"):
        ip.invite_to_negotiation(db, tender, [r.id for r in rows[:2]], 3, "",
                                 rules=RULES, actor_id=None)
    with pytest.raises(ip.PartnershipError, match="Without a cap"):
        ip.invite_to_negotiation(db, tender, [r.id for r in rows[:2]], None, "",
                                 rules=RULES, actor_id=None)
    ip.invite_to_negotiation(db, tender, [r.id for r in rows[:3]], 3, "",
                             rules=RULES, actor_id=None)
    assert tender.status == "evaluation"
    assert [c.supplier.name for c in ip.negotiating(db, tender)] == [
        "Kjeller Robotikk AS", "Lokal Sensor AS", "Oslo Data AS"]
    with pytest.raises(ip.PartnershipError, match="prequalification is closed"):
        ip.decide_candidate(db, tender, rows[3], "qualified", "Likevel.", actor_id=None)
    event = _events(db, tender)[-1]
    assert event.action == "partnership.negotiation_invited" and event.details["cap"] == 3


def test_fewer_than_three_qualified_is_a_deviation_with_a_reason(db, tender):
    _set_up(db, tender)
    rows = _candidates(db, tender, 3)
    _open(db, tender)
    ip.decide_candidate(db, tender, rows[0], "qualified", "Ok.", actor_id=None)
    ip.decide_candidate(db, tender, rows[1], "qualified", "Ok.", actor_id=None)
    ip.decide_candidate(db, tender, rows[2], "rejected", "Mangler FoU.", actor_id=None)
    with pytest.raises(ip.PartnershipError, match="deviation"):
        ip.invite_to_negotiation(db, tender, [rows[0].id, rows[1].id], None, "",
                                 rules=RULES, actor_id=None)
    ip.invite_to_negotiation(db, tender, [rows[0].id, rows[1].id], None,
                             "Bare to kvalifiserte; markedet er lite.", rules=RULES, actor_id=None)
    data = partnership_protocol.protocol_data(db, tender)
    assert data["warnings"] == ["Færre enn 3 kandidater er invitert til forhandling."]
    assert data["deviation_reason"] == "Bare to kvalifiserte; markedet er lite."


def test_partners_and_the_decisions_after_each_phase(db, tender):
    _set_up(db, tender, (("Konsept", 1_000_000), ("Prototyp", 2_000_000),
                         ("Pilot", 3_000_000)))
    rows = _candidates(db, tender, 3)
    _open(db, tender)
    for row in rows:
        ip.decide_candidate(db, tender, row, "qualified", "Ok.", actor_id=None)
    ip.invite_to_negotiation(db, tender, [r.id for r in rows], None, "", rules=RULES, actor_id=None)
    with pytest.raises(ip.PartnershipError, match="at least one round"):
        ip.select_partners(db, tender, [rows[0].id], "Best.", actor_id=None)
    with pytest.raises(ip.PartnershipError, match="future"):
        ip.add_round(db, tender, TODAY + timedelta(days=1), "Pris.", "", actor_id=None,
                     today=TODAY)
    ip.add_round(db, tender, TODAY, "Pris og IPR.", "Reviderte tilbud.", actor_id=None,
                 today=TODAY)
    ip.select_partners(db, tender, [rows[0].id, rows[1].id], "Best forhold mellom kostnad og "
                       "kvalitet.", actor_id=None)
    assert tender.status == "awarded"
    first, second, third = ip.phases(db, tender)
    assert ip.running_phase(db, tender) is first
    with pytest.raises(ip.PartnershipError, match="running"):
        ip.decide_phase(db, tender, second, "continue", "Ok.", True, [], actor_id=None)
    with pytest.raises(ip.PartnershipError, match="leave"):
        ip.decide_phase(db, tender, first, "reduce", "For dyrt.", True, [], actor_id=None)
    with pytest.raises(ip.PartnershipError, match="At least one partner"):
        ip.decide_phase(db, tender, first, "reduce", "For dyrt.", True,
                        [rows[0].id, rows[1].id], actor_id=None)
    ip.decide_phase(db, tender, first, "continue", "Delmålene er nådd.", True, [],
                    actor_id=None)
    ip.decide_phase(db, tender, second, "reduce", "Oslo Data AS nådde ikke delmålet.", False,
                    [rows[1].id], actor_id=None)
    assert [c.supplier.name for c in ip.partners(db, tender)] == ["Lokal Sensor AS"]
    assert ip.running_phase(db, tender) is third
    with pytest.raises(ip.PartnershipError, match="purchase option"):
        ip.decide_phase(db, tender, third, "continue", "Nesten.", False, [], actor_id=None)
    ip.decide_phase(db, tender, third, "stop", "Ytelsesnivået ble ikke nådd.", False, [],
                    actor_id=None)
    assert tender.status == "closed"
    decided = [e.details for e in _events(db, tender)
               if e.action == "partnership.phase_decided"]
    assert [(d["phase"], d["decision"]) for d in decided] == [
        (1, "continue"), (2, "reduce"), (3, "stop")]
    assert decided[1]["leaving"] == ["Oslo Data AS"]
    assert decided[1]["remaining"] == ["Lokal Sensor AS"]
    protocol = tender_protocol(db, tender)
    data = protocol.innovation_partnership
    assert [p["state"] for p in data["phases"]] == ["Gjennomført", "Gjennomført", "Avsluttet"]
    assert data["phases"][1]["leaving"] == ["Oslo Data AS"]
    assert data["partners"][1] == {"name": "Oslo Data AS", "orgnr": "811958611",
                                   "since": data["partners"][1]["since"],
                                   "left": "etter fase 2"}
    assert data["ipr"]["licence"] == "Kommunen har bruks- og endringsrett"
    assert partnership_protocol.protocol_missing(data, tender) == []
    assert protocol.value == "16 000 000 kr ekskl. mva."


def test_the_protocol_lists_what_is_missing(db, tender):
    ip.save_requirements(db, tender, "FoU.", "Gjennomføring.", actor_id=None)
    data = partnership_protocol.protocol_data(db, tender)
    assert partnership_protocol.protocol_missing(data, tender) == [
        "Vilkårene om immaterielle rettigheter (IPR) er ikke fastsatt.",
        "Vilkårene for kjøpsopsjonen (ytelsesnivå og makskostnad) er ikke fastsatt.",
        "Fasene med delmål og makskostnad er ikke fastsatt."]


def test_only_the_track_uses_it(db):
    organisation = load_demo(db)
    other = tenders.create_draft(db, organisation.id, "Renhold", "", actor_id=None)
    with pytest.raises(ip.PartnershipError, match="does not follow"):
        ip.save_requirements(db, other, "a", "b", actor_id=None)
    assert partnership_protocol.protocol_data(db, other) is None


def test_a_value_across_a_threshold_is_flagged_without_losing_the_track(db):
    from procure.domain.rules import DEFAULT_RULES_DIR, load_rulebook
    from procure.services import chooser

    rulebook = load_rulebook(DEFAULT_RULES_DIR)
    organisation = load_demo(db)
    row = tenders.create_draft(db, organisation.id, "Lekkasjesøk", "Finne lekkasjer tidlig.",
                               actor_id=None)
    tenders.update_tender(db, row, {
        "estimated_value": Decimal(1_500_000), "contract_type": "services",
        "planned_notice_date": date(2026, 9, 1), "innovation": "new", "market": "unknown",
        "needs_rnd": True, "cpv_code": "73000000-2"}, actor_id=None)
    chooser.refresh_recommendation(db, row, rulebook, actor_id=None)
    tenders.update_tender(db, row, {"track": ip.TRACK}, actor_id=None)
    assert ip.regime_change(db, row, rulebook) is None  # no partnership value yet
    _set_up(db, row)
    assert ip.regime_change(db, row, rulebook) == ("part-2", "part-3")
    assert row.track == ip.TRACK and row.recommendation["regime"] == "part-2"


def test_letters_after_the_prequalification_and_the_choice_of_partners(db, tender, tmp_path):
    from email import message_from_bytes, policy

    from procure.services import partnership_letters

    mailer = Mailer(sender="Kommunen <k@example.org>", outbox=tmp_path / "outbox")
    _set_up(db, tender)
    rows = _candidates(db, tender, 4)
    for row in rows[:3]:  # the fourth has no contact with an e-mail address
        supplier = db.get(Supplier, row.supplier_id)
        suppliers.add_contact(db, supplier, {"name": "Kari", "email": f"{supplier.orgnr}@x.no"},
                              organisation_id=tender.organisation_id, actor_id=None)
    _open(db, tender)
    with pytest.raises(ip.PartnershipError, match="decision first"):
        partnership_letters.send(db, tender, "prequalification", actor_id=None, mailer=mailer)
    for row in rows[:3]:
        ip.decide_candidate(db, tender, row, "qualified", "Oppfyller kravene.", actor_id=None)
    ip.decide_candidate(db, tender, rows[3], "rejected", "Ingen egen FoU.", actor_id=None)
    ip.invite_to_negotiation(db, tender, [r.id for r in rows[:3]], 3, "", rules=RULES,
                             actor_id=None)

    sent, without = partnership_letters.send(db, tender, "prequalification", actor_id=None,
                                             mailer=mailer)
    assert without == ["Romerike Vann AS"]  # told another way; the trail says so
    assert sorted(m.kind for m in sent) == ["ip-invited"] * 3
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 3
    body = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert body["Subject"].startswith("Invitasjon til forhandlinger: Lekkasjesøk")
    assert "begrenset til 3" in body.get_content()
    with pytest.raises(ip.PartnershipError, match="already been sent"):
        partnership_letters.send(db, tender, "prequalification", actor_id=None, mailer=mailer)
    event = _events(db, tender)[-1]
    assert event.action == "partnership.letters_prequalification"
    assert event.details["without_email"] == ["Romerike Vann AS"]
    rejected = partnership_letters.outgoing(db, tender, "prequalification")
    assert [o.kind for o in rejected if o.supplier.name == "Romerike Vann AS"] == ["ip-rejected"]
    assert "Ingen egen FoU." in next(o.letter.body for o in rejected if o.kind == "ip-rejected")

    ip.add_round(db, tender, TODAY, "Pris og IPR.", "Reviderte tilbud.", actor_id=None,
                 today=TODAY)
    ip.select_partners(db, tender, [rows[0].id], "Best forhold mellom kostnad og kvalitet.",
                       actor_id=None)
    sent, without = partnership_letters.send(db, tender, "partners", actor_id=None,
                                             mailer=mailer)
    assert without == []
    kinds = {db.get(Supplier, m.supplier_id).name: m.kind for m in sent}
    assert kinds == {"Lokal Sensor AS": "ip-partner", "Oslo Data AS": "ip-not-partner",
                     "Kjeller Robotikk AS": "ip-not-partner"}
    losing = next(m for m in sent if m.kind == "ip-not-partner")
    assert "Lokal Sensor AS" in losing.body and "Best forhold mellom" in losing.body
