"""The simplified competition track for officers (issue 5): invitations, Q&A, offers,
evaluation, award decision and letters. The track is declared at the end of the module (its
pages and steps); procure/web/officer/steps.py saves every step."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from procure import clock
from procure.db import get_session
from procure.errors import N_
from procure.models import Tender, stored_id
from procure.services import amendments, competition, suppliers, tenders
from procure.services import public as public_service
from procure.web import params
from procure.web.forms import SelectChoice
from procure.web.officer import bp, interest_views
from procure.web.officer.steps import (
    Done,
    Page,
    Refusal,
    Step,
    StepCall,
    Track,
    plain_form,
    run_step,
)
from procure.web.officer.track_forms import (
    CRITERION_LABELS,
    AnswerForm,
    AwardForm,
    ConfirmSendForm,
    InviteForm,
    OfferForm,
    QuestionForm,
    SendInvitationsForm,
)

# --- invitations -------------------------------------------------------------------------------


def _invitations(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    text = params.text("q")
    found = None
    if text:
        found = suppliers.search_suppliers(session, suppliers.SupplierSearch(text=text),
                                           page_size=10)
    invited_ids = {r.supplier.id for r in competition.invited(session, row)}
    reachable = suppliers.with_email_contact(session, [stored_id(s) for s in found.rows],
                                             row.organisation_id) if found else set()
    return {"send_form": forms.get("send_form") or SendInvitationsForm(
                formdata=None, data={"deadline": row.tender_deadline}),
            "invite_form": InviteForm(), "warnings": competition.warnings(session, row),
            "text": text, "found": found, "invited_ids": invited_ids, "reachable": reachable,
            **interest_views.context(row, [item.registration for item in
                                           competition.interested_candidates(session, row)],
                                     forms),
            "amendments": [public_service.to_amendment(a)
                           for a in amendments.amendments(session, row)],
            "can_amend": amendments.can_amend(row),
            "kommune": competition.buyer_kommune(session, row),
            "kommune_name": suppliers.kommune_name}


def _invite(call: StepCall) -> str:
    supplier_id = params.posted_id(call.form.supplier_id.data)
    registration_id = params.posted_id(call.form.registration_id.data)
    if supplier_id is not None:
        invitation = competition.invite_supplier(call.session, call.tender, supplier_id,
                                                 actor_id=call.actor_id, mailer=call.mailer)
    elif registration_id is not None:
        invitation = competition.invite_interested(call.session, call.tender, registration_id,
                                                   actor_id=call.actor_id, mailer=call.mailer)
    else:
        raise competition.CompetitionError(N_("Choose a supplier to invite."))
    if invitation.sent_at is not None:
        return _("The supplier is invited, and has been sent the invitation and every answer "
                 "so far.")
    return _("The supplier is on the invitation list.")


def _uninvite(call: StepCall) -> str:
    competition.remove_invitation(call.session, call.tender, call.item, actor_id=call.actor_id)
    return _("The supplier is removed from the invitation list.")


def _confirm_send(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    """The confirmation before the invitations go out: every recipient, the letter, and what
    opening the tender does. Nothing is sent or saved until it is confirmed."""
    session = get_session()
    form = forms["confirm_form"]
    return {"confirm_form": form, "deadline": form.deadline.data,
            "letters": competition.invitation_letters(session, row, form.deadline.data),
            "warnings": competition.warnings(session, row),
            "answered": competition.answered_questions(session, row),
            "is_planned": row.status == "planned"}


def _send(call: StepCall) -> str:
    sent = competition.send_invitations(
        call.session, call.tender, call.form.deadline.data, call.form.reason.data or "",
        actor_id=call.actor_id, mailer=call.mailer, today=call.today, now=call.now)
    return _("%(count)s invitations are sent, and the tender is open for offers.",
             count=len(sent))


# --- questions and answers ---------------------------------------------------------------------


def _question_form(row: Tender, item: object = None, *, formdata: bool = True) -> QuestionForm:
    form = QuestionForm() if formdata else QuestionForm(formdata=None)
    form.asked_by.choices = [SelectChoice("", _("Not stated"))] + [
        SelectChoice(str(r.supplier.id), r.supplier.name)
        for r in competition.invited(get_session(), row)]
    return form


def _questions(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    return {"form": forms.get("form") or _question_form(row, formdata=False),
            "answer_form": AnswerForm(formdata=None),
            "questions": competition.questions(session, row),
            "gaps": competition.qa_gaps(session, row),
            "answers": competition.messages(session, row, "answer"),
            "draft": forms.get("draft")}


def _question(call: StepCall) -> Done:
    form = call.form
    question = competition.add_question(
        call.session, call.tender, form.question.data,
        int(form.asked_by.data) if form.asked_by.data else None, actor_id=call.actor_id)
    return Done(_("Question %(number)s is recorded. Answer it below; the answer goes to every "
                  "invited supplier.", number=question.number), f"#q-{question.id}")


def _answer(call: StepCall) -> Done:
    sent = competition.answer_question(call.session, call.tender, call.item,
                                       call.form.answer.data, actor_id=call.actor_id,
                                       mailer=call.mailer)
    return Done(_("The answer is sent to all %(count)s invited suppliers at once.",
                  count=len(sent)), f"#q-{call.item.id}")


def _answer_refused(refusal: Refusal):
    """Shown again with what was typed under its question, so nothing is lost."""
    form = refusal.form
    message = refusal.message or " ".join(map(str, form.answer.errors)) or _("Write the answer.")
    return TRACK.render("questions", refusal.tender, refusal.status, {"draft": {
        "id": refusal.item.id, "text": form.answer.data or "", "error": message}})


# --- offers and evaluation ---------------------------------------------------------------------


def _score(value: object) -> Decimal | None:
    """A stored score (JSON keeps it as text) as the form's decimal field needs it."""
    try:
        score = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return score if score.is_finite() else None


