"""The innovation partnership for officers (issue 5, item 5): the set-up (requirements, IPR,
purchase option, phases and value), prequalification, negotiation and partners, and the phases
with a decision after each. Each form posts, commits once and redirects; a refused post shows the
page again with what was typed."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from procure.db import get_session
from procure.domain.purchases import oslo_today
from procure.mail import Mailer
from procure.models import Tender, utcnow
from procure.services import innovation_partnership as ip
from procure.services import partnership_letters, suppliers, tenders
from procure.web import params
from procure.web.officer import bp
from procure.web.officer.partnership_forms import (
    LICENCE_CHOICES,
    OWNERSHIP_CHOICES,
    PHASE_DECISION_CHOICES,
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
from procure.web.officer.views import _tender

PAGES = ("setup", "candidates", "negotiation", "phases")
PHASE_STATES = {"done": _l("Done"), "stopped": _l("Stopped"), "running": _l("Running"),
                "planned": _l("Planned"), "not-run": _l("Not run")}
IPR_LABELS = {c.value: c.label for c in (*OWNERSHIP_CHOICES, *LICENCE_CHOICES)}
DECISION_LABELS = {c.value: c.label for c in PHASE_DECISION_CHOICES}
ENDPOINTS = {"setup": "officer.partnership", "candidates": "officer.partnership_candidates",
             "negotiation": "officer.partnership_negotiation",
             "phases": "officer.partnership_phases"}


def _track_tender(tender_id: int) -> Tender | None:
    row = _tender(tender_id)
    if not ip.applies(row):
        flash(_("The innovation partnership pages are for tenders on that track."), "warning")
        return None
    return row


def _back(row: Tender, page: str, anchor: str = ""):
    return redirect(url_for(ENDPOINTS[page], tender_id=row.id) + anchor)


def _steps(row: Tender) -> dict[str, bool]:
    session = get_session()
    part = ip.existing(session, row)
    return {"setup": not ip.setup_missing(session, row),
            "candidates": bool(part and part.negotiation_invited_at),
            "negotiation": bool(part and part.partners_selected_at),
            "phases": row.status == "closed"}


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


def _render(row: Tender, page: str, status: int = 200, **context):
    session = get_session()
    return render_template(
        f"officer/partnership/{page}.html", tender=row, page=page, pages=PAGES,
        endpoints=ENDPOINTS, steps=_steps(row), part=ip.existing(session, row),
        plain_form=FlaskForm(), regime_change=ip.regime_change(
            session, row, current_app.extensions["procure.rulebook"]), **context), status


# --- set-up: requirements, IPR, purchase option, phases, value, the notice ---------------------


def _setup(row: Tender, status: int = 200, **forms):
    session = get_session()
    part = ip.existing(session, row)
    requirements = forms.get("requirements") or RequirementsForm(formdata=None, data={
        "rnd": part.rnd_requirements if part else "",
        "implementation": part.implementation_requirements if part else ""})
    ipr = forms.get("ipr") or IprForm(formdata=None, data={
        "ownership": part.ipr_ownership if part else None,
        "licence": part.ipr_licence if part else None, "terms": part.ipr_terms if part else ""})
    option = forms.get("option") or OptionForm(formdata=None, data={
        "targets": part.purchase_targets if part else "",
        "max_cost": part.purchase_max_cost if part else None})
    open_form = forms.get("open") or OpenForm(formdata=None, data={
        "deadline": row.tender_deadline})
    return _render(row, "setup", status, request_days=_rules(row).request_days,
                   requirements_form=requirements, ipr_form=ipr,
                   option_form=option, phase_form=forms.get("phase") or PhaseForm(formdata=None),
                   open_form=open_form, phases=ip.phases(session, row),
                   states=ip.phase_states(session, row), value=ip.value(session, row),
                   missing=ip.setup_missing(session, row))


@bp.get("/tenders/<int:tender_id>/partnership", endpoint="partnership")
def partnership_page(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    return _setup(row)


def _post(tender_id: int, form_class, key: str, page: str, anchor: str,
          action: Callable, render: Callable, *, with_choices: bool = False):
    """Validate, run the step, commit and redirect; or show the page again with the form."""
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    form = form_class()
    if with_choices:  # the checkboxes are the tender's candidates
        _choices(row, form)
    if form.validate_on_submit():
        session = get_session()
        try:
            message = action(session, row, form)
        except (ip.PartnershipError, tenders.TenderError) as error:
            session.rollback()
            session.refresh(row)
            form.form_errors.append(_(error.msgid, **error.params))
        else:
            session.commit()
            flash(message, "success")
            return _back(row, page, anchor)
    return render(row, 400, **{key: form})


@bp.post("/tenders/<int:tender_id>/partnership/requirements")
def partnership_requirements(tender_id: int):
    def action(session, row, form):
        ip.save_requirements(session, row, form.rnd.data, form.implementation.data,
                             actor_id=current_user.id)
        return _("The qualification requirements are saved.")
    return _post(tender_id, RequirementsForm, "requirements", "setup", "#requirements", action,
                 _setup)


@bp.post("/tenders/<int:tender_id>/partnership/ipr")
def partnership_ipr(tender_id: int):
    def action(session, row, form):
        ip.save_ipr(session, row, form.ownership.data, form.licence.data, form.terms.data,
                    actor_id=current_user.id)
        return _("The IPR terms are saved.")
    return _post(tender_id, IprForm, "ipr", "setup", "#ipr", action, _setup)


@bp.post("/tenders/<int:tender_id>/partnership/option")
def partnership_option(tender_id: int):
    def action(session, row, form):
        ip.save_option(session, row, form.targets.data, form.max_cost.data,
                       actor_id=current_user.id)
        return _("The conditions for the purchase option are saved.")
    return _post(tender_id, OptionForm, "option", "setup", "#option", action, _setup)


@bp.post("/tenders/<int:tender_id>/partnership/phases")
def partnership_add_phase(tender_id: int):
    def action(session, row, form):
        phase = ip.add_phase(session, row, form.phase_name.data, form.interim_targets.data,
                             form.phase_cost.data, actor_id=current_user.id)
        return _("Phase %(number)s is added; the estimated value is updated.",
                 number=phase.number)
    return _post(tender_id, PhaseForm, "phase", "setup", "#phases", action, _setup)


@bp.route("/tenders/<int:tender_id>/partnership/phases/<int:phase_id>/edit",
          methods=["GET", "POST"])
def partnership_edit_phase(tender_id: int, phase_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    session = get_session()
    phase = ip.get_phase(session, row, phase_id)
    if phase is None:
        abort(404)
    form = PhaseForm(data={"phase_name": phase.name, "interim_targets": phase.interim_targets,
                           "phase_cost": phase.max_cost})
    if form.validate_on_submit():
        try:
            changed = ip.change_phase(session, row, phase, form.phase_name.data,
                                      form.interim_targets.data, form.phase_cost.data,
                                      actor_id=current_user.id)
        except (ip.PartnershipError, tenders.TenderError) as error:
            session.rollback()
            session.refresh(row)
            form.form_errors.append(_(error.msgid, **error.params))
        else:
            session.commit()
            flash(_("Phase %(number)s is saved; the estimated value is updated.",
                    number=phase.number) if changed else _("Nothing was changed."), "success")
            return _back(row, "setup", "#phases")
    status = 400 if request.method == "POST" else 200
    return _render(row, "edit_phase", status, phase=phase, phase_form=form)


@bp.post("/tenders/<int:tender_id>/partnership/phases/<int:phase_id>/remove")
def partnership_remove_phase(tender_id: int, phase_id: int):
    row = _tender(tender_id)
    session = get_session()
    phase = ip.get_phase(session, row, phase_id)
    if phase is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        ip.remove_phase(session, row, phase, actor_id=current_user.id)
    except (ip.PartnershipError, tenders.TenderError) as error:
        session.rollback()
        flash(_(error.msgid, **error.params), "danger")
    else:
        session.commit()
        flash(_("The phase is removed."), "success")
    return _back(row, "setup", "#phases")


@bp.post("/tenders/<int:tender_id>/partnership/open")
def partnership_open(tender_id: int):
    def action(session, row, form):
        now = utcnow()
        ip.open_for_requests(session, row, form.deadline.data, rules=_rules(row),
                             actor_id=current_user.id, today=oslo_today(now), now=now)
        return _("The partnership is announced and open for requests to participate.")
    return _post(tender_id, OpenForm, "open", "setup", "#notice", action, _setup)


# --- candidates and prequalification -----------------------------------------------------------


def _candidates(row: Tender, status: int = 200, decision_draft: dict | None = None, **forms):
    session = get_session()
    text = params.text("q")
    found = suppliers.search_suppliers(session, suppliers.SupplierSearch(text=text),
                                       page_size=10) if text else None
    every = ip.candidates(session, row)
    negotiation = forms.get("negotiation") or _choices(row, NegotiationForm(formdata=None, data={
        "candidates": [c.row.id for c in every if c.row.decision == "qualified"]}))
    return _render(row, "candidates", status, candidates=every, text=text, found=found,
                   known={c.supplier.id for c in every}, candidate_form=CandidateForm(),
                   participants=ip.dialogue_candidates(session, row),
                   interested=ip.interested_candidates(session, row),
                   decision_form=DecisionForm(formdata=None), decision_draft=decision_draft,
                   negotiation_form=negotiation, minimum=_rules(row).min_negotiation,
                   **_letters(row, "prequalification"))


def _rules(row: Tender):
    """The procedure's rules from the rule set in force (request days, negotiation minimum)."""
    return ip.rules_for(row, current_app.extensions["procure.rulebook"], oslo_today(utcnow()))


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


