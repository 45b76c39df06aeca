"""The simplified competition in Chromium: invite, warnings, send, Q&A to all; then the demo
competition's ranking and letters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.helpers import oslo_today

pytestmark = pytest.mark.browser


def _new_simplified_tender(page, live_server) -> None:
    page.goto(f"{live_server}/officer/tenders/new")
    page.get_by_label("Tittel").fill("Vaktmester for Kjeller bibliotek")
    page.get_by_label("Behov og bakgrunn").fill("Vaktmestertjenester for biblioteket.")
    page.get_by_role("button", name="Opprett utkast").click()
    page.get_by_label("Beløp per måned (kr ekskl. mva.)").fill("30000")
    page.get_by_label("Fast varighet i måneder").fill("24")
    page.get_by_role("button", name="Lagre og fortsett").click()
    page.get_by_label("Tjenester", exact=True).check()
    page.get_by_label("Planlagt dato for kunngjøring eller invitasjon").fill("2026-12-01")
    page.get_by_role("button", name="Lagre og fortsett").click()
    page.get_by_label("Nei: kjente løsninger dekker behovet").check()
    page.get_by_label("Ja, vi kjenner leverandørene og løsningene").check()
    page.get_by_role("group", name="Trengs forskning og utvikling").get_by_label("Nei").check()
    page.get_by_role("button", name="Lagre og se anbefalingen").click()
    page.get_by_role("button", name="Registrer valget").click()


def _invite(page, name: str) -> None:
    page.get_by_label("Søk i registeret").fill(name)
    page.get_by_role("button", name="Søk", exact=True).click()
    page.get_by_role("button", name=f"Inviter {name}").click()
    expect(page.locator(".alert").first).to_contain_text("Leverandøren står på invitasjonslisten")


def test_officer_runs_a_simplified_competition(page, live_server, screenshot):
    sign_in(page, live_server, "officer@lillestrom.example")
    _new_simplified_tender(page, live_server)
    page.get_by_role("link", name="1. Leverandører og invitasjoner").click()
    expect(page.locator('[data-warning="too-few"]')).to_be_visible()

    _invite(page, "Akershus Transport AS")
    _invite(page, "Nordisk Bygg og Anlegg AS")
    expect(page.locator('[data-warning="no-local-sme"]')).to_be_visible()
    _invite(page, "Strømmen Renhold AS")
    expect(page.locator("[data-warning]")).to_have_count(0)
    expect(page.get_by_text("Lokal SMB")).to_be_visible()

    deadline = (oslo_today() + timedelta(days=21)).isoformat()
    page.get_by_label("Tilbudsfrist").fill(deadline)
    screenshot(page, "officer-competition-invitations")
    page.get_by_role("button", name="Kontroller invitasjonene før sending").click()
    expect(page.locator("[data-recipients]")).to_have_attribute("data-recipients", "3")
    screenshot(page, "officer-competition-confirm-send")
    page.get_by_role("button", name="Bekreft: send 3 invitasjoner").click()
    expect(page.locator(".alert").first).to_contain_text("3 invitasjoner er sendt")
    expect(page.locator(".tag--open")).to_be_visible()

    page.get_by_role("link", name="2. Spørsmål og svar").click()
    page.get_by_label("Spørsmålet slik det kom inn").fill("Inngår glassvask?")
    page.get_by_label("Spurt av").select_option(label="Akershus Transport AS")
    page.get_by_role("button", name="Registrer spørsmålet").click()
    page.get_by_label("Svar", exact=True).fill("Nei, glassvask er ikke med.")
    page.get_by_role("button", name="Send svaret til alle 3 inviterte leverandører").click()
    expect(page.locator('[data-check="qa-equal"]')).to_be_visible()
    screenshot(page, "officer-competition-questions")

    # The demo competition is further on: ranking, award and the letters sent.
    page.goto(f"{live_server}/officer/")
    page.get_by_role("link", name="Snørydding og strøing ved kommunale bygg").click()
    page.get_by_role("link", name="3. Tilbud og evaluering").click()
    first = page.locator(".ranking tbody tr").first
    expect(first).to_contain_text("Strømmen Renhold AS")
    expect(first).to_contain_text("87,75")
    screenshot(page, "officer-competition-ranking")
    page.get_by_role("link", name="4. Tildeling og brev").click()
    expect(page.locator("details.letter")).to_have_count(3)
    page.locator("details.letter summary").first.click()
    expect(page.locator("details.letter").first).to_contain_text("til dere")
    screenshot(page, "officer-competition-award")
