"""Object-level access: a valid role is not enough, the object must be the user's to see.

Generated from `app.url_map` like the route matrix (tests/web/test_access.py): every officer
route that takes a tender id must answer 404 for another organisation's tender, for GET and
POST, and leave that tender untouched; every public route that takes a purchase id must not
show a draft; documents, import reports and exports go to their roles only.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from procure.models import AuditEvent, ImportRun, Organisation, Tender
from tests.public_data import tender as make_tender
from tests.support.templates import load_demo

DRAFT_TITLE = "Utkast som ingen utenfor skal se"


def rules_with(app, prefix: str, argument: str):
    """(rule, method) for every rule of the blueprint that takes the argument."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(prefix) and argument in rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def build(rule, **ids) -> str:
    values = {}
    for name in rule.arguments:
        if name in ids:
            values[name] = ids[name]
        elif rule._converters[name].__class__.__name__ == "IntegerConverter":
            values[name] = 1
        else:
            values[name] = "value"  # a real wizard step slug; "x" elsewhere is fine too
    return rule.build(values)[1]


@pytest.fixture
def foreign_tender(db):
    """An open tender of another organisation, with a document and a protocol to leak."""
    load_demo(db)
    other = Organisation(name="Annen kommune", orgnr="934567897", kommunenummer="0301")
    db.add(other)
    db.flush()
    row = Tender(organisation_id=other.id, reference="ANNEN-1", title="Annen kommunes anskaffelse",
                 description="Hemmelig for Lillestrøm", contract_type="services",
                 track="simplified-competition", planned_at=datetime.now(UTC) - timedelta(days=9),
                 opened_at=datetime.now(UTC) - timedelta(days=1))
    db.add(row)
    db.commit()
    return row


def test_every_officer_route_refuses_another_organisations_tender(app, login_as, db,
                                                                 foreign_tender):
    client = login_as("officer")
    app.config["WTF_CSRF_ENABLED"] = False
    audit_before = db.scalar(select(func.count()).select_from(AuditEvent))
    checked = 0
    for rule, method in rules_with(app, "officer.", "tender_id"):
        url = build(rule, tender_id=foreign_tender.id)
        response = client.open(url, method=method, data={"title": "Overtatt", "save": "1"})
        assert response.status_code == 404, (method, url, response.status_code)
        assert "Annen kommunes anskaffelse" not in response.get_data(as_text=True)
        checked += 1
    assert checked >= 30  # the matrix really ran over the routes
    db.expire_all()
    unchanged = db.get(Tender, foreign_tender.id)
    assert (unchanged.title, unchanged.version) == ("Annen kommunes anskaffelse", 1)
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == audit_before


def test_the_officers_own_documents_are_served(login_as, db):
    client = login_as("officer")
    own = db.scalar(select(Tender).order_by(Tender.id))
    for suffix in ("document.pdf", "protocol.pdf"):
        response = client.get(f"/officer/tenders/{own.id}/{suffix}")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("role", ["controller", "admin"])
def test_other_roles_get_no_tender_documents(login_as, db, role):
    client = login_as(role)
    own = db.scalar(select(Tender).order_by(Tender.id))
    for suffix in ("document.pdf", "protocol.pdf", "history"):
        assert client.get(f"/officer/tenders/{own.id}/{suffix}").status_code == 403


@pytest.mark.parametrize("status", ["draft", "evaluation", "cancelled"])
def test_public_routes_with_an_id_show_nothing_of_a_hidden_tender(app, client, db, status):
    hidden = make_tender(db, DRAFT_TITLE, status=status)
    db.commit()
    checked = 0
    for rule, method in rules_with(app, "public.", "purchase_id"):
        response = client.open(build(rule, purchase_id=hidden.id), method=method)
        assert response.status_code == 404, (rule.rule, response.status_code)
        assert DRAFT_TITLE not in response.get_data(as_text=True)
        checked += 1
    assert checked >= 3
    for url in (f"/interest?purchase={hidden.id}", "/purchases", "/purchases.atom",
                "/purchases.json", "/purchases.csv", "/purchases.ics"):
        assert DRAFT_TITLE not in client.get(url).get_data(as_text=True), url


def test_the_published_document_waits_until_the_competition_opens(client, db):
    planned = make_tender(db, "Planlagt kjøp", status="planned")
    opened = make_tender(db, "Åpent kjøp", status="open")
    db.commit()
    assert client.get(f"/purchases/{planned.id}").status_code == 200
    assert client.get(f"/purchases/{planned.id}/konkurransegrunnlag.pdf").status_code == 404
    response = client.get(f"/purchases/{opened.id}/konkurransegrunnlag.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


@pytest.fixture
def rejected_run(db):
    organisation = load_demo(db)
    run = ImportRun(organisation_id=organisation.id, kind="spend", filename="lonn.csv",
                    status="rejected", error_count=1,
                    errors=[[2, "amount_nok", "Not an amount (use 1234.50 or 1 234,50; at most "
                             "two decimals).", {}]])
    db.add(run)
    db.commit()
    return run


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_import_reports_are_for_controllers_only(login_as, rejected_run, role):
    client = login_as(role)
    for suffix in ("", "/report.csv"):
        response = client.get(f"/controller/imports/{rejected_run.id}{suffix}")
        assert response.status_code == 403
        assert "lonn.csv" not in response.get_data(as_text=True)


def test_anonymous_visitors_get_no_import_report_or_export(client, rejected_run):
    for url in (f"/controller/imports/{rejected_run.id}/report.csv",
                f"/controller/imports/{rejected_run.id}", "/controller/export.xlsx",
                "/controller/export.xlsx?lines=1"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/login?next=")


def test_a_controller_gets_the_report_and_unknown_runs_are_404(login_as, rejected_run):
    """Import runs belong to the municipality's statistics, shared by its controllers."""
    client = login_as("controller")
    report = client.get(f"/controller/imports/{rejected_run.id}/report.csv")
    assert report.status_code == 200 and "amount_nok" in report.data.decode("utf-8-sig")
    assert client.get(f"/controller/imports/{rejected_run.id + 1000}/report.csv"
                      ).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("controller", 200), ("officer", 403),
                                              ("admin", 403)])
def test_the_statistics_export_by_role(login_as, role, status):
    client = login_as(role)
    response = client.get("/controller/export.xlsx")
    assert response.status_code == status
    if status == 200:
        workbook = load_workbook(io.BytesIO(response.data), read_only=True)
        assert workbook.sheetnames
        workbook.close()
