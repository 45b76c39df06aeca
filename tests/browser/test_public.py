"""The public pages in Chromium: filtering, a purchase, interest registration through the
e-mailed confirmation, keyboard only, without JavaScript, phone width, and axe-core with zero
violations of any severity on every public page in both languages."""

from __future__ import annotations

import re
import time
import uuid
from email import message_from_bytes
from email.policy import default

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import LIVE, sign_in

pytestmark = pytest.mark.browser

CLEANING = "Renhold av barnehager i Strømmen"
SNOW = "Snøbrøyting av kommunale parkeringsplasser"
CONSENT = "Jeg har lest personvernerklæringen"


def messages_to(address: str) -> list:
    outbox = LIVE["outbox"]
    found = []
    for path in sorted(outbox.glob("*.eml")) if outbox.is_dir() else []:
        message = message_from_bytes(path.read_bytes(), policy=default)
        if message["To"] == address:
            found.append(message)
    return found


def link_in(message, path: str) -> str:
    match = re.search(r"https?://\S+(" + re.escape(path) + r"\S+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def axe_violations(page) -> list:
    results = Axe().run(page)
    return [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def purchase_path(page, live_server, title: str) -> str:
    page.goto(f"{live_server}/purchases")
    return page.get_by_role("link", name=title).first.get_attribute("href")


def register(page, live_server, start: str, email: str, *, name: str | None = None,
             category: str | None = None) -> None:
    """Fill in the interest form that `start` leads to, as a person would (not too fast)."""
    page.goto(live_server + start)
    if category:
        page.get_by_label(category).check()
    page.get_by_label("Organisasjonsnummer").fill("934 567 897")
    if name:
        page.get_by_label("Navn på virksomheten").fill(name)
    page.get_by_label("E-post for kontakt").fill(email)
    page.get_by_label(CONSENT).check()
    time.sleep(1.1)
    page.get_by_role("button", name="Registrer interesse").click()


def test_filtering_keeps_the_filters_in_the_address(page, live_server, screenshot):
    page.goto(f"{live_server}/purchases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Planlagte og åpne anskaffelser")
    page.get_by_label("Prosedyre").select_option("simplified-competition")
    page.get_by_label("Sorter etter").select_option("title")
    page.get_by_role("button", name="Vis anskaffelser").click()
    # The results are read at once (no auto-wait): wait for the new page to have loaded.
    page.wait_for_url(re.compile(r".*sort=title"))
    assert "procedure=simplified-competition" in page.url and "sort=title" in page.url
    titles = page.locator(".result__title").all_inner_texts()
    assert titles == sorted(titles, key=str.casefold) and CLEANING in titles
    assert "Skolemat med økologiske råvarer" not in titles
    expect(page.locator(".tag--simple")).to_have_count(len(titles))
    feed = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    expect(feed).to_have_attribute("href", "/purchases.atom?procedure=simplified-competition")
    screenshot(page, "public-purchases-filtered")
    page.get_by_label("Søk", exact=True).fill("brøyting")
    page.get_by_label("Søk", exact=True).press("Enter")
    page.wait_for_url(re.compile(r".*[?&]q=br"))
    assert page.locator(".result__title").all_inner_texts() == [SNOW]
    page.get_by_role("link", name="Fjern filtrene").click()
    page.wait_for_url(f"{live_server}/purchases")
    assert page.url == f"{live_server}/purchases"


def test_a_purchase_page(page, live_server, screenshot):
    page.goto(live_server + purchase_path(page, live_server, CLEANING))
    expect(page.get_by_role("heading", level=1)).to_have_text(CLEANING)
    expect(page.get_by_text("Enkel anskaffelse.")).to_be_visible()
    conference = page.locator(".event", has_text="Dialogkonferanse om renhold av barnehager")
    expect(conference).to_contain_text("Lillestrøm rådhus")
    expect(conference).to_contain_text("09:00")  # Norwegian time, as entered
    expect(page.get_by_role("heading", name="Grønne kriterier")).to_be_visible()
    expect(page.get_by_role("link", name="Legg til i kalenderen")).to_be_visible()
    screenshot(page, "public-purchase")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "public-purchase-phone")
    assert no_sideways_scroll(page)


def test_register_interest_through_confirmation(page, live_server, screenshot):
    email = f"post-{uuid.uuid4().hex[:8]}@bedrift.example"
    path = purchase_path(page, live_server, CLEANING)
    page.goto(live_server + path)
    page.get_by_role("link", name="Registrer interesse").click()
    expect(page.get_by_label("90 – Avløp, søppel, sanitære og miljømessige tjenester")
           ).to_be_checked()
    screenshot(page, "public-interest")
    register(page, live_server, page.url.removeprefix(live_server), email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sjekk e-posten din")
    [message] = messages_to(email)
    assert "Strømmen Renhold AS" in message.get_content()
    page.goto(live_server + link_in(message, "/interest/confirm/"))
    expect(page.locator(".summary")).to_contain_text(CLEANING)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Bekreft registreringen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interessen din er registrert")
    expect(page.get_by_role("status")).to_have_text("Takk. Interessen din er registrert.")
    sign_in(page, live_server, "officer@lillestrom.example")
    officer_page = page.url.rsplit("/officer/", 1)[0] + "/officer/"
    page.goto(officer_page)
    page.get_by_role("link", name=CLEANING).click()
    page.get_by_role("link", name="Offentlig side, dialogkonferanser og interesserte "
                                   "virksomheter").click()
    expect(page.locator("table")).to_contain_text(email)
    assert axe_violations(page) == []
    screenshot(page, "officer-public-page")


def test_unsubscribe_and_erase_from_the_emails(page, live_server):
    email = f"slett-{uuid.uuid4().hex[:8]}@bedrift.example"
    register(page, live_server, "/interest", email,
             category="90 – Avløp, søppel, sanitære og miljømessige tjenester")
    [message] = messages_to(email)
    unsubscribe = "/" + message["List-Unsubscribe"].strip("<>").split("/", 3)[3]
    page.goto(live_server + unsubscribe)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Stopp alle varsler").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Varslene er stoppet")
    page.goto(f"{live_server}/privacy")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_role("button", name="Send meg en lenke for sletting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sjekk e-posten din")
    erase = link_in(messages_to(email)[-1], "/privacy/erase/")
    page.goto(live_server + erase)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Slett alle opplysningene mine").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opplysningene dine er slettet")
    page.goto(live_server + erase)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lenken virker ikke")


