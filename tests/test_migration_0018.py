"""Migration 0018 (issue 19, finding 13): every supplier contact, interest registration, import,
spend line, award, column choice and spend summary goes to the organisation there is; a
database with such rows and no organisation is refused, saying what to do; the downgrade
gives the rows back without the column, and is refused while two organisations' rows would
share one key."""

from __future__ import annotations

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from procure.migrate import MigrationRefused, alembic_config
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import TestDatabase

TABLES = ("supplier_contact", "interest_registration", "import_run", "spend_line", "award",
          "import_mapping", "spend_month", "spend_month_dims", "spend_month_department")
NOW = "CURRENT_TIMESTAMP"
ROWS = (
    "INSERT INTO supplier (orgnr, name, address, postal_code, kommunenummer, size_class, "
    f"created_at) VALUES ('934567897', 'Strømmen Renhold AS', '', '', '', 'small', {NOW})",
    "INSERT INTO supplier_contact (supplier_id, name, role, email, phone, created_at) "
    f"SELECT id, 'Siri', '', 'siri@example.no', '', {NOW} FROM supplier",
    "INSERT INTO interest_registration (orgnr, business_name, email, divisions, alerts, locale, "
    "unsubscribe_token, created_at) VALUES ('934567897', 'Strømmen Renhold AS', "
    f"'post@example.no', '[\"90\"]', true, 'nb', 'token-0018', {NOW})",
    "INSERT INTO import_run (kind, filename, status, created_at, rows_read, inserted, updated, "
    f"unchanged, error_count, errors, notes) VALUES ('spend', 'lonn.csv', 'imported', {NOW}, "
    "1, 1, 0, 0, 0, '[]', '{}')",
    "INSERT INTO spend_line (key_scope, invoice_id, line_no, invoice_date, supplier_orgnr, "
    "orgnr_valid, amount_ore, account, category, cpv_code, department) VALUES "
    "('org:934567897', 'F1', 1, '2025-01-10', '934567897', true, 100000, '', '', '', 'Kultur')",
    "INSERT INTO award (source, ocid, award_key, title, cpv_code, procedure, method_details) "
    "VALUES ('ocds', 'ocds-1', '1', 'Renhold', '', 'open', '')",
    "INSERT INTO import_mapping (kind, header_key, header, columns, updated_at) VALUES "
    f"('spend', 'abc', '[]', '{{}}', {NOW})",
    "INSERT INTO spend_month (month, supplier_orgnr, orgnr_valid, supplier_id, size_class, "
    "lines, amount_ore) VALUES ('2025-01-01', '934567897', true, 0, 'unknown', 1, 100000)",
    "INSERT INTO spend_month_dims (month, department, category, cpv_division, size_class, "
    "lines, amount_ore) VALUES ('2025-01-01', 'Kultur', '', '', 'unknown', 1, 100000)",
    "INSERT INTO spend_month_department (department, month, supplier_orgnr, orgnr_valid, "
    "supplier_id, lines, amount_ore) VALUES ('Kultur', '2025-01-01', '934567897', true, 0, 1, "
    "100000)",
)
ORGANISATION = ("INSERT INTO organisation (name, orgnr, kommunenummer) VALUES "
                "('{}', '{}', '3205')")


def _database(tmp_path):
    database = TestDatabase.create(TEST_DATABASE_URL, tmp_path, tables=False)
    config = alembic_config(database.engine.url.render_as_string(hide_password=False))
    return database, config


def _run(database, config, *steps) -> None:
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        for step in steps:
            step(connection)