@bp.get("/tenders/<int:tender_id>/partnership/candidates")
def partnership_candidates(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    return _candidates(row)


@bp.post("/tenders/<int:tender_id>/partnership/candidates/add")
def partnership_add_candidate(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    form = CandidateForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    supplier_id = form.supplier_id.data or ""
    participant_id = form.participant_id.data or ""
    registration_id = form.registration_id.data or ""
    try:
        if supplier_id.isdigit():
            ip.add_candidate(session, row, int(supplier_id), actor_id=current_user.id)
        elif participant_id.isdigit():
            ip.add_participant(session, row, int(participant_id), actor_id=current_user.id)
        elif registration_id.isdigit():
            ip.add_interested(session, row, int(registration_id), actor_id=current_user.id)
        else:
            flash(_("Choose a candidate to add."), "danger")
            return _back(row, "candidates")
    except (ip.PartnershipError, suppliers.SupplierError) as error:
        session.rollback()
        flash(_(error.msgid, **error.params), "danger")
    else:
        session.commit()
        flash(_("The candidate is added. Assess it against the requirements."), "success")
    return _back(row, "candidates", "#candidate-list")


@bp.post("/tenders/<int:tender_id>/partnership/candidates/<int:candidate_id>/decision")
def partnership_decide_candidate(tender_id: int, candidate_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    session = get_session()
    candidate = ip.get_candidate(session, row, candidate_id)
    if candidate is None:
        abort(404)
    form = DecisionForm()
    error = None
    if form.validate_on_submit():
        try:
            ip.decide_candidate(session, row, candidate, form.decision.data, form.reason.data,
                                actor_id=current_user.id)
        except ip.PartnershipError as failure:
            session.rollback()
            error = _(failure.msgid, **failure.params)
        else:
            session.commit()
            flash(_("The decision is recorded."), "success")
            return _back(row, "candidates", f"#c-{candidate_id}")
    if error is None:
        error = " ".join(str(e) for e in form.decision.errors + form.reason.errors) or _(
            "The form has expired. Try again.")
    return _candidates(row, 400, decision_draft={
        "id": candidate_id, "decision": form.decision.data, "reason": form.reason.data or "",
        "error": error})


@bp.post("/tenders/<int:tender_id>/partnership/negotiation/invite")
def partnership_invite(tender_id: int):
    def action(session, row, form):
        chosen = ip.invite_to_negotiation(session, row, form.candidates.data or [],
                                          form.cap.data, form.reason.data or "",
                                          rules=_rules(row), actor_id=current_user.id)
        return _("%(count)s candidates are invited to negotiate.", count=len(chosen))
    return _post(tender_id, NegotiationForm, "negotiation", "negotiation", "", action,
                 _candidates, with_choices=True)


# --- negotiation rounds and partners -----------------------------------------------------------


def _negotiation(row: Tender, status: int = 200, **forms):
    session = get_session()
    partners_form = forms.get("partners") or _choices(row, PartnersForm(formdata=None))
    return _render(row, "negotiation", status, negotiating=ip.negotiating(session, row),
                   rounds=ip.rounds(session, row),
                   round_form=forms.get("round") or RoundForm(formdata=None),
                   partners_form=partners_form, chosen=ip.partners(session, row),
                   every=ip.candidates(session, row), **_letters(row, "partners"))


@bp.get("/tenders/<int:tender_id>/partnership/negotiation")
def partnership_negotiation(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    return _negotiation(row)


@bp.post("/tenders/<int:tender_id>/partnership/rounds")
def partnership_round(tender_id: int):
    def action(session, row, form):
        now = utcnow()
        item = ip.add_round(session, row, form.held_on.data, form.topics.data,
                            form.outcome.data or "", actor_id=current_user.id,
                            today=oslo_today(now), now=now)
        return _("Round %(number)s is recorded.", number=item.number)
    return _post(tender_id, RoundForm, "round", "negotiation", "#rounds", action, _negotiation)


@bp.post("/tenders/<int:tender_id>/partnership/partners")
def partnership_partners(tender_id: int):
    def action(session, row, form):
        chosen = ip.select_partners(session, row, form.partners.data or [], form.reason.data,
                                    actor_id=current_user.id)
        return _("%(count)s partners are chosen; the first phase has started.",
                 count=len(chosen))
    return _post(tender_id, PartnersForm, "partners", "phases", "", action, _negotiation,
                 with_choices=True)


# --- phases and decisions ----------------------------------------------------------------------


def _phase_form(row: Tender, formdata: bool = True) -> PhaseDecisionForm:
    form = PhaseDecisionForm() if formdata else PhaseDecisionForm(formdata=None)
    form.leaving.choices = [SelectChoice(c.row.id, c.supplier.name)
                            for c in ip.partners(get_session(), row)]
    return form


def _phases(row: Tender, status: int = 200, form: PhaseDecisionForm | None = None):
    session = get_session()
    every = ip.candidates(session, row)
    return _render(row, "phases", status, phases=ip.phases(session, row),
                   states=ip.phase_states(session, row), running=ip.running_phase(session, row),
                   form=form or _phase_form(row, formdata=False),
                   chosen=ip.partners(session, row), every=every, value=ip.value(session, row))


@bp.get("/tenders/<int:tender_id>/partnership/phases")
def partnership_phases(tender_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    return _phases(row)


@bp.post("/tenders/<int:tender_id>/partnership/phases/<int:phase_id>/decision")
def partnership_phase_decision(tender_id: int, phase_id: int):
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    session = get_session()
    phase = ip.get_phase(session, row, phase_id)
    if phase is None:
        abort(404)
    form = _phase_form(row)
    if form.validate_on_submit():
        try:
            ip.decide_phase(session, row, phase, form.decision.data, form.reason.data,
                            form.targets_met.data == "yes", form.leaving.data or [],
                            actor_id=current_user.id)
        except (ip.PartnershipError, tenders.TenderError) as error:
            session.rollback()
            session.refresh(row)
            form.form_errors.append(_(error.msgid, **error.params))
        else:
            session.commit()
            flash(_("The decision after phase %(number)s is recorded.", number=phase.number),
                  "success")
            return _back(row, "phases")
    return _phases(row, 400, form)


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


# --- letters to the candidates ------------------------------------------------------------------


@bp.post("/tenders/<int:tender_id>/partnership/letters/<round_>")
def partnership_letters_send(tender_id: int, round_: str):
    if round_ not in partnership_letters.ROUNDS:
        abort(404)
    row = _track_tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    page = "candidates" if round_ == "prequalification" else "negotiation"
    if not FlaskForm().validate_on_submit():
        flash(_("The form has expired. Try again."), "danger")
        return _back(row, page, f"#letters-{round_}")
    session = get_session()
    try:
        rows, without = partnership_letters.send(session, row, round_, actor_id=current_user.id,
                                                 mailer=Mailer.from_config(current_app.config))
    except ip.PartnershipError as error:
        session.rollback()
        flash(_(error.msgid, **error.params), "danger")
    else:
        session.commit()
        flash(_("%(count)s letters are sent.", count=len(rows)), "success")
        if without:
            flash(_("No e-mail address for %(names)s: tell them another way.",
                    names=", ".join(without)), "warning")
    return _back(row, page, f"#letters-{round_}")
