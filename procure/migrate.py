"""Alembic, configured in code so that no alembic.ini has to sit beside the app."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class MigrationRefused(Exception):
    """A migration that cannot go ahead with the data there is; the message says what to do.
    Raised before it changes anything, so the database is left at a revision before it."""


def alembic_config(database_url: str) -> Config:
    """An Alembic Config pointing at our scripts and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % as interpolation; URLs may contain it (encoded passwords).
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def heads(database_url: str = "sqlite://") -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())
