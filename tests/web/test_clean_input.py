"""Control characters never reach a view: PostgreSQL cannot store NUL, and no person types it."""

from __future__ import annotations

from sqlmodel import select

from procure.models import Tender
from procure.web.clean_input import without_control_characters
from tests.helpers import csrf_token


def test_without_control_characters():
    assert without_control_characters("a\x00b\x1b[31mc\x7f") == "ab[31mc"
    assert without_control_characters("line one\r\nline\ttwo") == "line one\r\nline\ttwo"
    assert without_control_characters("æøå \u202e") == "æøå \u202e"


def test_nul_in_a_form_is_dropped_before_it_is_stored(login_as, db):
    officer = login_as("officer")
    token = csrf_token(officer.get("/officer/tenders/new").get_data(as_text=True))
    response = officer.post("/officer/tenders/new", data={
        "csrf_token": token, "title": "Snø\x00rydding", "description": "Vinter\x00\n2027",
        "cpv_code": "90620000-9"})
    assert response.status_code == 302
    tender = db.exec(select(Tender).where(Tender.title == "Snørydding")).one()
    assert tender.description == "Vinter\n2027"


def test_nul_in_a_query_string_is_dropped(app):
    with app.test_request_context("/purchases?q=sn%00%C3%B8&division=90%00"):
        from flask import request
        assert request.args["q"] == "snø"
        assert request.args.getlist("division") == ["90"]
