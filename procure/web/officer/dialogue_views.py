"""The LUP-style market dialogue for officers (issue 5, item 4): phases, needs description,
PIN text, participants and one-to-one meetings, information shared with all, conversion into a
competition and contract follow-up. The track is declared at the end of the module (its pages
and steps); procure/web/officer/steps.py saves every step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from procure.db import get_session
from procure.domain.market_dialogue import PHASES, solution_cues
from procure.domain.purchases import oslo_to_utc
from procure.models import Tender
from procure.services import dialogue, tenders
from procure.services import market_dialogue as lup
from procure.web.officer import bp, interest_views
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


@bp.app_template_global("market_dialogue_applies")
def market_dialogue_applies(tender: Tender) -> bool:
    """For the tender overview: show the market dialogue panel."""
    return lup.applies(get_session(), tender)


# --- overview: phases, anchoring, needs, PIN, conversion, follow-up ---------------------------


def _overview(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    md = lup.existing(session, row)
    anchoring = forms.get("anchoring_form") or AnchoringForm(
        formdata=None, data={"anchoring": md.anchoring if md else ""})
    needs = forms.get("needs_form") or NeedsForm(formdata=None, data={
        "functions": md.needs_functions if md else "",
        "outcomes": md.needs_outcomes if md else ""})
    convert = forms.get("convert_form") or ConvertForm(formdata=None)
    follow = forms.get("follow_form") or FollowUpForm(
        formdata=None, data={"follow_up": md.follow_up if md else ""})
    cues = solution_cues((md.needs_functions + "\n" + md.needs_outcomes) if md else "")
    return {"phases": lup.phases(session, row), "phase_names": PHASES,
            "anchoring_form": anchoring, "needs_form": needs, "convert_form": convert,
            "follow_form": follow, "plain_form": plain_form(), "cues": cues,
            "pin": lup.pin_text(session, row), "events": dialogue.tender_events(session, row),
            "check": lup.slot_check(session, row), "gaps": lup.shared_gaps(session, row),
            "participants": lup.participants(session, row)}


def _anchoring(call: StepCall) -> str:
    lup.save_anchoring(call.session, call.tender, call.form.anchoring.data,
                       actor_id=call.actor_id)
    return _("The anchoring is saved.")


def _needs(call: StepCall) -> str:
    cues = lup.save_needs(call.session, call.tender, call.form.functions.data,
                          call.form.outcomes.data, actor_id=call.actor_id)
    if cues:
        flash(_("The needs description may describe a solution: %(words)s. Describe "
                "functions and outcomes instead.", words=", ".join(cues)), "warning")
    return _("The needs description is saved.")


def _pin(call: StepCall) -> str:
    lup.publish_pin(call.session, call.tender, actor_id=call.actor_id)
    return _("The notice is recorded as published on Doffin.")


def _convert(call: StepCall) -> str:
    lup.convert(call.session, call.tender, call.form.target.data, actor_id=call.actor_id)
    return _("The dialogue is converted into a competition.")


def _follow_up(call: StepCall) -> str:
    lup.save_follow_up(call.session, call.tender, call.form.follow_up.data,
                       actor_id=call.actor_id)
    return _("The contract follow-up is saved.")


# --- participants and one-to-one meetings -------------------------------------------------------


def _meetings(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    people = lup.participants(session, row)
    return {"md": lup.existing(session, row), "participants": people,
            "names": {p.id: p for p in people}, "meetings": lup.meetings(session, row),
            **interest_views.context(row, lup.registered(session, row), forms),
            "check": lup.slot_check(session, row),
            "gaps": lup.shared_gaps(session, row),
            "participant_form": forms.get("participant_form") or ParticipantForm(formdata=None),
            "slots_form": forms.get("slots_form") or SlotsForm(formdata=None),
            "minutes_form": MinutesForm(formdata=None),
            "minutes_draft": forms.get("minutes_draft"), "plain_form": plain_form()}


def _participant(call: StepCall) -> str:
    form = call.form
    lup.add_participant(call.session, call.tender, form.orgnr.data, form.name.data,
                        form.email.data, actor_id=call.actor_id, mailer=call.mailer)
    return _("%(name)s takes part in the dialogue.", name=form.name.data)


def _import(call: StepCall) -> str:
    count, unconfirmed = lup.import_registered(call.session, call.tender,
                                               actor_id=call.actor_id, mailer=call.mailer)
    if unconfirmed:
        flash(_("%(count)s unconfirmed registrations were not added: confirm each address "
                "as the supplier's contact first.", count=unconfirmed), "warning")
    return _("%(count)s registered businesses added.", count=count)


def _slots(call: StepCall) -> str:
    form = call.form
    created = lup.offer_slots(
        call.session, call.tender, oslo_to_utc(form.day.data, form.starts.data),
        int(form.minutes.data), form.pause.data or 0, actor_id=call.actor_id,
        mailer=call.mailer)
    return _("%(count)s participants were offered a meeting.", count=len(created))


def _minutes(call: StepCall) -> Done:
    lup.save_minutes(call.session, call.tender, call.item, call.form.minutes.data,
                     actor_id=call.actor_id)
    return Done(_("The minutes are saved."), f"#m-{call.item.id}")


def _minutes_refused(refusal: Refusal):
    """Shown again with what was typed under its meeting."""
    form = refusal.form
    error = refusal.message or (form.minutes.errors[0] if form.minutes.errors else _(
        "The form has expired. Try again."))
    return TRACK.render("meetings", refusal.tender, refusal.status, {"minutes_draft": {
        "id": refusal.item.id, "text": form.minutes.data or "", "error": error}})


# --- information shared with all ---------------------------------------------------------------


def _shared(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    return {"md": lup.existing(session, row), "items": lup.shared(session, row),
            "participants": lup.participants(session, row),
            "sent": lup.messages(session, row, "shared"), "gaps": lup.shared_gaps(session, row),
            "form": forms.get("form") or ShareForm(formdata=None)}


def _share(call: StepCall) -> Done:
    form = call.form
    item = lup.publish(call.session, call.tender, form.kind.data, form.title.data,
                       form.body.data, form.link.data or "", actor_id=call.actor_id,
                       mailer=call.mailer)
    return Done(_("Sent to all participants at once."), f"#s-{item.id}")


# --- the track ---------------------------------------------------------------------------------


def _common(row: Tender) -> dict[str, Any]:
    return {"md": lup.existing(get_session(), row)}


TRACK: Track = Track(
    name="dialogue",
    applies=lup.applies,
    not_here=lambda: _("The market dialogue pages are for tenders on the market dialogue "
                       "track."),
    errors=(lup.MarketDialogueError, tenders.TenderError),
    context=_common,
    pages=(
        Page("overview", "officer.market_dialogue", "officer/dialogue/overview.html",
             _overview),
        Page("meetings", "officer.dialogue_meetings", "officer/dialogue/meetings.html",
             _meetings),
        Page("shared", "officer.dialogue_shared", "officer/dialogue/shared.html", _shared),
    ),
    steps=(
        Step("anchoring", "overview", AnchoringForm, _anchoring, anchor="#phase-anchoring",
             form_key="anchoring_form"),
        Step("needs", "overview", NeedsForm, _needs, anchor="#phase-needs",
             form_key="needs_form"),
        Step("pin", "overview", lambda row, item: plain_form(), _pin, anchor="#phase-pin",
             errors_flash=True),
        Step("convert", "overview", ConvertForm, _convert, anchor="#phase-convert",
             form_key="convert_form"),
        Step("follow-up", "overview", FollowUpForm, _follow_up, anchor="#phase-follow",
             form_key="follow_form"),
        Step("participant", "meetings", ParticipantForm, _participant,
             anchor="#participants", form_key="participant_form"),
        Step("import", "meetings", lambda row, item: plain_form(), _import,
             anchor="#participants", invalid_aborts=True, errors_flash=True),
        interest_views.confirm_step("meetings", lambda: TRACK, lup.MarketDialogueError,
                                    "#registered"),
        Step("slots", "meetings", SlotsForm, _slots, anchor="#meetings",
             form_key="slots_form"),
        Step("minutes", "meetings", MinutesForm, _minutes, item=lup.get_meeting,
             refused=_minutes_refused),
        Step("share", "shared", ShareForm, _share),
    ),
)


# --- routes ------------------------------------------------------------------------------------


def _show(tender_id: int, page: str):
    row = TRACK.tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    return TRACK.render(page, row)


@bp.get("/tenders/<int:tender_id>/dialogue", endpoint="market_dialogue")
def market_dialogue_page(tender_id: int):
    return _show(tender_id, "overview")


@bp.post("/tenders/<int:tender_id>/dialogue/anchoring")
def dialogue_anchoring(tender_id: int):
    return run_step(TRACK, "anchoring", tender_id)


@bp.post("/tenders/<int:tender_id>/dialogue/needs")
def dialogue_needs(tender_id: int):
    return run_step(TRACK, "needs", tender_id)


@bp.post("/tenders/<int:tender_id>/dialogue/pin")
def dialogue_pin(tender_id: int):
    return run_step(TRACK, "pin", tender_id)


@bp.post("/tenders/<int:tender_id>/dialogue/convert")
def dialogue_convert(tender_id: int):
    return run_step(TRACK, "convert", tender_id)


@bp.post("/tenders/<int:tender_id>/dialogue/follow-up")
def dialogue_follow_up(tender_id: int):
    return run_step(TRACK, "follow-up", tender_id)


@bp.get("/tenders/<int:tender_id>/dialogue/meetings")
def dialogue_meetings(tender_id: int):
    return _show(tender_id, "meetings")


@bp.post("/tenders/<int:tender_id>/dialogue/participants")
def dialogue_add_participant(tender_id: int):
    return run_step(TRACK, "participant", tender_id)


@bp.post("/tenders/<int:tender_id>/dialogue/participants/import")
def dialogue_import(tender_id: int):
    return run_step(TRACK, "import", tender_id)


@bp.post("/tenders/<int:tender_id>/dialogue/interest/<int:registration_id>/confirm")
def dialogue_confirm_contact(tender_id: int, registration_id: int):
    return run_step(TRACK, "confirm-contact", tender_id, registration_id)


@bp.post("/tenders/<int:tender_id>/dialogue/slots")
def dialogue_slots(tender_id: int):
    return run_step(TRACK, "slots", tender_id)


@bp.post("/tenders/<int:tender_id>/dialogue/meetings/<int:meeting_id>/minutes")
def dialogue_minutes(tender_id: int, meeting_id: int):
    return run_step(TRACK, "minutes", tender_id, meeting_id)


@bp.route("/tenders/<int:tender_id>/dialogue/shared", methods=["GET", "POST"])
def dialogue_shared(tender_id: int):
    if request.method == "POST":
        return run_step(TRACK, "share", tender_id)
    return _show(tender_id, "shared")
