"""Organisations (issue 19, finding 13): with a second organisation (an innkjøpssamarbeid),
its officers and controllers neither read, change nor delete the first one's supplier
contacts, interest registrations, imports, import reports or statistics, and see only their
own numbers. Another organisation's object is not found (404), as in test_object_access.py;
the supplier register's Brønnøysund facts stay shared.

The first organisation is the demo's (Lillestrøm, with its contacts, spend and imports); the
second gets an officer and a controller of its own.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from procure.demo.loader import DEMO_PASSWORD
from procure.domain.statistics import Filters
from procure.models import (
    AuditEvent,
    CompetitionInvitation,
    ImportMapping,
    ImportRun,
    InterestRegistration,
    Organisation,
    SpendLine,
    Supplier,
    SupplierContact,
    Tender,
    utcnow,
)
from procure.services import accounts, interest, statistics
from tests.helpers import csrf_token, login, post_form
from tests.support.templates import load_demo
from tests.web.test_competition import _simplified_tender
from tests.web.test_object_access import build, rules_with

PASSWORD = "correct horse battery"
SECOND = {"name": "Romerike innkjøpssamarbeid", "orgnr": "974760673", "kommunenummer": "3222"}
SHARED = "934567897"  # Strømmen Renhold AS: in the shared register, with a demo contact
THEIR_CONTACT = ("Siri Strøm", "post@stromrenhold.example")  # the demo organisation's


@pytest.fixture
def second(db) -> Organisation:
    """The second organisation, with an officer and a controller; the demo's is the first."""
    load_demo(db)
    row = Organisation(**SECOND)
    db.add(row)
    db.flush()
    for role in ("officer", "controller"):
        accounts.create_user(db, f"{role}@romerike.example", PASSWORD, {role},
                             organisation_id=row.id)
    db.commit()
    return row


def _first(db) -> Organisation:
    """The demo's organisation (Lillestrøm)."""
    return db.scalars(select(Organisation).where(Organisation.orgnr == "923456783")).one()


def sign_in(app, email: str, password: str = PASSWORD):
    client = app.test_client()
    assert login(client, email, password).status_code == 302
    return client


def _shared_supplier(db) -> Supplier:
    return db.scalars(select(Supplier).where(Supplier.orgnr == SHARED)).one()


def _their_contact(db) -> SupplierContact:
    return db.scalars(select(SupplierContact).where(
        SupplierContact.email == THEIR_CONTACT[1])).one()


# --- supplier contacts ---------------------------------------------------------------------------


def test_supplier_contacts_are_each_organisations_own(app, db, second):
    supplier, theirs = _shared_supplier(db), _their_contact(db)
    assert theirs.organisation_id != second.id
    ours = sign_in(app, "officer@romerike.example")
    page = ours.get(f"/officer/suppliers/{supplier.id}").get_data(as_text=True)
    assert "Strømmen Renhold AS" in page and SHARED in page  # the shared facts
    assert '<span class="brand__org">Romerike innkjøpssamarbeid</span>' in page
    assert THEIR_CONTACT[0] not in page and THEIR_CONTACT[1] not in page
    response = post_form(ours, f"/officer/suppliers/{supplier.id}/contacts",
                         {"name": "Rune Romerike", "email": "rune@stromrenhold.example"},
                         page=f"/officer/suppliers/{supplier.id}")
    assert response.status_code == 302
    added = db.scalars(select(SupplierContact).where(
        SupplierContact.email == "rune@stromrenhold.example")).one()
    assert added.organisation_id == second.id
    first = sign_in(app, "officer@lillestrom.example", DEMO_PASSWORD)
    page = first.get(f"/officer/suppliers/{supplier.id}").get_data(as_text=True)
    assert THEIR_CONTACT[0] in page and "Rune Romerike" not in page
    assert '<span class="brand__org">Lillestrøm kommune</span>' in page
    # Deleting the other organisation's contact: not found, and nothing happens.
    audit_before = db.scalar(select(func.count()).select_from(AuditEvent))
    token = csrf_token(ours.get(f"/officer/suppliers/{supplier.id}").get_data(as_text=True))
    response = ours.post(f"/officer/suppliers/{supplier.id}/contacts/{theirs.id}/delete",
                         data={"csrf_token": token})
    assert response.status_code == 404
    db.expire_all()
    assert db.get(SupplierContact, theirs.id) is not None
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == audit_before
    # ... while its own goes.
    added_id = added.id
    response = ours.post(f"/officer/suppliers/{supplier.id}/contacts/{added_id}/delete",
                         data={"csrf_token": token})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(SupplierContact, added_id) is None


