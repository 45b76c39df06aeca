"""Upserting many rows quickly, given as columns or as tuples.

- SQLite: multi-row `INSERT ... VALUES (...), (...) ON CONFLICT ...`. The sqlite3 module binds,
  steps and resets once per parameter set; with 16 rows to a statement that cost is paid once
  per 16 rows, and the spend import's database time drops by about a third (more rows to a
  statement gain nothing further). A temporary staging table costs more than it saves here:
  filling it is as dear as the insert itself.
- PostgreSQL: `COPY` into a temporary staging table, then one `INSERT ... SELECT ... ORDER BY
  key ON CONFLICT ...` per batch: about twice as fast as row-by-row upserts, and the key order
  makes the unique index's inserts sequential.

Measured and left out: a writer thread (SQLite works without the GIL, but the sqlite3 module
takes it back after every statement, and waiting for it made the spend import slower), and
more than 16 rows to a statement.

Rows written together must not share a conflict key (PostgreSQL refuses to update a row twice
in one statement): callers check that their keys are distinct.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

from sqlalchemy import Connection

ROWS_PER_STATEMENT = 16


@dataclass(frozen=True)
class Upsert:
    """INSERT INTO table (columns..., constants...) ... `conflict` (an ON CONFLICT clause)."""

    table: str
    columns: tuple[str, ...]  # given for every row, in this order
    conflict: str
    key: tuple[str, ...]  # the conflict target, for the order of staged rows
    constants: dict[str, str] = field(default_factory=dict)  # column -> SQL literal

    def head(self) -> str:
        return f"INSERT INTO {self.table} ({', '.join((*self.columns, *self.constants))})"


def mark(dialect: str) -> str:
    """The driver's positional parameter marker."""
    return "?" if dialect == "sqlite" else "%s"


def writer(connection: Connection, upsert: Upsert) -> RowWriter | CopyWriter:
    if connection.dialect.name == "postgresql":
        return CopyWriter(connection, upsert)
    return RowWriter(connection, upsert)


class RowWriter:
    """Multi-row VALUES upserts. `changed` sums the driver's row counts: rows inserted plus
    rows the upsert updated."""

    def __init__(self, connection: Connection, upsert: Upsert,
                 per_statement: int = ROWS_PER_STATEMENT) -> None:
        self.connection = connection
        self.upsert = upsert
        self.width = len(upsert.columns)
        values = [mark(connection.dialect.name)] * self.width + list(upsert.constants.values())
        self.row = f"({', '.join(values)})"
        self.per_statement = per_statement
        self.sql = self._sql(per_statement)
        self.changed = 0

    def _sql(self, rows: int) -> str:
        return f"{self.upsert.head()} VALUES {', '.join([self.row] * rows)} {self.upsert.conflict}"

    def columns(self, columns: Sequence[Sequence]) -> None:
        """Write rows given as equally long columns, one per `Upsert.columns`."""
        count = len(columns[0])
        flat: list = [None] * (count * self.width)
        for index, column in enumerate(columns):
            flat[index::self.width] = column  # in C; refuses a column of another length
        self._write(flat, count)

    def rows(self, rows: Sequence[Sequence]) -> None:
        """Write rows given as tuples."""
        self._write(list(chain.from_iterable(rows)), len(rows))

    def _write(self, flat: list, count: int) -> None:
        if len(flat) != count * self.width:
            raise ValueError("rows of the wrong width")
        full = count - count % self.per_statement
        step, end = self.per_statement * self.width, full * self.width
        if full:
            # One iterator `step` times over: zip cuts the tuples in C (and drops the rest).
            self._execute(self.sql, list(zip(*[iter(flat)] * step, strict=False)))
        if count > full:
            self._execute(self._sql(count - full), [tuple(flat[end:])])

    def _execute(self, sql: str, parameters: list[tuple]) -> None:
        self.changed += max(0, self.connection.exec_driver_sql(sql, parameters).rowcount)


class CopyWriter:
    """COPY into a temporary table (dropped at commit), then INSERT ... SELECT in key order.
    `changed` as for RowWriter."""

    def __init__(self, connection: Connection, upsert: Upsert) -> None:
        self.connection = connection
        self.upsert = upsert
        self.width = len(upsert.columns)
        self.stage = f"{upsert.table}_stage"
        columns = ", ".join(upsert.columns)
        self.copy = f"COPY {self.stage} ({columns}) FROM STDIN"
        selected = ", ".join((*upsert.columns, *upsert.constants.values()))
        self.insert = (f"{upsert.head()} SELECT {selected} FROM {self.stage} "  # noqa: S608
                       f"ORDER BY {', '.join(upsert.key)} {upsert.conflict}")
        self.ready = False
        self.changed = 0

    def columns(self, columns: Sequence[Sequence]) -> None:
        count = len(columns[0])
        if any(len(column) != count for column in columns):
            raise ValueError("columns of different lengths")
        self.rows(list(zip(*columns, strict=True)))

    def rows(self, rows: Sequence[Sequence]) -> None:
        if not rows:
            return
        if set(map(len, rows)) != {self.width}:
            raise ValueError("rows of the wrong width")
        self._prepare()
        cursor = self.connection.connection.cursor()
        try:
            with cursor.copy(self.copy) as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
        finally:
            cursor.close()
        self.changed += max(0, self.connection.exec_driver_sql(self.insert).rowcount)
        self.connection.exec_driver_sql(f"TRUNCATE {self.stage}")

    def _prepare(self) -> None:
        if self.ready:
            return
        # Empty, with the table's column types; IF NOT EXISTS: a second import in the same
        # transaction finds it there (and empty: every batch truncates it).
        self.connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.stage} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {', '.join(self.upsert.columns)} FROM {self.upsert.table} WITH NO DATA")
        self.ready = True
