"""Officer views for green criteria: the catalogue, applying criteria to a tender, award
weights, the FOA § 7-9 check and the superseded-criteria report (publishing as planned is in
publication_views.py)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from procure import clock
from procure.db import get_session
from procure.domain.cpv_categories import suggest_categories
from procure.domain.criteria import LEVELS, Criterion, Library
from procure.errors import UserError
from procure.models import Tender, TenderCriterion
from procure.services import publishing, requirements, tender_criteria, tenders
from procure.services.tender_criteria import WEIGHT_FIELDS
from procure.web import params
from procure.web.forms import SelectChoice
from procure.web.officer import bp, criteria_labels
from procure.web.officer.cpv import cpv_label, ui_lang
from procure.web.officer.criteria_forms import (
    AmbitionForm,
    CatalogueFilterForm,
    ClimateDutyForm,
    PinActionsForm,
    SelectionForm,
)
from procure.web.officer.views import _organisation_id, _tender


@bp.record_once
def _register(state) -> None:
    criteria_labels.init_app(state.app)
    state.app.jinja_env.globals.update(cpv_label=cpv_label, ui_lang=ui_lang,
                                       user_message=user_message)


def _library() -> Library:
    return current_app.extensions["procure.criteria"]


def _rulebook():
    return current_app.extensions["procure.rulebook"]


def _today():
    return clock.today()


def user_message(msgid: str, params: dict) -> str:
    """A service's message translated, with numbers formatted for the UI language."""
    return _(msgid, **{key: criteria_labels.percent(value) if isinstance(value, Decimal)
                       else value for key, value in params.items()})


def _message(error: UserError) -> str:
    return user_message(error.msgid, error.params)


# --- catalogue ---------------------------------------------------------------------------------


@bp.get("/criteria")
def criteria_catalogue():
    library, cpv = _library(), current_app.extensions["procure.cpv"]
    today = _today()
    current_sets = {s.id: s for s in library.current(today)}
    form = CatalogueFilterForm(formdata=params.form_data())
    form.category.choices = [SelectChoice("", _("All categories"))] + [
        SelectChoice(s.id, criteria_labels.set_title(s)) for s in current_sets.values()]
    form.validate()
    valid = {name: (field.data or None) if not field.errors else None
             for name, field in form._fields.items()}
    categories = set(current_sets)
    if valid["category"]:
        categories &= {valid["category"]}
    cpv_code, cpv_matches, cpv_categories = None, [], None
    if valid["cpv"]:
        found = cpv.lookup(valid["cpv"])
        if found is not None:
            cpv_code = found
            cpv_categories = suggest_categories(found.code, library, today)
            categories &= set(cpv_categories)
        else:
            cpv_matches = cpv.search(valid["cpv"], ui_lang(), limit=10)
    results: dict[str, list[Criterion]] = defaultdict(list)
    if not cpv_matches:
        for criterion in library.criteria(level=valid["level"], type=valid["type"],
                                          text=valid["q"], on=today):
            if criterion.category in categories:
                results[criterion.category].append(criterion)
    order = cpv_categories or sorted(current_sets, key=lambda c: criteria_labels.set_title(
        current_sets[c]).casefold())
    groups = [(current_sets[c], results[c]) for c in order if results.get(c)]
    args = {k: v for k, v in request.args.items() if k != "cpv"}
    return render_template(
        "officer/criteria/catalogue.html", form=form, groups=groups,
        count=sum(len(items) for _set, items in groups), cpv_code=cpv_code,
        cpv_matches=cpv_matches, cpv_categories=cpv_categories, keep_args=args,
        sets=current_sets, lang=ui_lang())


def _history(library: Library, criterion: Criterion):
    """Per set version of the category: the version of this criterion it holds, and what
    changed from the previous one."""
    rows, previous = [], None
    for criteria_set in library.sets(criterion.category):
        found = next((c for c in criteria_set.criteria if c.base_id == criterion.base_id), None)
        changes: tuple[tender_criteria.FieldDiff, ...] = ()
        if found is not None and previous is not None and found.id != previous.id:
            changes = tender_criteria.criterion_diff(previous, found)
        rows.append((criteria_set, found, changes))
        previous = found or previous
    return rows


@bp.get("/criteria/superseded")
def superseded_criteria():
    rows = tender_criteria.superseded_pins(get_session(), _organisation_id(), _library(),
                                           _today())
    by_tender: dict[int, list] = defaultdict(list)
    tenders = {}
    for row in rows:
        by_tender[row.tender.id].append(row)
        tenders[row.tender.id] = row.tender
    return render_template("officer/criteria/superseded.html",
                           groups=[(tenders[t], by_tender[t]) for t in by_tender],
                           today=_today())


