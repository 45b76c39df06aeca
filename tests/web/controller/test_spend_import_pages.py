"""The spend upload asks instead of guessing: which column, and whether to replace lines."""

from __future__ import annotations

from sqlalchemy import func, select

from procure.models import ImportMapping, ImportRun, SpendLine
from tests.helpers import csrf_token, login
from tests.support.templates import load_demo
from tests.web.controller.test_dashboard import controller, upload  # noqa: F401 (fixture)

UNCLEAR = ("Fakturanr;Fakturadato;Dato;Org.nr.;Beløp;Beløp eks. mva;Ansvar\n"
           "U1;20.12.2025;05.01.2026;934567897;1250,00;1000,00;Kultur\n"
           "U2;21.12.2025;05.01.2026;975312461;125,00;100,00;Kultur\n")


def _answer(client, location: str, **data):
    token = csrf_token(client.get(location).get_data(as_text=True))
    return client.post(location, data={"csrf_token": token, **data})


def _spend(db) -> list[tuple]:
    return sorted(db.execute(select(SpendLine.invoice_id, SpendLine.invoice_date,
                                    SpendLine.amount_ore)
                             .where(SpendLine.invoice_id.in_(("U1", "U2")))).all())


def test_unclear_columns_are_chosen_on_a_page_and_remembered(controller, db):  # noqa: F811
    response = upload(controller, "spend", UNCLEAR.encode("cp1252"), "visma.csv")
    assert "/imports/spend/pending/" in response.location
    page = controller.get(response.location).get_data(as_text=True)
    assert "<h1>Velg kolonnene</h1>" in page
    assert "Beløp uten mva: «Beløp», «Beløp eks. mva»" in page
    assert "Datoen kjøpet telles på: «Fakturadato», «Dato»" in page
    assert _spend(db) == []  # nothing before the answer
    answered = _answer(controller, response.location, action="columns",
                       **{"column-invoice_id": "Fakturanr", "column-date": "Fakturadato",
                          "column-supplier_orgnr": "Org.nr.",
                          "column-amount_nok": "Beløp eks. mva",
                          "column-department": "Ansvar", "column-line": ""})
    report = controller.get(answered.location).get_data(as_text=True)
    assert "Importert" in report and "Windows-1252" in report
    assert "leverandør, fakturanummer og linje (en fakturafil)" in report
    assert "<dt>Beløp uten mva</dt><dd>«Beløp eks. mva»</dd>" in report
    assert [(invoice, day.isoformat(), ore) for invoice, day, ore in _spend(db)] == [
        ("U1", "2025-12-20", 100000), ("U2", "2025-12-21", 10000)]
    assert db.scalar(select(func.count()).select_from(ImportMapping)) == 1
    # The next file with the same headings goes straight in with the same choice.
    again = upload(controller, "spend", UNCLEAR.encode("cp1252"), "visma.csv")
    assert "/imports/" in again.location and "pending" not in again.location
    run = db.scalar(select(ImportRun).order_by(ImportRun.id.desc()))
    assert (run.inserted, run.unchanged) == (0, 2)


def test_changed_lines_are_shown_and_replaced_only_when_confirmed(controller, db):  # noqa: F811
    header = "Fakturanr;Fakturadato;Org.nr.;Beløp eks mva\n"
    upload(controller, "spend", (header + "U1;2025-12-20;934567897;10,00\n").encode(), "a.csv")
    changed = (header + "U1;2025-12-22;934567897;12,50\n").encode()
    response = upload(controller, "spend", changed, "a.csv")
    page = controller.get(response.location).get_data(as_text=True)
    assert "<h1>Erstatte linjer som allerede er importert?</h1>" in page
    assert "a.csv ville endre 1 linje som allerede er importert" in page
    assert "20. des. 2025" in page and "22. des. 2025" in page
    assert "10,00 kr" in page and "12,50 kr" in page
    cancelled = _answer(controller, response.location, action="cancel")
    assert cancelled.location.endswith("/controller/imports")
    assert [ore for *_, ore in _spend(db)] == [1000]
    assert controller.get(response.location).status_code == 302  # no longer waiting
    response = upload(controller, "spend", changed, "a.csv")
    replaced = _answer(controller, response.location, action="replace")
    assert "Importert" in controller.get(replaced.location).get_data(as_text=True)
    assert [ore for *_, ore in _spend(db)] == [1250]
    run = db.scalar(select(ImportRun).order_by(ImportRun.id.desc()))
    assert (run.inserted, run.updated) == (0, 1)


def test_a_waiting_file_is_only_for_the_user_who_sent_it(app, controller, db):  # noqa: F811
    from procure.services import accounts

    response = upload(controller, "spend", UNCLEAR.encode(), "visma.csv")
    accounts.create_user(db, "other-controller@test.example", "correct horse battery",
                         {"controller"}, organisation_id=load_demo(db).id)
    db.commit()
    other = app.test_client()
    login(other, "other-controller@test.example", "correct horse battery")
    assert other.get("/controller/imports").status_code == 200  # a controller, but not its
    assert other.get(response.location).status_code == 404
    assert controller.get(response.location).status_code == 200
    assert controller.get("/controller/imports/spend/pending/short").status_code == 404


