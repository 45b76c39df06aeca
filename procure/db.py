"""One SQLAlchemy engine per app and one SQLModel session per app context."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import CursorResult, Engine, Result, create_engine, event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

_HOOKS_LOCK = threading.Lock()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys and thread sharing for the dev server,
    PostgreSQL a connect timeout and a liveness check of pooled connections. SQL parameters
    are left out of error messages, so form values never reach the log."""
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    elif url.startswith("postgresql"):
        # An unreachable server fails /healthz and requests in seconds, not the TCP timeout.
        kwargs["connect_args"] = {"connect_timeout": 5, **kwargs.get("connect_args", {})}
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def register_hooks() -> None:
    """Register the session hooks every session relies on; safe to call more than once.

    - models: each tender's search text and public version follow every flush;
    - spend_summary: the spend summaries follow every ORM write to spend lines;
    - outbox: mail queued in a transaction is delivered after it commits.
    create_app calls it; code that makes sessions without an app (tests' fixtures, bench
    scripts) calls it too. Importing a module registers nothing."""
    from procure import models, outbox
    from procure.services import spend_summary

    with _HOOKS_LOCK:
        for module in (models, spend_summary, outbox):
            for name, function in module.ORM_HOOKS:
                if not event.contains(OrmSession, name, function):
                    event.listen(OrmSession, name, function)


def init_app(app: Flask, engine: Engine | None = None) -> None:
    """Bind an engine to the app and close the request's session at teardown."""
    app.extensions["procure.engine"] = engine or make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    engine: Engine = current_app.extensions["procure.engine"]
    return engine


def get_session() -> Session:
    """The session of the current app context; views and CLI commands commit it once."""
    if "db_session" not in g:
        from procure.outbox import DISPATCHER

        g.db_session = Session(get_engine(), expire_on_commit=False,
                               info={DISPATCHER: current_app.extensions.get("procure.outbox")})
    session: Session = g.db_session
    return session


def affected_rows(result: Result[*tuple[Any, ...]]) -> int:
    """Rows an UPDATE or DELETE matched. Session.execute returns a CursorResult for them, though
    it is typed as returning any Result."""
    assert isinstance(result, CursorResult), "only an UPDATE or DELETE result has a row count"
    return result.rowcount


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
