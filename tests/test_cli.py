from __future__ import annotations

from sqlmodel import func, select

from procure.models import Organisation, Supplier, Tender, User


def test_demo_load_is_idempotent(runner, db):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = [db.exec(select(func.count()).select_from(m)).one()
              for m in (Organisation, User, Supplier, Tender)]
    assert counts[0] == 1 and counts[1] == 3 and counts[2] >= 5 and counts[3] >= 4
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert counts == [db.exec(select(func.count()).select_from(m)).one()
                      for m in (Organisation, User, Supplier, Tender)]
    org = db.exec(select(Organisation)).one()
    assert org.kommunenummer == "3205" and org.name == "Lillestrøm kommune"
    statuses = {t.status for t in db.exec(select(Tender)).all()}
    assert {"draft", "planned", "open", "evaluation", "awarded"} <= statuses


def test_demo_suppliers_have_valid_org_numbers_and_kommune(runner, db):
    from stdnum.no import orgnr

    runner.invoke(args=["demo", "load"])
    suppliers = db.exec(select(Supplier)).all()
    assert all(orgnr.is_valid(s.orgnr) for s in suppliers)
    assert {s.kommunenummer for s in suppliers if s.postal_code.startswith("20")} == {"3205"}


def test_users_create_with_several_roles(runner, db):
    result = runner.invoke(args=["users", "create", "--email", "Kari@Example.no", "--role",
                                 "officer", "--role", "admin", "--password", "lang passordfrase"])
    assert result.exit_code == 0, result.output
    user = db.exec(select(User).where(User.email == "kari@example.no")).one()
    assert user.role_names == {"officer", "admin"}


def test_users_create_generates_a_password(runner):
    result = runner.invoke(args=["users", "create", "--email", "a@example.no", "--role",
                                 "controller"])
    assert result.exit_code == 0
    assert "Password: " in result.output


def test_users_create_refuses_bad_input(runner):
    result = runner.invoke(args=["users", "create", "--email", "a@example.no", "--role", "boss"])
    assert result.exit_code == 2
    runner.invoke(args=["users", "create", "--email", "b@example.no", "--role", "officer"])
    again = runner.invoke(args=["users", "create", "--email", "b@example.no", "--role", "officer"])
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_db_upgrade_creates_the_schema(tmp_path):
    from click.testing import CliRunner
    from sqlalchemy import create_engine, inspect

    from procure.cli import cli

    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    result = CliRunner().invoke(cli, ["db", "upgrade"], env={
        "PROCURE_DATABASE_URL": url, "PROCURE_SECRET_KEY": "k" * 40,
        "PROCURE_INSTANCE_PATH": str(tmp_path)})
    assert result.exit_code == 0, result.output
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"user", "role", "tender", "supplier", "organisation", "audit_event"} <= tables


def test_db_backup_can_be_restored(runner, db, app, tmp_path, shared_database):
    from sqlalchemy import create_engine, make_url, text

    runner.invoke(args=["demo", "load"])
    target = tmp_path / "backup.bin"
    # On PostgreSQL, dump only this run's schema: a whole-database dump would lock the
    # tables of parallel test runs and deadlock with their clean-up.
    schema = ["--schema", shared_database.schema] if shared_database else []
    result = runner.invoke(args=["db", "backup", "-o", str(target), *schema])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite":
        copy = create_engine(f"sqlite:///{target}")
        with copy.connect() as connection:
            count = connection.execute(text("select count(*) from tender")).scalar_one()
    else:
        import subprocess

        listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True,
                                 text=True, check=True).stdout
        assert "TABLE DATA" in listing and " tender " in listing
        count = db.exec(text("select count(*) from tender")).scalar_one()
    assert count >= 5


def test_tender_pdf_and_protocol_commands(runner, db, tmp_path):
    runner.invoke(args=["demo", "load"])
    tender = db.exec(select(Tender).order_by(Tender.id)).first()
    for command, name in (("pdf", "doc.pdf"), ("protocol", "protocol.pdf")):
        result = runner.invoke(args=["tender", command, str(tender.id), "-o",
                                     str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")
    missing = runner.invoke(args=["tender", "pdf", "999999", "-o", str(tmp_path / "x.pdf")])
    assert missing.exit_code == 1 and "No tender with id 999999" in missing.output


def test_a_database_without_tables_is_one_line_not_a_traceback(tmp_path):
    """Every command on a database nobody has migrated says what to do."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PROCURE_INSTANCE_PATH": str(tmp_path),
           "PROCURE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    result = subprocess.run([sys.executable, "-m", "procure.cli", "tender", "list"], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == ("Error: the database is not set up for this version of "
                                     "procure. Run `procure db upgrade` first.")
