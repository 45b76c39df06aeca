"""Issue 19, finding 11 and the small point about tokens in logs."""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import threading
import urllib.error
import urllib.request

import pytest
from sqlmodel import select
from werkzeug.serving import make_server

from procure import create_app
from procure.config import ConfigError, build_config
from procure.models import User


def production(key: str) -> dict:
    return {"PROCURE_ENV": "production", "PROCURE_SECRET_KEY": key,
            "PROCURE_DATABASE_URL": "postgresql://x/y"}


@pytest.mark.parametrize("key", ["a" * 38, "ab" * 20, "0123456789" * 4,
                                 "abcdefghijklmnopqrstuvwxyz0123456789",
                                 "test-secret-key-" + "x" * 32])
def test_guessable_secret_keys_are_refused_in_production(tmp_path, key):
    with pytest.raises(ConfigError, match="too easy to guess") as error:
        build_config(tmp_path, production(key), None)
    assert "secrets.token_hex(32)" in str(error.value)


# Drawn in the test, not at collection: xdist workers must collect the same test ids.
@pytest.mark.parametrize("make_key", [lambda: secrets.token_hex(32),
                                      lambda: secrets.token_urlsafe(32),
                                      lambda: secrets.token_hex(16)],
                         ids=["token_hex(32)", "token_urlsafe(32)", "token_hex(16)"])
def test_random_secret_keys_are_accepted(tmp_path, make_key):
    key = make_key()
    assert build_config(tmp_path, production(key), None)["SECRET_KEY"] == key


def test_demo_data_is_refused_in_production(engine, db, tmp_path):
    app = create_app({"ENV": "production", "SECRET_KEY": secrets.token_hex(32),
                      "PASSWORD_HASH_PROFILE": "production",  # the suite's own is "test"
                      "DATABASE_URL": engine.url.render_as_string(hide_password=False),
                      "ENGINE": engine, "OUTBOX_DIR": str(tmp_path / "outbox")})
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "refused in production" in result.output
    assert db.exec(select(User)).all() == []


def test_the_development_server_logs_no_link_tokens(app, caplog):
    token = secrets.token_urlsafe(32)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        for path in (f"/interest/confirm/{token}", f"/password/{token}",
                     f"/privacy/erase/{token}?email=someone%40example.no"):
            # 404 for an unknown token; the log line is what matters
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=30)
    finally:
        server.shutdown()
        thread.join(timeout=10)
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", r.getMessage())  # the dev server's colours
             for r in caplog.records if r.name == "werkzeug"]
    assert len(lines) >= 3
    assert not any(token in line or "someone" in line for line in lines), lines
    assert any('"GET /password/<token> HTTP/1.1" 404' in line for line in lines), lines
    assert any("/privacy/erase/<token>?<query>" in line for line in lines), lines


def test_gunicorn_access_lines_are_cleaned_too(app, caplog):
    token = secrets.token_urlsafe(32)
    caplog.set_level(logging.INFO, logger="gunicorn.access")
    logging.getLogger("gunicorn.access").info('%s - "%s" %s', "10.0.0.1",
                                              f"GET /interest/confirm/{token} HTTP/1.1", 200)
    assert caplog.records[-1].getMessage() == '10.0.0.1 - "GET /interest/confirm/<token> ' \
        'HTTP/1.1" 200'
