"""The officer's editor of the tender documents (konkurransegrunnlag): each section's text for
the suppliers and its internal note, the standard contract, the price form, and the annexes.

Every save takes the tender's next version (optimistic locking, as every tender edit): a save
based on an outdated page is a 409 that keeps what was typed and says what changed meanwhile.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from procure import clock
from procure import vocabulary as v
from procure.db import get_session
from procure.domain.document_sections import SECTION_KEYS
from procure.exports.tender_document import price_form
from procure.exports.trail import describe
from procure.ingest.annexes import AnnexFileError, check_annex, format_size
from procure.models import Tender, TenderAnnex
from procure.services import audit, tender_criteria, tenders
from procure.services import tender_documents as documents
from procure.web.downloads import annex_response, price_form_response
from procure.web.forms import SelectChoice
from procure.web.officer import bp
from procure.web.officer.document_forms import AnnexForm, DocumentTextForm
from procure.web.officer.forms import VersionedForm
from procure.web.officer.views import _tender


def _lot_choices(row: Tender) -> list[SelectChoice]:
    return [SelectChoice("", _("No particular lot")),
            *(SelectChoice(name, name) for name in documents.lot_names(row))]


def _fresh_text_form(row: Tender) -> DocumentTextForm:
    text = documents.document_text(get_session(), row)
    data: dict[str, Any] = {"version": row.version}
    notes = dict(text.notes) if text else {}
    for section in documents.sections_of(row, text):
        data[section.key] = {"text": section.text, "note": notes.get(section.key, "")}
    data["contract_standard"] = text.contract_standard if text else ""
    data["price_basis"] = text.price_basis if text else "total"
    lines = [{"lot": line.lot, "item": line.item, "unit": line.unit,
              "quantity": line.quantity} for line in documents.price_lines_of(text)]
    data["price_lines"] = lines or [{}]
    return DocumentTextForm(formdata=None, data=data)


def _with_choices(form: DocumentTextForm, row: Tender) -> DocumentTextForm:
    choices = _lot_choices(row)
    for entry in form.price_lines.entries:
        entry.form.lot.choices = choices
    return form


def _described(changes: list[dict[str, object]]) -> list[dict[str, object]]:
    """A conflict's changes with their values in words (a section's text shortened)."""
    return [{**change, "old": describe(str(change["field"]), change["old"]),
             "new": describe(str(change["field"]), change["new"])} for change in changes]


def _render(row: Tender, *, text_form: DocumentTextForm | None = None,
            annex_form: AnnexForm | None = None, status: int = 200,
            conflict: list[dict[str, object]] | None = None) -> ResponseReturnValue:
    session = get_session()
    text = documents.document_text(session, row)
    # A posted form keeps the version it was based on (after a conflict, the current one);
    # the page's other forms are fresh, on the current version.
    text_form = _with_choices(text_form or _fresh_text_form(row), row)
    annex_form = annex_form or AnnexForm(formdata=None, data={"version": row.version})
    defaults = {s.key: s.is_default for s in documents.sections_of(row, text)}
    pins = tender_criteria.tender_pins(session, row)
    counts = {key: sum(1 for p in pins if p.type == kind) for key, kind in (
        ("qualification", "qualification"), ("specification", "specification"),
        ("award", "award"), ("contract", "contract-clause"))}
    annexes = documents.list_annexes(session, row)
    return render_template(
        "officer/document/edit.html", tender=row, form=text_form, annex_form=annex_form,
        sections=SECTION_KEYS, defaults=defaults, counts=counts, annexes=annexes,
        delete_form=VersionedForm(formdata=None, data={"version": row.version}),
        published=documents.documents_published(row),
        uses_price_form=documents.uses_price_form(text),
        max_size=format_size(current_app.config["ANNEX_MAX_BYTES"], v.current_language()),
        conflict=conflict, lots=documents.lot_names(row),
    ), status


@bp.get("/tenders/<int:tender_id>/document/edit")
def document_edit(tender_id: int):
    return _render(_tender(tender_id))


def _price_lines(form: DocumentTextForm) -> list[documents.PriceLine]:
    lines = []
    for entry in form.price_lines.entries:
        line = entry.form
        if line.is_blank():
            continue
        lines.append(documents.PriceLine(
            item=line.item.data or "", unit=line.unit.data or "",
            quantity=line.quantity.data if line.quantity.data is not None else Decimal(0),
            lot=line.lot.data or ""))
    return lines


@bp.post("/tenders/<int:tender_id>/document/edit")
def document_save(tender_id: int):
    row = _tender(tender_id)
    form = _with_choices(DocumentTextForm(), row)
    if form.add_line.data:
        limit = form.price_lines.max_entries
        if limit is None or len(form.price_lines.entries) < limit:
            form.price_lines.append_entry()
            _with_choices(form, row)
        return _render(row, text_form=form)
    if not form.validate_on_submit() or form.version.data is None:
        return _render(row, text_form=form, status=400)
    # Only what the post holds is saved: a field the page did not send stays as it is.
    posted = request.form
    given = documents.DocumentInput(
        sections={key: getattr(form, key).form.text.data or "" for key in SECTION_KEYS
                  if f"{key}-text" in posted},
        notes={key: getattr(form, key).form.note.data or "" for key in SECTION_KEYS
               if f"{key}-note" in posted},
        reset=[key for key in SECTION_KEYS if getattr(form, key).form.reset.data],
        contract_standard=(form.contract_standard.data or ""
                           if "contract_standard" in posted else None),
        price_basis=form.price_basis.data or "total" if "price_basis" in posted else None,
        price_lines=(_price_lines(form) if any(name.startswith("price_lines-") for name in posted)
                     else None),
    )
    session = get_session()
    try:
        tenders.claim_version(session, row, form.version.data)
        with audit.stamped(session, version=row.version):
            changes = documents.save_document_text(session, row, given,
                                                   actor_id=current_user.id)
    except tenders.TenderConflict as conflict:
        session.rollback()
        session.refresh(row)
        form.rebase(row.version)
        form.form_errors.append(_(conflict.msgid))
        return _render(row, text_form=form, status=409,
                       conflict=_described(conflict.changes))
    except documents.TenderDocumentError as error:
        session.rollback()
        session.refresh(row)
        form.form_errors.append(_(error.msgid, **error.params))
        return _render(row, text_form=form, status=400)
    if not changes:
        session.rollback()
        flash(_("Nothing was changed."), "info")
        return redirect(url_for("officer.document_edit", tender_id=row.id))
    session.commit()
    flash(_("The tender documents are saved."), "success")
    return redirect(url_for("officer.document_edit", tender_id=row.id))


@bp.post("/tenders/<int:tender_id>/document/annexes")
def annex_upload(tender_id: int):
    row = _tender(tender_id)
    form = AnnexForm()
    if not form.validate_on_submit() or form.version.data is None:
        return _render(row, annex_form=form, status=400)
    upload = request.files.get(form.file.name)
    session = get_session()
    try:
        checked = check_annex(upload.stream if upload else io.BytesIO(),
                              upload.filename if upload else "",
                              max_bytes=current_app.config["ANNEX_MAX_BYTES"])
        tenders.claim_version(session, row, form.version.data)
        with audit.stamped(session, version=row.version):
            annex = documents.add_annex(session, row, checked, actor_id=current_user.id,
                                        now=clock.now())
    except tenders.TenderConflict as conflict:
        session.rollback()
        session.refresh(row)
        form.rebase(row.version)
        form.file.errors = [_(conflict.msgid)]
        return _render(row, annex_form=form, status=409,
                       conflict=_described(conflict.changes))
    except (AnnexFileError, documents.TenderDocumentError) as error:
        session.rollback()
        session.refresh(row)
        form.file.errors = [_(error.msgid, **error.params)]
        return _render(row, annex_form=form, status=400)
    session.commit()
    flash(_("%(name)s is annexed to the tender documents.", name=annex.filename), "success")
    return redirect(url_for("officer.document_edit", tender_id=row.id) + "#annexes")


def _annex(row: Tender, annex_id: int) -> TenderAnnex:
    annex = documents.get_annex(get_session(), row, annex_id)
    if annex is None:
        abort(404)
    return annex


@bp.post("/tenders/<int:tender_id>/document/annexes/<int:annex_id>/delete")
def annex_delete(tender_id: int, annex_id: int):
    row = _tender(tender_id)
    annex = _annex(row, annex_id)
    form = VersionedForm()
    if not form.validate_on_submit() or form.version.data is None:
        abort(400)
    session = get_session()
    name = annex.filename
    try:
        tenders.claim_version(session, row, form.version.data)
        with audit.stamped(session, version=row.version):
            documents.delete_annex(session, row, annex, actor_id=current_user.id)
    except tenders.TenderConflict as conflict:
        session.rollback()
        flash(_(conflict.msgid), "danger")
        return redirect(url_for("officer.document_edit", tender_id=row.id) + "#annexes")
    except documents.TenderDocumentError as error:
        session.rollback()
        flash(_(error.msgid, **error.params), "danger")
        return redirect(url_for("officer.document_edit", tender_id=row.id) + "#annexes")
    session.commit()
    flash(_("%(name)s is deleted from the tender documents.", name=name), "success")
    return redirect(url_for("officer.document_edit", tender_id=row.id) + "#annexes")


@bp.get("/tenders/<int:tender_id>/document/annexes/<int:annex_id>")
def annex_download(tender_id: int, annex_id: int):
    row = _tender(tender_id)
    return annex_response(_annex(row, annex_id), cache="private, no-store")


@bp.get("/tenders/<int:tender_id>/document/prisskjema.xlsx")
def price_form_download(tender_id: int):
    row = _tender(tender_id)
    content = price_form(get_session(), row)
    if content is None:
        abort(404)
    return price_form_response(content, row, cache="private, no-store")