def _offer_form(row: Tender, offer=None, *, formdata: bool = True) -> OfferForm:
    session = get_session()
    data = None
    if offer is not None and not formdata:
        data = {"supplier": str(offer.supplier_id), "price": offer.price,
                "received_on": offer.received_on, "rejected_reason": offer.rejected_reason,
                "note": offer.note, **{f"score_{k}": _score(v) for k, v in offer.scores.items()}}
    form = OfferForm(data=data) if formdata else OfferForm(formdata=None, data=data)
    taken = {o.supplier_id for o, _s in competition.offers(session, row)}
    form.supplier.choices = [SelectChoice("", _("Choose the supplier"))] + [
        SelectChoice(str(r.supplier.id), r.supplier.name)
        for r in competition.invited(session, row)
        if r.supplier.id not in taken or (offer is not None and r.supplier.id ==
                                          offer.supplier_id)]
    return form


def _offer_values(form: OfferForm) -> dict[str, object]:
    return {"price": form.price.data, "received_on": form.received_on.data,
            "score_quality": form.score_quality.data, "score_climate": form.score_climate.data,
            "score_other": form.score_other.data, "rejected_reason": form.rejected_reason.data,
            "note": form.note.data}


def _offers(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    rows = competition.offers(session, row)
    editing = forms.get("editing")
    return {"form": forms.get("form") or _offer_form(row, editing, formdata=False),
            "offers": rows, "editing": editing, "result": competition.evaluation(session, row),
            "names": {o.id: s.name for o, s in rows}, "close_form": plain_form(),
            "today": clock.today()}


def _record_offer(call: StepCall) -> str:
    competition.record_offer(call.session, call.tender, int(call.form.supplier.data or 0),
                             _offer_values(call.form), actor_id=call.actor_id)
    return _("The offer is recorded.")


def _update_offer(call: StepCall) -> str:
    competition.update_offer(call.session, call.tender, call.item, _offer_values(call.form),
                             actor_id=call.actor_id)
    return _("The offer is saved.")


def _offer_refused(refusal: Refusal):
    if refusal.message:
        refusal.form.form_errors.append(refusal.message)
    return TRACK.render("offers", refusal.tender, refusal.status,
                        {"form": refusal.form, "editing": refusal.item})


def _close(call: StepCall) -> str:
    competition.close_for_offers(call.session, call.tender, actor_id=call.actor_id,
                                 today=call.today, now=call.now)
    return _("The deadline has passed: record the offers received and score them.")


# --- award decision and letters ----------------------------------------------------------------


def _award_form(row: Tender, item: object = None, *, formdata: bool = True) -> AwardForm:
    session = get_session()
    comp = competition.existing_competition(session, row)
    result = competition.evaluation(session, row)
    names = {o.id: s for o, s in competition.offers(session, row)}
    data = None
    if not formdata:
        winner = comp.winner_supplier_id if comp and comp.winner_supplier_id else (
            names[result.best.key].id if result.best else None)
        data = {"winner": str(winner) if winner else None,
                "justification": comp.award_justification if comp else ""}
    form = AwardForm() if formdata else AwardForm(formdata=None, data=data)
    form.winner.choices = [
        SelectChoice(str(names[r.key].id),
                     _("%(name)s – rank %(rank)s, %(total)s points",
                       name=names[r.key].name, rank=r.rank,
                       total=format_decimal(r.total, format="#,##0.##")))
        for r in result.ranked if r.complete]
    return form


def _award(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    comp = competition.existing_competition(session, row)
    return {"form": forms.get("form") or _award_form(row, formdata=False),
            "result": competition.evaluation(session, row),
            "letters": competition.award_letters(session, row), "send_form": plain_form(),
            "sent": competition.messages(session, row, "award")
            + competition.messages(session, row, "rejection"),
            "decided_by": competition.decided_by(session, comp)}


def _decide(call: StepCall) -> str:
    competition.decide_award(call.session, call.tender, int(call.form.winner.data),
                             call.form.justification.data, actor_id=call.actor_id)
    return _("The award decision is recorded. Check the letters and send them.")


def _letters(call: StepCall) -> str:
    sent = competition.send_award_letters(call.session, call.tender, actor_id=call.actor_id,
                                          mailer=call.mailer)
    return _("%(count)s letters are sent.", count=len(sent))


# --- the track ---------------------------------------------------------------------------------


def _done_offers(session, row: Tender) -> bool:
    return row.status in ("awarded", "closed") or (
        row.status == "evaluation" and competition.evaluation(session, row).complete)


def _common(row: Tender) -> dict[str, Any]:
    session = get_session()
    return {"comp": competition.existing_competition(session, row),
            "invited": competition.invited(session, row),
            "criteria": competition.criteria_of(row), "criterion_labels": CRITERION_LABELS}


TRACK: Track = Track(
    name="competition",
    applies=lambda session, row: competition.applies(row),
    not_here=lambda: _("The competition pages are for tenders on the simplified competition "
                       "track."),
    errors=(competition.CompetitionError, tenders.TenderError),
    context=_common,
    pages=(
        Page("invitations", "officer.competition", "officer/competition/invitations.html",
             _invitations, done=lambda session, row: bool(
                 (comp := competition.existing_competition(session, row))
                 and comp.invitations_sent_at)),
        Page("questions", "officer.competition_questions",
             "officer/competition/questions.html", _questions,
             done=lambda session, row: bool(competition.answered_questions(session, row))),
        Page("offers", "officer.competition_offers", "officer/competition/offers.html",
             _offers, done=_done_offers),
        Page("award", "officer.competition_award", "officer/competition/award.html", _award,
             done=lambda session, row: bool(
                 (comp := competition.existing_competition(session, row))
                 and comp.letters_sent_at)),
        Page("confirm_send", "officer.competition_send_confirm",
             "officer/competition/confirm_send.html", _confirm_send, in_nav=False),
    ),
    steps=(
        Step("invite", "invitations", InviteForm, _invite, anchor="#invited",
             invalid_aborts=True, errors_flash=True),
        Step("uninvite", "invitations", lambda row, item: plain_form(), _uninvite,
             anchor="#invited", item=competition.get_invitation, invalid_aborts=True,
             errors_flash=True),
        Step("send", "invitations", ConfirmSendForm, _send, form_key="send_form"),
        interest_views.confirm_step("invitations", lambda: TRACK, competition.CompetitionError,
                                    "#interested"),
        Step("question", "questions", _question_form, _question),
        Step("answer", "questions", AnswerForm, _answer, item=competition.get_question,
             refused=_answer_refused),
        Step("offer", "offers", lambda row, item: _offer_form(row), _record_offer,
             anchor="#ranking"),
        Step("update-offer", "offers", _offer_form, _update_offer, anchor="#ranking",
             item=competition.get_offer, refused=_offer_refused),
        Step("close", "offers", lambda row, item: plain_form(), _close, invalid_aborts=True,
             errors_flash=True),
        Step("award", "award", _award_form, _decide, anchor="#letters"),
        Step("letters", "award", lambda row, item: plain_form(), _letters, anchor="#letters",
             invalid_aborts=True, errors_flash=True),
    ),
)


# --- routes ------------------------------------------------------------------------------------


def _show(tender_id: int, page: str, **forms: Any):
    row = TRACK.tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    return TRACK.render(page, row, forms=forms)


@bp.get("/tenders/<int:tender_id>/competition", endpoint="competition")
def competition_page(tender_id: int):
    return _show(tender_id, "invitations")


@bp.post("/tenders/<int:tender_id>/competition/invite")
def competition_invite(tender_id: int):
    return run_step(TRACK, "invite", tender_id)


@bp.post("/tenders/<int:tender_id>/competition/invitations/<int:invitation_id>/remove")
def competition_uninvite(tender_id: int, invitation_id: int):
    return run_step(TRACK, "uninvite", tender_id, invitation_id)


@bp.post("/tenders/<int:tender_id>/competition/interest/<int:registration_id>/confirm")
def competition_confirm_contact(tender_id: int, registration_id: int):
    return run_step(TRACK, "confirm-contact", tender_id, registration_id)


@bp.post("/tenders/<int:tender_id>/competition/send/confirm")
def competition_send_confirm(tender_id: int):
    """Check the deadline and the reason as sending would, then show every recipient and the
    letter for confirmation; sends and saves nothing."""
    row = TRACK.tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    form = SendInvitationsForm()
    if not form.validate_on_submit():
        return TRACK.render("invitations", row, 400, {"send_form": form})
    if form.version.data != row.version:
        form.rebase(row.version)
        form.form_errors.append(_("Someone else changed this tender while you were editing "
                                  "it."))
        return TRACK.render("invitations", row, 409, {"send_form": form})
    try:
        competition.check_invitations(get_session(), row, form.deadline.data,
                                      form.reason.data or "", today=clock.today())
    except competition.CompetitionError as error:
        form.form_errors.append(_(error.msgid, **error.params))
        return TRACK.render("invitations", row, 400, {"send_form": form})
    confirm = ConfirmSendForm(formdata=None, data={
        "version": form.version.data, "deadline": form.deadline.data,
        "reason": form.reason.data or "", "confirmed": "yes"})
    return TRACK.render("confirm_send", row, forms={"confirm_form": confirm})


@bp.post("/tenders/<int:tender_id>/competition/send")
def competition_send(tender_id: int):
    return run_step(TRACK, "send", tender_id)


@bp.route("/tenders/<int:tender_id>/competition/questions", methods=["GET", "POST"])
def competition_questions(tender_id: int):
    if request.method == "POST":
        return run_step(TRACK, "question", tender_id)
    return _show(tender_id, "questions")


@bp.post("/tenders/<int:tender_id>/competition/questions/<int:question_id>/answer")
def competition_answer(tender_id: int, question_id: int):
    return run_step(TRACK, "answer", tender_id, question_id)


@bp.route("/tenders/<int:tender_id>/competition/offers", methods=["GET", "POST"])
def competition_offers(tender_id: int):
    if request.method == "POST":
        return run_step(TRACK, "offer", tender_id)
    return _show(tender_id, "offers")


@bp.route("/tenders/<int:tender_id>/competition/offers/<int:offer_id>",
          methods=["GET", "POST"])
def competition_offer(tender_id: int, offer_id: int):
    if request.method == "POST":
        return run_step(TRACK, "update-offer", tender_id, offer_id)
    row = TRACK.tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    offer = competition.get_offer(get_session(), row, offer_id)
    if offer is None:
        abort(404)
    return TRACK.render("offers", row, forms={"editing": offer})


@bp.post("/tenders/<int:tender_id>/competition/close")
def competition_close(tender_id: int):
    return run_step(TRACK, "close", tender_id)


@bp.route("/tenders/<int:tender_id>/competition/award", methods=["GET", "POST"])
def competition_award(tender_id: int):
    if request.method == "POST":
        return run_step(TRACK, "award", tender_id)
    return _show(tender_id, "award")


@bp.post("/tenders/<int:tender_id>/competition/letters")
def competition_letters(tender_id: int):
    return run_step(TRACK, "letters", tender_id)
