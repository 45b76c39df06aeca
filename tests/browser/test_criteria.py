from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.helpers import WORKS_DRAFT

pytestmark = pytest.mark.browser


def test_officer_applies_criteria_to_a_demo_tender_until_section_7_9_passes(
        page, live_server, screenshot):
    sign_in(page, live_server, "officer@lillestrom.example")
    page.get_by_role("link", name=WORKS_DRAFT).click()
    overview = page.url
    expect(page.locator('[data-blocker="climate"]')).to_be_visible()
    page.get_by_role("link", name="Velg kriterier").click()

    page.get_by_label("Avansert").check()
    page.get_by_role("button", name="Lagre ambisjonsnivået").click()
    selection = page.locator("#selection")
    assert selection.get_by_role("link", name=re.compile("Bygg- og anleggsarbeider")).get_attribute(
        "aria-current") == "page"  # suggested from the CPV code
    # The ambition level suggests; nothing is ticked for the officer.
    expect(page.locator('[data-proposed="bld-maskin-01:1"]')).to_be_visible()
    expect(page.locator('[data-proposed="bld-nullutslipp-01:1"]')).to_be_visible()
    expect(page.locator('[data-proposed="bld-utslippsfri-01:1"]')).to_have_count(0)
    for name in ("Fossilfrie anleggsmaskiner", "Andel utslippsfrie maskiner",
                 "Lavere klimagassutslipp fra materialer", "Utslippsfri byggeplass"):
        box = page.get_by_label(re.compile(name))
        expect(box).not_to_be_checked()
        box.check()
    screenshot(page, "officer-criteria-select")
    page.get_by_role("button", name=re.compile("Lagre utvalget for")).click()
    pinned = page.locator("#pinned tbody tr")
    expect(pinned).to_have_count(4)
    expect(page.locator('[data-pin="bld-utslippsfri-01:1"]')).to_be_visible()
    screenshot(page, "officer-criteria-pinned")

    # The award criteria are weighed on the requirements page, beside the officer's own.
    page.get_by_role("link", name="Krav og kriterier").first.click()
    for title, weight, group in (("Pris", "60", "Pris"), ("Gjennomføring i skoletiden", "10",
                                                          "Kvalitet")):
        page.get_by_role("link", name="Legg til tildelingskriterium").click()
        page.get_by_label("Tittel").fill(title)
        page.get_by_label("Vekt (%)").fill(weight)
        page.locator("#award_group").get_by_label(group, exact=True).check()
        page.get_by_role("button", name="Legg til kravet").click()
        expect(page.locator(".alert--success")).to_contain_text(title)
    weights = page.locator("#weights")
    weights.get_by_label("Andel utslippsfrie maskiner").fill("20")
    weights.get_by_label("Lavere klimagassutslipp fra materialer").fill("0")
    weights.get_by_role("button", name="Lagre vektene").click()
    expect(page.get_by_role("alert")).to_contain_text("veier 90 % til sammen")
    screenshot(page, "officer-requirements-weights-error")
    page.locator("#weights").get_by_label("Lavere klimagassutslipp fra materialer").fill("10")
    page.locator("#weights").get_by_role("button", name="Lagre vektene").click()
    result = page.locator(".climate-result")
    expect(result).to_have_attribute("data-climate-status", "met")
    expect(result.locator(".climate-result__status")).to_have_text("Oppfylt")
    expect(page.locator("#totals")).to_contain_text("30 %")
    screenshot(page, "officer-requirements-met")

    # Publishing still waits for the choice of track, and says so.
    page.goto(overview)
    assert page.locator("[data-blocker]").all_inner_texts() == [
        "Velg spor (steg 5 i veiviseren)."]
    page.get_by_role("link", name="Anbefaling og valg av spor").click()
    page.get_by_role("button", name="Registrer valget").click()
    page.locator("#publish").get_by_role("link", name="Publiser som planlagt…").click()
    expect(page.get_by_role("heading", name="Dette publiseres")).to_be_visible()
    screenshot(page, "officer-publish-confirm")
    page.get_by_role("button", name="Bekreft: publiser som planlagt").click()
    expect(page.locator(".alert--success")).to_contain_text("Publisert som planlagt")
    screenshot(page, "officer-tender-published")
    page.goto(live_server + "/")
    expect(page.get_by_text(WORKS_DRAFT).first).to_be_visible()


def test_cpv_field_autocompletes_with_javascript(page, live_server):
    sign_in(page, live_server, "officer@lillestrom.example")
    page.goto(live_server + "/officer/tenders/new")
    field = page.get_by_label("CPV-kode")
    field.press_sequentially("renhold", delay=20)
    options = page.locator("datalist#cpv_code-suggestions option")
    options.first.wait_for(state="attached")
    values = options.evaluate_all("els => els.map(e => e.value)")
    assert "90911000-6" in values


def test_catalogue_and_superseded_report(page, live_server, screenshot):
    sign_in(page, live_server, "officer@lillestrom.example")
    page.get_by_role("link", name="Kriteriebibliotek").first.click()
    page.get_by_label("Ambisjonsnivå").select_option("spydspiss")
    page.get_by_role("button", name="Vis kriterier").click()
    assert "level=spydspiss" in page.url
    screenshot(page, "officer-criteria-catalogue")
    page.get_by_role("link", name="Klimagassutslipp i kjøretøyets livsløp").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Klimagassutslipp i kjøretøyets livsløp")
    page.get_by_role("link", name="Utdaterte kriterier").first.click()
    expect(page.locator('[data-pin="veh-ev-01:1"]')).to_be_visible()
    screenshot(page, "officer-criteria-superseded")
