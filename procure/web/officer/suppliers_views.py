"""The supplier register for officers: search, create, edit, contacts (issue 5).

The suppliers (their Brønnøysund facts) are shared by every organisation; the contacts are the
officer's organisation's own: another organisation's are neither shown nor found (404)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import col, select

from procure.db import get_session
from procure.models import CompetitionInvitation, Organisation, Supplier, Tender
from procure.services import suppliers
from procure.web import params
from procure.web.officer import bp
from procure.web.officer.track_forms import SIZE_CHOICES, ContactForm, SupplierForm
from procure.web.officer.views import _organisation_id


def _supplier(supplier_id: int) -> Supplier:
    row = get_session().get(Supplier, supplier_id)
    if row is None:
        abort(404)
    return row


def _home_kommune() -> str:
    organisation = get_session().get(Organisation, _organisation_id())
    return organisation.kommunenummer if organisation else ""


def _page_window(page: int, pages: int) -> list[int | None]:
    numbers = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    window: list[int | None] = []
    for number in numbers:
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return window


@bp.get("/suppliers")
def suppliers_index():
    text = params.text("q")
    size = params.choice("size", [c.value for c in SIZE_CHOICES], default="")
    local = params.flag("local")
    home = _home_kommune()
    page = params.page()
    search = suppliers.SupplierSearch(text=text, size_class=size,
                                      kommunenummer=home if local else "")
    result = suppliers.search_suppliers(get_session(), search, page=page)

    def page_url(number: int) -> str:
        args: dict[str, Any] = {key: value for key, value in (("q", text), ("size", size),
                                               ("local", "1" if local else "")) if value}
        return url_for("officer.suppliers_index", page=number, **args)

    return render_template("officer/suppliers/index.html", result=result, text=text,
                           size=size, local=local, home=home, sizes=SIZE_CHOICES,
                           kommune_name=suppliers.kommune_name, page_url=page_url,
                           window=_page_window(result.page, result.pages))


def _apply_error(form: FlaskForm, error: suppliers.SupplierError) -> None:
    message = _(error.msgid, **error.params)
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)


@bp.route("/suppliers/new", methods=["GET", "POST"])
def new_supplier():
    form = SupplierForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            supplier = suppliers.create_supplier(session, form.data, actor_id=current_user.id)
        except suppliers.SupplierError as error:
            session.rollback()
            _apply_error(form, error)
        else:
            session.commit()
            flash(_("%(name)s is added to the register. Add a contact person with an e-mail "
                    "address, so the supplier can be invited.", name=supplier.name), "success")
            return redirect(url_for("officer.supplier", supplier_id=supplier.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("officer/suppliers/form.html", form=form, supplier=None), status


def _render_supplier(row: Supplier, form: SupplierForm, contact_form: ContactForm,
                     status: int = 200):
    session = get_session()
    invitations = session.exec(
        select(Tender).join(CompetitionInvitation,
                           col(CompetitionInvitation.tender_id) == Tender.id)
        .where(CompetitionInvitation.supplier_id == row.id,
               Tender.organisation_id == _organisation_id())
        .order_by(col(Tender.id).desc())).all()
    return render_template(
        "officer/suppliers/supplier.html", supplier=row, form=form, contact_form=contact_form,
        contacts=suppliers.contacts(session, row, _organisation_id()),
        place=suppliers.place_for(row.postal_code),
        kommune=suppliers.kommune_name(row.kommunenummer), invited_to=invitations,
        delete_form=FlaskForm()), status


@bp.route("/suppliers/<int:supplier_id>", methods=["GET", "POST"])
def supplier(supplier_id: int):
    row = _supplier(supplier_id)
    form = SupplierForm(obj=row if request.method == "GET" else None)
    if form.validate_on_submit():
        session = get_session()
        try:
            changed = suppliers.update_supplier(session, row, form.data,
                                                actor_id=current_user.id)
        except suppliers.SupplierError as error:
            session.rollback()
            session.refresh(row)
            _apply_error(form, error)
        else:
            session.commit()
            flash(_("The supplier is saved.") if changed else _("Nothing was changed."),
                  "success" if changed else "info")
            return redirect(url_for("officer.supplier", supplier_id=row.id))
    status = 400 if form.errors or form.form_errors else 200
    return _render_supplier(row, form, ContactForm(formdata=None), status)


@bp.post("/suppliers/<int:supplier_id>/contacts")
def add_contact(supplier_id: int):
    row = _supplier(supplier_id)
    form = ContactForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            suppliers.add_contact(session, row, form.data, organisation_id=_organisation_id(),
                                  actor_id=current_user.id)
        except suppliers.SupplierError as error:
            session.rollback()
            _apply_error(form, error)
        else:
            session.commit()
            flash(_("The contact is added."), "success")
            return redirect(url_for("officer.supplier", supplier_id=row.id) + "#contacts")
    return _render_supplier(row, SupplierForm(obj=row, formdata=None), form, 400)


@bp.post("/suppliers/<int:supplier_id>/contacts/<int:contact_id>/delete")
def delete_contact(supplier_id: int, contact_id: int):
    row = _supplier(supplier_id)
    session = get_session()
    contact = suppliers.get_contact(session, row, contact_id, _organisation_id())
    if contact is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    suppliers.delete_contact(session, contact, actor_id=current_user.id)
    session.commit()
    flash(_("The contact is removed."), "success")
    return redirect(url_for("officer.supplier", supplier_id=row.id) + "#contacts")
