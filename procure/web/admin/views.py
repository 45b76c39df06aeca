from __future__ import annotations

from typing import cast

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlmodel import select

from procure.db import get_session
from procure.models import User
from procure.services import accounts
from procure.services.tenders import default_organisation
from procure.web.admin import bp
from procure.web.admin.forms import NewUserForm, UserRolesForm


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


@bp.route("/users", methods=["GET", "POST"])
def users():
    db = get_session()
    form = NewUserForm()
    if form.validate_on_submit():
        organisation = default_organisation(db)
        try:
            user = accounts.create_user(
                db, form.email.data, form.password.data, form.roles.data,
                name=form.name.data or "",
                organisation_id=organisation.id if organisation else None,
                actor_id=current_user.id,
            )
        except accounts.AccountError as error:
            db.rollback()
            form.form_errors.append(_(error.msgid, **error.params))
        else:
            db.commit()
            flash(_("User %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    rows = db.exec(select(User).options(selectinload(User.roles)).order_by(User.email)).all()
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/users.html", users=rows, form=form), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    db = get_session()
    row = db.get(User, user_id)
    if row is None:
        abort(404)
    form = UserRolesForm(data={"roles": sorted(row.role_names)})
    if form.validate_on_submit():
        try:
            accounts.change_roles(db, row, cast(list[str], form.roles.data),  # validated
                                  actor_id=current_user.id)
        except accounts.AccountError as error:
            db.rollback()
            form.form_errors.append(_(error.msgid, **error.params))
        else:
            db.commit()
            flash(_("Roles for %(email)s saved.", email=row.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user.html", user=row, form=form)
