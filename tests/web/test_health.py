"""/healthz asks the database; /livez only says the process answers."""

from __future__ import annotations

import pytest

from procure import create_app
from procure.db import make_engine

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/none"


@pytest.fixture
def app_without_database(tmp_path):
    engine = make_engine(UNREACHABLE, connect_args={"connect_timeout": 1})
    return create_app({"SECRET_KEY": "s" * 40, "ENGINE": engine, "DATABASE_URL": UNREACHABLE,
                       "OUTBOX_DIR": str(tmp_path / "outbox")})


def test_healthz_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.text == "ok\n"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_is_503_without_the_database_and_says_nothing_more(app_without_database):
    response = app_without_database.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.text == "database unavailable\n"
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"


def test_livez_needs_no_database(app_without_database):
    response = app_without_database.test_client().get("/livez")
    assert response.status_code == 200 and response.text == "ok\n"
    assert response.headers["Cache-Control"] == "no-store"
