"""Issue 19, finding 6: rate limits count across worker processes (the database storage)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from procure import create_app
from procure.config import ConfigError, build_config, worker_count
from procure.models import RateLimitCounter
from tests.helpers import post_form

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "9d8f0a7c1e2b4d6f8a0c2e4f6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a0c1e"

WORKER = textwrap.dedent("""
    import sys
    from limits import RateLimitItemPerMinute
    from limits.strategies import FixedWindowRateLimiter
    from procure.db import make_engine
    from procure.web.limits import DatabaseStorage

    url, schema = sys.argv[1], sys.argv[2]
    options = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    limiter = FixedWindowRateLimiter(DatabaseStorage(engine=make_engine(url, **options)))
    item = RateLimitItemPerMinute(10)
    print(sum(limiter.hit(item, "login", "203.0.113.1") for _ in range(23)))
""")


def test_two_worker_processes_share_one_limit(engine):
    """The attack in the finding: bad sign-ins spread over workers. Two processes each try 23
    times against a limit of 10 a minute; together exactly 10 get through."""
    url = engine.url.render_as_string(hide_password=False)
    schema = ""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            schema = connection.execute(text("SHOW search_path")).scalar().strip('"')
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, url, schema], cwd=ROOT,  # noqa: S603
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    allowed = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        allowed.append(int(out.strip()))
    assert sum(allowed) == 10, allowed


def test_sign_in_posts_are_counted_in_the_database(engine, tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": STRONG_KEY, "ENGINE": engine,
                      "DATABASE_URL": engine.url.render_as_string(hide_password=False),
                      "OUTBOX_DIR": str(tmp_path / "outbox"),
                      "RATELIMIT_STORAGE_URI": "database://", "LOGIN_RATE_LIMIT": "2 per minute"})
    client = app.test_client()
    # Empty forms (no password check) count like any other post.
    answers = [post_form(client, "/login", {"email": "", "password": ""}).status_code
               for _ in range(3)]
    assert answers == [200, 200, 429]
    from sqlmodel import Session, select

    with Session(engine) as session:
        counters = session.exec(select(RateLimitCounter)).all()
    assert [c.hits for c in counters] == [3]


def production(environ: dict | None = None, **settings: str) -> dict:
    return {"PROCURE_ENV": "production", "PROCURE_SECRET_KEY": STRONG_KEY,
            "PROCURE_DATABASE_URL": "postgresql://x/y", **(environ or {}),
            **{f"PROCURE_{key}": value for key, value in settings.items()}}


def test_production_counts_in_the_database_by_default(tmp_path):
    assert build_config(tmp_path, production(), None)["RATELIMIT_STORAGE_URI"] == "database://"
    assert build_config(tmp_path, {}, None)["RATELIMIT_STORAGE_URI"] == "memory://"
    redis = production(RATELIMIT_STORAGE_URI="redis://cache:6379/0")
    assert build_config(tmp_path, redis, None)["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"


@pytest.mark.parametrize("environ", [{"WEB_CONCURRENCY": "4"},
                                     {"GUNICORN_CMD_ARGS": "--bind 0.0.0.0:8000 --workers 4"},
                                     {"GUNICORN_CMD_ARGS": "-w4"}])
def test_memory_storage_with_several_workers_refuses_to_start(tmp_path, environ):
    with pytest.raises(ConfigError, match="4 worker processes serve the app") as error:
        build_config(tmp_path, production(environ, RATELIMIT_STORAGE_URI="memory://"), None)
    assert "4 times too high" in str(error.value)


def test_memory_storage_with_one_worker_may_start(tmp_path):
    config = build_config(tmp_path, production({"WEB_CONCURRENCY": "1"},
                                               RATELIMIT_STORAGE_URI="memory://"), None)
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_worker_count_reads_a_gunicorn_command_line():
    assert worker_count({}, ["/srv/venv/bin/gunicorn", "--workers", "3", "procure.wsgi:app"]) == 3
    assert worker_count({}, ["/srv/venv/bin/gunicorn", "--workers=5", "procure.wsgi:app"]) == 5
    assert worker_count({}, ["/usr/bin/python", "--workers", "3"]) == 1
    assert worker_count({}, ["pytest"]) == 1
