"""`procure org create|list`, `procure users set-org` and the --org option of the commands
that work for one organisation (issue 19, finding 13). Bad input gives one clear line and
exit code 1, never a traceback, and creates nothing."""

from __future__ import annotations

import json

import pytest
from sqlmodel import func, select

from procure.models import AuditEvent, ImportRun, Organisation, User

ROMERIKE = ["--name", "Romerike innkjøpssamarbeid", "--orgnr", "974 760 673",
            "--kommunenummer", "3222"]
LILLESTROM = ["--name", "Lillestrøm kommune", "--orgnr", "923456783", "--kommunenummer",
              "3205"]


def _count(db) -> int:
    return db.exec(select(func.count()).select_from(Organisation)).one()


def test_org_create_and_list(runner, db):
    assert "No organisations yet" in runner.invoke(args=["org", "list"]).output
    result = runner.invoke(args=["org", "create", *ROMERIKE])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("Created Romerike innkjøpssamarbeid (organisation number "
                                     "974760673, kommune 3222).")
    row = db.exec(select(Organisation)).one()
    assert (row.name, row.orgnr, row.kommunenummer) == ("Romerike innkjøpssamarbeid",
                                                        "974760673", "3222")
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "organisation.created")).one()
    assert (event.actor_id, event.object_type, event.object_id) == (None, "organisation",
                                                                   str(row.id))
    assert event.details["orgnr"] == "974760673"
    listing = runner.invoke(args=["org", "list"]).output
    assert "974760673  3222 Lørenskog" in listing and "0 users  Romerike" in listing


@pytest.mark.parametrize("change, message", [
    ({"--orgnr": "974760674"}, "The check digit of organisation number 974760674 is wrong."),
    ({"--orgnr": "000000000"}, "000000000 is not an organisation number."),
    ({"--orgnr": "12345678"}, "An organisation number has 9 digits."),
    ({"--orgnr": "97476067x"}, "An organisation number has 9 digits."),
    ({"--kommunenummer": "9999"}, "Kommune number 9999 is not in the list of kommuner (2024)."),
    ({"--kommunenummer": "32a2"}, "A kommune number has 4 digits."),
    ({"--name": "   "}, "Enter the organisation's name."),
    ({"--name": "x" * 201}, "Longer than 200 characters."),
])
def test_org_create_refuses_bad_input_with_a_clear_message(runner, db, change, message):
    args = list(ROMERIKE)
    for option, value in change.items():
        args[args.index(option) + 1] = value
    result = runner.invoke(args=["org", "create", *args])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and message in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert _count(db) == 0


def test_org_create_refuses_a_taken_organisation_number(runner, db):
    assert runner.invoke(args=["org", "create", *ROMERIKE]).exit_code == 0
    again = runner.invoke(args=["org", "create", "--name", "Et annet navn", "--orgnr",
                                "NO 974760673 MVA", "--kommunenummer", "0301"])
    assert again.exit_code == 1
    assert ("Romerike innkjøpssamarbeid already has organisation number 974760673."
            in again.output)
    assert "Traceback" not in again.output
    assert _count(db) == 1


