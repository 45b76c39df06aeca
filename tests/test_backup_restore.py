"""`procure db restore` brings a `procure db backup` back; backups and exports are written
whole or not at all."""

from __future__ import annotations

import errno
import os

import pytest
from sqlalchemy import select, update

from procure import files
from procure.models import Organisation, Tender


def schema_args(shared_database) -> list[str]:
    # On PostgreSQL only this run's schema: parallel test runs own the others.
    return ["--schema", shared_database.schema] if shared_database else []


def titles(db) -> list[tuple[int, str]]:
    db.expire_all()
    return [(row.id, row.title) for row in db.scalars(select(Tender).order_by(Tender.id))]


def test_backup_then_restore_brings_the_data_back(runner, db, tmp_path, shared_database):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    before = titles(db)
    backup = tmp_path / "backup.bin"
    result = runner.invoke(args=["db", "backup", "-o", str(backup), *schema_args(shared_database)])
    assert result.exit_code == 0, result.output
    db.execute(update(Tender).values(title="Overskrevet"))
    db.add(Organisation(name="Etter backup", orgnr="934567897", kommunenummer="0301"))
    db.commit()
    db.close()
    result = runner.invoke(args=["db", "restore", str(backup), "--yes",
                                 *schema_args(shared_database)])
    assert result.exit_code == 0, result.output
    assert titles(db) == before and len(before) >= 5
    assert db.scalar(select(Organisation).where(Organisation.name == "Etter backup")) is None


def test_restore_asks_first_and_refuses_a_damaged_backup(runner, db, tmp_path, shared_database):
    runner.invoke(args=["demo", "load"])
    before = titles(db)
    db.close()
    damaged = tmp_path / "damaged.bin"
    damaged.write_bytes(b"PGDMP" + os.urandom(2000))
    asked = runner.invoke(args=["db", "restore", str(damaged)], input="n\n")
    assert asked.exit_code == 1 and "replaces everything" in asked.output
    refused = runner.invoke(args=["db", "restore", str(damaged), "--yes",
                                  *schema_args(shared_database)])
    assert refused.exit_code == 1 and "Error:" in refused.output
    assert titles(db) == before


@pytest.fixture
def disk_full_on_rename(monkeypatch):
    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full)


def test_an_interrupted_backup_leaves_nothing_behind(runner, tmp_path, shared_database,
                                                    disk_full_on_rename):
    runner.invoke(args=["demo", "load"])
    target = tmp_path / "out" / "backup.bin"
    result = runner.invoke(args=["db", "backup", "-o", str(target),
                                 *schema_args(shared_database)])
    assert result.exit_code != 0
    assert list((tmp_path / "out").iterdir()) == []


def test_an_interrupted_export_keeps_the_previous_file_whole(runner, tmp_path, monkeypatch):
    runner.invoke(args=["demo", "load"])
    target = tmp_path / "out" / "statistics.xlsx"
    target.parent.mkdir()
    assert runner.invoke(args=["stats", "export", "-o", str(target)]).exit_code == 0
    previous = target.read_bytes()
    assert previous.startswith(b"PK")

    def disk_full(_descriptor):  # the data is written, but cannot be made durable
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    result = runner.invoke(args=["stats", "export", "-o", str(target), "--year", "2024"])
    assert result.exit_code != 0
    assert target.read_bytes() == previous
    assert [path.name for path in target.parent.iterdir()] == ["statistics.xlsx"]


def test_tender_documents_are_written_atomically(runner, db, tmp_path, disk_full_on_rename):
    runner.invoke(args=["demo", "load"])
    tender = db.scalar(select(Tender).order_by(Tender.id))
    result = runner.invoke(args=["tender", "pdf", str(tender.id), "-o",
                                 str(tmp_path / "out" / "doc.pdf")])
    assert result.exit_code != 0 and list((tmp_path / "out").iterdir()) == []