def test_every_officer_route_with_a_contact_refuses_another_organisations(app, db, second):
    ours = sign_in(app, "officer@romerike.example")
    app.config["WTF_CSRF_ENABLED"] = False
    supplier, theirs = _shared_supplier(db), _their_contact(db)
    checked = 0
    for rule, method in rules_with(app, "officer.", "contact_id"):
        url = build(rule, supplier_id=supplier.id, contact_id=theirs.id)
        response = ours.open(url, method=method, data={"name": "Overtatt"})
        assert response.status_code == 404, (method, url, response.status_code)
        checked += 1
    assert checked >= 1
    db.expire_all()
    kept = db.get(SupplierContact, theirs.id)
    assert (kept.name, kept.email) == THEIR_CONTACT


def test_invitations_go_to_the_tenders_organisations_contacts_only(app, db, second):
    """The demo organisation has a contact at the supplier; the second has none, so its
    tender cannot invite the supplier (old code took the other organisation's contact)."""
    ours = sign_in(app, "officer@romerike.example")
    tender = _simplified_tender(ours, db)
    assert tender.organisation_id == second.id
    base = f"/officer/tenders/{tender.id}/competition"
    response = post_form(ours, f"{base}/invite", {"supplier_id": str(_shared_supplier(db).id)},
                         page=base)
    text = response.get_data(as_text=True)
    if response.status_code == 302:
        text = ours.get(response.location).get_data(as_text=True)
    assert "har ingen kontaktperson med e-postadresse" in text
    assert THEIR_CONTACT[1] not in text
    assert db.scalar(select(func.count()).select_from(CompetitionInvitation).where(
        CompetitionInvitation.tender_id == tender.id)) == 0


# --- interest registrations ----------------------------------------------------------------------


def _registration(db, organisation_id: int, name: str, email: str, **fields):
    row = InterestRegistration(organisation_id=organisation_id, orgnr="914778271",
                               business_name=name, email=email, divisions=["90"],
                               unsubscribe_token=email.replace("@", "-").ljust(40, "x"),
                               confirmed_at=utcnow(), **fields)
    db.add(row)
    db.commit()
    return row


def test_another_organisations_registrations_are_not_shown_or_invited(app, db, second):
    first = _first(db)
    ours = sign_in(app, "officer@romerike.example")
    tender = _simplified_tender(ours, db)  # CPV 90911200-8: division 90
    theirs = _registration(db, first.id, "Lillestrøm-interessert AS", "lil@interessert.example")
    own = _registration(db, second.id, "Romerike-interessert AS", "rom@interessert.example",
                        tender_id=tender.id)
    base = f"/officer/tenders/{tender.id}/competition"
    page = ours.get(base).get_data(as_text=True)
    assert "Romerike-interessert AS" in page
    assert "Lillestrøm-interessert AS" not in page and "lil@interessert.example" not in page
    post_form(ours, f"{base}/invite", {"registration_id": str(theirs.id)}, page=base)
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(CompetitionInvitation).where(
        CompetitionInvitation.tender_id == tender.id)) == 0
    assert db.scalar(select(func.count()).select_from(SupplierContact).where(
        SupplierContact.email == "lil@interessert.example")) == 0
    assert own.organisation_id == second.id


def test_a_registration_belongs_to_its_tenders_organisation_or_the_public_sites(db, second):
    first = _first(db)
    opened = datetime.now(UTC) - timedelta(days=1)
    tender = Tender(organisation_id=second.id, reference="ROM-1", title="Romerikes kjøp",
                    cpv_code="90911200-8", contract_type="services", planned_at=opened,
                    opened_at=opened)
    db.add(tender)
    db.commit()
    for_tender = interest.register(db, orgnr="914778271", email="a@bedrift.example",
                                   business_name="Bedrift AS", tender_id=tender.id,
                                   known_divisions=["90"])
    general = interest.register(db, orgnr="914778271", email="b@bedrift.example",
                                business_name="Bedrift AS", divisions=["90"],
                                known_divisions=["90"])
    assert for_tender.registration.organisation_id == second.id
    assert general.registration.organisation_id == first.id  # the public site's


