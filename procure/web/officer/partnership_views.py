"""The innovation partnership for officers (issue 5, item 5): the set-up (requirements, IPR,
purchase option, phases and value), prequalification, negotiation and partners, and the phases
with a decision after each. The track is declared at the end of the module (its pages and
steps); procure/web/officer/steps.py saves every step, and a refused post shows the page again
with what was typed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure import clock, vocabulary
from procure.db import get_session
from procure.errors import N_
from procure.models import Tender
from procure.services import innovation_partnership as ip
from procure.services import partnership_letters, suppliers, tenders
from procure.web import params
from procure.web.forms import SelectChoice
from procure.web.officer import bp, interest_views
from procure.web.officer.partnership_forms import (
    CandidateForm,
    DecisionForm,
    IprForm,
    NegotiationForm,
    OpenForm,
    OptionForm,
    PartnersForm,
    PhaseDecisionForm,
    PhaseForm,
    RequirementsForm,
    RoundForm,
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

PHASE_STATES = vocabulary.PHASE_STATES
IPR_LABELS = {**vocabulary.IPR_OWNERSHIP, **vocabulary.IPR_LICENCES}
DECISION_LABELS = vocabulary.PHASE_DECISIONS
LETTER_KINDS = {"ip-invited": _l("invited to negotiate"),
                "ip-not-invited": _l("qualified, not invited (the cap)"),
                "ip-rejected": _l("not qualified, with the reason"),
                "ip-partner": _l("chosen as partner"),
                "ip-not-partner": _l("not chosen, with the reason for the choice")}


def _letters(row: Tender, round_: str) -> dict:
    session = get_session()
    sent = partnership_letters.sent(session, row, round_)
    return {"letters_sent": sent, "letter_kinds": LETTER_KINDS,
            "letters_out": [] if sent else partnership_letters.outgoing(session, row, round_),
            "supplier_names": {c.supplier.id: c.supplier.name
                               for c in ip.candidates(session, row)}}


def _rules(row: Tender):
    """The procedure's rules from the rule set in force (request days, negotiation minimum)."""
    return ip.rules_for(row, current_app.extensions["procure.rulebook"], clock.today())


# --- set-up: requirements, IPR, purchase option, phases, value, the notice ---------------------


