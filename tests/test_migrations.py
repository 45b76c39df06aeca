"""Migrations: a single head, and `upgrade head` gives exactly the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from procure.migrate import alembic_config, heads
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import TestDatabase


def test_single_head():
    assert len(heads()) == 1


def test_upgrade_head_matches_models(tmp_path):
    database = TestDatabase.create(TEST_DATABASE_URL, tmp_path, tables=False)
    try:
        url = database.engine.url.render_as_string(hide_password=False)
        config = alembic_config(url)
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, SQLModel.metadata)
        assert diff == []
        with database.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == heads()[0]
    finally:
        database.drop()


def test_downgrade_to_base_and_up_again(tmp_path):
    database = TestDatabase.create(TEST_DATABASE_URL, tmp_path, tables=False)
    try:
        config = alembic_config(database.engine.url.render_as_string(hide_password=False))
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            command.downgrade(config, "base")
            command.upgrade(config, "head")
    finally:
        database.drop()
