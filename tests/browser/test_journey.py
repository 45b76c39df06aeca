"""Issue 20 in Chromium: the tender page's record links and next step, publishing after a
confirmation, an amendment shown on the public page, and the public list's "by invitation
only"; Axe finds no violation on these pages, at desktop and phone widths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.helpers import oslo_today


def _axe(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]])
                              for v in violations]


def _open_tender(page, live_server, title: str) -> str:
    page.goto(f"{live_server}/officer/")
    page.get_by_role("link", name=title).first.click()
    return page.url


def test_publish_amend_and_show_the_change_log(page, live_server, screenshot):
    sign_in(page, live_server, "officer@lillestrom.example")

    # A draft: the record is linked, the next step is publishing, after a confirmation.
    overview = _open_tender(page, live_server, "Fossilfri byggeplass for Kjeller skole")
    record = page.get_by_role("navigation", name="Dokumenter og dokumentasjon")
    for name in ("Konkurransegrunnlag", "Protokoll", "Historikk"):
        expect(record.get_by_role("link", name=name)).to_be_visible()
    expect(page.locator(".next-step")).to_contain_text("Publiser anskaffelsen som planlagt")
    _axe(page)
    screenshot(page, "officer-tender-next-step")
    page.locator(".next-step").get_by_role("link", name="Publiser som planlagt…").click()
    expect(page.get_by_role("heading", name="Hvem som får beskjed")).to_be_visible()
    _axe(page)
    page.get_by_role("link", name="Avbryt").click()
    assert page.url == overview

    # An open simplified competition: amend it, moving the deadline.
    _open_tender(page, live_server, "Snøbrøyting av kommunale parkeringsplasser")
    page.locator("#publish").get_by_role("link", name="Lag en rettelse").click()
    expect(page.get_by_role("heading", name="Rettelse nr. 1")).to_be_visible()
    _axe(page)
    new_deadline = (oslo_today() + timedelta(days=40)).isoformat()
    page.get_by_label("Hva som er endret, og hvorfor").fill(
        "Fristen er utsatt fordi snøværet kom tidlig.")
    page.get_by_label("Tilbudsfrist").fill(new_deadline)
    page.get_by_label("Konkurransegrunnlaget er endret").check()
    page.get_by_role("button", name="Publiser rettelsen").click()
    expect(page.locator(".alert--success")).to_contain_text("Rettelse nr. 1 er publisert")
    screenshot(page, "officer-amendments")

    page.goto(f"{live_server}/purchases")
    page.get_by_role("link", name="Snøbrøyting av kommunale parkeringsplasser").click()
    expect(page.locator("#amendment-1")).to_contain_text("Tilbudsfristen er flyttet fra")
    expect(page.locator('[data-access="invitation-only"]')).to_be_visible()
    _axe(page)
    screenshot(page, "public-purchase-amended")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_new_pages_at_both_widths(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nb-NO")
    page = context.new_page()
    sign_in(page, live_server, "officer@lillestrom.example")
    _open_tender(page, live_server, "Møbler til nytt rådhus, ombruk først")
    expect(page.locator(".next-step--finished")).to_be_visible()
    _axe(page)
    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", name="Pågår nå, kun for inviterte")).to_be_visible()
    _axe(page)
    # Nothing is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
