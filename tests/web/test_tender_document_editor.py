"""The officer's editor of the tender documents (issue 20): sections, internal notes, the
standard contract and the price form, saved with optimistic locking and kept in the history."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from procure.models import AuditEvent, Tender
from procure.services import tender_documents as documents
from tests.helpers import csrf_token, post_form

VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')


@pytest.fixture
def officer(login_as):
    return login_as("officer")


@pytest.fixture
def tender(officer, db):
    return db.exec(select(Tender).where(Tender.reference == "2026-DEMO-K1")).one()


def edit_url(tender: Tender) -> str:
    return f"/officer/tenders/{tender.id}/document/edit"


def page_form(client, tender: Tender) -> dict[str, str]:
    """The editor's form as the browser would post it unchanged."""
    html = client.get(edit_url(tender)).get_data(as_text=True)
    form = html[html.index('class="stack document-form"'):]
    form = form[:form.index("</form>")]
    data = {"csrf_token": csrf_token(html), "version": VERSION_RE.search(form).group(1)}
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(?:\r?\n)?(.*?)</textarea>',
                                  form, re.S):
        data[name] = (value.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')
                      .replace("&#39;", "'").replace("&amp;", "&"))
    for name, value in re.findall(r'<input[^>]*name="(price_lines-[^"]+)"[^>]*value="([^"]*)"',
                                  form):
        data[name] = value
    checked = re.search(r'name="price_basis"[^>]*value="(\w+)" checked|'
                        r'checked[^>]*name="price_basis"[^>]*value="(\w+)"', form)
    data["price_basis"] = next((g for g in (checked.groups() if checked else ()) if g), "total")
    selected = re.search(r'<option selected value="([^"]*)"', form)
    data["contract_standard"] = selected.group(1) if selected else ""
    data["save"] = "1"
    return data


def test_the_tender_page_links_to_the_editor_and_the_preview(officer, tender):
    html = officer.get(f"/officer/tenders/{tender.id}").get_data(as_text=True)
    assert edit_url(tender) in html and f"/officer/tenders/{tender.id}/document\"" in html