# --- imports -------------------------------------------------------------------------------------


@pytest.fixture
def their_run(db, second) -> ImportRun:
    """A rejected import of the demo organisation's, with its row-level report."""
    run = ImportRun(organisation_id=_first(db).id, kind="spend", filename="lonn.csv",
                    status="rejected", error_count=1,
                    errors=[[2, "amount_nok", "Not an amount.", {}]])
    db.add(run)
    db.commit()
    return run


def upload(client, kind: str, content: bytes, name: str):
    token = csrf_token(client.get("/controller/imports").get_data(as_text=True))
    return client.post(f"/controller/imports/{kind}", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(content), name)})


def test_every_controller_route_with_an_import_refuses_another_organisations(app, db,
                                                                            their_run):
    ours = sign_in(app, "controller@romerike.example")
    checked = 0
    for rule, method in rules_with(app, "controller.", "run_id"):
        response = ours.open(build(rule, run_id=their_run.id), method=method)
        assert response.status_code == 404, (rule.rule, response.status_code)
        assert "lonn.csv" not in response.get_data(as_text=True)
        checked += 1
    assert checked >= 2  # the report page and its CSV
    assert "lonn.csv" not in ours.get("/controller/imports").get_data(as_text=True)
    first = sign_in(app, "controller@lillestrom.example", DEMO_PASSWORD)
    assert first.get(f"/controller/imports/{their_run.id}").status_code == 200
    assert "lonn.csv" in first.get("/controller/imports").get_data(as_text=True)


def _their_line(db) -> SpendLine:
    return db.scalars(select(SpendLine).where(SpendLine.invoice_id == "DEMO-00001")
                      .order_by(SpendLine.id)).first()


def _our_file(db) -> bytes:
    """One line under the key of a demo line (its invoice, line and supplier), other values:
    without the organisation in the key it would change the demo organisation's line."""
    line = _their_line(db)
    day = date(datetime.now(UTC).year, 1, 15).isoformat()
    return ("invoice_id;line;date;supplier_orgnr;amount_nok;department;category\n"
            f"DEMO-00001;1;{day};{line.supplier_orgnr};12345,00;Romerike drift;Romerike\n"
            ).encode()


def test_an_import_keeps_to_its_organisation_and_its_report_is_its_own(app, db, second):
    ours = sign_in(app, "controller@romerike.example")
    before = _their_line(db)
    kept = (before.id, before.amount_ore, before.invoice_date, before.department)
    response = upload(ours, "spend", _our_file(db), "romerike.csv")
    assert "pending" not in response.location  # nothing of the other's to replace
    run = db.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
    assert (run.organisation_id, run.inserted, run.updated) == (second.id, 1, 0)
    db.expire_all()
    after = db.get(SpendLine, kept[0])
    assert (after.id, after.amount_ore, after.invoice_date, after.department) == kept
    assert db.scalar(select(func.count()).select_from(SpendLine).where(
        SpendLine.organisation_id == second.id)) == 1
    assert ours.get(f"/controller/imports/{run.id}").status_code == 200
    first = sign_in(app, "controller@lillestrom.example", DEMO_PASSWORD)
    assert first.get(f"/controller/imports/{run.id}").status_code == 404
    assert first.get(f"/controller/imports/{run.id}/report.csv").status_code == 404
    assert "romerike.csv" not in first.get("/controller/imports").get_data(as_text=True)


UNCLEAR = ("Fakturanr;Fakturadato;Dato;Org.nr.;Beløp;Beløp eks. mva\n"
           "U1;20.12.2025;05.01.2026;934567897;1250,00;1000,00\n")