@bp.get("/criteria/<criterion_id>")
def criterion_page(criterion_id: str):
    library = _library()
    try:
        criterion = library.criterion(criterion_id)
    except KeyError:
        abort(404)
    sets = library.versions_containing(criterion.id)
    source = sets[-1].source(criterion.source)
    current = library.current_version(criterion.id, _today())
    used_by = get_session().exec(
        select(TenderCriterion, Tender).join(Tender, col(Tender.id) == TenderCriterion.tender_id)
        .where(TenderCriterion.base_id == criterion.base_id,
               Tender.organisation_id == _organisation_id())
        .order_by(Tender.reference)).all()
    return render_template("officer/criteria/criterion.html", criterion=criterion, sets=sets,
                           source=source, current=current,
                           history=_history(library, criterion), used_by=used_by)


@bp.get("/cpv/search")
def cpv_search():
    """CPV codes matching ?q= as JSON, for the autocomplete script."""
    query = params.text("q")
    lang = ui_lang()
    found = current_app.extensions["procure.cpv"].search(query, lang, limit=15)
    return jsonify([{"code": c.code, "label": c.label(lang)} for c in found])


# --- applying criteria to a tender --------------------------------------------------------------


def _categories_for(row: Tender, library: Library):
    on = tender_criteria.criteria_date(row, _today())
    current = {s.id: s for s in library.current(on)}
    suggested = []
    if row.cpv_code:
        try:
            suggested = [c for c in suggest_categories(row.cpv_code, library, on)
                         if c in current]
        except ValueError:
            suggested = []
    return on, current, suggested


def _selection_choices(form: SelectionForm, offered: list[Criterion]) -> None:
    form.criteria.choices = [SelectChoice(c.id, c.title) for c in offered]


def _criteria_page(row: Tender, *, ambition_form=None, selection_form=None,
                   status: int = 200, conflict: list | None = None, fit_question=None):
    db, library = get_session(), _library()
    on, current, suggested = _categories_for(row, library)
    pins = tender_criteria.tender_pins(db, row)
    pinned_sets = {p.set_id for p in pins}
    category = (selection_form.category.data if selection_form is not None
                else params.text("category"))
    if category not in current and category not in pinned_sets:
        # Only a category the tender's CPV code suggests (or one it already uses) opens by
        # itself: a category made for other purchases is opened only when asked for.
        category = next(iter(suggested), None) or next((p.set_id for p in pins), None)
    # no category to show: "" offers nothing, as None did
    offered = tender_criteria.selectable_criteria(library, row, category or "", pins, on)
    pinned_ids = {p.criterion_id for p in pins}
    if selection_form is None:
        selection_form = SelectionForm(formdata=None, data={
            "category": category, "criteria": [c.id for c in offered if c.id in pinned_ids]})
    _selection_choices(selection_form, offered)
    # The library proposes; it never ticks. In a category the CPV code suggests, the criteria
    # at the tender's ambition level and below (basic when none is chosen) are marked.
    rank = tender_criteria.level_rank(row.ambition_level or LEVELS[0])
    proposed = ({c.id for c in offered if tender_criteria.level_rank(c.level) <= rank}
                if category in suggested else set())
    ambition_form = ambition_form or AmbitionForm(formdata=None, data={
        "version": row.version, **({"level": row.ambition_level} if row.ambition_level else {})})
    newer = {}
    for pin in pins:
        superseded, found = tender_criteria.current_for(library, pin, _today())
        if superseded:
            newer[pin.id] = found
    set_titles = {s: criteria_labels.set_title(current[s]) for s in current}
    set_titles |= {p.set_id: criteria_labels.set_title(p.snapshot["set"]) for p in pins
                   if p.set_id not in set_titles}
    fit = (tender_criteria.fit_of(library, row, category, on)
           if category and category in current else None)
    return render_template(
        "officer/tender_criteria.html", tender=row, on=on, suggested=suggested,
        categories=list(current) + sorted(pinned_sets - set(current)), category=category,
        set_titles=set_titles, offered={c.id: c for c in offered},
        selection_form=selection_form, ambition_form=ambition_form,
        actions_form=PinActionsForm(), pin_list=pins, newer=newer, proposed=proposed,
        pinned_ids=pinned_ids, levels=LEVELS, level_hints=criteria_labels.LEVEL_HINTS,
        fit=fit, fit_reason=_fit_reason(row, fit, set_titles.get(category or "", "")),
        fit_question=fit_question,
        check=tender_criteria.climate_check(
            row, requirements.tender_requirements(db, row), _rulebook()),
        conflict=conflict,
    ), status


