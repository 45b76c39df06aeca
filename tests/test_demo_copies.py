"""The demo is loaded once per test process and copied (tests/support/templates.py): a copy
holds what the real loader makes, and a test's changes never reach the template."""

from __future__ import annotations

import pytest
from sqlmodel import Session, SQLModel, func, select

from procure.demo import loader
from procure.models import Organisation, Tender, User
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import TestDatabase
from tests.support import templates


@pytest.fixture
def fresh(database_templates, tmp_path):
    """fresh() gives one more empty database, made the way the engine fixture makes one."""
    made: list[TestDatabase] = []

    def _fresh() -> TestDatabase:
        directory = tmp_path / str(len(made))
        directory.mkdir()
        made.append(database_templates.sqlite_database(directory) if TEST_DATABASE_URL is None
                    else TestDatabase.create(TEST_DATABASE_URL, directory))
        return made[-1]

    yield _fresh
    for database in made:
        database.drop()


def _rows(session: Session) -> dict[str, list[tuple]]:
    """Every table's primary keys and foreign keys: the shape of the data, not its times."""
    shape = {}
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns if c.primary_key or c.foreign_keys]
        shape[table.name] = sorted(tuple(row) for row in session.execute(
            select(*columns).order_by(*columns)).all())
    return shape


def test_a_copy_holds_what_the_loader_makes(fresh):
    with Session(fresh().engine) as loaded, Session(fresh().engine) as copied:
        loader.load_demo(loaded)
        loaded.commit()
        assert templates.templates().restore_demo(copied)  # copied, not loaded
        assert _rows(copied) == _rows(loaded)
        assert sum(map(len, _rows(copied).values())) > 100


def test_a_test_changing_its_copy_leaves_the_next_copy_untouched(fresh):
    with Session(fresh().engine) as first:
        templates.load_demo(first)
        titles = sorted(first.exec(select(Tender.title)).all())
        for tender in first.exec(select(Tender)).all():
            tender.title = "Endret av en annen test"
        first.add(Organisation(name="Skrivetest kommune", orgnr="974760673",
                               kommunenummer="3201"))
        first.add(User(email="skrivetest@test.example", password_hash="x"))
        first.commit()
    with Session(fresh().engine) as second:
        templates.load_demo(second)
        assert sorted(second.exec(select(Tender.title)).all()) == titles
        assert second.exec(select(func.count()).select_from(User)).one() == len(loader.USERS)
        assert second.exec(select(Organisation.name)).all() == [loader.BUYER["name"]]


def test_a_database_that_is_not_fresh_gets_the_real_loader(fresh):
    with Session(fresh().engine) as session:
        session.add(Organisation(name="Først kommune", orgnr="974760673", kommunenummer="3201"))
        session.commit()
        assert not templates.templates().restore_demo(session)
        organisation = templates.load_demo(session)
        session.commit()
        assert organisation.id != 1  # numbered after the test's own row, as the loader does
        assert session.exec(select(func.count()).select_from(Tender)).one() > 5
