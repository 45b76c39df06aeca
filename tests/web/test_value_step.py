"""Issue 20, loose edges: the value step saved empty showed "Fullført, 0 kr", and reopening it
after a save gave a 500 (TypeError in DecimalField._value). No step is complete with its
required data missing, and an estimated value must be more than 0 kr."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlmodel import select

from procure.domain.wizard import step_status
from procure.models import Tender
from tests.helpers import post_form

EMPTY = "Anslått verdi må være mer enn 0 kr."


def _draft(client, db, title: str) -> tuple[Tender, str]:
    response = post_form(client, "/officer/tenders/new", {"title": title,
                                                          "description": "Et behov."})
    assert response.status_code == 302
    return db.exec(select(Tender).where(Tender.title == title)).one(), response.location


def _task(page: str, number: int) -> str:
    return re.findall(r'tag--task-(\w+)"', page)[number]


@pytest.mark.parametrize("data", [
    {"save": "1"},
    {"lots-0-name": "Nord", "save": "1"},
    {"lots-0-one_off": "0", "lots-0-monthly": "0", "lots-0-months": "12", "save": "1"},
    {"lots-0-framework": "y", "lots-0-framework_max": "0", "save": "1"},
], ids=["nothing", "only-a-name", "zeros", "empty-framework"])
def test_an_empty_estimate_is_refused_and_the_step_stays_open(login_as, db, data):
    client = login_as("officer")
    tender, url = _draft(client, db, "Uten verdi")
    response = post_form(client, url, data)
    assert response.status_code == 400
    assert EMPTY in response.text
    db.refresh(tender)
    assert tender.estimated_value is None and tender.value_estimate == {}
    overview = client.get(f"/officer/tenders/{tender.id}").text
    assert _task(overview, 1) != "done"
    assert "0 kr" not in overview.replace("\xa0", " ").split("Anslått verdi")[-1][:200]


def test_a_saved_estimate_reopens_with_its_amounts(login_as, db):
    client = login_as("officer")
    tender, url = _draft(client, db, "Med verdi")
    response = post_form(client, url, {
        "lots-0-name": "Nord", "lots-0-one_off": "15000", "lots-0-monthly": "25000.5",
        "lots-0-months": "36", "lots-0-extension_months": "12", "lots-0-options": "1000",
        "save": "1"})
    assert response.status_code == 302, response.text
    db.refresh(tender)
    assert tender.estimated_value == Decimal("1216024.00")
    again = client.get(url)
    assert again.status_code == 200
    for value in ('value="15000.00"', 'value="25000.50"', 'value="36"', 'value="12"',
                  'value="1000.00"', 'value="Nord"'):
        assert value in again.text, value
    assert "Anslått verdi i alt" in again.text  # the calculation is shown again
    assert _task(client.get(f"/officer/tenders/{tender.id}").text, 1) == "done"
    # Saved again unchanged, it stays as it was.
    assert post_form(client, url, {
        "lots-0-name": "Nord", "lots-0-one_off": "15000.00", "lots-0-monthly": "25000.50",
        "lots-0-months": "36", "lots-0-extension_months": "12", "lots-0-options": "1000.00",
        "save": "1"}).status_code == 302


def test_a_framework_agreement_reopens(login_as, db):
    client = login_as("officer")
    tender, url = _draft(client, db, "Rammeavtale")
    assert post_form(client, url, {"lots-0-framework": "y", "lots-0-framework_max": "750000",
                                   "save": "1"}).status_code == 302
    again = client.get(url)
    assert again.status_code == 200 and 'value="750000.00"' in again.text


@pytest.mark.parametrize("stored", ["abc", "NaN", "Infinity", "", None, 12, "1e3"])
def test_odd_stored_amounts_do_not_break_the_page(login_as, db, stored):
    client = login_as("officer")
    tender, url = _draft(client, db, "Rare tall")
    tender.value_estimate = {"lots": [{"name": "x", "one_off": stored, "monthly": "1000",
                                       "months": 12}], "lines": [], "total": "12000"}
    db.add(tender)
    db.commit()
    assert client.get(url).status_code == 200
    tender.value_estimate = {"lots": ["not a lot"]}
    db.add(tender)
    db.commit()
    assert client.get(url).status_code == 200


def test_the_wizard_counts_no_amount_as_no_answer():
    complete = {"title": "x", "description": "y", "contract_type": "goods",
                "buyer_type": "municipality", "planned_notice_date": "2026-09-01",
                "innovation": "none", "market": "known", "needs_rnd": False}
    assert step_status({**complete, "estimated_value": Decimal(0)})["value"] == "to_do"
    assert step_status({**complete, "estimated_value": Decimal(0)})["recommendation"] == \
        "cannot_start"
    assert step_status({**complete, "estimated_value": Decimal(1)})["value"] == "done"
    # An answer of "no" is an answer: only amounts must be more than 0.
    assert step_status({**complete, "estimated_value": Decimal(1)})["innovation"] == "done"
