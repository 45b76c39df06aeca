"""The tender's requirements and criteria ("Krav og kriterier"): one list of everything the
tender document asks of suppliers, the officer's own requirements beside the library criteria
copied in. Add, change, move up or down, delete; sub-criteria under award criteria; the award
weights, from which the price, quality and climate totals and the § 7-9 result follow.

Every change goes through the step runner (procure/web/officer/steps.py): the tender version
the page was opened on is checked (a stale page is a 409 that keeps what was typed), the change
is recorded on the trail, and the totals and the § 7-9 result are worked out again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from flask import abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from procure import vocabulary
from procure.db import get_session
from procure.domain.cpv_categories import suggest_categories
from procure.domain.requirements import AWARD, KINDS, LIBRARY_KINDS, WeightProblem
from procure.models import Tender, TenderRequirement
from procure.services import publishing, requirements, tender_criteria, tenders
from procure.web import params
from procure.web.forms import SelectChoice
from procure.web.officer import bp, criteria_labels
from procure.web.officer.requirements_forms import (
    MoveForm,
    RequirementForm,
    WeightsForm,
    requirement_form,
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

ERRORS = (requirements.RequirementError, tender_criteria.TenderCriteriaError,
          tenders.TenderError)


def _rulebook() -> Any:
    return current_app.extensions["procure.rulebook"]


def _plain(value: Decimal | None) -> Decimal | None:
    """30.00 -> 30, 12.50 -> 12.5, for showing a stored number in a form."""
    return None if value is None else Decimal(format(value.normalize(), "f"))


def _parents(rows: list[TenderRequirement]) -> list[SelectChoice]:
    return [SelectChoice(str(row.id), row.title) for row in rows
            if row.kind == AWARD and row.parent_id is None]


def _problem_text(problem: WeightProblem) -> str:
    return vocabulary.label(vocabulary.WEIGHT_PROBLEMS, problem.code, title=problem.title,
                            total=criteria_labels.percent(problem.total),
                            weight=criteria_labels.percent(problem.weight))


# --- the list ------------------------------------------------------------------------------------


def _weights_form(rows: list[TenderRequirement]) -> WeightsForm:
    return WeightsForm(formdata=None, data={"rows": [
        {"requirement_id": row.id, "weight": _plain(row.weight)}
        for row in rows if row.kind == AWARD]})


def _list(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    rows = requirements.tender_requirements(session, row)
    weights = requirements.weights_of(rows)
    check = tender_criteria.climate_check(row, rows, _rulebook())
    library = current_app.extensions["procure.criteria"]
    on = tender_criteria.criteria_date(row)
    try:
        suggested = suggest_categories(row.cpv_code, library, on) if row.cpv_code else []
    except ValueError:
        suggested = []
    titles = {s.id: criteria_labels.set_title(s) for s in library.current(on)}
    return {
        "tree": requirements.requirement_tree(rows), "rows": rows, "kinds": KINDS,
        "pins": requirements.pins_by_id(session, row), "weights": weights,
        "problems": [_problem_text(p) for p in weights.problems if p.code != "no-criteria"],
        "check": check, "blockers": publishing.publish_blockers(row, rows, check),
        "weights_form": forms.get("weights_form") or _weights_form(rows),
        "by_id": {r.id: r for r in rows}, "move_form": MoveForm(formdata=None),
        "suggested": [(c, titles[c]) for c in suggested if c in titles],
    }


# --- one requirement -----------------------------------------------------------------------------


def _new(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    rows = requirements.tender_requirements(get_session(), row)
    form = forms.get("form")
    if form is None:
        kind = params.text("kind")
        parent = params.integer("parent", low=1, high=params.DB_INTEGER_MAX)
        parent_row = requirements.get_requirement(get_session(), row, parent) if parent else None
        if parent_row is not None and (parent_row.kind != AWARD or parent_row.parent_id):
            parent_row = None
        form = requirement_form(_parents(rows), formdata=False, data={
            "kind": AWARD if parent_row else (kind if kind in KINDS else KINDS[0]),
            "parent_id": str(parent_row.id) if parent_row else "",
            "award_group": "quality", "version": row.version})
    return {"form": form, "requirement": None, "pin": None, "parents": _parents(rows),
            "award_fields": True}


def _edit(row: Tender, forms: Mapping[str, Any]) -> dict[str, Any]:
    session = get_session()
    item: TenderRequirement = forms["requirement"]
    rows = requirements.tender_requirements(session, row)
    form = forms.get("form") or requirement_form(_parents(rows), formdata=False, data={
        "kind": item.kind, "parent_id": str(item.parent_id or ""), "title": item.title,
        "text": item.text, "documentation": item.documentation, "weight": _plain(item.weight),
        "award_group": item.award_group or "quality",
        "climate_environment": item.climate_environment, "version": row.version})
    pin = requirements.pins_by_id(session, row).get(item.criterion_pin_id or 0)
    if pin is not None:  # a library criterion moves only among the kinds its type allows
        allowed = LIBRARY_KINDS.get(item.kind, (item.kind,))
        form.kind.choices = [SelectChoice(kind, vocabulary.REQUIREMENT_KINDS[kind])
                             for kind in KINDS if kind in allowed]
    award = item.kind == AWARD or pin is None
    return {"form": form, "requirement": item, "pin": pin, "parents": _parents(rows),
            "award_fields": award,
            "delete_form": plain_form(),
            "children": [r for r in rows if r.parent_id == item.id]}


def _form(row: Tender, item: object = None) -> RequirementForm:
    return requirement_form(_parents(requirements.tender_requirements(get_session(), row)))


def _fields(form: RequirementForm, item: TenderRequirement | None) -> dict[str, Any]:
    """What the form says; a library criterion keeps its own text and climate mark."""
    values: dict[str, Any] = {
        "kind": form.kind.data, "title": form.title.data or "", "text": form.text.data or "",
        "documentation": form.documentation.data or "", "weight": form.weight.data,
        "award_group": form.award_group.data or None,
        "climate_environment": bool(form.climate_environment.data)}
    if item is not None and item.criterion_pin_id is not None:
        values.update(title=item.title, text=item.text, documentation=item.documentation,
                      climate_environment=item.climate_environment)
    return values


@contextmanager
def _numbers_in_words() -> Iterator[None]:
    """A refusal's numbers as the page shows them ("90", "12,5"), not as stored ("90.00")."""
    try:
        yield
    except requirements.RequirementError as error:
        error.params = {key: criteria_labels.percent(value) if isinstance(value, Decimal)
                        else value for key, value in error.params.items()}
        raise


