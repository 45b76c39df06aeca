"""The simplified competition track for officers (issue 5): invitations, Q&A, offers,
evaluation, award decision and letters. Each page posts, commits once and redirects."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from procure.db import get_session
from procure.domain.purchases import oslo_today
from procure.mail import Mailer
from procure.models import Tender, utcnow
from procure.services import competition, suppliers, tenders
from procure.web import params
from procure.web.officer import bp
from procure.web.officer.track_forms import (
    CRITERION_LABELS,
    AnswerForm,
    AwardForm,
    InviteForm,
    OfferForm,
    QuestionForm,
    SendInvitationsForm,
)
from procure.web.officer.views import _tender

PAGES = ("invitations", "questions", "offers", "award")


def _track_tender(tender_id: int) -> Tender | None:
    """The tender, or None (with a message) when it is not on this track."""
    row = _tender(tender_id)
    if not competition.applies(row):
        flash(_("The competition pages are for tenders on the simplified competition track."),
              "warning")
        return None
    return row


def _mailer() -> Mailer:
    return Mailer.from_config(current_app.config)


def _fail(error: competition.CompetitionError | tenders.TenderError) -> None:
    get_session().rollback()
    flash(_(error.msgid, **error.params), "danger")


def _page(row: Tender, name: str, **context):
    session = get_session()
    comp = competition.existing_competition(session, row)
    invited = competition.invited(session, row)
    steps = {
        "invitations": comp is not None and comp.invitations_sent_at is not None,
        "questions": bool(competition.answered_questions(session, row)),
        "offers": row.status in ("awarded", "closed") or (
            row.status == "evaluation" and competition.evaluation(session, row).complete),
        "award": comp is not None and comp.letters_sent_at is not None,
    }
    status = context.pop("status", 200)
    return render_template(f"officer/competition/{name}.html", tender=row, page=name,
                           comp=comp, invited=invited, steps=steps, pages=PAGES,
                           criteria=competition.criteria_of(row),
                           criterion_labels=CRITERION_LABELS,
                           **context), status


def _back(row: Tender, name: str, anchor: str = ""):
    endpoint = {"invitations": "officer.competition", "questions": "officer.competition_questions",
                "offers": "officer.competition_offers", "award": "officer.competition_award"}
    return redirect(url_for(endpoint[name], tender_id=row.id) + anchor)


# --- invitations -------------------------------------------------------------------------------


@bp.get("/tenders/<int:tender_id>/competition", endpoint="competition")
def competition_page(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    return _invitations(row, SendInvitationsForm(formdata=None, data={
        "deadline": row.tender_deadline}))



def _invitations(row: Tender, send_form: SendInvitationsForm, status: int = 200):
    session = get_session()
    text = params.text("q")
    found = None
    if text:
        found = suppliers.search_suppliers(session, suppliers.SupplierSearch(text=text),
                                           page_size=10)
    invited_ids = {r.supplier.id for r in competition.invited(session, row)}
    reachable = suppliers.with_email_contact(session, [s.id for s in found.rows]) \
        if found else set()
    return _page(row, "invitations", send_form=send_form, invite_form=InviteForm(),
                 warnings=competition.warnings(session, row), text=text, found=found,
                 invited_ids=invited_ids, reachable=reachable,
                 interested=competition.interested_candidates(session, row),
                 kommune=competition.buyer_kommune(session, row),
                 kommune_name=suppliers.kommune_name, status=status)


@bp.post("/tenders/<int:tender_id>/competition/invite")
def competition_invite(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    form = InviteForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    supplier_id, registration_id = form.supplier_id.data or "", form.registration_id.data or ""
    try:
        if supplier_id.isdigit():
            invitation = competition.invite_supplier(session, row, int(supplier_id),
                                                     actor_id=current_user.id,
                                                     mailer=_mailer())
        elif registration_id.isdigit():
            invitation = competition.invite_interested(session, row, int(registration_id),
                                                       actor_id=current_user.id,
                                                       mailer=_mailer())
        else:
            flash(_("Choose a supplier to invite."), "danger")
            return _back(row, "invitations")
    except competition.CompetitionError as error:
        _fail(error)
    else:
        session.commit()
        if invitation.sent_at is not None:
            flash(_("The supplier is invited, and has been sent the invitation and every answer "
                    "so far."), "success")
        else:
            flash(_("The supplier is on the invitation list."), "success")
    return _back(row, "invitations", "#invited")


@bp.post("/tenders/<int:tender_id>/competition/invitations/<int:invitation_id>/remove")
def competition_uninvite(tender_id: int, invitation_id: int):
    row = _tender(tender_id)
    session = get_session()
    invitation = competition.get_invitation(session, row, invitation_id)
    if invitation is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        competition.remove_invitation(session, row, invitation, actor_id=current_user.id)
    except competition.CompetitionError as error:
        _fail(error)
    else:
        session.commit()
        flash(_("The supplier is removed from the invitation list."), "success")
    return _back(row, "invitations", "#invited")


@bp.post("/tenders/<int:tender_id>/competition/send")
def competition_send(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    form = SendInvitationsForm()
    if form.validate_on_submit():
        session = get_session()
        now = utcnow()
        try:
            sent = competition.send_invitations(
                session, row, form.deadline.data, form.reason.data or "",
                actor_id=current_user.id, mailer=_mailer(), today=oslo_today(now), now=now)
        except (competition.CompetitionError, tenders.TenderError) as error:
            session.rollback()
            session.refresh(row)
            form.form_errors.append(_(error.msgid, **error.params))
        else:
            session.commit()
            flash(_("%(count)s invitations are sent, and the tender is open for offers.",
                    count=len(sent)), "success")
            return _back(row, "invitations")
    return _invitations(row, form, status=400)


# --- questions and answers ---------------------------------------------------------------------


def _question_form(row: Tender, formdata=True) -> QuestionForm:
    form = QuestionForm() if formdata else QuestionForm(formdata=None)
    form.asked_by.choices = [SelectChoice("", _("Not stated"))] + [
        SelectChoice(str(r.supplier.id), r.supplier.name)
        for r in competition.invited(get_session(), row)]
    return form


@bp.route("/tenders/<int:tender_id>/competition/questions", methods=["GET", "POST"])
def competition_questions(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    session = get_session()
    form = _question_form(row, formdata=request.method == "POST")
    if request.method == "POST" and form.validate_on_submit():
        try:
            question = competition.add_question(
                session, row, form.question.data,
                int(form.asked_by.data) if form.asked_by.data else None,
                actor_id=current_user.id)
        except competition.CompetitionError as error:
            session.rollback()
            form.form_errors.append(_(error.msgid, **error.params))
        else:
            session.commit()
            flash(_("Question %(number)s is recorded. Answer it below; the answer goes to "
                    "every invited supplier.", number=question.number), "success")
            return _back(row, "questions", f"#q-{question.id}")
    status = 400 if form.errors or form.form_errors else 200
    return _page(row, "questions", form=form, answer_form=AnswerForm(formdata=None),
                 questions=competition.questions(session, row),
                 gaps=competition.qa_gaps(session, row),
                 answers=competition.messages(session, row, "answer"), status=status)


@bp.post("/tenders/<int:tender_id>/competition/questions/<int:question_id>/answer")
def competition_answer(tender_id: int, question_id: int):
    row = _tender(tender_id)
    session = get_session()
    question = competition.get_question(session, row, question_id)
    if question is None:
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            sent = competition.answer_question(session, row, question, form.answer.data,
                                               actor_id=current_user.id, mailer=_mailer())
        except competition.CompetitionError as error:
            session.rollback()
            message = _(error.msgid, **error.params)
        else:
            session.commit()
            flash(_("The answer is sent to all %(count)s invited suppliers at once.",
                    count=len(sent)), "success")
            return _back(row, "questions", f"#q-{question.id}")
    else:
        message = " ".join(form.answer.errors) or _("Write the answer.")
    # Shown again with what was typed, so nothing is lost.
    return _page(row, "questions", form=_question_form(row, formdata=False),
                 answer_form=AnswerForm(formdata=None),
                 questions=competition.questions(session, row),
                 gaps=competition.qa_gaps(session, row),
                 answers=competition.messages(session, row, "answer"),
                 draft={"id": question.id, "text": form.answer.data or "", "error": message},
                 status=400)


# --- offers and evaluation ---------------------------------------------------------------------


def _offer_form(row: Tender, offer=None, *, formdata=True) -> OfferForm:
    session = get_session()
    data = None
    if offer is not None and not formdata:
        data = {"supplier": str(offer.supplier_id), "price": offer.price,
                "received_on": offer.received_on, "rejected_reason": offer.rejected_reason,
                "note": offer.note, **{f"score_{k}": v for k, v in offer.scores.items()}}
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


def _offers_page(row: Tender, form: OfferForm, status: int = 200, offer=None):
    session = get_session()
    rows = competition.offers(session, row)
    return _page(row, "offers", form=form, offers=rows, editing=offer,
                 result=competition.evaluation(session, row),
                 names={o.id: s.name for o, s in rows}, close_form=FlaskForm(),
                 today=oslo_today(utcnow()), status=status)


@bp.route("/tenders/<int:tender_id>/competition/offers", methods=["GET", "POST"])
def competition_offers(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    form = _offer_form(row, formdata=request.method == "POST")
    if request.method == "POST" and form.validate_on_submit():
        session = get_session()
        try:
            competition.record_offer(session, row, int(form.supplier.data or 0),
                                     _offer_values(form), actor_id=current_user.id)
        except competition.CompetitionError as error:
            session.rollback()
            form.form_errors.append(_(error.msgid, **error.params))
        else:
            session.commit()
            flash(_("The offer is recorded."), "success")
            return _back(row, "offers", "#ranking")
    status = 400 if form.errors or form.form_errors else 200
    return _offers_page(row, form, status)


@bp.route("/tenders/<int:tender_id>/competition/offers/<int:offer_id>",
          methods=["GET", "POST"])
def competition_offer(tender_id: int, offer_id: int):
    row = _tender(tender_id)
    session = get_session()
    offer = competition.get_offer(session, row, offer_id)
    if offer is None:
        abort(404)
    form = _offer_form(row, offer, formdata=request.method == "POST")
    if request.method == "POST" and form.validate_on_submit():
        try:
            competition.update_offer(session, row, offer, _offer_values(form),
                                     actor_id=current_user.id)
        except competition.CompetitionError as error:
            session.rollback()
            session.refresh(offer)
            form.form_errors.append(_(error.msgid, **error.params))
        else:
            session.commit()
            flash(_("The offer is saved."), "success")
            return _back(row, "offers", "#ranking")
    status = 400 if form.errors or form.form_errors else 200
    return _offers_page(row, form, status, offer=offer)


@bp.post("/tenders/<int:tender_id>/competition/close")
def competition_close(tender_id: int):
    row = _tender(tender_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    session = get_session()
    now = utcnow()
    try:
        competition.close_for_offers(session, row, actor_id=current_user.id,
                                     today=oslo_today(now), now=now)
    except (competition.CompetitionError, tenders.TenderError) as error:
        _fail(error)
    else:
        session.commit()
        flash(_("The deadline has passed: record the offers received and score them."),
              "success")
    return _back(row, "offers")


# --- award decision and letters ----------------------------------------------------------------


def _award_form(row: Tender, *, formdata=True) -> AwardForm:
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


@bp.route("/tenders/<int:tender_id>/competition/award", methods=["GET", "POST"])
def competition_award(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    session = get_session()
    form = _award_form(row, formdata=request.method == "POST")
    if request.method == "POST" and form.validate_on_submit():
        try:
            competition.decide_award(session, row, int(form.winner.data), form.justification.data,
                                     actor_id=current_user.id)
        except (competition.CompetitionError, tenders.TenderError) as error:
            session.rollback()
            session.refresh(row)
            form.form_errors.append(_(error.msgid, **error.params))
        else:
            session.commit()
            flash(_("The award decision is recorded. Check the letters and send them."),
                  "success")
            return _back(row, "award", "#letters")
    status = 400 if form.errors or form.form_errors else 200
    comp = competition.existing_competition(session, row)
    return _page(row, "award", form=form, result=competition.evaluation(session, row),
                 letters=competition.award_letters(session, row), send_form=FlaskForm(),
                 sent=competition.messages(session, row, "award")
                 + competition.messages(session, row, "rejection"),
                 decided_by=competition.decided_by(session, comp), status=status)


@bp.post("/tenders/<int:tender_id>/competition/letters")
def competition_letters(tender_id: int):
    row = _tender(tender_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    session = get_session()
    try:
        sent = competition.send_award_letters(session, row, actor_id=current_user.id,
                                              mailer=_mailer())
    except competition.CompetitionError as error:
        _fail(error)
    else:
        session.commit()
        flash(_("%(count)s letters are sent.", count=len(sent)), "success")
    return _back(row, "award", "#letters")
