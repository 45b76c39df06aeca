from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_officer_walks_the_wizard_to_a_recommendation(page, live_server, screenshot):
    sign_in(page, live_server, "officer@lillestrom.example")
    page.get_by_role("link", name="Ny anskaffelse").first.click()
    page.get_by_label("Tittel").fill("Vinterdrift av kommunale veier")
    page.get_by_label("Behov og bakgrunn").fill("Brøyting og strøing av 40 km kommunal vei.")
    page.get_by_label("CPV-kode").fill("90620000-9")
    page.get_by_role("button", name="Opprett utkast").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Anslått verdi")
    page.get_by_label("Beløp per måned (kr ekskl. mva.)").fill("30000")
    page.get_by_label("Fast varighet i måneder").fill("24")
    page.get_by_label("Mulige forlengelser i måneder").fill("12")
    screenshot(page, "officer-wizard-value")
    page.get_by_role("button", name="Lagre og fortsett").click()

    page.get_by_label("Tjenester", exact=True).check()
    page.get_by_label("Planlagt dato for kunngjøring eller invitasjon").fill("2026-12-01")
    page.get_by_role("button", name="Lagre og fortsett").click()

    page.get_by_label("Nei: kjente løsninger dekker behovet").check()
    page.get_by_label("Ja, vi kjenner leverandørene og løsningene").check()
    page.get_by_role("group", name="Trengs forskning og utvikling").get_by_label("Nei").check()
    page.get_by_role("button", name="Lagre og se anbefalingen").click()

    expect(page.locator(".recommendation__track")).to_have_text("Forenklet konkurranse")
    expect(page.locator('[data-obligation="protocol"]')).to_be_visible()
    assert "1 080 000 kr" in page.content()  # 30 000 × 36 months
    screenshot(page, "officer-wizard-recommendation")
    page.get_by_role("button", name="Registrer valget").click()
    expect(page.locator(".tag--task-done")).to_have_count(5)
    screenshot(page, "officer-wizard-overview")


def test_part_3_cleaning_answer_in_bokmal_and_english(page, live_server, screenshot):
    """Issue 18: award phase and Norgesmodellen in a part III cleaning answer, in both languages."""
    sign_in(page, live_server, "officer@lillestrom.example")
    page.get_by_role("link", name="Ny anskaffelse").first.click()
    page.get_by_label("Tittel").fill("Renhold av rådhuset")
    page.get_by_label("Behov og bakgrunn").fill("Daglig renhold av rådhuset og to skoler.")
    page.get_by_label("CPV-kode").fill("90911200-8")
    page.get_by_role("button", name="Opprett utkast").click()
    page.get_by_label("Beløp per måned (kr ekskl. mva.)").fill("80000")
    page.get_by_label("Fast varighet i måneder").fill("36")
    page.get_by_role("button", name="Lagre og fortsett").click()
    page.get_by_label("Tjenester", exact=True).check()
    page.get_by_label("Planlagt dato for kunngjøring eller invitasjon").fill("2026-12-01")
    page.get_by_role("button", name="Lagre og fortsett").click()
    page.get_by_label("Nei: kjente løsninger dekker behovet").check()
    page.get_by_label("Ja, vi kjenner leverandørene og løsningene").check()
    page.get_by_role("group", name="Trengs forskning og utvikling").get_by_label("Nei").check()
    page.get_by_role("button", name="Lagre og se anbefalingen").click()

    expect(page.locator(".recommendation__track")).to_have_text("Åpen anbudskonkurranse")
    for duty in ("award-letter", "award-notice", "standstill", "norway-model"):
        expect(page.locator(f'[data-obligation="{duty}"]')).to_be_visible()
    expect(page.get_by_role("cell", name="Innovasjonspartnerskap", exact=False)).to_be_visible()
    screenshot(page, "officer-chooser-part-3-nb")

    page.get_by_role("button", name="English").click()
    expect(page.locator('[data-obligation="award-notice"]')).to_contain_text(
        "Announce the contract award on Doffin")
    expect(page.locator("#why-heading")).to_have_text("Why")
    assert "Kunngjør" not in page.locator("main").inner_text()
    screenshot(page, "officer-chooser-part-3-en")
