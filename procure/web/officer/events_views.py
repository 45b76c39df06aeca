"""A tender's public page settings and its dialogue conferences (issue 8)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from procure.db import get_session
from procure.domain.purchases import in_oslo, oslo_to_utc
from procure.models import DialogueEvent, Tender, stored_id
from procure.services import dialogue, interest, supplier_identity, tenders
from procure.services import public as public_service
from procure.web.officer import bp
from procure.web.officer.events_forms import DialogueEventForm, PublicPageForm
from procure.web.officer.views import _tender


@bp.route("/tenders/<int:tender_id>/public", methods=["GET", "POST"])
def public_page(tender_id: int):
    row = _tender(tender_id)
    session = get_session()
    form = PublicPageForm(obj=row if request.method == "GET" else None)
    conflict = None
    if form.validate_on_submit():
        try:
            changed = tenders.update_tender(
                session, row, {"contact_name": form.contact_name.data or "",
                               "contact_email": (form.contact_email.data or "").lower(),
                               "value_confidential": bool(form.value_confidential.data)},
                actor_id=current_user.id, action="tender.public_page_updated",
                expected_version=form.version.data)
        except tenders.TenderConflict as error:
            session.rollback()
            session.refresh(row)
            form.rebase(row.version)
            conflict = error.changes
        else:
            session.commit()
            if changed:
                flash(_("The public page is updated."), "success")
            return redirect(url_for("officer.public_page", tender_id=row.id))
    status = 409 if conflict is not None else (400 if form.errors else 200)
    interested = interest.interested_in(session, row)
    return render_template(
        "officer/public_page.html", tender=row, form=form, conflict=conflict,
        events=dialogue.tender_events(session, row), interested=interested,
        standing=supplier_identity.by_registration(
            session, row, [item.registration for item in interested]),
        is_public=public_service.is_public_tender(session, stored_id(row)),
    ), status


def _values(form: DialogueEventForm) -> dict[str, object]:
    # All three are required by the form; were one missing, the service refuses the times.
    day, starts, ends = form.day.data, form.starts.data, form.ends.data
    return {
        "title": form.title.data, "description": form.description.data,
        "starts_at": None if day is None or starts is None else oslo_to_utc(day, starts),
        "ends_at": None if day is None or ends is None else oslo_to_utc(day, ends),
        "place": form.place.data, "link": form.link.data,
        "registration_deadline": form.registration_deadline.data,
    }


def _event_form(event: DialogueEvent | None) -> DialogueEventForm:
    if request.method != "GET" or event is None:
        return DialogueEventForm()
    starts, ends = in_oslo(event.starts_at), in_oslo(event.ends_at)
    return DialogueEventForm(data={
        "title": event.title, "description": event.description, "day": starts.date(),
        "starts": starts.time().replace(second=0, microsecond=0),
        "ends": ends.time().replace(second=0, microsecond=0),
        "place": event.place, "link": event.link,
        "registration_deadline": event.registration_deadline})


def _save_event(row: Tender, event: DialogueEvent | None):
    form = _event_form(event)
    if form.validate_on_submit():
        session = get_session()
        try:
            if event is None:
                dialogue.add_event(session, row, _values(form), actor_id=current_user.id)
                message = _("The dialogue conference is added.")
            else:
                dialogue.update_event(session, event, _values(form), actor_id=current_user.id)
                message = _("The dialogue conference is saved.")
        except dialogue.DialogueError as error:
            session.rollback()
            form.form_errors.append(_(error.msgid, **error.params))
        else:
            session.commit()
            flash(message, "success")
            return redirect(url_for("officer.public_page", tender_id=row.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("officer/dialogue_event.html", tender=row, form=form,
                           event=event), status


@bp.route("/tenders/<int:tender_id>/events/new", methods=["GET", "POST"])
def new_event(tender_id: int):
    return _save_event(_tender(tender_id), None)


@bp.route("/tenders/<int:tender_id>/events/<int:event_id>", methods=["GET", "POST"])
def edit_event(tender_id: int, event_id: int):
    row = _tender(tender_id)
    event = dialogue.get_event(get_session(), row, event_id)
    if event is None:
        abort(404)
    return _save_event(row, event)


@bp.post("/tenders/<int:tender_id>/events/<int:event_id>/delete")
def delete_event(tender_id: int, event_id: int):
    from flask_wtf import FlaskForm

    row = _tender(tender_id)
    session = get_session()
    event = dialogue.get_event(session, row, event_id)
    if event is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        dialogue.delete_event(session, event, actor_id=current_user.id)
    except dialogue.DialogueError as error:
        session.rollback()
        flash(_(error.msgid, **error.params), "danger")
    else:
        session.commit()
        flash(_("The dialogue conference is deleted."), "success")
    return redirect(url_for("officer.public_page", tender_id=row.id))
