"""The LUP-style market dialogue for officers (issue 5, item 4): phases, needs description,
PIN text, participants and one-to-one meetings, information shared with all, conversion into a
competition and contract follow-up. Each form posts, commits once and redirects."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from procure.db import get_session
from procure.domain.market_dialogue import PHASES, solution_cues
from procure.domain.purchases import oslo_to_utc
from procure.mail import Outbox
from procure.models import Tender
from procure.services import dialogue, tenders
from procure.services import market_dialogue as lup
from procure.web.officer import bp
from procure.web.officer.dialogue_forms import (
    AnchoringForm,
    ConvertForm,
    FollowUpForm,
    MinutesForm,
    NeedsForm,
    ParticipantForm,
    ShareForm,
    SlotsForm,
)
from procure.web.officer.views import _tender


def _track_tender(tender_id: int) -> Tender | None:
    row = _tender(tender_id)
    if not lup.applies(get_session(), row):
        flash(_("The market dialogue pages are for tenders on the market dialogue track."),
              "warning")
        return None
    return row


@bp.app_template_global("market_dialogue_applies")
def market_dialogue_applies(tender: Tender) -> bool:
    """For the tender overview: show the market dialogue panel."""
    return lup.applies(get_session(), tender)


def _mailer() -> Outbox:
    return Outbox.from_config(get_session(), current_app.config)  # sent after the commit


def _fail(error: lup.MarketDialogueError | tenders.TenderError, form=None) -> None:
    get_session().rollback()
    message = _(error.msgid, **error.params)
    if form is not None:
        form.form_errors.append(message)
    else:
        flash(message, "danger")


def _not_track(tender_id: int):
    return redirect(url_for("officer.tender", tender_id=tender_id))


# --- overview: phases, anchoring, needs, PIN, conversion, follow-up ---------------------------


def _overview(row: Tender, status: int = 200, **forms):
    session = get_session()
    md = lup.existing(session, row)
    anchoring = forms.get("anchoring") or AnchoringForm(
        formdata=None, data={"anchoring": md.anchoring if md else ""})
    needs = forms.get("needs") or NeedsForm(formdata=None, data={
        "functions": md.needs_functions if md else "",
        "outcomes": md.needs_outcomes if md else ""})
    convert = forms.get("convert") or ConvertForm(formdata=None)
    follow = forms.get("follow") or FollowUpForm(
        formdata=None, data={"follow_up": md.follow_up if md else ""})
    cues = solution_cues((md.needs_functions + "\n" + md.needs_outcomes) if md else "")
    return render_template(
        "officer/dialogue/overview.html", tender=row, md=md, page="overview",
        phases=lup.phases(session, row), phase_names=PHASES, anchoring_form=anchoring,
        needs_form=needs, convert_form=convert, follow_form=follow, plain_form=FlaskForm(),
        cues=cues, pin=lup.pin_text(session, row), events=dialogue.tender_events(session, row),
        check=lup.slot_check(session, row), gaps=lup.shared_gaps(session, row),
        participants=lup.participants(session, row)), status


@bp.get("/tenders/<int:tender_id>/dialogue", endpoint="market_dialogue")
def market_dialogue_page(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return _not_track(tender_id)
    return _overview(row)


def _overview_post(tender_id: int, form_class, key: str, action):
    row = _track_tender(tender_id)
    if row is None:
        return _not_track(tender_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            message = action(get_session(), row, form)
        except (lup.MarketDialogueError, tenders.TenderError) as error:
            _fail(error, form)
        else:
            get_session().commit()
            flash(message, "success")
            return redirect(url_for("officer.market_dialogue", tender_id=row.id)
                            + "#phase-" + key)
    return _overview(row, 400, **{key: form})


@bp.post("/tenders/<int:tender_id>/dialogue/anchoring")
def dialogue_anchoring(tender_id: int):
    def action(session, row, form):
        lup.save_anchoring(session, row, form.anchoring.data, actor_id=current_user.id)
        return _("The anchoring is saved.")
    return _overview_post(tender_id, AnchoringForm, "anchoring", action)


@bp.post("/tenders/<int:tender_id>/dialogue/needs")
def dialogue_needs(tender_id: int):
    def action(session, row, form):
        cues = lup.save_needs(session, row, form.functions.data, form.outcomes.data,
                              actor_id=current_user.id)
        if cues:
            flash(_("The needs description may describe a solution: %(words)s. Describe "
                    "functions and outcomes instead.", words=", ".join(cues)), "warning")
        return _("The needs description is saved.")
    return _overview_post(tender_id, NeedsForm, "needs", action)


@bp.post("/tenders/<int:tender_id>/dialogue/pin")
def dialogue_pin(tender_id: int):
    def action(session, row, form):
        lup.publish_pin(session, row, actor_id=current_user.id)
        return _("The notice is recorded as published on Doffin.")
    return _overview_post(tender_id, FlaskForm, "pin", action)


@bp.post("/tenders/<int:tender_id>/dialogue/convert")
def dialogue_convert(tender_id: int):
    def action(session, row, form):
        lup.convert(session, row, form.target.data, actor_id=current_user.id)
        return _("The dialogue is converted into a competition.")
    return _overview_post(tender_id, ConvertForm, "convert", action)


@bp.post("/tenders/<int:tender_id>/dialogue/follow-up")
def dialogue_follow_up(tender_id: int):
    def action(session, row, form):
        lup.save_follow_up(session, row, form.follow_up.data, actor_id=current_user.id)
        return _("The contract follow-up is saved.")
    return _overview_post(tender_id, FollowUpForm, "follow", action)


# --- participants and one-to-one meetings -------------------------------------------------------


def _meetings(row: Tender, status: int = 200, participant_form=None, slots_form=None,
              minutes_draft=None):
    session = get_session()
    people = lup.participants(session, row)
    return render_template(
        "officer/dialogue/meetings.html", tender=row, md=lup.existing(session, row),
        page="meetings", participants=people, names={p.id: p for p in people},
        meetings=lup.meetings(session, row), registered=lup.registered(session, row),
        check=lup.slot_check(session, row), gaps=lup.shared_gaps(session, row),
        participant_form=participant_form or ParticipantForm(formdata=None),
        slots_form=slots_form or SlotsForm(formdata=None),
        minutes_form=MinutesForm(formdata=None), minutes_draft=minutes_draft,
        plain_form=FlaskForm()), status


@bp.get("/tenders/<int:tender_id>/dialogue/meetings")
def dialogue_meetings(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return _not_track(tender_id)
    return _meetings(row)


def _back_meetings(row: Tender, anchor: str = ""):
    return redirect(url_for("officer.dialogue_meetings", tender_id=row.id) + anchor)


@bp.post("/tenders/<int:tender_id>/dialogue/participants")
def dialogue_add_participant(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return _not_track(tender_id)
    form = ParticipantForm()
    if form.validate_on_submit():
        try:
            lup.add_participant(get_session(), row, form.orgnr.data, form.name.data,
                                form.email.data, actor_id=current_user.id, mailer=_mailer())
        except lup.MarketDialogueError as error:
            _fail(error, form)
        else:
            get_session().commit()
            flash(_("%(name)s takes part in the dialogue.", name=form.name.data), "success")
            return _back_meetings(row, "#participants")
    return _meetings(row, 400, participant_form=form)


@bp.post("/tenders/<int:tender_id>/dialogue/participants/import")
def dialogue_import(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return _not_track(tender_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        count = lup.import_registered(get_session(), row, actor_id=current_user.id,
                                      mailer=_mailer())
    except lup.MarketDialogueError as error:
        _fail(error)
    else:
        get_session().commit()
        flash(_("%(count)s registered businesses added.", count=count), "success")
    return _back_meetings(row, "#participants")


@bp.post("/tenders/<int:tender_id>/dialogue/slots")
def dialogue_slots(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return _not_track(tender_id)
    form = SlotsForm()
    if form.validate_on_submit():
        try:
            created = lup.offer_slots(
                get_session(), row, oslo_to_utc(form.day.data, form.starts.data),
                int(form.minutes.data), form.pause.data or 0, actor_id=current_user.id,
                mailer=_mailer())
        except lup.MarketDialogueError as error:
            _fail(error, form)
        else:
            get_session().commit()
            flash(_("%(count)s participants were offered a meeting.", count=len(created)),
                  "success")
            return _back_meetings(row, "#meetings")
    return _meetings(row, 400, slots_form=form)


@bp.post("/tenders/<int:tender_id>/dialogue/meetings/<int:meeting_id>/minutes")
def dialogue_minutes(tender_id: int, meeting_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return _not_track(tender_id)
    session = get_session()
    meeting = lup.get_meeting(session, row, meeting_id)
    if meeting is None:
        abort(404)
    form = MinutesForm()
    error = None
    if form.validate_on_submit():
        try:
            lup.save_minutes(session, row, meeting, form.minutes.data, actor_id=current_user.id)
        except lup.MarketDialogueError as failure:
            session.rollback()
            error = _(failure.msgid, **failure.params)
        else:
            session.commit()
            flash(_("The minutes are saved."), "success")
            return _back_meetings(row, f"#m-{meeting.id}")
    if error is None:
        error = form.minutes.errors[0] if form.minutes.errors else _(
            "The form has expired. Try again.")
    return _meetings(row, 400, minutes_draft={"id": meeting.id, "text": form.minutes.data or "",
                                              "error": error})


# --- information shared with all ---------------------------------------------------------------


def _shared(row: Tender, status: int = 200, form=None):
    session = get_session()
    return render_template(
        "officer/dialogue/shared.html", tender=row, md=lup.existing(session, row),
        page="shared", items=lup.shared(session, row),
        participants=lup.participants(session, row),
        sent=lup.messages(session, row, "shared"), gaps=lup.shared_gaps(session, row),
        form=form or ShareForm(formdata=None)), status


@bp.route("/tenders/<int:tender_id>/dialogue/shared", methods=["GET", "POST"])
def dialogue_shared(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return _not_track(tender_id)
    form = ShareForm()
    if form.validate_on_submit():
        try:
            item = lup.publish(get_session(), row, form.kind.data, form.title.data,
                               form.body.data, form.link.data or "", actor_id=current_user.id,
                               mailer=_mailer())
        except lup.MarketDialogueError as error:
            _fail(error, form)
        else:
            get_session().commit()
            flash(_("Sent to all participants at once."), "success")
            return redirect(url_for("officer.dialogue_shared", tender_id=row.id)
                            + f"#s-{item.id}")
        return _shared(row, 400, form)
    return _shared(row, 400 if form.errors else 200, form if form.errors else None)
