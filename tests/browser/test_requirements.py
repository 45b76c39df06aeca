"""The officer's requirements page in a browser (issue 20): own requirements of each kind, a
sub-criterion, moving without JavaScript, and no serious accessibility violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _no_serious_violations(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]])
                           for v in serious]


def test_officer_writes_requirements_of_each_kind(page, live_server, screenshot):
    sign_in(page, live_server, "officer@lillestrom.example")
    page.get_by_role("link", name="Fossilfri byggeplass for Kjeller skole").click()
    page.get_by_role("link", name="Krav og kriterier").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Krav og kriterier")
    _no_serious_violations(page)
    screenshot(page, "officer-requirements")

    page.get_by_role("link", name="Legg til kvalifikasjonskrav").click()
    expect(page.get_by_label("Type krav")).to_have_value("qualification")
    page.get_by_label("Tittel").fill("Sentral godkjenning")
    page.get_by_label("Kravtekst").fill("Leverandøren skal ha sentral godkjenning for "
                                        "utførelse i tiltaksklasse 2.")
    page.get_by_label("Dokumentasjon som kreves").fill("Bevis for sentral godkjenning.")
    _no_serious_violations(page)
    screenshot(page, "officer-requirement-new")
    page.get_by_role("button", name="Legg til kravet").click()
    expect(page.locator(".alert--success")).to_contain_text("Sentral godkjenning")
    section = page.locator("#kind-qualification")
    expect(section.locator("h3")).to_have_count(3)
    section.get_by_role("button", name=re.compile("Flytt opp Sentral godkjenning")).click()
    section = page.locator("#kind-qualification")
    expect(section.locator("h3").nth(1)).to_contain_text("Sentral godkjenning")

    # A sub-criterion under the quality criterion; the weights still add up.
    award = page.locator("#kind-award")
    award.get_by_role("link", name=re.compile("Legg til underkriterium under Kvalitet")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt underkriterium")
    page.get_by_label("Tittel").fill("Plan for støy og adkomst")
    page.get_by_label("Vekt (%)").fill("10")
    page.get_by_role("button", name="Legg til kravet").click()
    expect(page.locator("#totals")).to_contain_text("100 %")
    expect(page.locator(".climate-result")).to_have_attribute("data-climate-status", "met")
    screenshot(page, "officer-requirements-sub-criterion")

    page.set_viewport_size({"width": 390, "height": 844})
    _no_serious_violations(page)
    screenshot(page, "officer-requirements-390")
