"""The LUP market dialogue in Chromium: needs description, PIN text, participants, equal
meeting slots, a Q&A shared with all; then the demo dialogue converted into a competition."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.helpers import oslo_today

pytestmark = pytest.mark.browser


def _new_dialogue_tender(page, live_server) -> None:
    page.goto(f"{live_server}/officer/tenders/new")
    page.get_by_label("Tittel").fill("Smart styring av gatelys")
    page.get_by_label("Behov og bakgrunn").fill("Gatelys som lyser når noen trenger det.")
    page.get_by_role("button", name="Opprett utkast").click()
    page.get_by_label("Beløp per måned (kr ekskl. mva.)").fill("60000")
    page.get_by_label("Fast varighet i måneder").fill("48")
    page.get_by_role("button", name="Lagre og fortsett").click()
    page.get_by_label("Tjenester", exact=True).check()
    page.get_by_label("Planlagt dato for kunngjøring eller invitasjon").fill("2026-12-01")
    page.get_by_role("button", name="Lagre og fortsett").click()
    page.locator('input[name="innovation"][value="new"]').check()
    page.locator('input[name="market"][value="unknown"]').check()
    page.get_by_role("group", name="Trengs forskning og utvikling").get_by_label("Nei").check()
    page.get_by_role("button", name="Lagre og se anbefalingen").click()
    page.locator('input[name="track"][value="market-dialogue"]').check()
    reason = page.locator('textarea[name="reason"]')
    if reason.count():
        reason.fill("Vi vil snakke med markedet først.")
    page.get_by_role("button", name="Registrer valget").click()


def _add(page, orgnr: str, name: str, email: str) -> None:
    page.get_by_text("Legg til en deltaker manuelt").click()
    page.get_by_label("Organisasjonsnummer").fill(orgnr)
    page.get_by_label("Navn", exact=True).fill(name)
    page.get_by_label("E-post").fill(email)
    page.get_by_role("button", name="Legg til deltakeren").click()
    expect(page.locator(".alert").first).to_contain_text(f"{name} deltar i dialogen")


def test_officer_runs_a_market_dialogue(page, live_server, screenshot):
    sign_in(page, live_server, "officer@lillestrom.example")
    _new_dialogue_tender(page, live_server)
    page.get_by_role("link", name="Faser, behov og kunngjøring").click()
    page.get_by_label("Forankring", exact=True).fill("Vedtatt i klimaplanen; eier er samferdsel.")
    page.get_by_role("button", name="Lagre forankringen").click()
    page.get_by_label("Funksjoner som trengs").fill("Lys der og når folk ferdes.")
    page.get_by_label("Ønskede resultater").fill("Halvert strømbruk og tryggere skoleveier.")
    page.get_by_role("button", name="Lagre behovsbeskrivelsen").click()
    expect(page.locator(".alert").first).to_contain_text("Behovsbeskrivelsen er lagret")
    expect(page.locator("[data-pin]")).to_contain_text("Halvert strømbruk")
    expect(page.locator('[data-phase="needs"][data-status="done"]')).to_be_visible()
    screenshot(page, "officer-dialogue-overview")

    page.get_by_role("link", name="Deltakere og en-til-en-møter").first.click()
    _add(page, "934567897", "Strømmen Renhold AS", "post@stromrenhold.example")
    _add(page, "987654325", "Kjeller Elektro AS", "salg@kjellerelektro.example")
    expect(page.locator('[data-check="unequal"]')).to_be_visible()
    day = (oslo_today() + timedelta(days=20)).isoformat()
    page.get_by_label("Dato").fill(day)
    page.get_by_label("Første møte starter").fill("09:00")
    page.get_by_label("Lengde på hvert møte").select_option("45")
    page.get_by_role("button", name="Tilby møtene").click()
    expect(page.locator(".alert").first).to_contain_text("2 deltakere fikk tilbud om møte")
    expect(page.locator('[data-check="equal"]')).to_be_visible()
    expect(page.locator("[data-meeting]")).to_have_count(2)
    screenshot(page, "officer-dialogue-meetings")

    page.get_by_role("link", name="Delt med alle").click()
    page.get_by_label("Spørsmål, eller dokumentets tittel").fill("Finnes det lysdata?")
    page.get_by_label("Svar, eller dokumentets tekst").fill("Ja, for alle gater siden 2024.")
    page.get_by_role("button", name="Send til alle 2 deltakerne").click()
    expect(page.locator(".alert").first).to_contain_text("Sendt til alle deltakerne samtidig")
    expect(page.locator('[data-check="shared-equal"]')).to_be_visible()
    screenshot(page, "officer-dialogue-shared")


def test_demo_dialogue_is_converted_and_in_the_protocol(page, live_server, screenshot):
    sign_in(page, live_server, "officer@lillestrom.example")
    page.goto(f"{live_server}/officer/")
    page.get_by_role("link", name="Digital fallvarsling for hjemmeboende eldre").first.click()
    page.locator("#market-dialogue").get_by_role(
        "link", name="Faser, behov og kunngjøring").click()
    expect(page.locator('[data-converted="innovation-partnership"]')).to_be_visible()
    expect(page.locator('[data-phase="follow-up"][data-status="done"]')).to_be_visible()
    screenshot(page, "officer-dialogue-converted")
    tender_url = page.url.rsplit("/dialogue", 1)[0]
    page.goto(f"{tender_url}/protocol")
    section = page.locator("#p-dialogue")
    expect(section).to_contain_text("60 minutter for alle")
    expect(section).to_contain_text("Alle deltakerne fikk tilbud om ett møte av samme lengde")
    screenshot(page, "officer-dialogue-protocol")
