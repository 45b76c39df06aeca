"""The controller's dashboard in Chromium: charts, accessibility, no JavaScript needed."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_dashboard_charts_drill_down_and_export(page, live_server, screenshot):
    sign_in(page, live_server, "controller@lillestrom.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leverandøroversikt")
    expect(page.locator(".figure-card")).to_have_count(14)  # the headline, then the rest
    screenshot(page, "controller-dashboard")
    page.get_by_role("navigation", name="Deler av oversikten").get_by_role(
        "link", name="Innkjøp etter leverandør").click()
    expect(page.get_by_role("img", name="Innkjøp etter leverandørstørrelse")).to_be_visible()
    page.get_by_role("link", name="Datakvalitet og eksport").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Last ned Excel-arbeidsbok").click()
    book = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    assert book.sheetnames[0] == "Sammendrag"
    page.goto(live_server + "/controller/")
    page.locator("#figure-sme_share_value").get_by_role("link", name="Vis detaljer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leverandører som er SMB")
    screenshot(page, "controller-drill-down")
    page.locator("table tbody a").first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Innkjøpslinjer for")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server + "/controller/")
    screenshot(page, "controller-dashboard-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_filters_and_imports_work_without_javascript(browser, live_server, screenshot):
    context = browser.new_context(java_script_enabled=False, locale="nb-NO")
    page = context.new_page()
    page.goto(live_server + "/login")
    page.get_by_label("E-post").fill("controller@lillestrom.example")
    page.get_by_label("Passord").fill("demo-password")
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Filtre", exact=True).click()
    page.get_by_label("Kvartal", exact=True).select_option("1")
    page.get_by_label("Avdeling", exact=True).select_option("Kultur")
    page.get_by_role("button", name="Vis", exact=True).click()
    assert "quarter=1" in page.url and "department=Kultur" in page.url
    expect(page.locator(".lead")).to_contain_text("Avdeling: Kultur")
    page.goto(live_server + "/controller/imports")
    page.locator("#file-spend").set_input_files(files=[{
        "name": "spend.csv", "mimeType": "text/csv",
        "buffer": b"invoice_id;date;supplier_orgnr;amount_nok\nB1;2025-01-01;x;abc\n"}])
    page.locator("#file-spend").locator("xpath=ancestor::form").get_by_role(
        "button", name="Importer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importrapport")
    assert "Avvist" in page.content()
    screenshot(page, "controller-import-report")
    page.goto(live_server + "/controller/imports")
    screenshot(page, "controller-imports")
    context.close()


SECTIONS = ("", "overview/suppliers", "overview/organisation", "overview/cpv",
            "overview/procurements", "overview/quality")


def test_every_part_of_the_dashboard_is_short_at_desktop_and_phone_width(page, live_server,
                                                                        screenshot):
    """Old dashboard: one page over 7 000 px long at 1280 px wide."""
    sign_in(page, live_server, "controller@lillestrom.example")
    heights = {}
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in SECTIONS:
            page.goto(f"{live_server}/controller/{path}?department=Kultur"
                      if width == 1280 and path == "" else f"{live_server}/controller/{path}")
            expect(page.get_by_role("heading", level=1)).to_have_text("Leverandøroversikt")
            heights[(width, path)] = page.evaluate("document.body.scrollHeight")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            screenshot(page, f"controller-{path.replace('/', '-') or 'overview'}-{width}")
    print("dashboard heights (px):", heights)
    for path in SECTIONS:
        assert heights[(1280, path)] <= 2500, (path, heights[(1280, path)])


@pytest.mark.parametrize("path", ["/controller/", "/controller/overview/suppliers",
                                  "/controller/overview/procurements",
                                  "/controller/overview/quality", "/controller/imports",
                                  "/controller/definitions",
                                  "/controller/spend?dim=size&value=small"])
def test_no_serious_accessibility_violations(page, live_server, path):
    from axe_playwright_python.sync_playwright import Axe

    sign_in(page, live_server, "controller@lillestrom.example")
    page.goto(live_server + path)
    results = Axe().run(page)
    serious = [v for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]])
                           for v in serious]
