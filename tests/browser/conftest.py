"""A live server in a thread and Debian's Chromium driven by Playwright (never downloaded)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session
from werkzeug.serving import make_server

from procure import create_app
from procure.demo.loader import load_demo
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import TestDatabase, add_works_draft

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LIVE: dict[str, Path] = {}  # where the live server files its e-mails


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app with demo data, served on a free localhost port for the whole session."""
    directory = tmp_path_factory.mktemp("live")
    database = TestDatabase.create(TEST_DATABASE_URL, directory)
    with Session(database.engine) as session:
        load_demo(session)
        session.commit()
        add_works_draft(session)  # every demo tender is complete: one left for the officer
    app = create_app({
        "SECRET_KEY": "live-server-secret-" + "x" * 32,
        "DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
        "ENGINE": database.engine,
        "OUTBOX_DIR": str(directory / "outbox"),
        "OUTBOX_DELIVERY": "sync",  # the mail is filed before the page answers: no race
        "LOGIN_RATE_LIMIT": "1000 per minute",
        # The public interest form refuses what is sent faster than a person types.
        "INTEREST_MIN_FILL_SECONDS": 1,
        "INTEREST_RATE_LIMIT": "100 per minute",
    })
    LIVE["outbox"] = directory / "outbox"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    database.drop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing: run `make test` (it installs it)"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Assertions retry until the page after a click or a submit has loaded; a bare
    # is_visible() reads whatever page is there at that instant (it flaked in CI under load).
    expect.set_options(timeout=15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    def _save(page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _save


def sign_in(page, base_url: str, email: str, password: str = "demo-password") -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state("networkidle")
