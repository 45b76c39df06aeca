from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from procure.db import get_session
from procure.services import tenders
from procure.web.officer import bp
from procure.web.officer.forms import NewTenderForm


def _organisation_id() -> int:
    if current_user.organisation_id is None:
        abort(403)
    return current_user.organisation_id


@bp.get("/")
def index():
    rows = tenders.organisation_tenders(get_session(), _organisation_id())
    return render_template("officer/index.html", tenders=rows)


@bp.route("/tenders/new", methods=["GET", "POST"])
def new_tender():
    form = NewTenderForm()
    if form.validate_on_submit():
        db = get_session()
        tender = tenders.create_draft(
            db, _organisation_id(), form.title.data, form.description.data,
            actor_id=current_user.id,
        )
        db.commit()
        flash(_("Draft %(reference)s created.", reference=tender.reference), "success")
        return redirect(url_for("officer.tender", tender_id=tender.id))
    return render_template("officer/new_tender.html", form=form)


@bp.get("/tenders/<int:tender_id>")
def tender(tender_id: int):
    row = tenders.get_tender(get_session(), tender_id, _organisation_id())
    if row is None:
        abort(404)
    return render_template("officer/tender.html", tender=row)