def _fit_reason(row: Tender, fit, title: str) -> str:
    """Why a category is not made for this tender, in a sentence; "" when it is."""
    if fit is None or fit.fits:
        return ""
    if fit.reason == "no-cpv":
        return _("The tender has no CPV code yet, so the library cannot tell whether the "
                 "criteria for %(category)s fit this purchase.", category=title)
    if fit.reason == "bad-cpv":
        return _("The tender's CPV code %(cpv)s cannot be read, so the library cannot tell "
                 "whether the criteria for %(category)s fit this purchase.",
                 cpv=row.cpv_code, category=title)
    return _("The criteria for %(category)s are made for the CPV codes %(areas)s. This "
             "tender's CPV code %(cpv)s (%(label)s) is outside them, so they may ask for "
             "things this purchase does not have.", category=title,
             areas=", ".join(fit.areas), cpv=row.cpv_code, label=cpv_label(row.cpv_code))


def _back_to_criteria(row: Tender, category: str | None = None):
    if category:
        return redirect(url_for("officer.tender_criteria", tender_id=row.id,
                                category=category) + "#selection")
    return redirect(url_for("officer.tender_criteria", tender_id=row.id) + "#pinned")


def _refresh_and_commit(row: Tender, success: str) -> None:
    """Bring the § 7-9 columns up to date, commit, and say how it went."""
    db = get_session()
    try:
        tender_criteria.refresh_climate(db, row, _rulebook(), actor_id=current_user.id)
    except UserError as error:  # someone else saved the tender meanwhile: nothing is kept
        db.rollback()
        flash(_message(error), "danger")
        return
    db.commit()
    flash(success, "success")


@bp.get("/tenders/<int:tender_id>/criteria", endpoint="tender_criteria")
def tender_criteria_page(tender_id: int):
    return _criteria_page(_tender(tender_id))


@bp.post("/tenders/<int:tender_id>/criteria/ambition")
def tender_ambition(tender_id: int):
    row = _tender(tender_id)
    form = AmbitionForm()
    if not form.validate_on_submit():
        return _criteria_page(row, ambition_form=form, status=400)
    try:
        tender_criteria.set_ambition(get_session(), row, form.level.data,
                                     actor_id=current_user.id, expected_version=form.version.data)
    except tenders.TenderConflict as error:
        return _criteria_page(row, ambition_form=form, **_conflict(row, form, error))
    except UserError as error:
        get_session().rollback()
        flash(_message(error), "danger")
    else:
        get_session().commit()
        flash(_("Ambition level saved. The criteria at this level and below are marked as "
                "suggested; tick the ones you want and save the selection."), "success")
    return redirect(url_for("officer.tender_criteria", tender_id=row.id) + "#selection")


@bp.post("/tenders/<int:tender_id>/criteria/selection")
def tender_selection(tender_id: int):
    row = _tender(tender_id)
    db, library = get_session(), _library()
    form = SelectionForm()
    on = tender_criteria.criteria_date(row, _today())
    offered = tender_criteria.selectable_criteria(
        library, row, form.category.data or "", tender_criteria.tender_pins(db, row), on)
    _selection_choices(form, offered)
    if not form.validate_on_submit():
        return _criteria_page(row, selection_form=form, status=400)
    try:
        added, removed = tender_criteria.save_selection(
            db, row, library, [c.id for c in offered], form.criteria.data or [],
            actor_id=current_user.id, on=on, category=form.category.data or None,
            fit_confirmed=form.confirm_fit.data == form.category.data)
    except tender_criteria.CategoryFitError as error:
        db.rollback()
        form.confirm_fit.data = error.category  # the next post confirms
        form.confirm_fit.raw_data = [error.category]
        return _criteria_page(row, selection_form=form, fit_question=error.category)
    except UserError as error:
        db.rollback()
        form.criteria.errors = [*form.criteria.errors, _message(error)]
        return _criteria_page(row, selection_form=form, status=400)
    _refresh_and_commit(row, _("Criteria saved: %(added)d pinned, %(removed)d removed.",
                               added=added, removed=removed))
    return _back_to_criteria(row, form.category.data)


