"""Consistent online backups: SQLite's backup API, or pg_dump's custom format for PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import make_url


class BackupError(RuntimeError):
    """The backup could not be written; the message says why."""


def backup_database(database_url: str, target: Path, *, schema: str | None = None) -> Path:
    """Write a backup of the database (or of one PostgreSQL schema) to `target`."""
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("An in-memory SQLite database cannot be backed up.")
        with sqlite3.connect(url.database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return target
    if url.get_backend_name() == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise BackupError("pg_dump is not installed (Debian package postgresql-client).")
        libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
        only = [f"--schema={schema}"] if schema else []
        result = subprocess.run(  # noqa: S603 (fixed program, URL passed as one argument)
            [pg_dump, "--format=custom", "--no-owner", *only, f"--file={target}", libpq_url],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return target
    raise BackupError(f"No backup method for {url.get_backend_name()}.")
