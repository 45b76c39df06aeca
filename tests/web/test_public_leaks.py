"""Nothing internal ever reaches a public page or feed.

Every text column that is not on the public allow-list (procure.services.public.PUBLIC_FIELDS)
is filled with a secret marker in every row of every table, and non-public tenders get
markers even in their public fields. Then every route anyone can reach without signing in
(from app.url_map) is requested, in both languages and with filters, for every tender and
conference id, and no response may contain a marker or the confidential value.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Numeric,
    String,
    Table,
    cast,
    func,
    literal,
    select,
    update,
)
from sqlmodel import SQLModel
from sqlmodel import select as sm_select

from procure.models import (
    AlertDelivery,
    AuditEvent,
    DialogueEvent,
    InterestRegistration,
    Supplier,
    Tender,
    TenderAnnex,
    TenderCriterion,
    TenderDocumentText,
    User,
    utcnow,
)
from procure.services import accounts, interest
from procure.services.public import PUBLIC_FIELDS
from tests.public_data import event, tender
from tests.support.templates import load_demo

MARK = "zzsecret"
CONFIDENTIAL = Decimal("7364519")
PUBLIC_PREFIXES = ("public.", "static", "auth.login")
LIST_QUERIES = ["", "?q=draft+title", "?q=reason+for+deviating", "?q=conference", "?q=utkast",
                "?status=planned", "?status=open",
                "?division=90", "?band=5m-20m", "?band=unknown", "?type=works",
                "?procedure=simplified-competition", "?within=90", "?sort=newest",
                "?sort=title", "?page=2", "?lang=en"]


def _is_text(column) -> bool:
    return isinstance(column.type, String) and (column.type.length or 1000) >= 12


def mark_everything_internal(db) -> None:
    """Put a marker in every non-public text and JSON column of every row."""
    connection = db.connection()
    for table in SQLModel.metadata.sorted_tables:
        allowed = PUBLIC_FIELDS.get(table.name, frozenset())
        if "id" not in table.c:
            continue
        for column in table.columns:
            if column.name in allowed or column.primary_key or column.foreign_keys:
                continue
            if _is_text(column):
                value = func.substr(literal(f"{MARK}{table.name[:6]}{column.name[:6]}")
                                    + cast(table.c.id, String), 1, column.type.length or 200)
                connection.execute(update(table).values({column.name: value}))
            elif isinstance(column.type, JSON):
                connection.execute(update(table).values({column.name: _json_marker(table,
                                                                                   column)}))
            elif _is_amount(table, column):
                # Offer prices, invoice and award amounts, turnover: the secret number.
                amount = int(CONFIDENTIAL) * 100 if isinstance(column.type, BigInteger) \
                    else CONFIDENTIAL
                connection.execute(update(table).values({column.name: amount}))
    _mark_snapshots(db, connection)


def _is_amount(table: Table, column) -> bool:
    if (table.name, column.name) == ("tender", "estimated_value"):
        return False  # public unless confidential: the confidential tender covers it
    if isinstance(column.type, BigInteger):
        return True
    return isinstance(column.type, Numeric) and (column.type.precision or 0) >= 10


def _json_marker(table: Table, column):
    if (table.name, column.name) == ("interest_registration", "divisions"):
        return [MARK]
    return {MARK: f"{MARK}-{table.name}-{column.name}", "lines": [MARK], "lots": []}


def _mark_snapshots(db, connection) -> None:
    """Pinned criteria: only the titles are public; everything else in the snapshot is not."""
    for (pin_id,) in connection.execute(select(TenderCriterion.id)).all():
        content = {"title": "Offentlig tittel", "title_en": "Public title",
                   "text": f"{MARK} text", "verification": f"{MARK} verification"}
        marked = {"content": content, "set": {"title": "Sett", "title_en": "Set",
                                              "id": f"{MARK}set"},
                  "source": {"title": f"{MARK} source", "url": f"https://{MARK}.example"}}
        connection.execute(update(TenderCriterion).where(TenderCriterion.id == pin_id)
                           .values(snapshot=marked))


def _documents(db, row: Tender, text: str) -> None:
    """Tender documents: an internal note, a section, a price form and an annex."""
    import hashlib

    content = f"\x89PNG\r\n\x1a\n {text} {row.id}".encode()
    db.add(TenderAnnex(tender_id=row.id, filename=f"{text} vedlegg.png", kind="png",
                       media_type="image/png", size=len(content), content=content,
                       sha256=hashlib.sha256(content).hexdigest()))
    db.add(TenderDocumentText(tender_id=row.id, sections={"rules": f"{text} regler"},
                              notes={"rules": f"{MARK} internal note"}, price_basis="unit",
                              price_lines=[{"lot": "", "item": f"{text} sykkel", "unit": "stk",
                                            "quantity": "3"}]))
    db.flush()


@pytest.fixture
def secrets(db):
    """Demo data plus secrets of every kind, marked."""
    organisation = load_demo(db)
    now = utcnow()
    hidden = {}
    for status in ("draft", "evaluation", "awarded", "cancelled", "closed"):
        row = tender(db, f"{MARK} {status} title", status=status,
                     description=f"{MARK} {status} description", cpv_code="90911200-8",
                     contact_email=f"{MARK}-{status}@kommune.example")
        event(db, row, f"{MARK} {status} conference", place=f"{MARK} place")
        _documents(db, row, f"{MARK} {status}")
        hidden[status] = row
    confidential = tender(db, "Konfidensiell verdi", estimated_value=CONFIDENTIAL,
                          value_confidential=True, cpv_code="39110000-6")
    officer = accounts.create_user(db, f"{MARK}-officer@kommune.example",
                                   "correct horse battery staple", {"officer"},
                                   name=f"{MARK} Officer Name", organisation_id=organisation.id)
    for row in db.exec(sm_select(Tender)).all():
        row.created_by_id = officer.id
        row.track_reason = f"{MARK} reason for deviating"
        db.add(row)
    # Other businesses' contact data: confirmed, pending and alerted registrations.
    public_row = db.exec(sm_select(Tender).where(Tender.reference.endswith("PUB-1"))).one()
    for number, confirmed in ((1, True), (2, False)):
        registered = interest.register(
            db, orgnr="934567897", email=f"{MARK}-contact{number}@business.example",
            business_name=f"{MARK} Business {number}", divisions=["90", "77"],
            known_divisions=["77", "90"], tender_id=public_row.id)
        if confirmed:
            interest.confirm(db, registered.token)
    db.add(AlertDelivery(email=f"{MARK}-contact1@business.example", tender_id=public_row.id,
                         public_version=1))
    opened = next(row for row in db.exec(sm_select(Tender)).all() if row.status == "open")
    _documents(db, opened, "Offentlig vedlegg")  # published: its notes are marked below
    for supplier in db.exec(sm_select(Supplier)).all():
        supplier.address = f"{MARK} street"
        db.add(supplier)
    db.add(AuditEvent(action="secret", details={"note": f"{MARK} audit"}))
    db.flush()
    mark_everything_internal(db)
    db.commit()
    db.expire_all()
    # The marking reached the rows the pages read.
    assert MARK in db.get(Tender, confidential.id).track_reason
    assert MARK in db.get(User, officer.id).email
    assert MARK in db.exec(sm_select(InterestRegistration)).first().email
    assert db.exec(sm_select(DialogueEvent)).first() is not None
    return {"hidden": hidden, "confidential": confidential, "now": now}


def urls_for(app, db) -> list[tuple[str, str]]:
    """(method, url) for every route anyone may reach without signing in."""
    tender_ids = [row.id for row in db.exec(sm_select(Tender)).all()] + [0, 999999]
    event_ids = [row.id for row in db.exec(sm_select(DialogueEvent)).all()] + [999999]
    annexes = [(row.tender_id, row.id) for row in db.exec(sm_select(TenderAnnex)).all()]
    result: list[tuple[str, str]] = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(PUBLIC_PREFIXES):
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        if rule.endpoint == "static":
            result.append(("GET", "/static/css/screen.css"))
            continue
        if "annex_id" in rule.arguments:  # each annex under its own tender and another
            values = [{"purchase_id": t, "annex_id": a} for t, a in annexes]
            values += [{"purchase_id": tender_ids[0], "annex_id": a} for _t, a in annexes]
            values += [{"purchase_id": t, "annex_id": 999999} for t in tender_ids]
        elif "purchase_id" in rule.arguments:
            values = [{"purchase_id": i} for i in tender_ids]
        elif "token" in rule.arguments:
            values = [{"token": "x"}, {"token": "A" * 43}]
        else:
            values = [{}]
        for value in values:
            url = rule.build(value)[1]
            for method in methods:
                result.append((method, url))
                if method == "GET" and rule.endpoint in (
                        "public.purchases", "public.purchases_atom", "public.purchases_ics",
                        "public.purchases_csv", "public.purchases_json"):
                    result += [("GET", url + query) for query in LIST_QUERIES]
                if method == "GET" and rule.endpoint == "public.interest":
                    result += [("GET", f"{url}?purchase={i}") for i in tender_ids]
                    result += [("GET", f"{url}?event={i}") for i in event_ids]
    return result


def leaks(response) -> list[str]:
    found = []
    if response.mimetype == "application/pdf":  # published documents: check their text
        import io

        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(response.data))
        body = "\n".join(page.extract_text() for page in reader.pages)
        body += "\n" + " ".join(str(v) for v in (reader.metadata or {}).values())
        # The published konkurransegrunnlag of an open tender states its criteria in full
        # (text, verification, source): that is its purpose. Everything else must stay out.
        for published in (f"{MARK} text", f"{MARK} verification", f"{MARK} source"):
            body = body.replace(published, "")
    elif response.mimetype.endswith("spreadsheetml.sheet"):  # a price form: every part's text
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(response.data)) as workbook:
            body = "\n".join(workbook.read(name).decode("utf-8", "replace")
                              for name in workbook.namelist())
    elif response.mimetype.startswith("image/"):  # an annex: its bytes, as text
        body = response.data.decode("latin-1")
    else:
        body = response.get_data(as_text=True)
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    for where, text in (("body", body), ("headers", headers)):
        if MARK in text.lower():
            index = text.lower().index(MARK)
            found.append(f"{where}: …{text[max(0, index - 80):index + 60]}…")
    digits = re.sub(r"[\s\xa0\u202f.,']", "", body)
    if str(int(CONFIDENTIAL)) in digits:
        found.append("the confidential value")
    return found


def test_public_allow_list_names_real_columns():
    tables = SQLModel.metadata.tables
    for table, columns in PUBLIC_FIELDS.items():
        assert table in tables
        assert columns <= set(tables[table].c.keys()), columns - set(tables[table].c.keys())


def test_no_public_route_leaks_anything(app, client, db, secrets):
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["INTEREST_RATE_LIMIT"] = "10000 per minute"
    checked = 0
    problems = []
    for language in ("nb", "en"):
        client.post("/language", data={"lang": language, "next": "/"})
        for method, url in urls_for(app, db):
            response = client.open(url, method=method)
            assert response.status_code < 500, (method, url, response.status_code)
            problems += [f"{language} {method} {url}: {leak}" for leak in leaks(response)]
            checked += 1
    # Posting the forms with ids of hidden tenders and conferences echoes nothing either.
    for row in secrets["hidden"].values():
        for data in ({"purchase": str(row.id)}, {"event": "1"}):
            response = client.post("/interest", data={
                "orgnr": "934567897", "email": "x@y.example", "consent": "y",
                "business_name": "A", "divisions": ["90"], **data})
            problems += [f"POST /interest {data}: {leak}" for leak in leaks(response)]
    assert problems == []
    assert checked > 150


def test_hidden_tenders_are_not_found_anywhere(app, client, db, secrets):
    for row in secrets["hidden"].values():
        assert client.get(f"/purchases/{row.id}").status_code == 404
        assert client.get(f"/purchases/{row.id}.ics").status_code == 404
    assert f"purchase={secrets['hidden']['draft'].id}" not in client.get("/interest").text


def test_confidential_value_is_absent_from_every_feed(client, secrets):
    for path in ("/purchases.atom", "/purchases.ics", "/purchases.csv", "/purchases.json",
                 f"/purchases/{secrets['confidential'].id}"):
        assert leaks(client.get(path)) == [], path


def test_marking_survives_a_flush(db, secrets):
    """The flush hook recomputes search text from public fields only, never internal ones."""
    row = db.get(Tender, secrets["confidential"].id)
    row.tender_deadline = row.tender_deadline + timedelta(days=1)
    db.add(row)
    db.commit()
    assert MARK not in row.search_text