def test_users_are_created_in_and_moved_between_organisations(runner, db):
    assert runner.invoke(args=["org", "create", *ROMERIKE]).exit_code == 0
    alone = runner.invoke(args=["users", "create", "--email", "a@romerike.example", "--role",
                                "officer"])
    assert alone.exit_code == 0 and "in Romerike innkjøpssamarbeid." in alone.output
    assert runner.invoke(args=["org", "create", *LILLESTROM]).exit_code == 0
    several = runner.invoke(args=["users", "create", "--email", "b@example.no", "--role",
                                  "controller"])
    assert several.exit_code == 1
    assert "There are several organisations" in several.output and "--org" in several.output
    assert db.exec(select(User).where(User.email == "b@example.no")).first() is None
    created = runner.invoke(args=["users", "create", "--email", "b@example.no", "--role",
                                  "controller", "--org", "923456783"])
    assert created.exit_code == 0, created.output
    lillestrom = db.exec(select(Organisation).where(Organisation.orgnr == "923456783")).one()
    user = db.exec(select(User).where(User.email == "b@example.no")).one()
    assert user.organisation_id == lillestrom.id

    moved = runner.invoke(args=["users", "set-org", "--email", "A@Romerike.example", "--org",
                                "923456783"])
    assert moved.exit_code == 0, moved.output
    assert moved.output.strip() == "a@romerike.example works for Lillestrøm kommune."
    db.expire_all()
    assert db.exec(select(User).where(User.email == "a@romerike.example")).one() \
        .organisation_id == lillestrom.id
    event = db.exec(select(AuditEvent).where(
        AuditEvent.action == "user.organisation_changed")).one()
    assert event.details["organisation"] == "Lillestrøm kommune" and event.actor_id is None
    again = runner.invoke(args=["users", "set-org", "--email", "a@romerike.example", "--org",
                                "923456783"])
    assert "already; nothing changed" in again.output
    listing = runner.invoke(args=["org", "list"]).output
    assert "2 users  Lillestrøm kommune" in listing and "0 users  Romerike" in listing
    for args, message in (
            (["--email", "nobody@example.no", "--org", "923456783"],
             "There is no user with e-mail nobody@example.no."),
            (["--email", "b@example.no", "--org", "964338531"],
             "There is no organisation with organisation number 964338531.")):
        result = runner.invoke(args=["users", "set-org", *args])
        assert result.exit_code == 1 and message in result.output
        assert "Traceback" not in result.output


def test_imports_and_statistics_work_for_the_organisation_named(runner, db, tmp_path):
    spend = tmp_path / "spend.csv"
    spend.write_text("invoice_id;date;supplier_orgnr;amount_nok\n"
                     "R1;2025-03-01;934567897;100\n", encoding="utf-8")
    none = runner.invoke(args=["import", "spend", str(spend)])
    assert none.exit_code == 1 and "There is no organisation yet" in none.output
    assert "procure org create" in none.output
    for args in (ROMERIKE, LILLESTROM):
        assert runner.invoke(args=["org", "create", *args]).exit_code == 0
    several = runner.invoke(args=["import", "spend", str(spend)])
    assert several.exit_code == 1 and "say which one" in several.output
    assert "Traceback" not in several.output
    assert db.exec(select(func.count()).select_from(ImportRun)).one() == 0
    result = runner.invoke(args=["import", "spend", str(spend), "--org", "974760673"])
    assert result.exit_code == 0, result.output
    romerike = db.exec(select(Organisation).where(Organisation.orgnr == "974760673")).one()
    assert db.exec(select(ImportRun)).one().organisation_id == romerike.id
    assert runner.invoke(args=["import", "tenders", "--org", "923456783"]).exit_code == 0

    def figures(orgnr: str) -> dict:
        shown = runner.invoke(args=["stats", "show", "--year", "2025", "--json", "--org",
                                    orgnr])
        assert shown.exit_code == 0, shown.output
        return json.loads(shown.output)

    assert figures("974760673")["unknown_size_share_value"]["value"] == 1  # its one line
    assert figures("923456783")["unknown_size_share_value"]["value"] is None  # nothing
    text = runner.invoke(args=["stats", "show", "--year", "2025", "--org", "974760673"])
    assert text.output.startswith("Romerike innkjøpssamarbeid (974760673)\nPeriod 2025-01-01")
    unknown = runner.invoke(args=["stats", "show", "--year", "2025", "--org", "999999999"])
    assert unknown.exit_code == 1
    assert "There is no organisation with organisation number 999999999." in unknown.output
    export = runner.invoke(args=["stats", "export", "--year", "2025", "-o",
                                 str(tmp_path / "s.xlsx")])
    assert export.exit_code == 1 and "say which one" in export.output
