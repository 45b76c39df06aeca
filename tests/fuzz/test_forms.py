"""Generated form input never causes a server error, and a refused form writes nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from procure.models import AuditEvent, Tender, User
from tests.helpers import VERSION_RE, csrf_token

# Text that tends to break things: control characters, markup, formulas, huge numbers, SQL.
nasty = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "=HYPERLINK(\"x\")", "<script>",
                     "' OR 1=1 --", "\x00", "9" * 40, "2026-02-30", "../../etc/passwd",
                     "æøå ÆØÅ", "\u202e"]),
)
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def counts(db):
    db.expire_all()
    return tuple(db.exec(select(func.count()).select_from(model)).one()
                 for model in (Tender, User, AuditEvent))


def post_with_token(client, url, data):
    """Post the nasty data with the page's CSRF token and, as a browser would, the version
    its form carries (a post without one is refused before the fields are read)."""
    page = client.get(url).get_data(as_text=True)
    version = VERSION_RE.search(page)
    extra = {"version": version.group(1)} if version else {}
    return client.post(url, data={**data, **extra, "csrf_token": csrf_token(page)})


@pytest.fixture
def officer(login_as):
    return login_as("officer")


@SETTINGS
@given(title=nasty, description=nasty, cpv=nasty)
def test_new_tender_form(officer, db, title, description, cpv):
    before = counts(db)
    response = post_with_token(officer, "/officer/tenders/new",
                               {"title": title, "description": description, "cpv_code": cpv})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert counts(db) == before


@SETTINGS
@given(data=st.fixed_dictionaries({
    "lots-0-name": nasty, "lots-0-one_off": nasty, "lots-0-monthly": nasty,
    "lots-0-months": nasty, "lots-0-extension_months": nasty, "lots-0-options": nasty,
    "lots-0-framework_max": nasty, "lots-0-indefinite": st.sampled_from(["", "y"]),
    "lots-0-framework": st.sampled_from(["", "y"]),
}))
def test_value_step(officer, db, data):
    tender = db.exec(select(Tender).where(Tender.planned_at.is_(None),
                                          Tender.opened_at.is_(None))).first()
    url = f"/officer/tenders/{tender.id}/steps/value"
    before = counts(db)
    response = post_with_token(officer, url, {**data, "save": "1"})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert counts(db) == before
        assert "Det er et problem" in response.get_data(as_text=True)


@SETTINGS
@given(contract_type=nasty, buyer_type=nasty, notice=nasty, deadline=nasty)
def test_contract_step(officer, db, contract_type, buyer_type, notice, deadline):
    tender = db.exec(select(Tender).where(Tender.planned_at.is_(None))).first()
    url = f"/officer/tenders/{tender.id}/steps/contract"
    response = post_with_token(officer, url, {
        "contract_type": contract_type, "buyer_type": buyer_type,
        "planned_notice_date": notice, "tender_deadline": deadline})
    assert response.status_code in (302, 400)


@SETTINGS
@given(email=nasty, password=nasty)
def test_login_form(client, db, email, password):
    from tests.support.templates import load_demo

    load_demo(db)
    db.commit()
    response = post_with_token(client, "/login", {"email": email, "password": password})
    # never a 500, never signed in; 429 once the per-address limit is reached
    assert response.status_code in (400, 401, 200, 429)


@pytest.fixture
def admin(login_as):
    return login_as("admin")


@SETTINGS
@given(email=nasty, name=nasty, password=nasty, roles=st.lists(nasty, max_size=3))
def test_admin_new_user_form(admin, db, email, name, password, roles):
    client = admin
    before = counts(db)
    response = post_with_token(client, "/admin/users", {
        "email": email, "name": name, "password": password, "roles": roles})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert counts(db)[:2] == before[:2]
