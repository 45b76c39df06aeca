"""Migration 0014: every e-mail to a supplier, from competition_message and dialogue_message,
arrives in supplier_message as it was; the downgrade moves them back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from alembic import command
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    Table,
    inspect,
    select,
    text,
)

from procure.migrate import alembic_config
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import TestDatabase

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _insert(connection, table_name: str, /, **values) -> int:
    """Insert a row into a table as it is at this revision, filling every required column the
    test does not care about; returns the new id."""
    table = Table(table_name, MetaData(), autoload_with=connection)
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.primary_key or column.nullable \
                or column.server_default is not None:
            continue
        kind = column.type
        if isinstance(kind, JSON):
            row[column.name] = {}
        elif isinstance(kind, Boolean):
            row[column.name] = False
        elif isinstance(kind, DateTime):
            row[column.name] = T0
        elif isinstance(kind, Date):
            row[column.name] = date(2026, 3, 2)
        elif isinstance(kind, Numeric):
            row[column.name] = Decimal(0)
        elif isinstance(kind, Integer):
            row[column.name] = 1
        else:
            row[column.name] = "x"
    result = connection.execute(table.insert().values(**row))
    return result.inserted_primary_key[0]


def _rows(connection, name: str, columns: tuple[str, ...]) -> list[tuple]:
    table = Table(name, MetaData(), autoload_with=connection)
    statement = select(*(table.c[c] for c in columns)).order_by(table.c.id)
    return [tuple(row) for row in connection.execute(statement)]


COMPETITION = ("tender_id", "supplier_id", "kind", "question_id", "recipient", "subject", "body",
               "sent_at", "delivered_to")
DIALOGUE = ("tender_id", "participant_id", "kind", "shared_id", "meeting_id", "recipient",
            "subject", "body", "sent_at", "delivered_to")


def test_every_supplier_message_arrives_in_one_table_and_goes_back(tmp_path):
    database = TestDatabase.create(TEST_DATABASE_URL, tmp_path, tables=False)
    try:
        config = alembic_config(database.engine.url.render_as_string(hide_password=False))
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0013")
            org = _insert(connection, "organisation", name="Lillestrøm kommune",
                          orgnr="938275130", kommunenummer="3205")
            tenders = [_insert(connection, "tender", organisation_id=org, reference=f"T-{n}",
                               title=f"Anskaffelse {n}", version=1) for n in (1, 2)]
            suppliers = [_insert(connection, "supplier", orgnr=orgnr, name=name)
                         for orgnr, name in (("914778271", "Lokal Vaktmester AS"),
                                             ("811958611", "Oslo Drift AS"))]
            question = _insert(connection, "competition_question", tender_id=tenders[0],
                               number=1, question="Kan vi levere i to puljer?", answer="Ja.")
            person = _insert(connection, "dialogue_participant", tender_id=tenders[1],
                             orgnr="889640782", name="Bergen Renhold AS",
                             email="post@bergen.example")
            shared = _insert(connection, "dialogue_shared", tender_id=tenders[1], kind="qa",
                             title="Om leveransen", body="Svar")
            meeting = _insert(connection, "dialogue_meeting", tender_id=tenders[1],
                              participant_id=person, starts_at=T0, ends_at=T0)
            competition_rows = [
                (tenders[0], suppliers[0], "invitation", None, "a@x.example", "Invitasjon",
                 "Hei\nLinje to", T0, "a@x.example"),
                (tenders[0], suppliers[0], "answer", question, "a@x.example", "Svar 1",
                 "Svar", T0 + timedelta(hours=1), "outbox:1"),
                (tenders[0], suppliers[1], "rejection", None, "b@y.example", "Avslag", "Nei",
                 T0 + timedelta(days=2), ""),
                (tenders[1], suppliers[1], "ip-not-partner", None, "b@y.example",
                 "Ikke partner", "Begrunnelse", T0 + timedelta(days=3), "b@y.example"),
            ]
            for values in competition_rows:
                _insert(connection, "competition_message", **dict(zip(COMPETITION, values,
                                                                       strict=True)))
            dialogue_rows = [
                (tenders[1], person, "slot", None, meeting, "post@bergen.example", "Møte",
                 "Tid", T0 + timedelta(days=1), "post@bergen.example"),
                (tenders[1], person, "shared", shared, None, "post@bergen.example", "Delt",
                 "Til alle", T0 + timedelta(days=4), "outbox:7"),
            ]
            for values in dialogue_rows:
                _insert(connection, "dialogue_message", **dict(zip(DIALOGUE, values,
                                                                    strict=True)))

            command.upgrade(config, "0014")
            names = set(inspect(connection).get_table_names())
            assert "supplier_message" in names
            assert not names & {"competition_message", "dialogue_message"}
            moved = _rows(connection, "supplier_message", (
                "tender_id", "supplier_id", "participant_id", "kind", "question_id",
                "shared_id", "meeting_id", "recipient", "subject", "body", "sent_at",
                "delivered_to"))
            expected = [(t, s, None, k, q, None, None, *rest)
                        for t, s, k, q, *rest in competition_rows] + [
                        (t, None, p, k, None, sh, m, *rest)
                        for t, p, k, sh, m, *rest in dialogue_rows]
            assert [_utc(row) for row in moved] == expected
            # A new message after the move gets the next id (the sequence follows on PostgreSQL).
            _insert(connection, "supplier_message", tender_id=tenders[0], kind="award",
                    supplier_id=suppliers[0], recipient="a@x.example", subject="Tildeling",
                    body="Ja", sent_at=T0, delivered_to="")
            assert connection.execute(text("SELECT count(*) FROM supplier_message")).scalar() \
                == len(expected) + 1
            connection.execute(text("DELETE FROM supplier_message WHERE kind = 'award'"))

            command.downgrade(config, "0013")
            assert [_utc(row) for row in _rows(connection, "competition_message", COMPETITION)] \
                == competition_rows
            assert [_utc(row) for row in _rows(connection, "dialogue_message", DIALOGUE)] \
                == dialogue_rows
            assert "supplier_message" not in inspect(connection).get_table_names()
    finally:
        database.drop()


def _utc(row: tuple) -> tuple:
    """SQLite hands back naive datetimes from a reflected table; they were stored in UTC."""
    return tuple(value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None
                 else value for value in row)
