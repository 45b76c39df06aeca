"""Databases built once per test process (per xdist worker) and copied for each test.

- The empty schema. On SQLite, `create_all` runs once into a template file and each test gets
  a copy of that file. On PostgreSQL each process has a schema of its own that is emptied
  after every test (conftest.py), as before.
- The demo data. `load_demo(session)` here gives a database where procure's `load_demo` ran,
  like the real one, but copies it from a database where the real loader ran once:
  SQLite's backup API copies the template file into the test's file, PostgreSQL copies every
  table from a template schema and sets the sequences as they are there. The copy is made only
  when the test's database is exactly as empty as a fresh one (no row in any table, no
  sequence used, nothing pending in the session); otherwise the real loader runs, exactly as
  before. The demo's dates count from today, so the template is built again when the date
  in Oslo or in UTC changes during the run.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, select

from procure.db import make_engine
from procure.demo import loader as demo_loader
from procure.models import Organisation
from tests.helpers import TestDatabase, oslo_today


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _dates() -> tuple[date, date]:
    return datetime.now(UTC).date(), oslo_today()


@dataclass
class _Demo:
    database: TestDatabase
    dates: tuple[date, date]
    path: Path | None = None  # SQLite: the template file
    sequences: list[str] = field(default_factory=list)  # PostgreSQL: in the template schema


class Templates:
    """The templates of one test process; each is built the first time a test needs it."""

    def __init__(self, url: str | None, directory: Path) -> None:
        self.url = url
        self.directory = directory
        self._empty: Path | None = None
        self._demo: _Demo | None = None
        self._tables = [table.name for table in SQLModel.metadata.sorted_tables]

    # --- the empty schema (SQLite) ---------------------------------------------------------

    def empty_sqlite_file(self) -> Path:
        if self._empty is None:
            path = self.directory / "empty.sqlite3"
            engine = make_engine(f"sqlite:///{path}")
            SQLModel.metadata.create_all(engine)
            engine.dispose()
            self._empty = path
        return self._empty

    def sqlite_database(self, directory: Path) -> TestDatabase:
        """What TestDatabase.create(None, directory) makes, copied from the template."""
        path = directory / "test.sqlite3"
        shutil.copyfile(self.empty_sqlite_file(), path)
        return TestDatabase(make_engine(f"sqlite:///{path}"))

    # --- the demo --------------------------------------------------------------------------

    def demo(self) -> _Demo:
        if self._demo is not None and self._demo.dates != _dates():
            self._demo.database.drop()
            self._demo = None
        if self._demo is None:
            self._demo = self._build_demo()
        return self._demo

    def _build_demo(self) -> _Demo:
        dates = _dates()
        directory = self.directory / f"demo-{uuid.uuid4().hex[:8]}"
        directory.mkdir()
        if self.url is None:
            database = self.sqlite_database(directory)
        else:
            database = TestDatabase.create(self.url, directory)
        with Session(database.engine) as session:
            demo_loader.load_demo(session)
            session.commit()
        demo = _Demo(database, dates)
        if self.url is None:
            database.engine.dispose()
            demo.path = Path(database.engine.url.database)
        else:
            with database.engine.connect() as connection:
                demo.sequences = list(connection.execute(text(
                    "SELECT sequence_name FROM information_schema.sequences "
                    "WHERE sequence_schema = :schema ORDER BY sequence_name"),
                    {"schema": database.schema}).scalars())
        if dates != _dates():  # built across midnight: build again
            database.drop()
            return self._build_demo()
        return demo

    def _is_fresh(self, session: Session, demo: _Demo) -> bool:
        """True when the session's database holds nothing and the session has nothing."""
        if session.new or session.dirty or session.deleted or len(session.identity_map):
            return False
        rows = " OR ".join(f"EXISTS (SELECT 1 FROM {_quote(t)})" for t in self._tables)
        connection = session.connection()
        if connection.execute(text(f"SELECT {rows}")).scalar():
            return False
        if demo.sequences:  # PostgreSQL: a used sequence would number rows differently
            used = " UNION ALL ".join(f"SELECT is_called FROM {_quote(s)}"
                                      for s in demo.sequences)
            return not connection.execute(
                text(f"SELECT bool_or(is_called) FROM ({used}) AS s")).scalar()
        return True

    def restore_demo(self, session: Session) -> bool:
        """Copy the demo into the session's database if that is fresh; False if it is not."""
        demo = self.demo()
        if not self._is_fresh(session, demo):
            return False
        if demo.path is not None:
            session.rollback()  # the test's own connection holds no transaction while copying
            engine: Engine = session.get_bind()
            source = sqlite3.connect(demo.path)
            target = sqlite3.connect(engine.url.database)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
            return True
        template = _quote(demo.database.schema)
        connection = session.connection()
        for table in self._tables:
            connection.execute(text(f"INSERT INTO {_quote(table)} "
                              f"SELECT * FROM {template}.{_quote(table)}"))
        for sequence in demo.sequences:
            connection.execute(text(f"SELECT setval('{_quote(sequence)}', last_value, is_called) "
                              f"FROM {template}.{_quote(sequence)}"))
        session.commit()
        return True

    def close(self) -> None:
        if self._demo is not None:
            self._demo.database.drop()
            self._demo = None


_templates: Templates | None = None


def start(url: str | None, directory: Path) -> Templates:
    global _templates
    _templates = Templates(url, directory)
    return _templates


def stop() -> None:
    global _templates
    if _templates is not None:
        _templates.close()
        _templates = None


def templates() -> Templates:
    assert _templates is not None, "the database_templates fixture has not started"
    return _templates


def load_demo(session: Session, now: datetime | None = None) -> Organisation:
    """procure.demo.loader.load_demo, copied from a template when the database is fresh."""
    if now is None and templates().restore_demo(session):
        return session.exec(select(Organisation).where(
            Organisation.orgnr == demo_loader.BUYER["orgnr"])).one()
    return demo_loader.load_demo(session, now)