@bp.post("/tenders/<int:tender_id>/criteria/pins")
def tender_pin_options(tender_id: int):
    """The buttons beside a pinned criterion: remove it, or update it to the newer version."""
    row = _tender(tender_id)
    db = get_session()
    if not PinActionsForm().validate_on_submit():
        abort(400)
    for action in ("remove", "upgrade"):
        pin_id = params.to_int(request.form.get(action), 1, params.DB_INTEGER_MAX)
        if pin_id is None:
            continue
        pin = tender_criteria.get_pin(db, row, pin_id)
        if pin is None:
            abort(404)
        if action == "remove":
            criterion_id = pin.criterion_id
            tender_criteria.unpin(db, row, pin, actor_id=current_user.id)
            message = _("%(id)s removed from the tender.", id=criterion_id)
        else:
            superseded, current = tender_criteria.current_for(_library(), pin, _today())
            if not superseded or current is None:
                flash(_("%(id)s is already the current version.", id=pin.criterion_id), "info")
                return _back_to_criteria(row)
            old = pin.criterion_id
            tender_criteria.pin_criterion(db, row, _library(), current.id,
                                          actor_id=current_user.id, on=_today())
            message = _("%(old)s replaced by %(new)s.", old=old, new=current.id)
        _refresh_and_commit(row, message)
        return _back_to_criteria(row)
    abort(400)


# --- award weights and § 7-9 -----------------------------------------------------------------


def _conflict(row: Tender, form, error: tenders.TenderConflict) -> dict:
    """Someone saved the tender after this form was opened: nothing is saved, the form keeps
    what was typed and is based on the current version, and the page shows what changed."""
    get_session().rollback()
    get_session().refresh(row)
    form.rebase(row.version)
    return {"conflict": error.changes, "status": 409}


def _climate_page(row: Tender, *, duty_form=None, status: int = 200,
                  conflict: list | None = None):
    db, rulebook = get_session(), _rulebook()
    rows = requirements.tender_requirements(db, row)
    check = tender_criteria.climate_check(row, rows, rulebook)
    ruleset = tender_criteria.ruleset_for(row, rulebook)
    duty_form = duty_form or ClimateDutyForm(formdata=None, data={
        "version": row.version,
        "spec_justification": row.climate_spec_justification,
        "exemption": row.climate_exemption or "",
        "exemption_justification": row.climate_exemption_justification})
    counted = ruleset.climate.spec_requirement_kinds if ruleset else ("spec-must",)
    return render_template(
        "officer/tender_climate.html", tender=row, check=check, ruleset=ruleset,
        duty_form=duty_form, weights=requirements.weights_of(rows),
        tree=requirements.requirement_tree(rows),
        spec_rows=[r for r in rows if r.climate_environment and r.kind in counted],
        exemptions=ruleset.climate.exemptions if ruleset else {},
        blockers=publishing.publish_blockers(row, rows, check), conflict=conflict,
    ), status


@bp.get("/tenders/<int:tender_id>/climate")
def tender_climate(tender_id: int):
    return _climate_page(_tender(tender_id))


@bp.post("/tenders/<int:tender_id>/climate/duty")
def tender_climate_duty(tender_id: int):
    row = _tender(tender_id)
    db = get_session()
    form = ClimateDutyForm()
    if not form.validate_on_submit():
        return _climate_page(row, duty_form=form, status=400)
    try:
        tender_criteria.set_climate_inputs(
            db, row, spec_justification=form.spec_justification.data or "",
            exemption=form.exemption.data or None,
            exemption_justification=form.exemption_justification.data or "",
            actor_id=current_user.id, expected_version=form.version.data)
    except tenders.TenderConflict as error:
        return _climate_page(row, duty_form=form, **_conflict(row, form, error))
    except UserError as error:
        db.rollback()
        form.form_errors.append(_message(error))
        return _climate_page(row, duty_form=form, status=400)
    _refresh_and_commit(row, _("Climate and environment answers saved."))
    return redirect(url_for("officer.tender_climate", tender_id=row.id))


@bp.context_processor
def _green_summary():
    def green_summary(row: Tender) -> dict:
        """What the tender overview shows about criteria, § 7-9 and publishing."""
        rows = requirements.tender_requirements(get_session(), row)
        check = tender_criteria.climate_check(row, rows, _rulebook())
        return {"rows": rows, "check": check,
                "pins": [r for r in rows if r.criterion_pin_id is not None],
                "blockers": publishing.publish_blockers(row, rows, check),
                "weights": [(name, getattr(row, name)) for name in WEIGHT_FIELDS]}

    return {"green_summary": green_summary, "weight_labels": criteria_labels.WEIGHT_LABELS}
