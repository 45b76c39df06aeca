"""The simplified competition service: invitations, equal treatment in Q&A, award letters."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from procure.mail import Mailer, outbox_messages
from procure.models import AuditEvent, Supplier, SupplierMessage
from procure.services import competition, suppliers, tenders
from tests.support.templates import load_demo

TODAY = date(2026, 11, 27)


@pytest.fixture
def mailer(tmp_path):
    return Mailer(sender="Lillestrøm kommune <innkjop@lillestrom.example>",
                  outbox=tmp_path / "outbox")


@pytest.fixture
def setup(db):
    organisation = load_demo(db)
    tender = tenders.create_draft(db, organisation.id, "Vaktmestertjenester", "Drift av tre bygg.",
                                  actor_id=None)
    tenders.update_tender(db, tender, {"track": "simplified-competition",
                                       "weight_price": Decimal(60),
                                       "weight_quality": Decimal(40)}, actor_id=None)
    rows = {}
    for orgnr, name, postal, size in (("914778271", "Lokal Vaktmester AS", "2000", "micro"),
                                      ("811958611", "Oslo Drift AS", "0150", "large"),
                                      ("889640782", "Kjeller Service AS", "2007", "large")):
        supplier = suppliers.create_supplier(db, {"orgnr": orgnr, "name": name,
                                                  "postal_code": postal, "size_class": size},
                                             actor_id=None)
        suppliers.add_contact(db, supplier, {"name": "Post", "email": f"post@{orgnr}.example"},
                              organisation_id=tender.organisation_id, actor_id=None)
        rows[name] = supplier
    return tender, rows


def test_warnings_follow_the_invitation_list(db, setup):
    tender, rows = setup
    competition.invite_supplier(db, tender, rows["Oslo Drift AS"].id, actor_id=None)
    assert competition.warnings(db, tender) == ("too-few", "no-local-sme")
    competition.invite_supplier(db, tender, rows["Kjeller Service AS"].id, actor_id=None)
    competition.invite_supplier(db, tender, rows["Lokal Vaktmester AS"].id, actor_id=None)
    assert competition.warnings(db, tender) == ()


def test_sending_needs_a_future_deadline_and_a_reason_for_warnings(db, setup, mailer):
    tender, rows = setup
    competition.invite_supplier(db, tender, rows["Oslo Drift AS"].id, actor_id=None)
    with pytest.raises(competition.CompetitionError, match="deadline"):
        competition.send_invitations(db, tender, TODAY, "", actor_id=None, mailer=mailer,
                                     today=TODAY)
    with pytest.raises(competition.CompetitionError, match="warnings"):
        competition.send_invitations(db, tender, TODAY + timedelta(days=14), "", actor_id=None,
                                     mailer=mailer, today=TODAY)
    assert outbox_messages(mailer.outbox) == []
    competition.send_invitations(db, tender, TODAY + timedelta(days=14), "Smalt marked.",
                                 actor_id=None, mailer=mailer, today=TODAY)
    assert tender.status == "open" and tender.tender_deadline == TODAY + timedelta(days=14)
    assert competition.existing_competition(db, tender).warning_reason == "Smalt marked."


def test_an_answer_reaches_every_invited_supplier_at_once(db, setup, mailer):
    tender, rows = setup
    for supplier in rows.values():
        competition.invite_supplier(db, tender, supplier.id, actor_id=None)
    competition.send_invitations(db, tender, TODAY + timedelta(days=14), "", actor_id=None,
                                 mailer=mailer, today=TODAY)
    asker = rows["Oslo Drift AS"]
    question = competition.add_question(db, tender, "Er snørydding inkludert?", asker.id,
                                        actor_id=None)
    sent = competition.answer_question(db, tender, question, "Ja, for alle tre bygg.",
                                       actor_id=None, mailer=mailer)
    assert {m.supplier_id for m in sent} == {s.id for s in rows.values()}
    bodies = {m.body.split("\n", 1)[1] for m in sent}  # all but the salutation
    assert len(bodies) == 1 and "Ja, for alle tre bygg." in bodies.pop()
    assert len({m.sent_at for m in sent}) == 1
    assert all("Oslo Drift" not in m.body for m in sent if m.supplier_id != asker.id)
    assert competition.qa_gaps(db, tender) == []
    filed = [m for m in outbox_messages(mailer.outbox) if "Spørsmål og svar 1" in m["Subject"]]
    assert sorted(m["To"] for m in filed) == sorted(
        f"post@{s.orgnr}.example" for s in rows.values())

    # A supplier invited later gets the invitation and every answer so far, at once.
    late = suppliers.create_supplier(db, {"orgnr": "974760673", "name": "Sen Start AS",
                                          "postal_code": "2010", "size_class": "small"},
                                     actor_id=None)
    suppliers.add_contact(db, late, {"name": "Siv", "email": "siv@late.example"},
                          organisation_id=tender.organisation_id, actor_id=None)
    competition.invite_supplier(db, tender, late.id, actor_id=None, mailer=mailer)
    kinds = [m.kind for m in db.exec(select(SupplierMessage).where(
        SupplierMessage.supplier_id == late.id)).all()]
    assert kinds == ["invitation", "answer"]
    assert competition.qa_gaps(db, tender) == []
    with pytest.raises(competition.CompetitionError):
        competition.answer_question(db, tender, question, "Igjen", actor_id=None, mailer=mailer)


def test_offers_ranking_award_and_letters(db, setup, mailer):
    tender, rows = setup
    for supplier in rows.values():
        competition.invite_supplier(db, tender, supplier.id, actor_id=None)
    competition.send_invitations(db, tender, TODAY + timedelta(days=14), "", actor_id=None,
                                 mailer=mailer, today=TODAY)
    with pytest.raises(competition.CompetitionError, match="after the deadline"):
        competition.close_for_offers(db, tender, actor_id=None, today=TODAY)
    after = TODAY + timedelta(days=15)
    competition.close_for_offers(db, tender, actor_id=None, today=after)
    assert tender.status == "evaluation"
    received = TODAY + timedelta(days=10)
    for name, price, quality in (("Lokal Vaktmester AS", "500000", "8"),
                                 ("Oslo Drift AS", "400000", "5"),
                                 ("Kjeller Service AS", "450000", "")):
        competition.record_offer(db, tender, rows[name].id, {
            "price": price, "received_on": received, "score_quality": quality}, actor_id=None)
    with pytest.raises(competition.CompetitionError, match="Score every offer"):
        competition.decide_award(db, tender, rows["Oslo Drift AS"].id, "Best", actor_id=None)
    offer = next(o for o, s in competition.offers(db, tender) if s.name == "Kjeller Service AS")
    competition.update_offer(db, tender, offer, {"price": "450000", "received_on": received,
                                                 "score_quality": "", "rejected_reason":
                                                 "Manglet skatteattest."}, actor_id=None)
    result = competition.evaluation(db, tender)
    best = result.best
    # Oslo: 60 + 40*0.5 = 80.00; Lokal: 60*0.8 = 48.00 + 32 = 80.00 -> tie, lower price first
    assert best.total == Decimal("80.00") and best.tied
    winner = rows["Oslo Drift AS"]
    competition.decide_award(db, tender, winner.id, "Likt poeng; laveste pris avgjør.",
                             actor_id=None)
    assert tender.status == "awarded"
    outgoing = competition.award_letters(db, tender)
    assert [(o.supplier.name, o.kind) for o in outgoing] == [
        ("Oslo Drift AS", "award"), ("Kjeller Service AS", "rejection"),
        ("Lokal Vaktmester AS", "rejection")]
    assert "Manglet skatteattest." in outgoing[1].letter.body
    assert "Oslo Drift AS" in outgoing[2].letter.body and "80 av 100" in outgoing[2].letter.body
    competition.send_award_letters(db, tender, actor_id=None, mailer=mailer)
    with pytest.raises(competition.CompetitionError, match="already"):
        competition.send_award_letters(db, tender, actor_id=None, mailer=mailer)
    actions = [e.action for e in db.exec(select(AuditEvent).where(
        AuditEvent.object_type == "tender", AuditEvent.object_id == str(tender.id))).all()]
    for action in ("competition.invitations_sent", "competition.offer_recorded",
                   "competition.offer_changed", "competition.award_decided", "tender.awarded",
                   "competition.letters_sent"):
        assert action in actions


def test_supplier_register_checks_orgnr_and_derives_kommune(db):
    load_demo(db)
    with pytest.raises(suppliers.SupplierError, match="check digit"):
        suppliers.create_supplier(db, {"orgnr": "923456784", "name": "X",
                                       "postal_code": "2000"}, actor_id=None)
    with pytest.raises(suppliers.SupplierError, match="postal register"):
        suppliers.create_supplier(db, {"orgnr": "914778271", "name": "X",
                                       "postal_code": "0000"}, actor_id=None)
    with pytest.raises(suppliers.SupplierError, match="already"):
        suppliers.create_supplier(db, {"orgnr": "934567897", "name": "X",
                                       "postal_code": "2000"}, actor_id=None)
    supplier = suppliers.create_supplier(db, {"orgnr": "NO 914 778 271 MVA", "name": "Ny AS",
                                              "postal_code": "1900"}, actor_id=None)
    assert (supplier.orgnr, supplier.kommunenummer, supplier.size_class) == (
        "914778271", "3205", "unknown")
    changed = suppliers.update_supplier(db, supplier, {
        "orgnr": "914778271", "name": "Ny AS", "postal_code": "0150", "size_class": "small"},
        actor_id=None)
    assert changed["kommunenummer"] == ("3205", "0301")
    found = suppliers.search_suppliers(db, suppliers.SupplierSearch(text="ny as"))
    assert [s.name for s in found.rows] == ["Ny AS"]
    assert suppliers.search_suppliers(db, suppliers.SupplierSearch(text="9147")).total == 1
    local = suppliers.search_suppliers(db, suppliers.SupplierSearch(kommunenummer="3205"))
    assert local.total >= 1 and all(s.kommunenummer == "3205" for s in local.rows)
    assert db.exec(select(Supplier).where(Supplier.orgnr == "914778271")).one().size_class \
        == "small"