def _lines(db) -> list[tuple]:
    return sorted(db.execute(select(SpendLine.key_scope, SpendLine.department,
                                    SpendLine.amount_ore)
                             .where(SpendLine.invoice_id == "D1")).all())


def test_a_line_under_a_corrected_key_is_shown_and_replaced_or_kept(controller, db):  # noqa: F811
    header = "Fakturanr;Fakturadato;Org.nr.;Beløp eks mva;Avdeling\n"
    upload(controller, "spend", (header + "D1;2025-12-20;97152496;10,00;Skole\n").encode(),
           "a.csv")
    corrected = (header + "D1;2025-12-20;971524960;10,00;Kultur\n").encode()
    response = upload(controller, "spend", corrected, "a.csv")
    page = controller.get(response.location).get_data(as_text=True)
    assert ("1 linje i a.csv har faktura- eller bilagsnummeret, linjen, datoen og beløpet til "
            "en linje som allerede er importert") in page
    assert "<td>97152496</td><td>971524960</td>" in page
    assert "Avdeling: Skole → Kultur" in page
    assert "Behold begge og importer filen" in page
    assert _lines(db) == [("org:97152496", "Skole", 1000)]  # nothing before the answer
    kept = _answer(controller, response.location, action="keep_both")
    assert "Importert" in controller.get(kept.location).get_data(as_text=True)
    assert _lines(db) == [("org:97152496", "Skole", 1000), ("org:971524960", "Kultur", 1000)]
    response = upload(controller, "spend", (header + "D1;2025-12-20;971524961;10,00;Kultur\n")
                      .encode(), "a.csv")
    replaced = _answer(controller, response.location, action="replace")
    assert "Importert" in controller.get(replaced.location).get_data(as_text=True)
    assert _lines(db) == [("org:971524961", "Kultur", 1000)]


def test_a_changed_line_shows_every_column_that_differs(controller, db):  # noqa: F811
    header = "Fakturanr;Fakturadato;Org.nr.;Beløp eks mva;Avdeling;Konto\n"
    upload(controller, "spend", (header + "D1;2025-12-20;934567897;10,00;Skole;6700\n")
           .encode(), "a.csv")
    response = upload(controller, "spend", (header + "D1;2025-12-20;934567897;12,00;Kultur;"
                                                     "6700\n").encode(), "a.csv")
    page = controller.get(response.location).get_data(as_text=True)
    assert "<div>Avdeling: Skole → Kultur</div>" in page
    assert "Konto:" not in page


def test_an_invoice_file_with_a_voucher_column_is_asked_about_on_the_page(controller, db):  # noqa: F811
    content = ("Fakturanr;Bilag;Fakturadato;Org.nr.;Nettobeløp\n"
               "D1;7;20.12.2025;934567897;10,00\n").encode()
    response = upload(controller, "spend", content, "a.csv")
    page = controller.get(response.location).get_data(as_text=True)
    assert "Filen har et fakturanummer og en bilagskolonne" in page
    answered = _answer(controller, response.location, action="columns",
                       **{"column-invoice_id": "Fakturanr", "column-voucher_id": "",
                          "column-date": "Fakturadato", "column-supplier_orgnr": "Org.nr.",
                          "column-amount_nok": "Nettobeløp"})
    assert "Importert" in controller.get(answered.location).get_data(as_text=True)
    assert _lines(db) == [("org:934567897", "", 1000)]


def test_a_column_choice_that_fails_is_not_remembered(controller, db):  # noqa: F811
    response = upload(controller, "spend", UNCLEAR.encode(), "visma.csv")
    wrong = _answer(controller, response.location, action="columns",
                    **{"column-invoice_id": "Fakturanr", "column-date": "Ansvar",
                       "column-supplier_orgnr": "Org.nr.",
                       "column-amount_nok": "Beløp eks. mva"})
    assert "pending" not in wrong.location  # the report of the refused file
    assert db.scalar(select(func.count()).select_from(ImportMapping)) == 0
    again = upload(controller, "spend", UNCLEAR.encode(), "visma.csv")
    assert "/imports/spend/pending/" in again.location  # asked again


def test_a_remembered_choice_that_fails_is_asked_again_preselected(controller, db):  # noqa: F811
    response = upload(controller, "spend", UNCLEAR.encode(), "visma.csv")
    _answer(controller, response.location, action="columns",
            **{"column-invoice_id": "Fakturanr", "column-date": "Fakturadato",
               "column-supplier_orgnr": "Org.nr.", "column-amount_nok": "Beløp eks. mva"})
    assert db.scalar(select(func.count()).select_from(ImportMapping)) == 1
    bad = UNCLEAR.replace("20.12.2025", "31.02.2025")
    again = upload(controller, "spend", bad.encode(), "visma.csv")
    assert "/imports/spend/pending/" in again.location
    page = controller.get(again.location).get_data(as_text=True)
    assert "Filen ble avvist med kolonnene som ble valgt før" in page
    assert '<option value="Fakturadato" selected>' in page
    answered = _answer(controller, again.location, action="columns",
                       **{"column-invoice_id": "Fakturanr", "column-date": "Fakturadato",
                          "column-supplier_orgnr": "Org.nr.",
                          "column-amount_nok": "Beløp eks. mva"})
    assert "pending" not in answered.location
    run = db.scalar(select(ImportRun).order_by(ImportRun.id.desc()))
    assert run.status == "rejected"