def test_a_waiting_file_and_the_columns_chosen_are_the_organisations_own(app, db, second):
    first = sign_in(app, "controller@lillestrom.example", DEMO_PASSWORD)
    response = upload(first, "spend", UNCLEAR.encode(), "visma.csv")
    pending = response.location
    assert "/imports/spend/pending/" in pending
    ours = sign_in(app, "controller@romerike.example")
    assert ours.get(pending).status_code == 404
    token = csrf_token(ours.get("/controller/imports").get_data(as_text=True))
    assert ours.post(pending, data={"csrf_token": token, "action": "cancel"}).status_code == 404
    token = csrf_token(first.get(pending).get_data(as_text=True))
    answered = first.post(pending, data={
        "csrf_token": token, "action": "columns", "column-invoice_id": "Fakturanr",
        "column-date": "Fakturadato", "column-supplier_orgnr": "Org.nr.",
        "column-amount_nok": "Beløp eks. mva"})
    assert "pending" not in answered.location
    assert db.scalar(select(ImportMapping.organisation_id)) != second.id
    # The same headings from the second organisation: its controller is asked, not given the
    # first one's choice.
    again = upload(ours, "spend", UNCLEAR.encode(), "visma.csv")
    assert "/imports/spend/pending/" in again.location
    assert db.scalar(select(func.count()).select_from(SpendLine).where(
        SpendLine.organisation_id == second.id)) == 0


# --- statistics ----------------------------------------------------------------------------------


def test_statistics_show_each_organisation_only_its_own_numbers(app, db, second):
    year = datetime.now(UTC).year
    first_id = _first(db).id
    whole_year = Filters(date(year, 1, 1), date(year, 12, 31), organisation_id=first_id)
    theirs_before = statistics.report(db, whole_year)
    ours = sign_in(app, "controller@romerike.example")
    upload(ours, "spend", _our_file(db), "romerike.csv")
    db.expire_all()
    # The first organisation's figures do not move.
    theirs_after = statistics.report(db, whole_year)
    assert theirs_after.figures == theirs_before.figures
    assert theirs_after.breakdowns == theirs_before.breakdowns
    # The second's dashboard, drill-down and export hold its one line and nothing else.
    page = ours.get(f"/controller/?year={year}").get_data(as_text=True)
    assert "Romerike drift" in page and "Oppvekst" not in page  # its department only
    drill = ours.get(f"/controller/spend?year={year}").get_data(as_text=True)
    their_names = {name for (name,) in db.execute(select(Supplier.name).join(
        SpendLine, SpendLine.supplier_id == Supplier.id).where(
        SpendLine.organisation_id == first_id, SpendLine.supplier_orgnr != _their_line(
            db).supplier_orgnr).distinct())}
    assert not [name for name in their_names if name in drill]
    response = ours.get(f"/controller/export.xlsx?year={year}&lines=1")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    lines = [row for name in book.sheetnames if name.startswith("Linjer")
             for row in book[name].iter_rows(values_only=True)
             if len(row) > 2 and isinstance(row[2], datetime)]  # a line: it has a date
    assert len(lines) == 1 and lines[0][0] == "DEMO-00001"
    ours_filters = Filters(date(year, 1, 1), date(year, 12, 31), organisation_id=second.id,
                           home_kommune=second.kommunenummer)  # its own home kommune
    assert statistics.spend_totals(db, ours_filters).total == 12345_00
    summary = {row[0]: row[2] for row in book["Sammendrag"].iter_rows(min_row=2,
                                                                         values_only=True)}
    for indicator_id, figure in statistics.indicator_figures(db, ours_filters).items():
        if isinstance(figure.value, int | float):
            assert summary[indicator_id] == pytest.approx(figure.value), indicator_id
    # And the first organisation's controller does not see the second's line.
    first = sign_in(app, "controller@lillestrom.example", DEMO_PASSWORD)
    assert "Romerike drift" not in first.get(f"/controller/?year={year}").get_data(as_text=True)


def test_officers_and_controllers_without_an_organisation_are_refused(app, db, second):
    for role, url in (("officer", "/officer/suppliers"), ("controller", "/controller/"),
                      ("controller", "/controller/imports")):
        email = f"{role}-nowhere@test.example"
        if accounts.find_user(db, email) is None:
            accounts.create_user(db, email, PASSWORD, {role})
            db.commit()
        assert sign_in(app, email).get(url).status_code == 403, url
