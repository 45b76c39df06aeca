"""The controller's dashboard, drill-down, export and imports over HTTP (no JavaScript)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from procure.domain.statistics import INDICATORS, Filters
from procure.ingest import forked, spend
from procure.models import ImportRun, SpendLine
from procure.services import statistics
from tests.helpers import csrf_token, oslo_today
from tests.support.owned import owned, owner

THIS_YEAR = oslo_today().year


@pytest.fixture
def controller(login_as):
    return login_as("controller")


SECTIONS = ("suppliers", "organisation", "cpv", "procurements", "quality")


def test_dashboard_shows_every_indicator_with_coverage_and_trend(controller):
    response = controller.get("/controller/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Leverandøroversikt</h1>" in html
    for indicator in INDICATORS:
        if indicator.id != "green_by_basis":  # shown as its own chart and table
            assert f'id="figure-{indicator.id}"' in html
    assert html.count("Dekning ") >= 14
    assert html.count('<li class="figure-card') == 14  # each once: the headline, then the rest
    assert "prosentpoeng" in html  # trend against the previous period
    assert 'style="' not in html and "<script" not in html  # CSP: no inline styles/scripts
    charts = 0
    for name in SECTIONS:
        page = controller.get(f"/controller/overview/{name}").get_data(as_text=True)
        assert 'style="' not in page and "<script" not in page
        assert page.count('role="img"') == page.count('<svg class="chart"')
        charts += page.count('<svg class="chart"')
    assert charts >= 8
    assert controller.get("/controller/overview/nonsense").status_code == 404
    _filters_are_applied_and_bad_filters_are_explained(controller)


def test_the_headline_gives_shares_with_parts_coverage_and_trend(controller, db):
    """Old code led with the green share of checked tenders: 100 % whatever the data."""
    html = controller.get(f"/controller/?year={THIS_YEAR}").get_data(as_text=True)
    headline = html.split('id="headline"')[1].split("</section>")[0]
    for indicator_id in ("sme_share_value", "sme_share_contracts", "local_share_value",
                         "green_share_count"):
        card = headline.split(f'id="figure-{indicator_id}"')[1].split("</li>")[0]
        assert "Dekning " in card or "Ingen data i perioden" in card
        assert "prosentpoeng" in card or "Ingen tall for forrige periode" in card
    figures = statistics.indicator_figures(
        db, owned(Filters(date(THIS_YEAR, 1, 1), date(THIS_YEAR, 12, 31)), db))
    green = figures["green_share_count"]
    card = headline.split('id="figure-green_share_count"')[1].split("</li>")[0]
    if green.denominator:
        assert f"{int(green.numerator)} av {int(green.denominator)}" in card


def test_dashboard_pages_give_no_command_line_hints(controller):
    """Old pages told a controller to run `procure stats show --json` and the like."""
    paths = ["/controller/", "/controller/definitions", "/controller/imports",
             *(f"/controller/overview/{name}" for name in SECTIONS)]
    for path in paths:
        html = controller.get(path).get_data(as_text=True)
        assert "`" not in html and "procure stats" not in html, path
        assert "procure import" not in html, path


def test_one_vocabulary_of_procedure_names(app):
    """Old labels named procure's procedures otherwise than the rest of procure does (e.g.
    'Open tender competition' beside 'Open tender competition (part II)')."""
    from procure.web.controller.labels import key_label
    from procure.web.filters import TRACK_LABELS

    with app.test_request_context():
        for key, label in TRACK_LABELS.items():
            assert key_label("procedure", key) == str(label)
        assert "OCDS" in key_label("procedure", "open")


def test_a_share_out_of_range_shows_a_dash_and_the_reason(controller, db):
    """A month where credit notes outweigh the invoices: old code showed -49 %."""
    from procure.models import SpendLine

    db.add(SpendLine(organisation_id=owner(db), invoice_id="CN-1", invoice_date=date(2019, 3, 5),
                     supplier_orgnr="934567897", orgnr_valid=True, amount_ore=-500_000,
                     department="Kultur"))
    db.commit()
    html = controller.get("/controller/overview/suppliers?year=2019").get_data(as_text=True)
    assert "−" not in html.split('id="over-time"')[1].split("</section>")[0].replace(
        "−5", "")  # the amount is negative; no share is
    assert "Vises ikke: kreditnotaer" in html


def test_dashboard_and_export_show_the_same_numbers(app, controller, db):
    params = f"year={THIS_YEAR}"
    html = controller.get(f"/controller/?{params}").get_data(as_text=True)
    response = controller.get(f"/controller/export.xlsx?{params}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    summary = load_workbook(io.BytesIO(response.data))["Sammendrag"]
    exported = {row[0]: row[2] for row in summary.iter_rows(min_row=2, values_only=True)}
    figures = statistics.indicator_figures(
        db, owned(Filters(date(THIS_YEAR, 1, 1), date(THIS_YEAR, 12, 31)), db))
    for indicator_id, figure in figures.items():
        if isinstance(figure.value, int | float):
            assert exported[indicator_id] == pytest.approx(figure.value), indicator_id
    with app.test_request_context():
        from procure.web.controller.views import share_text

        shown = share_text(figures["sme_share_value"].value)
    card = html.split('id="figure-sme_share_value"')[1].split("</li>")[0]
    assert shown in card
    _export_with_lines_and_the_line_limit(app, controller)


def _filters_are_applied_and_bad_filters_are_explained(controller):
    response = controller.get(f"/controller/?year={THIS_YEAR}&quarter=1&department=Kultur")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Avdeling: Kultur" in html and f"31. mars {THIS_YEAR}" in html
    bad = controller.get("/controller/?date_from=2025-05-01&date_to=2025-01-01&region=Oslo"
                         "&year=x&startup_years=-4")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert "Noen filtre ble ikke brukt" in text
    assert text.count('class="error-summary"') == 1


def test_drill_down_from_a_figure_to_suppliers_and_lines(controller, db):
    page = controller.get(f"/controller/spend?dim=flag&value=sme&year={THIS_YEAR}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    link = re.search(r'href="(/controller/spend/\d{9}[^"]*)"', html).group(1)
    lines = controller.get(link.replace("&amp;", "&"))
    assert lines.status_code == 200
    assert "DEMO-" in lines.get_data(as_text=True)
    assert controller.get("/controller/spend?dim=nonsense").status_code == 404
    assert controller.get("/controller/spend?dim=flag&value=nonsense").status_code == 404
    unknown = controller.get(f"/controller/spend?dim=flag&value=invalid&year={THIS_YEAR}")
    assert "(mangler)" in unknown.get_data(as_text=True)
    assert controller.get("/controller/spend/-").status_code == 200
    assert controller.get("/controller/awards?flag=single").status_code == 200
    assert controller.get("/controller/tenders?flag=green").status_code == 200
    assert controller.get("/controller/tenders?flag=nope").status_code == 404
    assert controller.get("/controller/definitions").status_code == 200


def _export_with_lines_and_the_line_limit(app, controller):
    response = controller.get(f"/controller/export.xlsx?year={THIS_YEAR}&lines=1")
    book = load_workbook(io.BytesIO(response.data))
    assert "Linjer 1" in book.sheetnames
    assert all(len(name) <= 31 for name in book.sheetnames)
    app.config["STATS_EXPORT_MAX_LINES"] = 10
    limited = controller.get(f"/controller/export.xlsx?year={THIS_YEAR}&lines=1")
    assert limited.status_code == 302
    assert "Snevre inn filtrene" in controller.get(limited.location).get_data(as_text=True)


def upload(client, kind: str, content: bytes, name: str):
    token = csrf_token(client.get("/controller/imports").get_data(as_text=True))
    return client.post(f"/controller/imports/{kind}", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(content), name)})


SPEND = ("invoice_id;date;supplier_orgnr;amount_nok;department\n"
         "W1;2025-01-10;934567897;100,00;Kultur\nW2;2025-01-11;934567897;200;Kultur\n")


@pytest.mark.parametrize("reading", ["in-process", "forked"])
def test_upload_spend_reimport_bad_rows_and_wrong_files(app, controller, db, monkeypatch,
                                                        reading):
    # A large upload is read in a forked child while the request writes (forked.py).
    monkeypatch.setattr(spend, "FORK_MIN_BYTES", 0 if reading == "forked" else 1 << 40)
    forks = []
    real_run = forked.run
    monkeypatch.setattr(forked, "run", lambda *args: forks.append(1) or real_run(*args))
    before = db.scalar(select(func.count()).select_from(SpendLine))
    response = upload(controller, "spend", SPEND.encode(), "spend.csv")
    assert response.status_code == 302
    page = controller.get(response.location).get_data(as_text=True)
    assert "Importert" in page and "Rader lest" in page
    assert "<dd>2</dd>" in page  # counts as numbers of the locale (see the large import)
    assert db.scalar(select(func.count()).select_from(SpendLine)) == before + 2
    again = upload(controller, "spend", SPEND.encode(), "spend.csv")
    text = controller.get(again.location).get_data(as_text=True)
    assert "Uendret" in text
    run = db.scalar(select(ImportRun).order_by(ImportRun.id.desc()))
    assert (run.inserted, run.updated, run.unchanged) == (0, 0, 2)
    _upload_with_bad_rows_changes_nothing_and_offers_the_report(controller, db)
    assert bool(forks) == (reading == "forked")
    _upload_refuses_wrong_types_and_missing_files(app, controller)


def test_the_import_report_writes_large_counts_as_bokmal_numbers(controller):
    lines = "".join(f"L{n};2025-03-{1 + n % 28:02d};934567897;{n},50;Kultur\n"
                    for n in range(1234))
    response = upload(controller, "spend", (SPEND.splitlines(True)[0] + lines).encode(),
                      "spend.csv")
    page = controller.get(response.location).get_data(as_text=True)
    assert "<dd>1\xa0234</dd>" in page  # rows read and new: 1 234, with a no-break space


def _upload_with_bad_rows_changes_nothing_and_offers_the_report(controller, db):
    before = db.scalar(select(func.count()).select_from(SpendLine))
    bad = SPEND + "W3;2025-02-30;934567897;abc;Kultur\n"
    response = upload(controller, "spend", bad.encode(), "spend.csv")
    page = controller.get(response.location).get_data(as_text=True)
    assert "Avvist" in page and "Ikke en dato" in page
    assert db.scalar(select(func.count()).select_from(SpendLine)) == before
    run_id = int(response.location.rstrip("/").split("/")[-1])
    report = controller.get(f"/controller/imports/{run_id}/report.csv")
    assert report.status_code == 200 and report.mimetype == "text/csv"
    rows = [";".join(row) for row in csv.reader(
        io.StringIO(report.data.decode("utf-8-sig")), delimiter=";")]  # every field quoted
    assert rows[0] == "Rad;Felt;Årsak"
    assert rows[1].startswith("4;date;Ikke en dato") and rows[2].startswith("4;amount_nok;")


def _upload_refuses_wrong_types_and_missing_files(app, controller):
    response = upload(controller, "spend", b"%PDF-1.7", "spend.pdf")
    page = controller.get(response.location).get_data(as_text=True)
    assert "Last opp en fil av typen .csv, .xlsx." in page
    token = csrf_token(controller.get("/controller/imports").get_data(as_text=True))
    empty = controller.post("/controller/imports/spend", data={"csrf_token": token})
    assert empty.status_code == 302 and empty.location.endswith("/controller/imports")
    assert controller.post("/controller/imports/nonsense",
                           data={"csrf_token": token}).status_code == 404
    app.config["STATS_IMPORT_MAX_BYTES"] = 100
    too_big = upload(controller, "spend", SPEND.encode() * 10, "spend.csv")
    assert too_big.status_code == 413


def test_upload_suppliers_and_ocds_and_sync_tenders(controller):
    suppliers = ("organisasjonsnummer;navn;antallAnsatte;forretningsadresse.postnummer\n"
                 "914778271;Ny Leverandør AS;3;2000\n")
    response = upload(controller, "suppliers", suppliers.encode(), "enheter.csv")
    assert "Importert" in controller.get(response.location).get_data(as_text=True)
    ocds = b'{"releases": []}'
    response = upload(controller, "ocds", ocds, "tom.json")
    assert controller.get(response.location).status_code == 200
    token = csrf_token(controller.get("/controller/imports").get_data(as_text=True))
    synced = controller.post("/controller/imports/tenders", data={"csrf_token": token})
    assert synced.status_code == 302
    assert controller.get("/controller/imports").status_code == 200
    assert controller.get("/controller/imports/999999").status_code == 404
