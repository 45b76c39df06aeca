"""Consistent online backups and their restore: SQLite's backup API, or pg_dump's custom format
and pg_restore for PostgreSQL. A backup file is written whole or not at all."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import make_url

from procure.files import atomic_path


class BackupError(RuntimeError):
    """The backup could not be written or restored; the message says why."""


def backup_database(database_url: str, target: Path, *, schema: str | None = None) -> Path:
    """Write a backup of the database (or of one PostgreSQL schema) to `target`."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("An in-memory SQLite database cannot be backed up.")
        with atomic_path(target) as temporary:
            source, copy = sqlite3.connect(url.database), sqlite3.connect(temporary)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
        return target
    if url.get_backend_name() == "postgresql":
        only = [f"--schema={schema}"] if schema else []
        with atomic_path(target) as temporary:
            _run_pg("pg_dump", url, ["--format=custom", "--no-owner", *only,
                                     f"--file={temporary}"])
        return target
    raise BackupError(f"No backup method for {url.get_backend_name()}.")


def restore_database(database_url: str, source: Path, *, schema: str | None = None) -> None:
    """Replace the database's contents with a backup made by `backup_database`. SQLite: the
    backup API copies the file's pages in one transaction. PostgreSQL: pg_restore --clean in a
    single transaction (all or nothing). Stop the app first."""
    url = make_url(database_url)
    if not Path(source).is_file():
        raise BackupError(f"No backup file at {source}.")
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("An in-memory SQLite database cannot be restored.")
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        database = sqlite3.connect(url.database)
        try:
            if backup.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is not an intact SQLite database.")
            backup.backup(database)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} cannot be restored: {error}") from None
        finally:
            database.close()
            backup.close()
        return
    if url.get_backend_name() == "postgresql":
        only = [f"--schema={schema}"] if schema else []
        _run_pg("pg_restore", url, ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                                    "--exit-on-error", *only, str(source)], target_flag="-d")
        return
    raise BackupError(f"No restore method for {url.get_backend_name()}.")


def _run_pg(tool: str, url, arguments: list[str], *, target_flag: str = "") -> None:
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not installed (Debian package postgresql-client).")
    libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    target = [target_flag, libpq_url] if target_flag else [libpq_url]
    result = subprocess.run(  # noqa: S603 (fixed program, URL passed as one argument)
        [program, *arguments, *target], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()}")