def _refresh(call: StepCall) -> None:
    tender_criteria.refresh_climate(call.session, call.tender, call.rulebook,
                                    actor_id=call.actor_id)


def _add(call: StepCall) -> Done:
    form = call.form
    parent = form.parent_id.data
    fields = _fields(form, None)
    if parent:
        fields["kind"] = AWARD
    with _numbers_in_words():
        new = requirements.add_requirement(
            call.session, call.tender, **fields,
            parent_id=int(parent) if parent and parent.isdigit() else None,
            actor_id=call.actor_id, now=call.now)
    _refresh(call)
    return Done(_("«%(title)s» is added.", title=new.title), f"#r-{new.id}")


def _change(call: StepCall) -> Done:
    item: TenderRequirement = call.item
    with _numbers_in_words():
        requirements.update_requirement(call.session, call.tender, item,
                                        **_fields(call.form, item), actor_id=call.actor_id)
    _refresh(call)
    return Done(_("«%(title)s» is saved.", title=item.title), f"#r-{item.id}")


def _change_refused(refusal: Refusal) -> ResponseReturnValue:
    if refusal.message:
        refusal.form.form_errors.append(refusal.message)
    return TRACK.render("edit", refusal.tender, refusal.status,
                        {"form": refusal.form, "requirement": refusal.item})