def test_every_row_goes_to_the_organisation_there_is_and_back(tmp_path):
    database, config = _database(tmp_path)
    try:
        def arrange(connection):
            command.upgrade(config, "0016")
            connection.execute(text(ORGANISATION.format("Lillestrøm kommune", "923456783")))
            connection.execute(text(ORGANISATION.format("Nabokommune", "974760673")))
            for statement in ROWS:
                connection.execute(text(statement))
            command.upgrade(config, "0018")

        _run(database, config, arrange)
        with database.engine.begin() as connection:
            first = connection.execute(text("SELECT min(id) FROM organisation")).scalar()
            second = connection.execute(text("SELECT max(id) FROM organisation")).scalar()
            for table in TABLES:
                owners = connection.execute(text(
                    f"SELECT DISTINCT organisation_id FROM {table}")).scalars().all()  # noqa: S608
                assert owners == [first], table
                column = next(c for c in inspect(connection).get_columns(table)
                              if c["name"] == "organisation_id")
                assert column["nullable"] is False, table
            # The same line in the other organisation is another line; twice in one is not.
            copy = ("INSERT INTO spend_line (organisation_id, key_scope, invoice_id, line_no, "
                    "invoice_date, supplier_orgnr, orgnr_valid, amount_ore, account, category, "
                    "cpv_code, department) VALUES (:org, 'org:934567897', 'F1', 1, "
                    "'2025-01-10', '934567897', true, 5, '', '', '', '')")
            connection.execute(text(copy), {"org": second})
            savepoint = connection.begin_nested()
            with pytest.raises(IntegrityError):
                connection.execute(text(copy), {"org": first})
            savepoint.rollback()

        def downgrade_refused(connection):
            with pytest.raises(MigrationRefused, match="spend_line holds the rows of 2 "
                                                        "organisations"):
                command.downgrade(config, "0016")

        _run(database, config, downgrade_refused)

        def downgrade(connection):
            connection.execute(text("DELETE FROM spend_line WHERE organisation_id = :org"),
                               {"org": second})
            command.downgrade(config, "0016")
            for table in TABLES:
                assert connection.execute(text(
                    f"SELECT count(*) FROM {table}")).scalar() == 1, table  # noqa: S608
                assert "organisation_id" not in {
                    c["name"] for c in inspect(connection).get_columns(table)}, table

        _run(database, config, downgrade)
    finally:
        database.drop()


def test_rows_and_no_organisation_are_refused_with_what_to_do(tmp_path):
    database, config = _database(tmp_path)
    try:
        def arrange(connection):
            command.upgrade(config, "0016")
            connection.execute(text(ROWS[3]))  # an import, and no organisation

        def refused(connection):
            with pytest.raises(MigrationRefused) as caught:
                command.upgrade(config, "0018")
            assert "there is no organisation yet" in str(caught.value)
            assert "procure org create" in str(caught.value) and "import_run" in str(
                caught.value)

        def after_creating_one(connection):
            connection.execute(text(ORGANISATION.format("Lillestrøm kommune", "923456783")))
            command.upgrade(config, "head")
            assert connection.execute(text(
                "SELECT organisation_id FROM import_run")).scalar() is not None

        _run(database, config, arrange)
        _run(database, config, refused)
        _run(database, config, after_creating_one)
    finally:
        database.drop()


def test_the_upgrade_command_says_what_to_do_without_a_traceback(tmp_path):
    import sqlite3

    from procure.cli import cli

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    env = {"PROCURE_DATABASE_URL": url, "PROCURE_SECRET_KEY": "k" * 40,
           "PROCURE_INSTANCE_PATH": str(tmp_path)}
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade", "--revision", "0016"], env=env).exit_code == 0
    with sqlite3.connect(tmp_path / "old.sqlite3") as connection:
        connection.execute(ROWS[3].replace(NOW, "'2025-01-01 00:00:00'"))
    result = runner.invoke(cli, ["db", "upgrade"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("Error: The database has rows that must belong to an "
                                    "organisation (import_run)")
    assert "Traceback" not in result.output
    created = runner.invoke(cli, ["org", "create", "--name", "Lillestrøm kommune", "--orgnr",
                                  "923456783", "--kommunenummer", "3205"], env=env)
    assert created.exit_code == 0, created.output
    assert runner.invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
