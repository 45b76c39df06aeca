"""What comes next for a tender, from the wizard to the award: one answer for every page.

The tender's overview and every track page show it, so no page is a dead end: after the
wizard's last step the overview says what to do on the chosen track, and after the award it
points to the protocol. The answer is worked out from the saved tender alone (no page state).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlmodel import Session

from procure import clock
from procure.domain.wizard import CANNOT_START, DONE, STEP_SLUGS, step_status
from procure.models import Tender
from procure.services import (
    competition,
    innovation_partnership,
    market_dialogue,
    publishing,
    requirements,
    tender_criteria,
    tenders,
)
from procure.vocabulary import WIZARD_STEPS, label

FINISHED = ("awarded", "closed")


@dataclass(frozen=True)
class NextAction:
    """What to do next: a sentence, and the link that does it."""

    text: str
    link_text: str
    url: str
    finished: bool = False  # the tender's work is done: the link is to the record


def _tender_url(tender: Tender, endpoint: str, anchor: str = "") -> str:
    return url_for(endpoint, tender_id=tender.id) + anchor


def _record(tender: Tender, text: str) -> NextAction:
    return NextAction(text, _("Read the protocol"), _tender_url(tender, "officer.protocol"),
                      finished=True)


def next_action(session: Session, tender: Tender) -> NextAction:
    """The one thing to do next on the tender, wherever the officer is."""
    if tender.status == "cancelled":
        return _record(tender, _("The tender is cancelled. The protocol and the history keep "
                                 "the record of what was done."))
    if tender.status == "draft":  # once published, the wizard's answers are not what is next
        statuses = step_status(tenders.draft_fields(tender))
        for number, slug in enumerate(STEP_SLUGS, start=1):
            if statuses[slug] not in (DONE, CANNOT_START):
                return NextAction(
                    _("Answer step %(number)d of %(count)d of the wizard: %(step)s.",
                      number=number, count=len(STEP_SLUGS), step=label(WIZARD_STEPS, slug)),
                    _("Go to step %(number)d", number=number),
                    url_for("officer.step", tender_id=tender.id, slug=slug))
        found = _before_publishing(session, tender)
        if found is not None:
            return found
    track = _on_track(session, tender)
    if track is not None:
        return track
    if tender.status in FINISHED:
        return _record(tender, _("The tender is finished. The protocol is the record of the "
                                 "procurement; keep it with the contract."))
    return NextAction(
        _("procure has no pages of its own for this procedure. Announce and run the "
          "competition on Doffin, and keep the protocol up to date here."),
        _("Read the protocol"), _tender_url(tender, "officer.protocol"))


def _before_publishing(session: Session, tender: Tender) -> NextAction | None:
    """Criteria and § 7-9 first, then publishing as planned (a draft only)."""
    rows = requirements.tender_requirements(session, tender)
    check = tender_criteria.climate_check(tender, rows,
                                          current_app.extensions["procure.rulebook"])
    blockers = publishing.publish_blockers(tender, rows, check)
    if any(b.key == "notice-date" for b in blockers):
        return NextAction(_("Give the planned notice date: the rules in force on that date "
                            "apply."), _("Go to step 3"),
                          url_for("officer.step", tender_id=tender.id, slug="contract"))
    if blockers:
        if not rows or any(b.key == "weights" for b in blockers):
            # Requirements, library criteria and the award weights are on one page.
            return NextAction(
                _("Choose the criteria and the award weights, so the climate and environment "
                  "duty (§ 7-9) is met."), _("Choose criteria"),
                _tender_url(tender, "officer.tender_requirements"))
        return NextAction(
            _("Set the award weights and meet the climate and environment duty (§ 7-9)."),
            _("Award weights and § 7-9"), _tender_url(tender, "officer.tender_climate"))
    if tender.planned_at is None and (tender.track not in TRACKS_WITH_PAGES
                                      or not _track_started(session, tender)):
        return NextAction(
            _("Publish the tender as planned, so local businesses can prepare. You see what "
              "will be published, and who is told, before anything happens."),
            _("Publish as planned…"), _tender_url(tender, "officer.publish_confirm"))
    return None


TRACKS_WITH_PAGES = (competition.TRACK, "market-dialogue", "innovation-partnership")


def _track_started(session: Session, tender: Tender) -> bool:
    """Whether work on the track's own pages has begun (publishing as planned is optional
    once it has: a competition may open without having been announced first)."""
    if tender.track == competition.TRACK:
        return bool(competition.invited(session, tender))
    if tender.track == "market-dialogue":
        row = market_dialogue.existing(session, tender)
        return bool(row and row.anchored_at)
    part = innovation_partnership.existing(session, tender)
    return bool(part and (part.rnd_requirements or part.ipr_ownership))


def _on_track(session: Session, tender: Tender) -> NextAction | None:
    if competition.applies(tender):
        return _competition(session, tender)
    if market_dialogue.applies(session, tender):
        return _dialogue(session, tender)
    if innovation_partnership.applies(tender):
        return _partnership(session, tender)
    return None


def _competition(session: Session, tender: Tender) -> NextAction:
    comp = competition.existing_competition(session, tender)
    if tender.status in FINISHED:
        if comp is not None and comp.decided_at is not None and comp.letters_sent_at is None:
            return NextAction(_("The award is decided: check the letters and send them to "
                                "every supplier."), _("Award and letters"),
                              _tender_url(tender, "officer.competition_award", "#letters"))
        return _record(tender, _("The competition is finished. The protocol is the record; "
                                 "keep it with the contract."))
    if tender.status in ("draft", "planned") and (comp is None
                                                  or comp.invitations_sent_at is None):
        return NextAction(
            _("Invite at least three suppliers, a local small business among them, and send "
              "the invitations with the deadline for offers."),
            _("Suppliers and invitations"), _tender_url(tender, "officer.competition"))
    if tender.status == "open":
        deadline = tender.tender_deadline
        if deadline is not None and clock.today() > deadline:
            return NextAction(_("The deadline for offers has passed: open the offers and "
                                "record them."), _("Offers and evaluation"),
                              _tender_url(tender, "officer.competition_offers"))
        return NextAction(
            _("The competition is open. Answer the suppliers' questions (every invited "
              "supplier gets each answer); when the deadline has passed, record the offers."),
            _("Questions and answers"), _tender_url(tender, "officer.competition_questions"))
    if tender.status == "evaluation":
        if not competition.evaluation(session, tender).complete:
            return NextAction(_("Record every offer received and score it on each award "
                                "criterion."), _("Offers and evaluation"),
                              _tender_url(tender, "officer.competition_offers"))
        return NextAction(_("Every offer is scored: decide the award and justify it."),
                          _("Award and letters"), _tender_url(tender, "officer.competition_award"))
    return _record(tender, _("The competition is finished. The protocol is the record; "
                             "keep it with the contract."))


def _dialogue(session: Session, tender: Tender) -> NextAction:
    phases = market_dialogue.phases(session, tender)
    where = {
        "anchoring": (_("Anchor the need in the organisation and write down how."),
                      _("Phases, needs and notice"), "officer.market_dialogue",
                      "#phase-anchoring"),
        "needs": (_("Describe the needs as functions and outcomes, not products."),
                  _("Phases, needs and notice"), "officer.market_dialogue", "#phase-needs"),
        "dialogue": (_("Invite the market: publish the prior information notice, hold the "
                       "conference and the one-to-one meetings, and share what is said with "
                       "every participant."), _("Participants and one-to-one meetings"),
                     "officer.dialogue_meetings", ""),
        "competition": (_("Convert the dialogue into a competition on the track that fits."),
                        _("Phases, needs and notice"), "officer.market_dialogue",
                        "#phase-convert"),
        "follow-up": (_("Describe how the contract is followed up."),
                      _("Phases, needs and notice"), "officer.market_dialogue",
                      "#phase-follow"),
    }
    for phase, state in phases.items():
        if state != DONE and phase in where:
            text, link_text, endpoint, anchor = where[phase]
            return NextAction(text, link_text, _tender_url(tender, endpoint, anchor))
    return _record(tender, _("Every phase of the market dialogue is done. The protocol is the "
                             "record of the dialogue."))


def _partnership(session: Session, tender: Tender) -> NextAction:
    from procure.web.officer.partnership_views import TRACK

    texts = {
        "setup": _("Set the requirements, the IPR terms, the purchase option and the phases, "
                   "then announce the partnership."),
        "candidates": _("Prequalify the candidates that asked to take part, and invite the "
                        "qualified ones to negotiate."),
        "negotiation": _("Record the negotiation rounds and choose the partners."),
        "phases": _("Decide after each phase whether the partnership goes on."),
    }
    links = {"setup": _("1. Requirements, terms and phases"),
             "candidates": _("2. Prequalification"),
             "negotiation": _("3. Negotiation and partners"),
             "phases": _("4. Phases and decisions")}
    for page, done in TRACK.progress(session, tender).items():
        if not done and page in texts:
            return NextAction(texts[page], links[page], TRACK.url(page, tender))
    return _record(tender, _("The partnership is finished. The protocol is the record of "
                             "it."))
