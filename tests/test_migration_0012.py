"""Migration 0012: awards stored before currencies existed keep their values, in NOK."""

from __future__ import annotations

from decimal import Decimal

from alembic import command
from sqlalchemy import text

from procure.migrate import alembic_config
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import TestDatabase


def test_existing_awards_survive_with_currency_nok_and_their_amounts(tmp_path):
    database = TestDatabase.create(TEST_DATABASE_URL, tmp_path, tables=False)
    try:
        config = alembic_config(database.engine.url.render_as_string(hide_password=False))
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0010")
            connection.execute(text(
                "INSERT INTO award (source, ocid, award_key, title, cpv_code, procedure, "
                "method_details, value_ore, tender_value_ore) VALUES "
                "('ocds', 'ocds-1', 'a', 'Renhold', '', 'open', '', 95000050, NULL), "
                "('procure', 'procure-tender-1', '1', 'Bygg', '', '', '', NULL, 80000000)"))
            command.upgrade(config, "0012")
            rows = connection.execute(text(
                "SELECT award_key, currency, amount, value_ore, tender_currency, tender_amount "
                "FROM award ORDER BY award_key")).all()
            assert [tuple(row) for row in rows] == [
                ("1", "NOK", None, None, "NOK", Decimal("800000.00")),
                ("a", "NOK", Decimal("950000.50"), 95000050, "NOK", None)]
            command.downgrade(config, "0010")
            assert connection.execute(text("SELECT count(*) FROM award")).scalar() == 2
    finally:
        database.drop()
