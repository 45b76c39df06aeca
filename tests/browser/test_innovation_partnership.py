"""The innovation partnership in Chromium: set up the requirements, phases, purchase option and
IPR, see the value follow, and record the notice; then the demo partnership's prequalification,
negotiation, phase decisions and protocol."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.helpers import oslo_today

pytestmark = pytest.mark.browser


def _new_partnership_tender(page, live_server) -> None:
    page.goto(f"{live_server}/officer/tenders/new")
    page.get_by_label("Tittel").fill("Selvkjørende snørydding av fortau")
    page.get_by_label("Behov og bakgrunn").fill("Fortauene må ryddes før skolestart, uten "
                                                "flere folk på nattskift.")
    page.get_by_role("button", name="Opprett utkast").click()
    page.get_by_label("Beløp per måned (kr ekskl. mva.)").fill("400000")
    page.get_by_label("Fast varighet i måneder").fill("48")
    page.get_by_role("button", name="Lagre og fortsett").click()
    page.get_by_label("Tjenester", exact=True).check()
    page.get_by_label("Planlagt dato for kunngjøring eller invitasjon").fill("2027-02-01")
    page.get_by_role("button", name="Lagre og fortsett").click()
    page.get_by_label("Ja: behovet krever en løsning som ikke finnes ennå").check()
    page.get_by_label("Nei, vi må lære hva markedet kan tilby").check()
    page.get_by_role("group", name="Trengs forskning og utvikling").get_by_label("Ja").check()
    page.get_by_role("button", name="Lagre og se anbefalingen").click()
    page.locator('input[name="track"][value="innovation-partnership"]').check()
    page.locator('textarea[name="reason"]').fill("Markedsdialogen er gjennomført.")
    page.get_by_role("button", name="Registrer valget").click()


def test_officer_sets_up_and_runs_an_innovation_partnership(page, live_server, screenshot):
    sign_in(page, live_server, "officer@lillestrom.example")
    _new_partnership_tender(page, live_server)
    page.get_by_role("link", name="1. Krav, vilkår og faser").first.click()
    expect(page.locator("[data-missing]")).to_be_visible()

    page.get_by_label("Krav til forskning og utvikling").fill(
        "Forskning på autonome maskiner siste fem år.")
    page.get_by_label("Krav til gjennomføring av innovative løsninger").fill(
        "Drift av maskiner på offentlig vei i norsk vinter.")
    page.get_by_role("button", name="Lagre kravene").click()
    for index, (name, cost) in enumerate((("Konsept", "1500000"), ("Prototyp", "4000000"))):
        if index:  # the form is folded away once a phase exists
            page.locator("#phases summary").click()
        page.locator("#phases").get_by_label("Fase", exact=True).fill(name)
        page.locator("#phases").get_by_label("Delmål").fill(f"Delmål for {name.lower()}.")
        page.locator("#phases").get_by_label("Makskostnad (kr ekskl. mva.)").fill(cost)
        page.get_by_role("button", name="Legg til fasen").click()
        expect(page.locator(".alert").first).to_contain_text("er lagt til")
    page.get_by_label("Ytelsesnivå").fill("Rydder 10 km fortau per natt uten skader.")
    page.get_by_label("Makskostnad for kjøpet (kr ekskl. mva.)").fill("12000000")
    page.get_by_role("button", name="Lagre kjøpsopsjonen").click()
    page.get_by_label("Leverandøren eier resultatene").check()
    page.get_by_label("Kommunen har rett til å bruke, endre og dele løsningen med andre "
                      "offentlige oppdragsgivere").check()
    page.get_by_role("button", name="Lagre IPR-vilkårene").click()
    expect(page.locator("[data-missing]")).to_have_count(0)
    expect(page.locator('[data-value="17500000.00"]')).to_be_visible()
    page.get_by_label("Frist for forespørsler om deltakelse").fill(
        (oslo_today() + timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Registrer kunngjøringen og åpne for forespørsler").click()
    expect(page.locator(".error-summary")).to_contain_text("minst 30 dager")
    page.get_by_label("Frist for forespørsler om deltakelse").fill(
        (oslo_today() + timedelta(days=35)).isoformat())
    screenshot(page, "officer-partnership-setup")
    page.get_by_role("button", name="Registrer kunngjøringen og åpne for forespørsler").click()
    expect(page.locator(".tag--open").first).to_be_visible()

    page.get_by_role("link", name="2. Prekvalifisering").first.click()
    page.get_by_label("Søk i registeret").fill("Kjeller Elektro")
    page.get_by_role("button", name="Søk", exact=True).click()
    page.get_by_role("button", name="Legg til som kandidat Kjeller Elektro AS").click()
    candidate = page.locator('[data-candidate="987654325"]')
    candidate.get_by_label("Kvalifisert").check()
    candidate.get_by_label("Begrunnelse").fill("Oppfyller begge kravene.")
    candidate.get_by_role("button", name="Registrer beslutningen").click()
    expect(page.locator('[data-candidate="987654325"][data-decision="qualified"]')).to_be_visible()
    expect(page.locator('[data-warning="fewer-than-three"]')).to_be_visible()
    screenshot(page, "officer-partnership-prequalification")

    # The demo partnerships are further on.
    page.goto(f"{live_server}/officer/")
    page.get_by_role("link", name="Digital fallvarsling for hjemmeboende eldre").click()
    page.get_by_role("link", name="2. Prekvalifisering").first.click()
    expect(page.get_by_text("Fra markedsdialogen")).to_have_count(4)
    screenshot(page, "officer-partnership-dialogue-candidates")

    page.goto(f"{live_server}/officer/")
    page.get_by_role("link", name="Tidlig varsling av lekkasjer i vannledningsnettet").click()
    page.get_by_role("link", name="3. Forhandling og partnere").first.click()
    expect(page.locator("[data-round]")).to_have_count(2)
    screenshot(page, "officer-partnership-negotiation")
    page.get_by_role("link", name="4. Faser og beslutninger").first.click()
    expect(page.locator('[data-phase="1"][data-state="done"]')).to_be_visible()
    expect(page.locator('[data-phase="2"][data-state="running"]')).to_be_visible()
    screenshot(page, "officer-partnership-phases")
    page.get_by_label("Ja", exact=True).check()
    page.get_by_label("Redusere antall partnere").check()
    page.get_by_label("Fetsund IT-Service AS").check()
    page.locator("#phase-2").get_by_label("Begrunnelse").fill(
        "Fetsund IT-Service AS nådde ikke delmålet for falske varsler.")
    page.get_by_role("button", name="Registrer beslutningen").click()
    expect(page.locator(".alert").first).to_contain_text("Beslutningen etter fase 2 er registrert")
    expect(page.locator('[data-phase="3"][data-state="running"]')).to_be_visible()

    page.goto(page.url.replace("/partnership/phases", "/protocol"))
    section = page.locator("#p-partnership")
    expect(section).to_contain_text("Innovasjonspartnerskap")
    expect(section).to_contain_text("gikk ut etter fase 2")
    screenshot(page, "officer-partnership-protocol")
