from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from procure.db import get_session
from procure.domain.estimate import Lot, estimate_value
from procure.domain.wizard import STEP_SLUGS, next_step, ready_for_recommendation, step_status
from procure.models import Tender
from procure.services import (
    amendments,
    chooser,
    publishing,
    requirements,
    tender_criteria,
    tenders,
)
from procure.services import public as public_service
from procure.web.forms import SelectChoice
from procure.web.officer import bp
from procure.web.officer.forms import (
    ContractForm,
    InnovationForm,
    NeedForm,
    NewDraftForm,
    TrackForm,
    ValueForm,
)
from procure.web.officer.journey import next_action


def _organisation_id() -> int:
    if current_user.organisation_id is None:
        abort(403)
    return current_user.organisation_id


def _tender(tender_id: int) -> Tender:
    row = tenders.get_tender(get_session(), tender_id, _organisation_id())
    if row is None:
        abort(404)
    return row


def _after_step(tender: Tender, slug: str):
    following = next_step(slug)
    return redirect(url_for("officer.step", tender_id=tender.id, slug=following)
                    if following else url_for("officer.tender", tender_id=tender.id))


@bp.get("/")
def index():
    rows = tenders.organisation_tenders(get_session(), _organisation_id())
    return render_template("officer/index.html", tenders=rows)


@bp.route("/tenders/new", methods=["GET", "POST"])
def new_tender():
    form = NewDraftForm()
    if form.validate_on_submit():
        db = get_session()
        tender = tenders.create_draft(
            db, _organisation_id(), form.title.data, form.description.data,
            actor_id=current_user.id,
        )
        if form.cpv_code.data:
            tenders.update_tender(db, tender, {"cpv_code": form.cpv_code.data},
                                  actor_id=current_user.id)
        db.commit()
        flash(_("Draft %(reference)s created.", reference=tender.reference), "success")
        return _after_step(tender, "need")
    return render_template("officer/new_tender.html", form=form), 400 if form.errors else 200


@bp.get("/tenders/<int:tender_id>")
def tender(tender_id: int):
    row = _tender(tender_id)
    db = get_session()
    statuses = step_status(tenders.draft_fields(row))
    rows = requirements.tender_requirements(db, row)
    check = tender_criteria.climate_check(row, rows, current_app.extensions["procure.rulebook"])
    return render_template(
        "officer/tender.html", tender=row, statuses=statuses, steps=STEP_SLUGS,
        next_action=next_action(db, row),
        publish_blockers=publishing.publish_blockers(row, rows, check),
        can_publish=publishing.can_publish(row),
        amendments=amendments.amendments(db, row), can_amend=amendments.can_amend(row),
        seen_by_suppliers=amendments.seen_by_suppliers(row),
        is_public=public_service.is_public_tender(db, row.id or 0))


@bp.route("/tenders/<int:tender_id>/steps/<slug>", methods=["GET", "POST"])
def step(tender_id: int, slug: str):
    if slug not in STEP_SLUGS:
        abort(404)
    row = _tender(tender_id)
    if slug == "recommendation":
        return _recommendation_step(row)
    handler = {"need": _need_step, "value": _value_step, "contract": _contract_step,
               "innovation": _innovation_step}[slug]
    return handler(row)


def _save(row: Tender, slug: str, form, changes: dict[str, object]):
    """Save a step; when the answers are complete, the recommendation is computed afresh.

    An edit based on an outdated version is not saved: the page shows what the other
    officer changed and keeps what this officer typed, ready to be saved again.
    """
    db = get_session()
    try:
        amendments.refuse_silent_change(row, changes)
    except amendments.AmendmentError as error:
        form.form_errors.append(_(error.msgid, **error.params))
        return _render_step(row, slug, form)
    try:
        changed = tenders.update_tender(db, row, changes, actor_id=current_user.id,
                                        expected_version=form.version.data)
    except tenders.TenderConflict as conflict:
        db.rollback()
        db.refresh(row)
        form.rebase(row.version)
        return _render_step(row, slug, form, conflict=conflict.changes, status=409)
    if changed and ready_for_recommendation(tenders.draft_fields(row)):
        try:
            chooser.refresh_recommendation(db, row, current_app.extensions["procure.rulebook"],
                                           actor_id=current_user.id)
        except chooser.ChooserError as error:
            flash(_(error.msgid, **error.params), "danger")
    if "planned_notice_date" in changed:  # the § 7-9 variant follows the notice date
        tender_criteria.refresh_climate_if_started(
            db, row, current_app.extensions["procure.rulebook"], actor_id=current_user.id)
    db.commit()
    return _after_step(row, slug)


def _render_step(row: Tender, slug: str, form, *, status: int | None = None, **context):
    if status is None:
        status = 400 if form.errors or getattr(form, "form_errors", None) else 200
    return render_template(f"officer/steps/{slug}.html", tender=row, form=form, slug=slug,
                           statuses=step_status(tenders.draft_fields(row)),
                           seen_by_suppliers=amendments.seen_by_suppliers(row),
                           **context), status


