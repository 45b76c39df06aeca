from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("role", "landing", "heading"),
    [
        ("officer", "/officer/", "Anskaffelser"),
        ("controller", "/controller/", "Leverandøroversikt"),
        ("admin", "/admin/users", "Brukere"),
    ],
)
def test_each_role_signs_in_and_lands_in_their_area(page, live_server, screenshot, role,
                                                    landing, heading):
    sign_in(page, live_server, f"{role}@lillestrom.example")
    assert page.url == live_server + landing
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    screenshot(page, f"{role}-home")
    page.get_by_role("button", name="Logg ut").click()
    assert page.url == live_server + "/"


def test_public_home_and_sign_in_page(page, live_server, screenshot):
    page.goto(live_server + "/")
    assert page.get_attribute("html", "lang") == "nb"
    expect(page.get_by_role("heading", name="Planlagte og åpne anskaffelser")).to_be_visible()
    screenshot(page, "public-home")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "public-home-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the page scrolls sideways on a phone"


def test_anonymous_officer_page_goes_to_login_and_back(page, live_server):
    page.goto(live_server + "/officer/")
    assert page.url == live_server + "/login?next=/officer/"
    page.get_by_label("E-post").fill("officer@lillestrom.example")
    page.get_by_label("Passord").fill("demo-password")
    page.get_by_role("button", name="Logg inn").click()
    assert page.url == live_server + "/officer/"


def test_wrong_password_shows_error_summary(page, live_server):
    sign_in(page, live_server, "controller@lillestrom.example", "not the password")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Feil e-post eller passord.")


def test_skip_link_is_first_and_visible_on_focus(page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hopp til hovedinnhold"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0


def test_language_switch_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/login")
    page.get_by_role("button", name="English").click()
    assert page.get_attribute("html", "lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    context.close()


@pytest.mark.parametrize("path", ["/", "/login"])
def test_no_serious_accessibility_violations(page, live_server, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(live_server + path)
    results = Axe().run(page)
    serious = [v for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]])
                           for v in serious]
