"""Migration 0016: every user keeps their row and gets a session nonce of their own."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from procure.migrate import alembic_config
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import TestDatabase


def test_users_survive_and_each_gets_a_session_nonce(tmp_path):
    database = TestDatabase.create(TEST_DATABASE_URL, tmp_path, tables=False)
    try:
        config = alembic_config(database.engine.url.render_as_string(hide_password=False))
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0013")
            connection.execute(text(
                "INSERT INTO \"user\" (email, name, password_hash, active, failed_logins, "
                "created_at) VALUES ('a@x.no', 'A', 'h1', true, 2, CURRENT_TIMESTAMP), "
                "('b@x.no', 'B', 'h2', false, 0, CURRENT_TIMESTAMP)"))
            command.upgrade(config, "0016")
            rows = connection.execute(text(
                "SELECT email, password_hash, active, session_nonce, last_login_at "
                "FROM \"user\" ORDER BY email")).all()
            assert [(r[0], r[1], bool(r[2])) for r in rows] == [("a@x.no", "h1", True),
                                                                 ("b@x.no", "h2", False)]
            nonces = [r[3] for r in rows]
            assert all(len(n) == 32 for n in nonces) and nonces[0] != nonces[1]
            command.downgrade(config, "0013")
            assert connection.execute(text("SELECT count(*) FROM \"user\"")).scalar() == 2
    finally:
        database.drop()