def _need_step(row: Tender):
    form = NeedForm(obj=row)
    if form.validate_on_submit():
        return _save(row, "need", form, {"title": form.title.data,
                                         "description": form.description.data,
                                         "cpv_code": form.cpv_code.data or None})
    return _render_step(row, "need", form)


def _lot_from_form(data: dict) -> Lot:
    def money(name: str) -> Decimal:
        return Decimal(data.get(name) or 0)

    if data.get("framework"):
        return Lot(name=data.get("name") or "", framework_max=money("framework_max"))
    return Lot(
        name=data.get("name") or "",
        one_off=money("one_off"),
        monthly=money("monthly"),
        months=None if data.get("indefinite") else int(data.get("months") or 0),
        extension_months=int(data.get("extension_months") or 0),
        options=money("options"),
    )


def _lot_to_json(data: dict) -> dict:
    return {key: (str(value) if isinstance(value, Decimal) else value)
            for key, value in data.items() if key != "csrf_token"}


MONEY_KEYS = ("one_off", "monthly", "options", "framework_max")


def _lot_from_json(saved: object) -> dict:
    """A saved lot as the form's data: the amounts were stored as text (JSON has no decimals)
    and the form's decimal fields need numbers again; what cannot be read is left empty."""
    if not isinstance(saved, dict):
        return {}
    lot = dict(saved)
    for key in MONEY_KEYS:
        try:
            lot[key] = Decimal(str(lot[key])) if lot.get(key) not in (None, "") else None
        except (InvalidOperation, ValueError):
            lot[key] = None
        if lot[key] is not None and not lot[key].is_finite():
            lot[key] = None
    return lot


def _value_step(row: Tender):
    saved = [_lot_from_json(lot) for lot in row.value_estimate.get("lots") or [{}]]
    form = ValueForm(data={"lots": saved or [{}], "version": row.version}
                     if request.method == "GET" else None)
    if request.method == "POST" and form.add_lot.data:
        limit = form.lots.max_entries
        if limit is not None and len(form.lots.entries) < limit:
            form.lots.append_entry()
        return _render_step(row, "value", form, estimate=None)
    estimate = None
    if form.validate_on_submit():
        lots = [entry.data for entry in form.lots.entries]
        try:
            estimate = estimate_value([_lot_from_form(lot) for lot in lots])
        except ValueError as error:
            form.form_errors.append(str(error))
        else:
            if estimate.total <= 0:
                form.form_errors.append(_(
                    "The estimated value must be more than 0 NOK. Give the amounts of the "
                    "contract: a one-off amount, an amount per month, options or the maximum "
                    "value of a framework agreement."))
                return _render_step(row, "value", form, estimate=None)
            return _save(row, "value", form, {
                "estimated_value": estimate.total,
                "value_estimate": {"lots": [_lot_to_json(lot) for lot in lots],
                                   "lines": list(estimate.lines),
                                   "total": str(estimate.total)},
            })
    return _render_step(row, "value", form, estimate=row.value_estimate.get("lines"))


def _contract_step(row: Tender):
    form = ContractForm(obj=row)
    if form.validate_on_submit():
        return _save(row, "contract", form, {
            "contract_type": form.contract_type.data, "buyer_type": form.buyer_type.data,
            "planned_notice_date": form.planned_notice_date.data,
            "tender_deadline": form.tender_deadline.data,
        })
    return _render_step(row, "contract", form)


def _innovation_step(row: Tender):
    data = {"innovation": row.innovation, "market": row.market,
            "needs_rnd": None if row.needs_rnd is None else ("yes" if row.needs_rnd else "no"),
            "version": row.version}
    form = InnovationForm(data=data if request.method == "GET" else None)
    if form.validate_on_submit():
        return _save(row, "innovation", form, {"innovation": form.innovation.data,
                                         "market": form.market.data,
                                         "needs_rnd": form.needs_rnd.data == "yes"})
    return _render_step(row, "innovation", form)


def _recommendation_step(row: Tender):
    db = get_session()
    if not row.recommendation:
        flash(_("Answer the earlier steps before asking for a recommendation."), "warning")
        return redirect(url_for("officer.tender", tender_id=row.id))
    form = TrackForm(data={"track": row.track or row.recommended_track,
                           "reason": row.track_reason, "version": row.version}
                     if request.method == "GET" else None)
    form.track.choices = [SelectChoice(value, label)
                          for value, label in chooser.track_choices(row)]
    if form.validate_on_submit():
        try:
            chooser.choose_track(db, row, form.track.data, form.reason.data or "",
                                 actor_id=current_user.id, expected_version=form.version.data)
        except tenders.TenderConflict as conflict:
            db.rollback()
            db.refresh(row)
            form.rebase(row.version)
            return _render_step(row, "recommendation", form, status=409,
                                conflict=conflict.changes, recommendation=row.recommendation)
        except chooser.ChooserError as error:
            db.rollback()
            form.reason.errors = [*form.reason.errors, _(error.msgid, **error.params)]
        else:
            db.commit()
            flash(_("Track chosen and recorded."), "success")
            return redirect(url_for("officer.tender", tender_id=row.id))
    return _render_step(row, "recommendation", form, recommendation=row.recommendation)
