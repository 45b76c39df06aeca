from __future__ import annotations

from datetime import timedelta
from typing import cast

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from sqlmodel import select

from procure.db import get_session
from procure.mail import MailError, queue
from procure.models import LoginThrottle, Organisation, User, utcnow
from procure.services import accounts
from procure.services import organisations as orgs
from procure.services.tenders import default_organisation
from procure.web.admin import bp
from procure.web.admin.activity import account_history, admin_log
from procure.web.admin.emails import password_link
from procure.web.admin.forms import (
    NewUserForm,
    OrganisationForm,
    UserOrganisationForm,
    UserRolesForm,
)
from procure.web.forms import SelectChoice


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


def _organisation_choices() -> list[SelectChoice]:
    """Every organisation, and "none" (an administrator may work for none)."""
    return [SelectChoice("", _("No organisation"))] + [
        SelectChoice(str(row.id), f"{row.name} ({row.orgnr})")
        for row in orgs.all_organisations(get_session())]


def _chosen(value: str | None) -> Organisation | None:
    """The organisation a validated select names (None for none)."""
    return get_session().get(Organisation, int(value)) if value else None


@bp.route("/users", methods=["GET", "POST"])
def users():
    db = get_session()
    form = NewUserForm()
    form.organisation.choices = _organisation_choices()
    if request.method == "GET":
        own = (db.get(Organisation, current_user.organisation_id)
               if current_user.organisation_id else default_organisation(db))
        form.organisation.data = str(own.id) if own else ""
    if form.validate_on_submit():
        organisation = _chosen(form.organisation.data)
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
    locked = set(db.exec(select(LoginThrottle.account_key)
                         .where(LoginThrottle.locked_until > utcnow())).all())
    secret = current_app.config["SECRET_KEY"]
    locked_ids = {row.id for row in rows if accounts.account_key(row.email, secret) in locked}
    status = 400 if form.errors or form.form_errors else 200
    names = {row.id: row.name for row in orgs.all_organisations(db)}
    return render_template("admin/users.html", users=rows, form=form,
                           locked_ids=locked_ids, organisation_names=names), status


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
    return _user_page(row, form)


@bp.post("/users/<int:user_id>/organisation")
def user_organisation(user_id: int):
    """Move the user to another organisation (or to none)."""
    db = get_session()
    row = db.get(User, user_id)
    if row is None:
        abort(404)
    form = UserOrganisationForm()
    form.organisation.choices = _organisation_choices()
    if not form.validate_on_submit():
        return _user_page(row, UserRolesForm(data={"roles": sorted(row.role_names)}),
                          status=400, organisation_form=form)
    organisation = _chosen(form.organisation.data)
    if orgs.assign_user(db, row, organisation, actor_id=current_user.id):
        db.commit()
        flash(_("%(email)s now works for %(organisation)s.", email=row.email,
                organisation=organisation.name) if organisation else
              _("%(email)s now works for no organisation.", email=row.email), "success")
    else:
        flash(_("Nothing was changed."), "info")
    return redirect(url_for("admin.user", user_id=user_id))


def _user_page(row: User, form: UserRolesForm, status: int = 200,
               organisation_form: UserOrganisationForm | None = None):
    db = get_session()
    if organisation_form is None:
        organisation_form = UserOrganisationForm(
            formdata=None, data={"organisation": str(row.organisation_id or "")})
        organisation_form.organisation.choices = _organisation_choices()
    return render_template(
        "admin/user.html", user=row, form=form, action_form=FlaskForm(),
        organisation_form=organisation_form,
        organisation=db.get(Organisation, row.organisation_id) if row.organisation_id else None,
        throttles=accounts.throttles(db, row, secret=current_app.config["SECRET_KEY"]),
        history=account_history(db, row),
        link_minutes=current_app.config["PASSWORD_LINK_MINUTES"],
    ), status


def _account_action(user_id: int, act, done: str):
    """A POST on one account: CSRF-checked, the service call, one commit, a message."""
    db = get_session()
    row = db.get(User, user_id)
    if row is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        act(db, row)
    except accounts.AccountError as error:
        db.rollback()
        flash(_(error.msgid, **error.params), "danger")
    except MailError:
        db.rollback()
        current_app.logger.exception("The password link could not be sent")
        flash(_("The e-mail could not be sent, so no link was made. Try again later."), "danger")
    else:
        db.commit()
        flash(done % {"email": row.email}, "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/deactivate")
def deactivate(user_id: int):
    return _account_action(
        user_id, lambda db, row: accounts.deactivate(db, row, actor_id=current_user.id),
        _("%(email)s is deactivated and signed out everywhere."))


@bp.post("/users/<int:user_id>/reactivate")
def reactivate(user_id: int):
    return _account_action(
        user_id, lambda db, row: accounts.reactivate(db, row, actor_id=current_user.id),
        _("%(email)s can sign in again."))


@bp.post("/users/<int:user_id>/unlock")
def unlock(user_id: int):
    return _account_action(
        user_id, lambda db, row: accounts.unlock(
            db, row, secret=current_app.config["SECRET_KEY"], actor_id=current_user.id),
        _("Sign-in for %(email)s is unlocked from every address."))


@bp.post("/users/<int:user_id>/password-link")
def send_password_link(user_id: int):
    def send(db, row: User) -> None:
        minutes = current_app.config["PASSWORD_LINK_MINUTES"]
        token = accounts.create_password_reset(db, row, actor_id=current_user.id,
                                               lifetime=timedelta(minutes=minutes))
        queue(db, password_link(row, token, minutes))  # delivered after the commit

    return _account_action(user_id, send, _("A one-time password link is sent to %(email)s."))


@bp.route("/organisations", methods=["GET", "POST"])
def organisations():
    """The organisations with their number of users, and a form to create one."""
    db = get_session()
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            row = orgs.create_organisation(db, form.name.data or "", form.orgnr.data or "",
                                           form.kommunenummer.data or "",
                                           actor_id=current_user.id)
        except orgs.OrganisationError as error:
            db.rollback()
            message = _(error.msgid, **error.params)
            target = getattr(form, error.field, None) if error.field else None
            if target is not None:
                target.errors = [*target.errors, message]
            else:
                form.form_errors.append(message)
        else:
            db.commit()
            flash(_("%(name)s is created. Give it users on each user's page.", name=row.name),
                  "success")
            return redirect(url_for("admin.organisations"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/organisations.html", rows=orgs.with_user_counts(db),
                           form=form), status


@bp.get("/log")
def log():
    return render_template("admin/log.html", entries=admin_log(get_session()))