def _move(call: StepCall) -> Done:
    item: TenderRequirement = call.item
    moved = requirements.move_requirement(call.session, call.tender, item,
                                          call.form.direction.data, actor_id=call.actor_id)
    if not moved:
        message = (_("«%(title)s» is already first.", title=item.title)
                   if call.form.direction.data == "up"
                   else _("«%(title)s» is already last.", title=item.title))
        return Done(message, f"#r-{item.id}")
    return Done(_("«%(title)s» is moved.", title=item.title), f"#r-{item.id}")


def _delete(call: StepCall) -> Done:
    item: TenderRequirement = call.item
    title, kind = item.title, item.kind
    requirements.delete_requirement(call.session, call.tender, item, actor_id=call.actor_id)
    _refresh(call)
    return Done(_("«%(title)s» is deleted.", title=title), f"#kind-{kind}")


def _weights(call: StepCall) -> str:
    with _numbers_in_words():
        requirements.set_award_weights(call.session, call.tender, {
            entry.requirement_id.data: entry.weight.data for entry in call.form.rows.entries},
            actor_id=call.actor_id)
    _refresh(call)
    return _("The award weights are saved.")


def _button(row: Tender, item: object = None):
    return plain_form()


def _move_form(row: Tender, item: object = None) -> MoveForm:
    return MoveForm()


TRACK = Track(
    name="requirements",
    applies=lambda session, row: True,
    not_here=lambda: "",
    errors=ERRORS,
    pages=(
        Page("list", "officer.tender_requirements", "officer/requirements/list.html", _list),
        Page("new", "officer.new_requirement", "officer/requirements/edit.html", _new,
             in_nav=False),
        Page("edit", "officer.edit_requirement", "officer/requirements/edit.html", _edit,
             in_nav=False),
    ),
    steps=(
        Step("add", "new", _form, _add, then="list"),
        Step("edit", "edit", _form, _change, then="list", item=requirements.get_requirement,
             refused=_change_refused),
        Step("move", "list", _move_form, _move, item=requirements.get_requirement,
             invalid_aborts=True, errors_flash=True),
        Step("delete", "list", _button, _delete, item=requirements.get_requirement,
             invalid_aborts=True, errors_flash=True),
        Step("weights", "list", WeightsForm, _weights, anchor="#weights",
             form_key="weights_form"),
    ),
)


# --- routes --------------------------------------------------------------------------------------


def _tender_row(tender_id: int) -> Tender:
    row = TRACK.tender(tender_id)
    if row is None:  # every tender is on this "track"; kept for the runner's contract
        abort(404)
    return row


@bp.get("/tenders/<int:tender_id>/requirements", endpoint="tender_requirements")
def requirements_page(tender_id: int):
    return TRACK.render("list", _tender_row(tender_id))


@bp.route("/tenders/<int:tender_id>/requirements/new", methods=["GET", "POST"],
          endpoint="new_requirement")
def new_requirement(tender_id: int):
    if request.method == "POST":
        return run_step(TRACK, "add", tender_id)
    return TRACK.render("new", _tender_row(tender_id))


@bp.route("/tenders/<int:tender_id>/requirements/<int:requirement_id>",
          methods=["GET", "POST"], endpoint="edit_requirement")
def edit_requirement(tender_id: int, requirement_id: int):
    if request.method == "POST":
        return run_step(TRACK, "edit", tender_id, requirement_id)
    row = _tender_row(tender_id)
    item = requirements.get_requirement(get_session(), row, requirement_id)
    if item is None:
        abort(404)
    return TRACK.render("edit", row, forms={"requirement": item})


@bp.post("/tenders/<int:tender_id>/requirements/<int:requirement_id>/move",
         endpoint="move_requirement")
def move_requirement(tender_id: int, requirement_id: int):
    return run_step(TRACK, "move", tender_id, requirement_id)


@bp.post("/tenders/<int:tender_id>/requirements/<int:requirement_id>/delete",
         endpoint="delete_requirement")
def delete_requirement(tender_id: int, requirement_id: int):
    return run_step(TRACK, "delete", tender_id, requirement_id)


@bp.post("/tenders/<int:tender_id>/requirements/weights", endpoint="requirement_weights")
def requirement_weights(tender_id: int):
    return run_step(TRACK, "weights", tender_id)