def test_sections_start_from_the_default_text_and_saving_them_is_in_the_history(
        officer, db, tender):
    page = officer.get(edit_url(tender))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Det er ikke adgang til å forhandle om tilbudene." in html  # part III default
    assert html.count("Standardtekst") == 7
    data = page_form(officer, tender)
    before = tender.version
    unchanged = officer.post(edit_url(tender), data=data)
    assert unchanged.status_code == 302  # nothing changed: nothing recorded, no new version
    assert db.exec(select(AuditEvent).where(
        AuditEvent.action == "tender.document_text_saved")).first() is None
    db.expire_all()
    assert tender.version == before
    data = page_form(officer, tender)
    data["contract-text"] = "Kontrakten inngås på **SSA-K**.\n\n# Særlige vilkår\n\n- Levering"
    data["contract-note"] = "Juristen har lest vilkårene."
    data["contract_standard"] = "ssa-k"
    response = officer.post(edit_url(tender), data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.expire_all()
    row = documents.document_text(db, tender)
    assert row.sections == {"contract": data["contract-text"]}
    assert row.notes == {"contract": "Juristen har lest vilkårene."}
    assert row.contract_standard == "ssa-k"
    preview = officer.get(f"/officer/tenders/{tender.id}/document").get_data(as_text=True)
    assert "<strong>SSA-K</strong>" in preview and "<h3>Særlige vilkår</h3>" in preview
    assert "SSA-K Kjøpsavtalen" in preview and "Juristen" not in preview
    history = officer.get(f"/officer/tenders/{tender.id}/history").get_data(as_text=True)
    assert "Teksten i konkurransegrunnlaget endret" in history
    assert "Kapittel: kontraktsvilkår" in history and "SSA-K Kjøpsavtalen" in history
    assert "Internt notat: kontraktsvilkår" in history
    protocol = officer.get(f"/officer/tenders/{tender.id}/protocol").get_data(as_text=True)
    assert "Interne notater til konkurransegrunnlaget" in protocol and "Juristen" in protocol
    event = db.exec(select(AuditEvent).where(
        AuditEvent.action == "tender.document_text_saved")).one()
    assert event.details["version"] == tender.version == before + 1  # the version it made
    old, new = event.details["changes"]["section_contract"]
    assert old.startswith("Kontrakten inngås på kontraktsvilkårene") and new == data[
        "contract-text"]


def test_a_section_goes_back_to_its_default_text(officer, db, tender):
    documents.save_document_text(db, tender, documents.DocumentInput(
        sections={"award": "Laveste pris vinner."}), actor_id=None)
    db.commit()
    data = page_form(officer, tender)
    assert data["award-text"] == "Laveste pris vinner."
    data["award-reset"] = "y"
    assert officer.post(edit_url(tender), data=data).status_code == 302
    db.expire_all()
    assert "award" not in documents.document_text(db, tender).sections
    html = officer.get(edit_url(tender)).get_data(as_text=True)
    assert "Kontrakten tildeles tilbudet med det beste forholdet mellom pris og kvalitet" in html


def test_a_save_based_on_an_old_version_is_a_conflict_that_keeps_what_was_typed(
        officer, db, tender):
    stale = page_form(officer, tender)
    first = page_form(officer, tender)
    first["rules-text"] = "Første versjon av reglene."
    assert officer.post(edit_url(tender), data=first).status_code == 302
    stale["rules-text"] = "Andre versjon, skrevet på en gammel side."
    response = officer.post(edit_url(tender), data=stale)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Andre versjon, skrevet på en gammel side." in html  # what was typed is kept
    assert "Kapittel: regler for konkurransen" in html and "Første versjon" in html
    db.expire_all()
    assert documents.document_text(db, tender).sections["rules"] == "Første versjon av reglene."
    again = officer.post(edit_url(tender), data={
        **stale, "version": VERSION_RE.search(html[html.index("document-form"):]).group(1)})
    assert again.status_code == 302
    db.expire_all()
    assert documents.document_text(db, tender).sections["rules"].startswith("Andre versjon")


@pytest.mark.parametrize("change, message", [
    ({"rules-text": "x" * 20_001}, "for lang"),
    ({"purchase-note": "x" * 5_001}, "for langt"),
    ({"contract_standard": "ssa-zz"}, ""),
    ({"price_basis": "barter"}, ""),
    ({"price_basis": "unit", "price_lines-0-item": "", "price_lines-0-unit": "",
      "price_lines-0-quantity": ""}, "minst én linje"),
    ({"price_basis": "unit", "price_lines-0-item": "Sykkel", "price_lines-0-unit": "stk",
      "price_lines-0-quantity": "mange"}, ""),
    ({"price_basis": "unit", "price_lines-0-item": "Sykkel", "price_lines-0-unit": "",
      "price_lines-0-quantity": "3"}, "enheten"),
    ({"price_basis": "unit", "price_lines-0-item": "Sykkel", "price_lines-0-unit": "stk",
      "price_lines-0-quantity": "0"}, "over 0"),
    ({"price_basis": "unit", "price_lines-0-item": "Sykkel", "price_lines-0-unit": "stk",
      "price_lines-0-quantity": "1e400"}, ""),
    ({"price_basis": "unit", "price_lines-0-item": "Sykkel", "price_lines-0-unit": "stk",
      "price_lines-0-quantity": "2", "price_lines-0-lot": "Delkontrakt som ikke finnes"},
     "ikke en av delkontraktene"),
    ({"price_lines-999999-item": "x"}, ""),
])
def test_bad_input_is_refused_with_a_message_and_saves_nothing(officer, db, tender, change,
                                                                message):
    data = {**page_form(officer, tender), **change}
    response = officer.post(edit_url(tender), data=data)
    assert response.status_code == 400, response.status_code
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-summary"' in html or "field__error" in html
    db.expire_all()
    assert documents.document_text(db, tender) is None


def test_a_post_without_a_version_or_a_token_saves_nothing(officer, db, tender):
    data = page_form(officer, tender)
    data["rules-text"] = "Uten versjon."
    assert officer.post(edit_url(tender), data={
        k: v for k, v in data.items() if k != "version"}).status_code == 400
    assert officer.post(edit_url(tender), data={**data, "version": "tre"}).status_code == 400
    assert officer.post(edit_url(tender), data={
        k: v for k, v in data.items() if k != "csrf_token"}).status_code in (400, 403)
    assert documents.document_text(db, tender) is None
    assert officer.get("/officer/tenders/999999/document/edit").status_code == 404


def test_lines_are_added_and_the_price_form_is_offered(officer, db, tender):
    data = page_form(officer, tender)
    data.pop("save")
    data.update({"add_line": "1", "price_lines-0-item": "Elsykkel", "price_lines-0-unit": "stk",
                 "price_lines-0-quantity": "12"})
    more = officer.post(edit_url(tender), data=data)
    assert more.status_code == 200
    html = more.get_data(as_text=True)
    assert 'name="price_lines-1-item"' in html and 'value="Elsykkel"' in html
    data.pop("add_line")
    data.update({"save": "1", "price_basis": "unit", "price_lines-1-item": "Hjelm",
                 "price_lines-1-unit": "stk", "price_lines-1-quantity": "12,5"})
    response = officer.post(edit_url(tender), data=data)  # a decimal comma, as people write
    assert response.status_code == 302
    html = officer.get(edit_url(tender)).get_data(as_text=True)
    assert f"/officer/tenders/{tender.id}/document/prisskjema.xlsx" in html
    download = officer.get(f"/officer/tenders/{tender.id}/document/prisskjema.xlsx")
    assert download.status_code == 200 and download.data.startswith(b"PK")
    assert "prisskjema-2026-DEMO-K1.xlsx" in download.headers["Content-Disposition"]
    preview = officer.get(f"/officer/tenders/{tender.id}/document").get_data(as_text=True)
    assert "Anslåtte mengder" in preview and "12,5" in preview and "Prisskjema" in preview
    history = officer.get(f"/officer/tenders/{tender.id}/history").get_data(as_text=True)
    assert "Hjelm: 12,5 stk" in history and "Priser per enhet, i prisskjema" in history


def test_the_editor_works_in_english_too(officer, tender):
    post_form(officer, "/language", {"lang": "en", "next": "/"}, page="/")
    html = officer.get(edit_url(tender)).get_data(as_text=True)
    assert "Tender documents" in html and "Internal note (never in the document)" in html
    assert "Rules of the competition" in html
    # the document itself stays Norwegian
    preview = officer.get(f"/officer/tenders/{tender.id}/document").get_data(as_text=True)
    assert "Preview of the tender documents" in preview and "Regler for konkurransen" in preview