def _setup(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    part = ip.existing(session, row)
    requirements = forms.get("requirements_form") or RequirementsForm(formdata=None, data={
        "rnd": part.rnd_requirements if part else "",
        "implementation": part.implementation_requirements if part else ""})
    ipr = forms.get("ipr_form") or IprForm(formdata=None, data={
        "ownership": part.ipr_ownership if part else None,
        "licence": part.ipr_licence if part else None, "terms": part.ipr_terms if part else ""})
    option = forms.get("option_form") or OptionForm(formdata=None, data={
        "targets": part.purchase_targets if part else "",
        "max_cost": part.purchase_max_cost if part else None})
    open_form = forms.get("open_form") or OpenForm(formdata=None, data={
        "deadline": row.tender_deadline})
    return {"request_days": _rules(row).request_days, "requirements_form": requirements,
            "ipr_form": ipr, "option_form": option,
            "phase_form": forms.get("phase_form") or PhaseForm(formdata=None),
            "open_form": open_form, "phases": ip.phases(session, row),
            "states": ip.phase_states(session, row), "value": ip.value(session, row),
            "missing": ip.setup_missing(session, row)}


def _requirements(call: StepCall) -> str:
    ip.save_requirements(call.session, call.tender, call.form.rnd.data,
                         call.form.implementation.data, actor_id=call.actor_id)
    return _("The qualification requirements are saved.")


def _ipr(call: StepCall) -> str:
    form = call.form
    ip.save_ipr(call.session, call.tender, form.ownership.data, form.licence.data,
                form.terms.data, actor_id=call.actor_id)
    return _("The IPR terms are saved.")


def _option(call: StepCall) -> str:
    ip.save_option(call.session, call.tender, call.form.targets.data, call.form.max_cost.data,
                   actor_id=call.actor_id)
    return _("The conditions for the purchase option are saved.")


def _add_phase(call: StepCall) -> str:
    form = call.form
    phase = ip.add_phase(call.session, call.tender, form.phase_name.data,
                         form.interim_targets.data, form.phase_cost.data, actor_id=call.actor_id)
    return _("Phase %(number)s is added; the estimated value is updated.", number=phase.number)


def _phase_edit_form(row: Tender, phase) -> PhaseForm:
    return PhaseForm(data={"phase_name": phase.name, "interim_targets": phase.interim_targets,
                           "phase_cost": phase.max_cost})


def _edit_phase_page(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    return {"phase": forms["phase"],
            "phase_form": forms.get("phase_form") or _phase_edit_form(row, forms["phase"])}


def _change_phase(call: StepCall) -> str:
    form, phase = call.form, call.item
    changed = ip.change_phase(call.session, call.tender, phase, form.phase_name.data,
                              form.interim_targets.data, form.phase_cost.data,
                              actor_id=call.actor_id)
    return _("Phase %(number)s is saved; the estimated value is updated.",
             number=phase.number) if changed else _("Nothing was changed.")


def _change_phase_refused(refusal: Refusal):
    if refusal.message:
        refusal.form.form_errors.append(refusal.message)
    return TRACK.render("edit_phase", refusal.tender, refusal.status,
                        {"phase": refusal.item, "phase_form": refusal.form})


def _remove_phase(call: StepCall) -> str:
    ip.remove_phase(call.session, call.tender, call.item, actor_id=call.actor_id)
    return _("The phase is removed.")


def _open(call: StepCall) -> str:
    ip.open_for_requests(call.session, call.tender, call.form.deadline.data,
                         rules=_rules(call.tender), actor_id=call.actor_id, today=call.today,
                         now=call.now)
    return _("The partnership is announced and open for requests to participate.")


# --- candidates and prequalification -----------------------------------------------------------


def _choices(row: Tender, form):
    session = get_session()
    if isinstance(form, NegotiationForm):
        form.candidates.choices = [SelectChoice(c.row.id, c.supplier.name)
                                   for c in ip.candidates(session, row)
                                   if c.row.decision == "qualified"]
    else:
        form.partners.choices = [SelectChoice(c.row.id, c.supplier.name)
                                 for c in ip.negotiating(session, row)]
    return form


def _candidates(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    text = params.text("q")
    found = suppliers.search_suppliers(session, suppliers.SupplierSearch(text=text),
                                       page_size=10) if text else None
    every = ip.candidates(session, row)
    negotiation = forms.get("negotiation_form") or _choices(row, NegotiationForm(
        formdata=None, data={"candidates": [c.row.id for c in every
                                            if c.row.decision == "qualified"]}))
    return {"candidates": every, "text": text, "found": found,
            "known": {c.supplier.id for c in every}, "candidate_form": CandidateForm(),
            "participants": ip.dialogue_candidates(session, row),
            **interest_views.context(row, ip.interested_candidates(session, row), forms),
            "decision_form": DecisionForm(formdata=None),
            "decision_draft": forms.get("decision_draft"), "negotiation_form": negotiation,
            "minimum": _rules(row).min_negotiation, **_letters(row, "prequalification")}


def _add_candidate(call: StepCall) -> str:
    form = call.form
    supplier_id = params.posted_id(form.supplier_id.data)
    participant_id = params.posted_id(form.participant_id.data)
    registration_id = params.posted_id(form.registration_id.data)
    if supplier_id is not None:
        ip.add_candidate(call.session, call.tender, supplier_id, actor_id=call.actor_id)
    elif participant_id is not None:
        ip.add_participant(call.session, call.tender, participant_id, actor_id=call.actor_id)
    elif registration_id is not None:
        ip.add_interested(call.session, call.tender, registration_id, actor_id=call.actor_id)
    else:
        raise ip.PartnershipError(N_("Choose a candidate to add."))
    return _("The candidate is added. Assess it against the requirements.")


def _decide_candidate(call: StepCall) -> Done:
    ip.decide_candidate(call.session, call.tender, call.item, call.form.decision.data,
                        call.form.reason.data, actor_id=call.actor_id)
    return Done(_("The decision is recorded."), f"#c-{call.item.id}")


def _decision_refused(refusal: Refusal):
    """Shown again with what was chosen and typed, under its candidate."""
    form = refusal.form
    error = refusal.message or " ".join(
        str(e) for e in form.decision.errors + form.reason.errors) or _(
        "The form has expired. Try again.")
    return TRACK.render("candidates", refusal.tender, refusal.status, {"decision_draft": {
        "id": refusal.item.id, "decision": form.decision.data,
        "reason": form.reason.data or "", "error": error}})


def _invite(call: StepCall) -> str:
    form = call.form
    chosen = ip.invite_to_negotiation(call.session, call.tender, form.candidates.data or [],
                                      form.cap.data, form.reason.data or "",
                                      rules=_rules(call.tender), actor_id=call.actor_id)
    return _("%(count)s candidates are invited to negotiate.", count=len(chosen))


# --- negotiation rounds and partners -----------------------------------------------------------


def _negotiation(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    partners_form = forms.get("partners_form") or _choices(row, PartnersForm(formdata=None))
    return {"negotiating": ip.negotiating(session, row), "rounds": ip.rounds(session, row),
            "round_form": forms.get("round_form") or RoundForm(formdata=None),
            "partners_form": partners_form, "chosen": ip.partners(session, row),
            "every": ip.candidates(session, row), **_letters(row, "partners")}


def _round(call: StepCall) -> str:
    form = call.form
    item = ip.add_round(call.session, call.tender, form.held_on.data, form.topics.data,
                        form.outcome.data or "", actor_id=call.actor_id, today=call.today,
                        now=call.now)
    return _("Round %(number)s is recorded.", number=item.number)


def _partners(call: StepCall) -> str:
    chosen = ip.select_partners(call.session, call.tender, call.form.partners.data or [],
                                call.form.reason.data, actor_id=call.actor_id)
    return _("%(count)s partners are chosen; the first phase has started.", count=len(chosen))


# --- phases and decisions ----------------------------------------------------------------------


def _phase_form(row: Tender, item: object = None, *, formdata: bool = True) -> PhaseDecisionForm:
    form = PhaseDecisionForm() if formdata else PhaseDecisionForm(formdata=None)
    form.leaving.choices = [SelectChoice(c.row.id, c.supplier.name)
                            for c in ip.partners(get_session(), row)]
    return form


def _phases(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    return {"phases": ip.phases(session, row), "states": ip.phase_states(session, row),
            "running": ip.running_phase(session, row),
            "form": forms.get("form") or _phase_form(row, formdata=False),
            "chosen": ip.partners(session, row), "every": ip.candidates(session, row),
            "value": ip.value(session, row)}


def _decide_phase(call: StepCall) -> str:
    form, phase = call.form, call.item
    ip.decide_phase(call.session, call.tender, phase, form.decision.data, form.reason.data,
                    form.targets_met.data == "yes", form.leaving.data or [],
                    actor_id=call.actor_id)
    return _("The decision after phase %(number)s is recorded.", number=phase.number)


# --- letters to the candidates ------------------------------------------------------------------


def _send_letters(round_: str):
    def save(call: StepCall) -> str:
        rows, without = partnership_letters.send(call.session, call.tender, round_,
                                                 actor_id=call.actor_id, mailer=call.mailer)
        if without:
            flash(_("No e-mail address for %(names)s: tell them another way.",
                    names=", ".join(without)), "warning")
        return _("%(count)s letters are sent.", count=len(rows))
    return save


# --- the track ---------------------------------------------------------------------------------


def _common(row: Tender) -> dict[str, Any]:
    session = get_session()
    return {"part": ip.existing(session, row), "plain_form": plain_form(),
            "regime_change": ip.regime_change(session, row,
                                              current_app.extensions["procure.rulebook"])}


def _button(row: Tender, item: object = None):
    return plain_form()


TRACK: Track = Track(
    name="partnership",
    applies=lambda session, row: ip.applies(row),
    not_here=lambda: _("The innovation partnership pages are for tenders on that track."),
    errors=(ip.PartnershipError, tenders.TenderError, suppliers.SupplierError),
    context=_common,
    pages=(
        Page("setup", "officer.partnership", "officer/partnership/setup.html", _setup,
             done=lambda session, row: not ip.setup_missing(session, row)),
        Page("candidates", "officer.partnership_candidates",
             "officer/partnership/candidates.html", _candidates,
             done=lambda session, row: bool(
                 (part := ip.existing(session, row)) and part.negotiation_invited_at)),
        Page("negotiation", "officer.partnership_negotiation",
             "officer/partnership/negotiation.html", _negotiation,
             done=lambda session, row: bool(
                 (part := ip.existing(session, row)) and part.partners_selected_at)),
        Page("phases", "officer.partnership_phases", "officer/partnership/phases.html",
             _phases, done=lambda session, row: row.status == "closed"),
        Page("edit_phase", "officer.partnership_edit_phase",
             "officer/partnership/edit_phase.html", _edit_phase_page, in_nav=False),
    ),
    steps=(
        Step("requirements", "setup", RequirementsForm, _requirements, anchor="#requirements",
             form_key="requirements_form"),
        Step("ipr", "setup", IprForm, _ipr, anchor="#ipr", form_key="ipr_form"),
        Step("option", "setup", OptionForm, _option, anchor="#option", form_key="option_form"),
        Step("add-phase", "setup", PhaseForm, _add_phase, anchor="#phases",
             form_key="phase_form"),
        Step("edit-phase", "edit_phase", _phase_edit_form, _change_phase, then="setup",
             anchor="#phases", item=ip.get_phase, refused=_change_phase_refused),
        Step("remove-phase", "setup", _button, _remove_phase, anchor="#phases",
             item=ip.get_phase, invalid_aborts=True, errors_flash=True),
        Step("open", "setup", OpenForm, _open, anchor="#notice", form_key="open_form"),
        Step("add-candidate", "candidates", CandidateForm, _add_candidate,
             anchor="#candidate-list", invalid_aborts=True, errors_flash=True),
        interest_views.confirm_step("candidates", lambda: TRACK, ip.PartnershipError,
                                    "#interested"),
        Step("decide-candidate", "candidates", DecisionForm, _decide_candidate,
             item=ip.get_candidate, refused=_decision_refused),
        Step("invite", "candidates", lambda row, item: _choices(row, NegotiationForm()),
             _invite, then="negotiation", form_key="negotiation_form"),
        Step("round", "negotiation", RoundForm, _round, anchor="#rounds",
             form_key="round_form"),
        Step("partners", "negotiation", lambda row, item: _choices(row, PartnersForm()),
             _partners, then="phases", form_key="partners_form"),
        Step("phase-decision", "phases", _phase_form, _decide_phase, item=ip.get_phase),
        Step("letters-prequalification", "candidates", _button,
             _send_letters("prequalification"), anchor="#letters-prequalification",
             errors_flash=True),
        Step("letters-partners", "negotiation", _button, _send_letters("partners"),
             anchor="#letters-partners", errors_flash=True),
    ),
)


# --- routes ------------------------------------------------------------------------------------


def _show(tender_id: int, page: str):
    row = TRACK.tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    return TRACK.render(page, row)


@bp.get("/tenders/<int:tender_id>/partnership", endpoint="partnership")
def partnership_page(tender_id: int):
    return _show(tender_id, "setup")


@bp.post("/tenders/<int:tender_id>/partnership/requirements")
def partnership_requirements(tender_id: int):
    return run_step(TRACK, "requirements", tender_id)


@bp.post("/tenders/<int:tender_id>/partnership/ipr")
def partnership_ipr(tender_id: int):
    return run_step(TRACK, "ipr", tender_id)


@bp.post("/tenders/<int:tender_id>/partnership/option")
def partnership_option(tender_id: int):
    return run_step(TRACK, "option", tender_id)


@bp.post("/tenders/<int:tender_id>/partnership/phases")
def partnership_add_phase(tender_id: int):
    return run_step(TRACK, "add-phase", tender_id)


@bp.route("/tenders/<int:tender_id>/partnership/phases/<int:phase_id>/edit",
          methods=["GET", "POST"])
def partnership_edit_phase(tender_id: int, phase_id: int):
    if request.method == "POST":
        return run_step(TRACK, "edit-phase", tender_id, phase_id)
    row = TRACK.tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    phase = ip.get_phase(get_session(), row, phase_id)
    if phase is None:
        abort(404)
    return TRACK.render("edit_phase", row, forms={"phase": phase})


@bp.post("/tenders/<int:tender_id>/partnership/phases/<int:phase_id>/remove")
def partnership_remove_phase(tender_id: int, phase_id: int):
    return run_step(TRACK, "remove-phase", tender_id, phase_id)


@bp.post("/tenders/<int:tender_id>/partnership/open")
def partnership_open(tender_id: int):
    return run_step(TRACK, "open", tender_id)


@bp.get("/tenders/<int:tender_id>/partnership/candidates")
def partnership_candidates(tender_id: int):
    return _show(tender_id, "candidates")


@bp.post("/tenders/<int:tender_id>/partnership/candidates/add")
def partnership_add_candidate(tender_id: int):
    return run_step(TRACK, "add-candidate", tender_id)


@bp.post("/tenders/<int:tender_id>/partnership/interest/<int:registration_id>/confirm")
def partnership_confirm_contact(tender_id: int, registration_id: int):
    return run_step(TRACK, "confirm-contact", tender_id, registration_id)


@bp.post("/tenders/<int:tender_id>/partnership/candidates/<int:candidate_id>/decision")
def partnership_decide_candidate(tender_id: int, candidate_id: int):
    return run_step(TRACK, "decide-candidate", tender_id, candidate_id)


@bp.post("/tenders/<int:tender_id>/partnership/negotiation/invite")
def partnership_invite(tender_id: int):
    return run_step(TRACK, "invite", tender_id)


@bp.get("/tenders/<int:tender_id>/partnership/negotiation")
def partnership_negotiation(tender_id: int):
    return _show(tender_id, "negotiation")


@bp.post("/tenders/<int:tender_id>/partnership/rounds")
def partnership_round(tender_id: int):
    return run_step(TRACK, "round", tender_id)


@bp.post("/tenders/<int:tender_id>/partnership/partners")
def partnership_partners(tender_id: int):
    return run_step(TRACK, "partners", tender_id)


@bp.get("/tenders/<int:tender_id>/partnership/phases")
def partnership_phases(tender_id: int):
    return _show(tender_id, "phases")


@bp.post("/tenders/<int:tender_id>/partnership/phases/<int:phase_id>/decision")
def partnership_phase_decision(tender_id: int, phase_id: int):
    return run_step(TRACK, "phase-decision", tender_id, phase_id)


@bp.post("/tenders/<int:tender_id>/partnership/letters/<round_>")
def partnership_letters_send(tender_id: int, round_: str):
    if round_ not in partnership_letters.ROUNDS:
        abort(404)
    return run_step(TRACK, f"letters-{round_}", tender_id)


@bp.app_template_global("partnership_applies")
def partnership_applies(tender: Tender) -> bool:
    """For the tender overview: show the innovation partnership panel."""
    return ip.applies(tender)


@bp.app_template_filter("phase_state_label")
def phase_state_label(state: str) -> str:
    return str(PHASE_STATES.get(state, state))


@bp.app_template_filter("ipr_label")
def ipr_label(value: str | None) -> str:
    return str(IPR_LABELS.get(value or "", "–"))


@bp.app_template_filter("phase_decision_label")
def phase_decision_label(value: str | None) -> str:
    return str(DECISION_LABELS.get(value or "", "–"))


