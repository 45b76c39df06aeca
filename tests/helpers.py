"""Test helpers that are not fixtures."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import SQLModel

import procure.models  # noqa: F401  (registers the tables)
from procure import clock
from procure.db import make_engine, register_hooks

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                     r'name="csrf_token" value="([^"]+)"')


def oslo_today() -> date:
    """Today as the app counts it: the date in Oslo. On a UTC machine date.today() is still
    yesterday for an hour or two after Oslo's midnight (a deadline then shows a day less)."""
    return clock.today()


@dataclass
class TestDatabase:
    """A throwaway database: a SQLite file, or a PostgreSQL schema of its own."""

    __test__ = False
    engine: Engine
    admin_engine: Engine | None = None
    schema: str | None = None

    @classmethod
    def create(cls, url: str | None, directory: Path, *, tables: bool = True) -> TestDatabase:
        # Tests arrange data and call services with bare sessions, outside any app: they need
        # the session hooks that create_app registers.
        register_hooks()
        if url is None:
            engine = make_engine(f"sqlite:///{directory / 'test.sqlite3'}")
            database = cls(engine)
        else:
            schema = f"test_{uuid.uuid4().hex[:12]}"
            admin = make_engine(url)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
            database = cls(engine, admin, schema)
        if tables:
            SQLModel.metadata.create_all(database.engine)
        return database

    def empty(self) -> None:
        names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with self.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))

    def drop(self) -> None:
        self.engine.dispose()
        if self.admin_engine is not None:
            with self.admin_engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            self.admin_engine.dispose()


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')


def post_form(client, url: str, data: dict, *, page: str | None = None, **kwargs):
    """GET the page holding the form, then POST with its CSRF token and, as a browser would,
    the tender version the page's forms carry (unless `data` names one)."""
    html = client.get(page or url).get_data(as_text=True)
    extra = {"csrf_token": csrf_token(html)}
    version = VERSION_RE.search(html)
    if version and "version" not in data:
        extra["version"] = version.group(1)
    return client.post(url, data={**data, **extra}, **kwargs)


def login(client, email: str, password: str):
    return post_form(client, "/login", {"email": email, "password": password})


WORKS_DRAFT = "Rehabilitering av Kjeller skole, byggetrinn 2"


def add_works_draft(session, title: str = WORKS_DRAFT):
    """A works draft with the chooser's recommendation and nothing else: no track, no criteria
    and § 7-9 not met. Every demo tender is complete, so tests that take an officer through
    those steps start from this one."""
    from datetime import timedelta
    from decimal import Decimal

    from procure.domain.rules import DEFAULT_RULES_DIR, load_rulebook
    from procure.services import chooser, tenders

    organisation_id = tenders.default_organisation(session).id
    tender = tenders.create_draft(
        session, organisation_id, title,
        "Utkast: rehabilitering med krav om fossilfri og utslippsfri byggeplass.", actor_id=None)
    tenders.update_tender(session, tender, {
        "contract_type": "works", "cpv_code": "45214200-2", "estimated_value": Decimal(48_000_000),
        "planned_notice_date": oslo_today() + timedelta(days=60), "innovation": "none",
        "market": "unknown", "needs_rnd": False}, actor_id=None)
    chooser.refresh_recommendation(session, tender, load_rulebook(DEFAULT_RULES_DIR),
                                   actor_id=None)
    session.commit()
    return tender
