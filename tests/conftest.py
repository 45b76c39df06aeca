"""Shared fixtures: app, client, runner, login_as, and a database per test.

Without PROCURE_TEST_DATABASE_URL each test gets its own SQLite file, a copy of one made
once per test process. With it (PostgreSQL in CI), each test process gets its own schema and
tables are emptied after every test. The demo data is loaded once per process and copied
into the databases of the tests that load it (tests/support/templates.py).

Passwords are hashed at argon2's minimum cost in tests (procure/passwords.py); set
PROCURE_PASSWORD_HASH_PROFILE=production to run the suite at production cost.
"""

from __future__ import annotations

import os
import shutil
import tempfile

# Before procure is imported: procure.passwords reads it at import (the dummy hash).
os.environ.setdefault("PROCURE_PASSWORD_HASH_PROFILE", "test")
# eForms validators are built once per test process into a cache of its own (procure/eforms).
os.environ.setdefault("PROCURE_EFORMS_CACHE_DIR",
                      os.path.join(tempfile.gettempdir(), f"procure-eforms-{os.getpid()}"))

import pytest  # noqa: E402
from sqlmodel import Session  # noqa: E402

from procure import create_app  # noqa: E402
from tests.helpers import TestDatabase, login  # noqa: E402
from tests.support import templates  # noqa: E402

TEST_DATABASE_URL = os.environ.get("PROCURE_TEST_DATABASE_URL")


@pytest.fixture(scope="session", autouse=True)
def database_templates(tmp_path_factory):
    """The empty schema and the demo, each built once per test process when first needed."""
    # The session hooks are global (on the Session class): register them before any test, so a
    # test that copies a template database without an app gets them whatever ran before it.
    from procure.db import register_hooks

    register_hooks()
    yield templates.start(TEST_DATABASE_URL, tmp_path_factory.mktemp("templates"))
    templates.stop()


@pytest.fixture(scope="session", autouse=True)
def eforms_cache():
    """The eForms validators built during the session are removed after it."""
    yield
    folder = os.environ["PROCURE_EFORMS_CACHE_DIR"]
    if os.path.basename(folder).startswith("procure-eforms-"):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def shared_database(tmp_path_factory):
    """One PostgreSQL schema per test process, or None on SQLite."""
    if not TEST_DATABASE_URL:
        yield None
        return
    database = TestDatabase.create(TEST_DATABASE_URL, tmp_path_factory.mktemp("db"))
    yield database
    database.drop()


@pytest.fixture
def engine(shared_database, database_templates, tmp_path):
    if shared_database is not None:
        yield shared_database.engine
        shared_database.empty()
        return
    database = database_templates.sqlite_database(tmp_path)
    yield database.engine
    database.drop()


@pytest.fixture
def app(engine, tmp_path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "ENGINE": engine,
            "OUTBOX_DIR": str(tmp_path / "outbox"),
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(engine):
    """A session for arranging and checking data outside requests; commit what requests need."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def login_as(app, client, db):
    """login_as("officer") creates a user with that role (or roles) and signs the client in."""

    def _login_as(*roles: str, email: str | None = None):
        from procure.services import accounts
        from tests.support.templates import load_demo

        organisation = load_demo(db)
        email = email or f"{'-'.join(roles) or 'none'}@test.example"
        if accounts.find_user(db, email) is None:
            accounts.create_user(db, email, "correct horse battery", set(roles),
                                 organisation_id=organisation.id)
        db.commit()
        response = login(client, email, "correct horse battery")
        assert response.status_code == 302, response.text
        return client

    return _login_as
