"""Rate limits (Flask-Limiter) for public forms and sign-in, and the proxy settings they
depend on.

Where the counts live (PROCURE_RATELIMIT_STORAGE_URI, resolved in procure/config.py):
- production, unset: `database://`, the app's own database (table `rate_limit_counter`), so
  that every worker process counts together;
- a Redis URL (redis://host:6379/0) when configured;
- development and tests: `memory://` (one process). Production refuses to start with
  `memory://` and more than one worker (config.worker_count).

The `limits` library has no SQL storage, so DatabaseStorage below is one: a fixed-window
counter per key, incremented by a single INSERT ... ON CONFLICT DO UPDATE ... RETURNING
statement, which is atomic on PostgreSQL and SQLite (3.35+).

Behind a reverse proxy, set PROCURE_PROXY_COUNT to the number of proxies so that limits apply
to the visitor's address and not the proxy's.
"""

from __future__ import annotations

import hashlib
import random
import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from procure.db import get_engine

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def interest_limit() -> str:
    return current_app.config["INTEREST_RATE_LIMIT"]


def login_limit() -> str:
    """Sign-in attempts per client address, on top of the per-account lockout."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def init_app(app: Flask) -> None:
    proxies = app.config.get("PROXY_COUNT") or 0
    if proxies:
        # Flask's documented way to add WSGI middleware, which mypy sees as replacing a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,  # type: ignore[method-assign]
                                x_host=proxies)
    limiter.init_app(app)


_UPSERT = text(
    "INSERT INTO rate_limit_counter (name, hits, expires_at) VALUES (:name, :amount, :until) "
    "ON CONFLICT (name) DO UPDATE SET "
    "hits = CASE WHEN rate_limit_counter.expires_at <= :now THEN :amount "
    "ELSE rate_limit_counter.hits + :amount END, "
    "expires_at = CASE WHEN rate_limit_counter.expires_at <= :now THEN :until "
    "ELSE rate_limit_counter.expires_at END "
    "RETURNING hits")


class DatabaseStorage(Storage):
    """A `limits` storage in the app's database, shared by all workers (fixed window only)."""

    STORAGE_SCHEME = ["database"]
    CLEANUP_SHARE = 0.01  # one increment in a hundred also deletes expired counters

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 engine: Engine | None = None, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions, **options)
        self._engine = engine

    @property
    def engine(self) -> Engine:
        """The engine given, else the current app's (limits are checked inside requests)."""
        return self._engine if self._engine is not None else get_engine()

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    @staticmethod
    def _name(key: str) -> str:
        return key if len(key) <= 200 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self.engine.begin() as connection:
            hits = connection.execute(_UPSERT, {"name": self._name(key), "amount": amount,
                                                "until": now + expiry, "now": now}).scalar_one()
            if random.random() < self.CLEANUP_SHARE:  # noqa: S311 (not for security)
                connection.execute(text("DELETE FROM rate_limit_counter WHERE expires_at < :now"),
                                   {"now": now})
        return int(hits)

    def get(self, key: str) -> int:
        with self.engine.connect() as connection:
            hits = connection.execute(
                text("SELECT hits FROM rate_limit_counter "
                     "WHERE name = :name AND expires_at > :now"),
                {"name": self._name(key), "now": time.time()}).scalar()
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        with self.engine.connect() as connection:
            until = connection.execute(
                text("SELECT expires_at FROM rate_limit_counter WHERE name = :name"),
                {"name": self._name(key)}).scalar()
        return float(until) if until is not None else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return connection.execute(text("DELETE FROM rate_limit_counter")).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(text("DELETE FROM rate_limit_counter WHERE name = :name"),
                               {"name": self._name(key)})
