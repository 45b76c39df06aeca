"""Issue 20, item 10: every step saves, and its page opens again after the save (the value step
gave a 500 when reopened). Parametrised over the declarations themselves: the wizard's steps
(procure.domain.wizard.STEPS) and every Step of every Track (procure/web/officer/steps.py), so
a step added later fails here until it has a scenario below.

Each scenario puts a tender where the step can be taken (through the services, as the
earlier steps would), posts the step's form through the web as a browser would, and then opens
the page it lands on and the step's own page again: both answer 200 and show what was saved.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from procure import clock
from procure.domain.wizard import STEP_SLUGS
from procure.mail import Mailer
from procure.models import DialogueEvent, InterestRegistration, Supplier, Tender, utcnow
from procure.services import competition, suppliers, tenders
from procure.services import innovation_partnership as ip
from procure.services import market_dialogue as lup
from procure.web.officer.competition_views import TRACK as COMPETITION
from procure.web.officer.dialogue_views import TRACK as DIALOGUE
from procure.web.officer.partnership_views import TRACK as PARTNERSHIP
from tests.helpers import post_form
from tests.web.test_innovation_partnership import partnership_tender
from tests.web.test_market_dialogue import dialogue_tender
from tests.web.test_wizard import walk_to_recommendation

TRACKS = (COMPETITION, DIALOGUE, PARTNERSHIP)
DECLARED = [("wizard", slug) for slug in STEP_SLUGS] + [
    (track.name, step.slug) for track in TRACKS for step in track.steps]


@dataclass
class Post:
    """One step's form: where it is posted, what, from which page, which pages must open
    afterwards, and a text those pages show once it is saved."""

    url: str
    data: dict
    page: str
    shows: str | re.Pattern = ""
    reopen: tuple[str, ...] = ()


@dataclass
class Arrange:
    app: object
    client: object
    db: object
    mailer: Mailer

    @property
    def today(self):
        return clock.today()

    def commit(self) -> None:
        self.db.commit()

    # --- the simplified competition ---------------------------------------------------------

    def competition(self) -> tuple[Tender, list[Supplier]]:
        url = walk_to_recommendation(self.client, title="Vaktmester for skolene")
        assert post_form(self.client, url, {"track": "simplified-competition"}).status_code == 302
        tender = self.db.exec(select(Tender).where(Tender.title == "Vaktmester for skolene")).one()
        tenders.update_tender(self.db, tender, {"weight_price": Decimal(70),
                                                "weight_quality": Decimal(30)}, actor_id=None)
        rows = []
        for orgnr, name, postal, size in (("914778271", "Lokal Vaktmester AS", "2000", "micro"),
                                          ("811958611", "Oslo Drift AS", "0150", "large"),
                                          ("889640782", "Bergen Drift AS", "5003", "large")):
            supplier = suppliers.create_supplier(self.db, {
                "orgnr": orgnr, "name": name, "postal_code": postal, "size_class": size},
                actor_id=None)
            suppliers.add_contact(self.db, supplier, {"name": "Kari", "email":
                                                      f"tilbud@{orgnr}.example"},
                                  organisation_id=tender.organisation_id, actor_id=None)
            rows.append(supplier)
        self.commit()
        return tender, rows

    def invited(self) -> tuple[Tender, list[Supplier]]:
        tender, rows = self.competition()
        for supplier in rows:
            competition.invite_supplier(self.db, tender, supplier.id, actor_id=None)
        self.commit()
        return tender, rows

    def sent(self) -> tuple[Tender, list[Supplier]]:
        tender, rows = self.invited()
        competition.send_invitations(self.db, tender, self.today + timedelta(days=1), "",
                                     actor_id=None, mailer=self.mailer, today=self.today)
        self.commit()
        return tender, rows

    def in_evaluation(self) -> tuple[Tender, list[Supplier]]:
        tender, rows = self.sent()
        competition.close_for_offers(self.db, tender, actor_id=None,
                                     today=self.today + timedelta(days=2))
        self.commit()
        return tender, rows

    def offer(self, tender: Tender, supplier: Supplier, price: str = "500000"):
        row = competition.record_offer(self.db, tender, supplier.id, {
            "price": Decimal(price), "received_on": self.today, "score_quality": Decimal(7),
            "score_climate": None, "score_other": None, "rejected_reason": "", "note": ""},
            actor_id=None)
        self.commit()
        return row

    # --- the market dialogue -------------------------------------------------------------------

    def dialogue(self, *, needs: bool = False, participant: bool = False) -> Tender:
        tender = dialogue_tender(self.client, self.db)
        if needs:
            lup.save_anchoring(self.db, tender, "Forankret i helseutvalget.", actor_id=None)
            lup.save_needs(self.db, tender, "Varsle ved fall.", "Færre innleggelser.",
                           actor_id=None)
        if participant:
            lup.add_participant(self.db, tender, "914778271", "Lokal Velferd AS",
                                "post@lokal.example", actor_id=None, mailer=self.mailer)
        self.commit()
        return tender

    # --- the innovation partnership ------------------------------------------------------------

    def partnership(self, *, setup: bool = False, opened: bool = False,
                    candidates: int = 0, qualified: bool = False, invited: bool = False,
                    negotiated: bool = False, partners: bool = False
                    ) -> tuple[Tender, list[int]]:
        tender = partnership_tender(self.client, self.db)
        if setup or opened:
            ip.save_requirements(self.db, tender, "Forskning på sensorer.", "Innføring i drift.",
                                 actor_id=None)
            ip.save_ipr(self.db, tender, "shared", "use-modify-share", "", actor_id=None)
            ip.save_option(self.db, tender, "Finner 90 % av lekkasjene.", Decimal(18_000_000),
                           actor_id=None)
            for name in ("Konsept", "Prototyp"):
                ip.add_phase(self.db, tender, name, f"Delmål for {name}.", Decimal(2_000_000),
                             actor_id=None)
        rules = ip.rules_for(tender, self.app.extensions["procure.rulebook"], self.today)
        if opened:
            ip.open_for_requests(self.db, tender, self.today + timedelta(days=40), rules=rules,
                                 actor_id=None, today=self.today)
        ids = []
        for orgnr, name in (("914778271", "Lokal Sensor AS"), ("811958611", "Oslo Sensor AS"),
                            ("889640782", "Bergen Sensor AS"))[:candidates]:
            supplier = suppliers.by_orgnr(self.db, orgnr) or suppliers.create_supplier(
                self.db, {"orgnr": orgnr, "name": name, "postal_code": "2000",
                          "size_class": "small"}, actor_id=None)
            suppliers.add_contact(self.db, supplier, {"name": "Kari", "email":
                                                      f"post@{orgnr}.example"},
                                  organisation_id=tender.organisation_id, actor_id=None)
            ids.append(ip.add_candidate(self.db, tender, supplier.id, actor_id=None).id)
        if qualified or invited or partners:
            for candidate_id in ids:
                ip.decide_candidate(self.db, tender, ip.get_candidate(self.db, tender,
                                                                      candidate_id),
                                    "qualified", "Oppfyller kravene.", actor_id=None)
        if invited or partners:
            ip.invite_to_negotiation(self.db, tender, ids, None, "", rules=rules, actor_id=None)
        if negotiated or partners:
            ip.add_round(self.db, tender, self.today, "Pris og kvalitet.", "Nye tilbud.",
                         actor_id=None, today=self.today)
        if partners:
            ip.select_partners(self.db, tender, ids[:2], "Best forhold mellom pris og kvalitet.",
                               actor_id=None)
        self.commit()
        return tender, ids


# --- the scenarios, one per declared step ----------------------------------------------------


def _tender_of(a: Arrange, title: str = "Renhold av skoler") -> tuple[Tender, str]:
    url = walk_to_recommendation(a.client, title=title)
    tender = a.db.exec(select(Tender).where(Tender.title == title)).one()
    return tender, url.rsplit("/steps/", 1)[0]


def wizard_need(a: Arrange) -> Post:
    tender, base = _tender_of(a)
    url = f"{base}/steps/need"
    return Post(url, {"title": "Renhold av skoler og barnehager",
                      "description": "Renhold av tre skoler og to barnehager.",
                      "cpv_code": "90911200-8"}, url, shows="Renhold av skoler og barnehager")


def wizard_value(a: Arrange) -> Post:
    tender, base = _tender_of(a)
    url = f"{base}/steps/value"
    return Post(url, {"lots-0-name": "Nord", "lots-0-monthly": "30000", "lots-0-months": "36",
                      "lots-0-options": "12500.50", "save": "1"}, url, shows='value="30000.00"')


def wizard_contract(a: Arrange) -> Post:
    tender, base = _tender_of(a)
    url = f"{base}/steps/contract"
    deadline = (a.today + timedelta(days=60)).isoformat()
    return Post(url, {"contract_type": "services", "buyer_type": "municipality",
                      "planned_notice_date": "2026-09-01", "tender_deadline": deadline}, url,
                shows=f'value="{deadline}"')


def wizard_innovation(a: Arrange) -> Post:
    tender, base = _tender_of(a)
    url = f"{base}/steps/innovation"
    return Post(url, {"innovation": "adapt", "market": "known", "needs_rnd": "no"}, url,
                shows=re.compile(r'<input checked[^>]*value="adapt"'))


def wizard_recommendation(a: Arrange) -> Post:
    tender, base = _tender_of(a)
    url = f"{base}/steps/recommendation"
    return Post(url, {"track": "simplified-competition", "reason": ""}, url,
                shows=re.compile(r'<input checked[^>]*value="simplified-competition"'))


def comp_invite(a: Arrange) -> Post:
    tender, rows = a.competition()
    base = f"/officer/tenders/{tender.id}/competition"
    return Post(f"{base}/invite", {"supplier_id": str(rows[0].id)}, base,
                shows="tilbud@914778271.example", reopen=(base,))


def comp_uninvite(a: Arrange) -> Post:
    tender, rows = a.competition()
    invitation = competition.invite_supplier(a.db, tender, rows[1].id, actor_id=None)
    a.commit()
    base = f"/officer/tenders/{tender.id}/competition"
    return Post(f"{base}/invitations/{invitation.id}/remove", {}, base,
                shows="Leverandøren er fjernet fra invitasjonslisten.", reopen=(base,))


def comp_send(a: Arrange) -> Post:
    tender, _rows = a.invited()
    base = f"/officer/tenders/{tender.id}/competition"
    deadline = (a.today + timedelta(days=14)).isoformat()
    return Post(f"{base}/send", {"deadline": deadline, "reason": "", "confirmed": "yes"}, base,
                shows="Invitasjonene ble sendt", reopen=(base,))


def comp_question(a: Arrange) -> Post:
    tender, _rows = a.sent()
    url = f"/officer/tenders/{tender.id}/competition/questions"
    return Post(url, {"question": "Er uteområdene med?", "asked_by": ""}, url,
                shows="Er uteområdene med?", reopen=(url,))


def comp_answer(a: Arrange) -> Post:
    tender, rows = a.sent()
    question = competition.add_question(a.db, tender, "Er uteområdene med?", rows[0].id,
                                        actor_id=None)
    a.commit()
    url = f"/officer/tenders/{tender.id}/competition/questions"
    return Post(f"{url}/{question.id}/answer", {"answer": "Ja, uteområdene er med."}, url,
                shows="Ja, uteområdene er med.", reopen=(url,))


def comp_offer(a: Arrange) -> Post:
    tender, rows = a.in_evaluation()
    url = f"/officer/tenders/{tender.id}/competition/offers"
    return Post(url, {"supplier": str(rows[0].id), "price": "480000",
                      "received_on": a.today.isoformat(), "score_quality": "8"}, url,
                shows="480", reopen=(url,))


def comp_update_offer(a: Arrange) -> Post:
    tender, rows = a.in_evaluation()
    offer = a.offer(tender, rows[0])
    url = f"/officer/tenders/{tender.id}/competition/offers/{offer.id}"
    return Post(url, {"supplier": str(rows[0].id), "price": "455000",
                      "received_on": a.today.isoformat(), "score_quality": "9",
                      "note": "Rettet etter avklaring."}, url,
                shows="455", reopen=(url, f"/officer/tenders/{tender.id}/competition/offers"))


def comp_close(a: Arrange) -> Post:
    tender, _rows = a.sent()
    tender.tender_deadline = a.today - timedelta(days=1)
    a.db.add(tender)
    a.commit()
    url = f"/officer/tenders/{tender.id}/competition/offers"
    return Post(f"/officer/tenders/{tender.id}/competition/close", {}, url,
                shows="Evaluering", reopen=(url,))


def comp_award(a: Arrange) -> Post:
    tender, rows = a.in_evaluation()
    for supplier, price in zip(rows, ("500000", "520000", "540000"), strict=True):
        a.offer(tender, supplier, price)
    url = f"/officer/tenders/{tender.id}/competition/award"
    return Post(url, {"winner": str(rows[0].id), "justification": "Lavest pris, god kvalitet."},
                url, shows="Lavest pris, god kvalitet.", reopen=(url,))


def comp_letters(a: Arrange) -> Post:
    tender, rows = a.in_evaluation()
    for supplier, price in zip(rows, ("500000", "520000", "540000"), strict=True):
        a.offer(tender, supplier, price)
    competition.decide_award(a.db, tender, rows[0].id, "Lavest pris.", actor_id=None)
    a.commit()
    url = f"/officer/tenders/{tender.id}/competition/award"
    return Post(f"/officer/tenders/{tender.id}/competition/letters", {}, url,
                shows="Melding om", reopen=(url,))


def dlg_anchoring(a: Arrange) -> Post:
    tender = a.dialogue()
    base = f"/officer/tenders/{tender.id}/dialogue"
    return Post(f"{base}/anchoring", {"anchoring": "Vedtatt i helseutvalget."}, base,
                shows="Vedtatt i helseutvalget.", reopen=(base,))


def dlg_needs(a: Arrange) -> Post:
    tender = a.dialogue()
    base = f"/officer/tenders/{tender.id}/dialogue"
    return Post(f"{base}/needs", {"functions": "Varsle pårørende ved fall.",
                                  "outcomes": "Færre akuttinnleggelser."}, base,
                shows="Færre akuttinnleggelser.", reopen=(base,))


def dlg_pin(a: Arrange) -> Post:
    tender = a.dialogue(needs=True)
    base = f"/officer/tenders/{tender.id}/dialogue"
    return Post(f"{base}/pin", {}, base, shows='data-phase="dialogue"', reopen=(base,))


def dlg_convert(a: Arrange) -> Post:
    tender = a.dialogue(needs=True)
    base = f"/officer/tenders/{tender.id}/dialogue"
    return Post(f"{base}/convert", {"target": "competitive-negotiation"}, base,
                shows='data-converted="competitive-negotiation"',
                reopen=(base, f"/officer/tenders/{tender.id}"))


def dlg_follow_up(a: Arrange) -> Post:
    tender = a.dialogue(needs=True)
    lup.convert(a.db, tender, "competitive-negotiation", actor_id=None)
    a.commit()
    base = f"/officer/tenders/{tender.id}/dialogue"
    return Post(f"{base}/follow-up", {"follow_up": "Kvartalsvis oppfølging."}, base,
                shows="Kvartalsvis oppfølging.", reopen=(base,))


def dlg_participant(a: Arrange) -> Post:
    tender = a.dialogue()
    url = f"/officer/tenders/{tender.id}/dialogue/meetings"
    return Post(f"/officer/tenders/{tender.id}/dialogue/participants", {
        "orgnr": "889640782", "name": "Bergen Sensor AS", "email": "hei@bergen.example"}, url,
        shows="Bergen Sensor AS", reopen=(url,))


def dlg_import(a: Arrange) -> Post:
    tender = a.dialogue()
    starts = utcnow() + timedelta(days=30)
    event = DialogueEvent(tender_id=tender.id, title="Dialogkonferanse", starts_at=starts,
                          ends_at=starts + timedelta(hours=2), place="Rådhuset")
    a.db.add(event)
    a.db.flush()
    # Its address is the business's contact in the register: only such are imported.
    supplier = suppliers.by_orgnr(a.db, "914778271") or suppliers.create_supplier(
        a.db, {"orgnr": "914778271", "name": "Lokal Velferd AS", "postal_code": "2000",
               "size_class": "small"}, actor_id=None)
    suppliers.add_contact(a.db, supplier, {"name": "Post", "email": "post@lokal.example"},
                          organisation_id=tender.organisation_id, actor_id=None)
    a.db.add(InterestRegistration(organisation_id=tender.organisation_id, orgnr="914778271",
                                  business_name="Lokal Velferd AS",
                                  email="post@lokal.example", divisions=["85"],
                                  dialogue_event_id=event.id, tender_id=tender.id,
                                  unsubscribe_token=secrets.token_hex(16),
                                  confirmed_at=utcnow()))
    a.commit()
    url = f"/officer/tenders/{tender.id}/dialogue/meetings"
    return Post(f"/officer/tenders/{tender.id}/dialogue/participants/import", {}, url,
                shows="post@lokal.example", reopen=(url,))


def dlg_slots(a: Arrange) -> Post:
    tender = a.dialogue(participant=True)
    url = f"/officer/tenders/{tender.id}/dialogue/meetings"
    day = (a.today + timedelta(days=20)).isoformat()
    return Post(f"/officer/tenders/{tender.id}/dialogue/slots", {
        "day": day, "starts": "09:00", "minutes": "60", "pause": "15"}, url,
        shows='data-check="equal"', reopen=(url,))


def dlg_minutes(a: Arrange) -> Post:
    tender = a.dialogue(participant=True)
    first = datetime.combine(a.today + timedelta(days=20), time(9), tzinfo=clock.OSLO)
    meeting = lup.offer_slots(a.db, tender, first, 60, 15, actor_id=None, mailer=a.mailer)[0]
    a.commit()
    url = f"/officer/tenders/{tender.id}/dialogue/meetings"
    return Post(f"/officer/tenders/{tender.id}/dialogue/meetings/{meeting.id}/minutes",
                {"minutes": "Leverandøren viste fallsensorer."}, url,
                shows="Leverandøren viste fallsensorer.", reopen=(url,))


def dlg_share(a: Arrange) -> Post:
    tender = a.dialogue(participant=True)
    url = f"/officer/tenders/{tender.id}/dialogue/shared"
    return Post(url, {"kind": "qa", "title": "Må løsningen virke uten dekning?",
                      "body": "Ja.", "link": ""}, url,
                shows="Må løsningen virke uten dekning?", reopen=(url,))


def ip_requirements(a: Arrange) -> Post:
    tender, _ids = a.partnership()
    base = f"/officer/tenders/{tender.id}/partnership"
    return Post(f"{base}/requirements", {"rnd": "Forskning på akustiske sensorer.",
                                         "implementation": "Innføring i drift."}, base,
                shows="Forskning på akustiske sensorer.", reopen=(base,))


def ip_ipr(a: Arrange) -> Post:
    tender, _ids = a.partnership()
    base = f"/officer/tenders/{tender.id}/partnership"
    return Post(f"{base}/ipr", {"ownership": "shared", "licence": "use-modify-share",
                                "terms": "Royalty på 3 % i fem år."}, base,
                shows="Royalty på 3 % i fem år.", reopen=(base,))


def ip_option(a: Arrange) -> Post:
    tender, _ids = a.partnership()
    base = f"/officer/tenders/{tender.id}/partnership"
    return Post(f"{base}/option", {"targets": "Finner 90 % av lekkasjene innen 48 timer.",
                                   "max_cost": "18000000"}, base,
                shows="Finner 90 % av lekkasjene innen 48 timer.", reopen=(base,))


def ip_add_phase(a: Arrange) -> Post:
    tender, _ids = a.partnership()
    base = f"/officer/tenders/{tender.id}/partnership"
    return Post(f"{base}/phases", {"phase_name": "Konsept", "interim_targets": "Et konsept.",
                                   "phase_cost": "2000000"}, base, shows="Et konsept.",
                reopen=(base,))


def ip_edit_phase(a: Arrange) -> Post:
    tender, _ids = a.partnership()
    phase = ip.add_phase(a.db, tender, "Konsept", "Et konsept.", Decimal(2_000_000),
                         actor_id=None)
    a.commit()
    url = f"/officer/tenders/{tender.id}/partnership/phases/{phase.id}/edit"
    return Post(url, {"phase_name": "Konseptfase", "interim_targets": "To konsepter.",
                      "phase_cost": "2500000"}, url, shows="To konsepter.",
                reopen=(url, f"/officer/tenders/{tender.id}/partnership"))


def ip_remove_phase(a: Arrange) -> Post:
    tender, _ids = a.partnership()
    phase = ip.add_phase(a.db, tender, "Overflødig fase", "Ingenting.", Decimal(1_000_000),
                         actor_id=None)
    a.commit()
    base = f"/officer/tenders/{tender.id}/partnership"
    return Post(f"{base}/phases/{phase.id}/remove", {}, base, shows="Faser",
                reopen=(base,))


def ip_open(a: Arrange) -> Post:
    tender, _ids = a.partnership(setup=True)
    base = f"/officer/tenders/{tender.id}/partnership"
    deadline = (a.today + timedelta(days=35)).isoformat()
    return Post(f"{base}/open", {"deadline": deadline}, base, shows="Åpen",
                reopen=(base,))


def ip_add_candidate(a: Arrange) -> Post:
    tender, _ids = a.partnership(opened=True)
    supplier = suppliers.create_supplier(a.db, {"orgnr": "914778271", "name": "Lokal Sensor AS",
                                                "postal_code": "2000", "size_class": "small"},
                                         actor_id=None)
    a.commit()
    url = f"/officer/tenders/{tender.id}/partnership/candidates"
    return Post(f"{url}/add", {"supplier_id": str(supplier.id)}, f"{url}?q=914778271",
                shows="Lokal Sensor AS", reopen=(url,))


def ip_decide_candidate(a: Arrange) -> Post:
    tender, ids = a.partnership(opened=True, candidates=1)
    url = f"/officer/tenders/{tender.id}/partnership/candidates"
    return Post(f"{url}/{ids[0]}/decision", {"decision": "qualified",
                                             "reason": "Oppfyller alle krav."}, url,
                shows="Oppfyller alle krav.", reopen=(url,))


def ip_invite(a: Arrange) -> Post:
    tender, ids = a.partnership(opened=True, candidates=3, qualified=True)
    url = f"/officer/tenders/{tender.id}/partnership/candidates"
    return Post(f"/officer/tenders/{tender.id}/partnership/negotiation/invite",
                {"candidates": [str(i) for i in ids], "cap": "", "reason": ""}, url,
                shows="Bergen Sensor AS",
                reopen=(url, f"/officer/tenders/{tender.id}/partnership/negotiation"))


def ip_letters_prequalification(a: Arrange) -> Post:
    tender, _ids = a.partnership(opened=True, candidates=3, invited=True)
    url = f"/officer/tenders/{tender.id}/partnership/candidates"
    return Post(f"/officer/tenders/{tender.id}/partnership/letters/prequalification", {}, url,
                shows="post@914778271.example", reopen=(url,))


def ip_round(a: Arrange) -> Post:
    tender, _ids = a.partnership(opened=True, candidates=3, invited=True)
    url = f"/officer/tenders/{tender.id}/partnership/negotiation"
    return Post(f"/officer/tenders/{tender.id}/partnership/rounds", {
        "held_on": a.today.isoformat(), "topics": "Pris og sensortetthet.",
        "outcome": "Reviderte tilbud."}, url, shows="Pris og sensortetthet.", reopen=(url,))


def ip_partners(a: Arrange) -> Post:
    tender, ids = a.partnership(opened=True, candidates=3, invited=True, negotiated=True)
    url = f"/officer/tenders/{tender.id}/partnership/negotiation"
    return Post(f"/officer/tenders/{tender.id}/partnership/partners", {
        "partners": [str(i) for i in ids[:2]], "reason": "Best forhold mellom pris og kvalitet."},
        url, shows="Best forhold mellom pris og kvalitet.",
        reopen=(url, f"/officer/tenders/{tender.id}/partnership/phases"))


def ip_letters_partners(a: Arrange) -> Post:
    tender, _ids = a.partnership(opened=True, candidates=3, partners=True)
    url = f"/officer/tenders/{tender.id}/partnership/negotiation"
    return Post(f"/officer/tenders/{tender.id}/partnership/letters/partners", {}, url,
                shows="post@889640782.example", reopen=(url,))


def ip_phase_decision(a: Arrange) -> Post:
    tender, _ids = a.partnership(opened=True, candidates=3, partners=True)
    phase = ip.running_phase(a.db, tender)
    url = f"/officer/tenders/{tender.id}/partnership/phases"
    return Post(f"{url}/{phase.id}/decision", {"decision": "continue", "targets_met": "yes",
                                               "reason": "Delmålene er nådd."}, url,
                shows="Delmålene er nådd.", reopen=(url,))


def _confirm_contact(a: Arrange, tender: Tender, page: str) -> Post:
    """A registration of interest whose address the register does not know, confirmed by the
    officer with a note on how."""
    row = InterestRegistration(organisation_id=tender.organisation_id, orgnr="974760673",
                               business_name="Sen Start AS", email="post@senstart.example",
                               divisions=[], tender_id=tender.id,
                               unsubscribe_token=secrets.token_hex(16), confirmed_at=utcnow())
    a.db.add(row)
    a.commit()
    base = page.rsplit("/", 1)[0] if page.endswith(("/meetings", "/candidates")) else page
    return Post(f"{base}/interest/{row.id}/confirm",
                {"note": "Ringte daglig leder, som bekreftet adressen."}, page,
                shows="post@senstart.example er nå kontakt hos", reopen=(page,))


def comp_confirm_contact(a: Arrange) -> Post:
    tender, _rows = a.competition()
    return _confirm_contact(a, tender, f"/officer/tenders/{tender.id}/competition")


def dlg_confirm_contact(a: Arrange) -> Post:
    tender = a.dialogue()
    return _confirm_contact(a, tender, f"/officer/tenders/{tender.id}/dialogue/meetings")


def ip_confirm_contact(a: Arrange) -> Post:
    tender, _ids = a.partnership(setup=True, opened=True)
    return _confirm_contact(a, tender, f"/officer/tenders/{tender.id}/partnership/candidates")


SCENARIOS: dict[tuple[str, str], Callable[[Arrange], Post]] = {
    ("competition", "confirm-contact"): comp_confirm_contact,
    ("dialogue", "confirm-contact"): dlg_confirm_contact,
    ("partnership", "confirm-contact"): ip_confirm_contact,
    ("wizard", "need"): wizard_need,
    ("wizard", "value"): wizard_value,
    ("wizard", "contract"): wizard_contract,
    ("wizard", "innovation"): wizard_innovation,
    ("wizard", "recommendation"): wizard_recommendation,
    ("competition", "invite"): comp_invite,
    ("competition", "uninvite"): comp_uninvite,
    ("competition", "send"): comp_send,
    ("competition", "question"): comp_question,
    ("competition", "answer"): comp_answer,
    ("competition", "offer"): comp_offer,
    ("competition", "update-offer"): comp_update_offer,
    ("competition", "close"): comp_close,
    ("competition", "award"): comp_award,
    ("competition", "letters"): comp_letters,
    ("dialogue", "anchoring"): dlg_anchoring,
    ("dialogue", "needs"): dlg_needs,
    ("dialogue", "pin"): dlg_pin,
    ("dialogue", "convert"): dlg_convert,
    ("dialogue", "follow-up"): dlg_follow_up,
    ("dialogue", "participant"): dlg_participant,
    ("dialogue", "import"): dlg_import,
    ("dialogue", "slots"): dlg_slots,
    ("dialogue", "minutes"): dlg_minutes,
    ("dialogue", "share"): dlg_share,
    ("partnership", "requirements"): ip_requirements,
    ("partnership", "ipr"): ip_ipr,
    ("partnership", "option"): ip_option,
    ("partnership", "add-phase"): ip_add_phase,
    ("partnership", "edit-phase"): ip_edit_phase,
    ("partnership", "remove-phase"): ip_remove_phase,
    ("partnership", "open"): ip_open,
    ("partnership", "add-candidate"): ip_add_candidate,
    ("partnership", "decide-candidate"): ip_decide_candidate,
    ("partnership", "invite"): ip_invite,
    ("partnership", "round"): ip_round,
    ("partnership", "partners"): ip_partners,
    ("partnership", "phase-decision"): ip_phase_decision,
    ("partnership", "letters-prequalification"): ip_letters_prequalification,
    ("partnership", "letters-partners"): ip_letters_partners,
}


def test_every_scenario_is_for_a_declared_step():
    assert set(SCENARIOS) - set(DECLARED) == set()


@pytest.mark.parametrize(("track", "slug"), DECLARED, ids=[f"{t}-{s}" for t, s in DECLARED])
def test_every_step_saves_and_opens_again(app, login_as, db, tmp_path, track, slug):
    scenario = SCENARIOS.get((track, slug))
    assert scenario is not None, (
        f"The step {track}.{slug} has no scenario: add one to SCENARIOS in {__name__}.")
    client = login_as("officer")
    arrange = Arrange(app, client, db, Mailer(sender="Lillestrøm kommune <innkjop@example.org>",
                                              outbox=tmp_path / "arranged"))
    post = scenario(arrange)
    response = post_form(client, post.url, post.data, page=post.page)
    assert response.status_code == 302, (response.status_code, re.findall(
        r'class="(?:error-summary|alert alert--danger)[^>]*>(.*?)</div>', response.text, re.S))
    landing = client.get(response.location)
    assert landing.status_code == 200, landing.status_code
    pages = {"the page landed on": landing.text}
    for url in (post.page, *post.reopen):
        again = client.get(url)
        assert again.status_code == 200, (url, again.status_code)
        pages[url] = again.text
    if post.shows:
        shown = re.compile(re.escape(post.shows)) if isinstance(post.shows, str) else post.shows
        assert any(shown.search(text.replace("\xa0", " ")) for text in pages.values()), (
            f"{post.shows!r} is not shown after the save")
    # No page after a save is a dead end: each says what comes next.
    assert 'class="next-step' in landing.text or slug in STEP_SLUGS[:-1], slug
