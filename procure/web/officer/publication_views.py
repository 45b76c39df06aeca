"""Publishing as planned, after a confirmation that shows what will be public and who is told;
and amendments (rettelser) once suppliers have seen the tender."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlmodel import select

from procure import clock
from procure.db import get_session
from procure.errors import UserError
from procure.mail import Outbox
from procure.models import DialogueEvent, Organisation, Tender
from procure.services import amendments, publishing, requirements, tender_criteria, tenders
from procure.services import public as public_service
from procure.web.officer import bp
from procure.web.officer.publication_forms import AmendmentForm, PublishConfirmForm
from procure.web.officer.views import _tender
from procure.web.public.labels import public_url


def _rulebook():
    return current_app.extensions["procure.rulebook"]


def _message(error: UserError) -> str:
    return _(error.msgid, **error.params)


# --- publishing as planned ---------------------------------------------------------------------


def _preview(row: Tender):
    """The tender as the public page will show it (the same projection the page uses)."""
    session = get_session()
    buyer = session.get(Organisation, row.organisation_id)
    if buyer is None:  # the tender's organisation is a foreign key: it is there
        raise LookupError(f"tender {row.id} has no organisation")
    events = session.exec(select(DialogueEvent).where(
        DialogueEvent.tender_id == row.id)).all()
    pins = tender_criteria.tender_pins(session, row)
    return public_service.to_public(row, buyer, events, pins)


def _confirm_page(row: Tender, form: PublishConfirmForm | None = None, status: int = 200,
                  changed: bool = False) -> ResponseReturnValue:
    session = get_session()
    rows = requirements.tender_requirements(session, row)
    check = tender_criteria.climate_check(row, rows, _rulebook())
    form = form or PublishConfirmForm(formdata=None, data={"version": row.version})
    if changed:
        form.rebase(row.version)
    return render_template(
        "officer/publish_confirm.html", tender=row, form=form, changed=changed,
        can_publish=publishing.can_publish(row),
        blockers=publishing.publish_blockers(row, rows, check),
        purchase=_preview(row), alerted=publishing.alerted(session, row),
        today=clock.today()), status


@bp.get("/tenders/<int:tender_id>/publish")
def publish_confirm(tender_id: int):
    return _confirm_page(_tender(tender_id))


@bp.post("/tenders/<int:tender_id>/publish")
def publish_planned(tender_id: int):
    row = _tender(tender_id)
    db = get_session()
    form = PublishConfirmForm()
    if not form.validate_on_submit():
        return _confirm_page(row, form, 400)
    try:
        tenders.claim_version(db, row, form.version.data or 0)
        publishing.publish_as_planned(db, row, _rulebook(), actor_id=current_user.id)
    except tenders.TenderConflict:
        db.rollback()
        db.refresh(row)
        return _confirm_page(row, form, 409, changed=True)
    except UserError as error:
        db.rollback()
        flash(_message(error), "danger")
        return redirect(url_for("officer.tender", tender_id=row.id) + "#publish")
    db.commit()
    flash(_("Published as planned. The tender is now on the public list of planned "
            "purchases."), "success")
    return redirect(url_for("officer.tender", tender_id=row.id))


# --- amendments ----------------------------------------------------------------------------------


def _amendment_form(row: Tender) -> AmendmentForm:
    return AmendmentForm(formdata=None, data={
        "version": row.version, "title": row.title, "description": row.description,
        "tender_deadline": row.tender_deadline})


def _amendments_page(row: Tender, form: AmendmentForm | None = None, status: int = 200,
                     **extra: Any) -> ResponseReturnValue:
    session = get_session()
    rows = amendments.amendments(session, row)
    numbers = {a.id: a.number for a in rows}
    sent: dict[int, list] = {}
    for notice in amendments.notices(session, row):
        if notice.amendment_id in numbers:
            sent.setdefault(numbers[notice.amendment_id], []).append(notice)
    return render_template(
        "officer/amendments.html", tender=row, form=form or _amendment_form(row),
        log=[public_service.to_amendment(a) for a in rows], sent=sent,
        next_number=len(rows) + 1,
        recipients=amendments.recipients(session, row),
        can_amend=amendments.can_amend(row), seen=amendments.seen_by_suppliers(row),
        **extra), status


@bp.get("/tenders/<int:tender_id>/amendments")
def tender_amendments(tender_id: int):
    return _amendments_page(_tender(tender_id))


@bp.post("/tenders/<int:tender_id>/amendments")
def amend_tender(tender_id: int):
    row = _tender(tender_id)
    db = get_session()
    form = AmendmentForm()
    if not form.validate_on_submit():
        return _amendments_page(row, form, 400)
    values = {"title": form.title.data, "description": form.description.data,
              "tender_deadline": form.tender_deadline.data}
    try:
        tenders.claim_version(db, row, form.version.data or 0)
        done = amendments.amend(
            db, row, form.note.data or "", values,
            document_changed=bool(form.document_changed.data), actor_id=current_user.id,
            mailer=Outbox.from_config(db, current_app.config), today=clock.today(),
            page_url=public_url("public.purchase", purchase_id=row.id))
    except tenders.TenderConflict as conflict:
        db.rollback()
        db.refresh(row)
        form.rebase(row.version)
        return _amendments_page(row, form, 409, conflict=conflict.changes)
    except UserError as error:
        db.rollback()
        db.refresh(row)
        form.form_errors.append(_message(error))
        return _amendments_page(row, form, 400)
    db.commit()
    flash(ngettext("Amendment no. %(number)s is published, and %(num)s business is sent the "
                   "notice.", "Amendment no. %(number)s is published, and %(num)s businesses "
                   "are sent the notice.", len(done.messages), number=done.amendment.number),
          "success")
    return redirect(url_for("officer.tender_amendments", tender_id=row.id)
                    + f"#amendment-{done.amendment.number}")
