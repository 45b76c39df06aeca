"""Migration 0019: every pinned criterion becomes a requirement of the tender that names its
pin, with its weight and the kind it was used as; a downgrade puts them back on the pins."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import text

from procure.migrate import alembic_config
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import TestDatabase

PIN_COLUMNS = ("id, tender_id, criterion_id, base_id, version, content_hash, set_id, "
               "set_version, type, level, climate_environment, weight, spec_requirement, "
               "snapshot, pinned_at")


def _pin(connection, pin_id, kind, criterion, weight, spec, climate):
    snapshot = json.dumps({"content": {"title": f"Tittel {criterion}",
                                       "text": f"Tekst {criterion}",
                                       "verification": f"Bevis {criterion}"}})
    connection.execute(text(
        f"INSERT INTO tender_criterion ({PIN_COLUMNS}) VALUES (:id, 1, :cid, :base, 1, :hash, "
        "'vehicles', '2026-1', :type, 'basis', :climate, :weight, :spec, :snapshot, "
        "CURRENT_TIMESTAMP)"), {
        "id": pin_id, "cid": f"{criterion}:1", "base": criterion, "hash": "a" * 64,
        "type": kind, "climate": climate, "weight": weight, "spec": spec,
        "snapshot": snapshot})


def test_pins_become_requirements_and_come_back(tmp_path):
    database = TestDatabase.create(TEST_DATABASE_URL, tmp_path, tables=False)
    try:
        config = alembic_config(database.engine.url.render_as_string(hide_password=False))
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0016")
            connection.execute(text(
                "INSERT INTO organisation (id, name, orgnr, kommunenummer) "
                "VALUES (1, 'Testkommune', '923456783', '3205')"))
            connection.execute(text(
                "INSERT INTO tender (id, organisation_id, reference, title, description, "
                "version, buyer_type, value_estimate, recommendation, track_reason, "
                "created_at) VALUES (1, 1, 'T-1', 'Varebiler', '', 1, 'municipality', '{}', "
                "'{}', '', CURRENT_TIMESTAMP)"))
            _pin(connection, 1, "award", "veh-energi-01", 30, False, True)
            _pin(connection, 2, "specification", "veh-lov-01", None, True, True)
            _pin(connection, 3, "contract-clause", "veh-bat-01", None, True, False)
            _pin(connection, 4, "qualification", "veh-kval-01", None, False, False)
            command.upgrade(config, "0019")
            rows = connection.execute(text(
                "SELECT criterion_pin_id, kind, title, text, documentation, weight, "
                "award_group, climate_environment, position FROM tender_requirement "
                "ORDER BY criterion_pin_id")).all()
            assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
                (1, "award", "Tittel veh-energi-01", "Bevis veh-energi-01"),
                (2, "spec-must", "Tittel veh-lov-01", "Bevis veh-lov-01"),
                (3, "spec-must", "Tittel veh-bat-01", "Bevis veh-bat-01"),  # was marked
                (4, "qualification", "Tittel veh-kval-01", "Bevis veh-kval-01")]
            assert float(rows[0][5]) == 30 and rows[0][6] == "quality" and bool(rows[0][7])
            assert [r[5] for r in rows[1:]] == [None, None, None]
            assert sorted(r[8] for r in rows if r[1] == "spec-must") == [1, 2]
            command.downgrade(config, "0016")
            pins = connection.execute(text(
                "SELECT id, weight, spec_requirement FROM tender_criterion ORDER BY id")).all()
            assert [(p[0], None if p[1] is None else float(p[1]), bool(p[2])) for p in pins] == [
                (1, 30.0, False), (2, None, True), (3, None, True), (4, None, False)]
    finally:
        database.drop()