def test_keyboard_only(page, live_server):
    page.goto(f"{live_server}/purchases")
    for _press in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    else:
        pytest.fail("the search field cannot be reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.type("renhold")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=renhold" in page.url
    for _press in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == CLEANING:
            break
    else:
        pytest.fail("the first result cannot be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(CLEANING)
    for _press in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Registrer interesse":
            break
    else:
        pytest.fail("the register button cannot be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrer interesse")
    page.keyboard.press("Tab")  # skip link first, as everywhere
    assert page.evaluate("document.activeElement.textContent.trim()") == "Hopp til hovedinnhold"


def test_everything_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="nb-NO",
                                  viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/purchases")
    expect(page.get_by_label("Kontraktstype")).to_be_visible()  # filters stay open without JS
    page.get_by_label("Kontraktstype").select_option("goods")
    page.get_by_role("button", name="Vis anskaffelser").click()
    assert "type=goods" in page.url
    expect(page.locator(".results")).to_contain_text("Kontorrekvisita med miljømerke")
    email = f"nojs-{uuid.uuid4().hex[:8]}@bedrift.example"
    register(page, live_server, "/interest", email,
             category="30 – Kontor- og PC-maskineri, utstyr og forsyninger bortsett fra "
                      "møbler og programvarepakker")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sjekk e-posten din")
    page.goto(live_server + link_in(messages_to(email)[0], "/interest/confirm/"))
    page.get_by_role("button", name="Bekreft registreringen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interessen din er registrert")
    context.close()


def test_filters_fold_away_on_a_phone_with_javascript(page, live_server, screenshot):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/purchases")
    expect(page.get_by_label("Kontraktstype")).not_to_be_visible()
    expect(page.get_by_label("Søk", exact=True)).to_be_visible()
    screenshot(page, "public-purchases-phone")
    assert no_sideways_scroll(page)
    page.get_by_text("Filtre og sortering").click()
    expect(page.get_by_label("Kontraktstype")).to_be_visible()
    page.goto(f"{live_server}/purchases?type=goods")
    expect(page.get_by_label("Kontraktstype")).to_be_visible()  # open while a filter is in use


def test_errors_are_announced_and_linked(page, live_server, screenshot):
    page.goto(f"{live_server}/interest")
    page.get_by_label("Organisasjonsnummer").fill("123")
    time.sleep(1.1)
    page.get_by_role("button", name="Registrer interesse").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Skriv et gyldig organisasjonsnummer")
    summary.get_by_role("link", name=re.compile("organisasjonsnummer")).click()
    assert page.evaluate("document.activeElement.id") == "orgnr"
    assert axe_violations(page) == []
    screenshot(page, "public-interest-errors")


@pytest.mark.parametrize("language", ["nb", "en"])
def test_no_accessibility_violations_on_any_public_page(browser, live_server, language):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/purchases")
    cleaning = page.get_by_role("link", name=CLEANING).first.get_attribute("href")
    snow = page.get_by_role("link", name=SNOW).first.get_attribute("href")
    purchase_id = cleaning.rsplit("/", 1)[1]
    page.goto(live_server + cleaning)
    event = page.get_by_role("link", name=re.compile("Meld deg på")).first.get_attribute("href")
    if language == "en":
        page.get_by_role("button", name="English").click()
        assert page.get_attribute("html", "lang") == "en"
    # The pages behind the e-mailed links, in this language too.
    email = f"axe-{language}-{uuid.uuid4().hex[:8]}@bedrift.example"
    page.goto(f"{live_server}/interest")
    page.locator('input[name="divisions"][value="90"]').check()
    page.locator("#orgnr").fill("934567897")
    page.locator("#email").fill(email)
    page.locator("#consent").check()
    time.sleep(1.1)
    page.locator("form.stack button[type=submit]").click()
    [message] = messages_to(email)
    confirm = link_in(message, "/interest/confirm/")
    unsubscribe = "/" + message["List-Unsubscribe"].strip("<>").split("/", 3)[3]
    page.goto(f"{live_server}/privacy")
    page.locator("#email").fill(email)
    page.locator("form.stack button[type=submit]").click()
    erase = link_in(messages_to(email)[-1], "/privacy/erase/")
    paths = [confirm, unsubscribe, erase,
             "/", "/purchases", "/purchases?division=90&sort=title&within=90",
             "/purchases?q=ubåt", "/purchases?page=2&type=services", cleaning, snow,
             "/interest", f"/interest?purchase={purchase_id}", event, "/privacy",
             "/interest/sent", "/interest/confirmed", "/interest/unsubscribed",
             "/privacy/erase-sent", "/privacy/erased", "/interest/confirm/not-a-token",
             "/login"]
    problems = {}
    for path in paths:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server + path)
            assert page.get_attribute("html", "lang") == language, path
            found = axe_violations(page)
            if found:
                problems[f"{path} @ {width}px"] = found
            if not no_sideways_scroll(page):
                problems[f"{path} @ {width}px"] = ["scrolls sideways"]
    context.close()
    assert problems == {}


def test_screenshots_of_the_main_pages(page, live_server, screenshot):
    for path, name in (("/", "public-home"), ("/purchases", "public-purchases"),
                       ("/privacy", "public-privacy")):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(live_server + path)
        screenshot(page, name)
        page.set_viewport_size({"width": 375, "height": 800})
        page.reload()  # as a phone loads it: the filters fold away
        screenshot(page, f"{name}-phone")
        assert no_sideways_scroll(page), path
