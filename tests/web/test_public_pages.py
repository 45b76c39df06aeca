from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.helpers import csrf_token, oslo_today, post_form
from tests.public_data import event, tender
from tests.support.templates import load_demo


@pytest.fixture
def demo(db):
    load_demo(db)
    db.commit()


def test_healthz_is_trivial(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.text == "ok\n"
    assert "Set-Cookie" not in response.headers


def test_front_page_shows_plans_events_and_feeds(client, demo):
    text = client.get("/").text
    assert "Dette planlegger Lillestrøm kommune å kjøpe" in text
    assert "Snøbrøyting av kommunale parkeringsplasser" in text  # open for offers now
    assert "Dialogkonferanse om renhold av barnehager" in text
    assert 'rel="alternate" type="application/atom+xml"' in text
    assert 'href="/purchases.ics"' in text
    assert "Fossilfri byggeplass" not in text  # draft


def test_list_filters_live_in_the_url(client, demo):
    text = client.get("/purchases?procedure=simplified-competition&sort=title").text
    assert "Vedlikehold av turstier langs Glomma" in text
    assert "Skolemat med økologiske råvarer" not in text  # open tender competition
    assert 'value="simplified-competition" selected' in text
    assert 'value="title" selected' in text
    # The feeds offered keep the filters but not the sorting.
    assert 'href="/purchases.atom?procedure=simplified-competition"' in text
    assert "Enkel anskaffelse" in text  # simple purchases are marked


def test_search_without_results_and_unknown_filters(client, demo):
    response = client.get("/purchases?q=ubåt&band=gratis")
    assert response.status_code == 200
    assert "Ingen planlagte eller åpne anskaffelser passer til søket ditt." in response.text
    assert "ble ikke gjenkjent" in response.text


def test_pagination_links_keep_the_filters(client, db):
    for number in range(25):
        tender(db, f"Kjøp {number}")
    db.commit()
    text = client.get("/purchases?type=services").text
    assert 'href="/purchases?type=services&amp;page=2"' in text
    assert 'aria-current="page"' in text
    second = client.get("/purchases?type=services&page=2").text
    assert "Side 2 av 2" in second and 'rel="prev"' in second


def test_detail_page(client, db):
    row = tender(db, "Renhold av barnehager", estimated_value=Decimal("950000"),
                 contact_name="Innkjøp", contact_email="innkjop@kommune.example",
                 tender_deadline=oslo_today() + timedelta(days=12))
    event(db, row, "Dialogkonferanse om renhold", place="Rådhuset, sal 2")
    db.commit()
    text = client.get(f"/purchases/{row.id}").text
    assert "<h1>Renhold av barnehager</h1>" in text
    assert "950\xa0000 kr" in text and "500 000 til 1,3 millioner kroner" in text
    assert "12 dager igjen" in text
    assert "Dialogkonferanse om renhold" in text and "Rådhuset, sal 2" in text
    assert 'href="/interest?event=' in text
    assert f'href="/interest?purchase={row.id}"' in text
    assert "mailto:innkjop@kommune.example" in text
    assert "Enkel anskaffelse." in text


def test_confidential_value_shows_only_the_band(client, db):
    row = tender(db, "Hemmelig", estimated_value=Decimal("7364519"), value_confidential=True)
    db.commit()
    text = client.get(f"/purchases/{row.id}").text
    assert "5 til 20 millioner kroner" in text
    assert "Det nøyaktige beløpet er konfidensielt." in text
    assert "7364519" not in re.sub(r"[\s\xa0\u202f.,]", "", text)


@pytest.mark.parametrize("status", ["draft", "evaluation", "awarded", "cancelled", "closed"])
def test_non_public_tenders_are_not_found(client, db, status):
    row = tender(db, "Skjult", status=status)
    db.commit()
    assert client.get(f"/purchases/{row.id}").status_code == 404
    assert client.get(f"/purchases/{row.id}.ics").status_code == 404
    assert "Skjult" not in client.get("/purchases").text


def test_pages_in_english(client, demo):
    post_form(client, "/language", {"lang": "en", "next": "/purchases"}, page="/")
    text = client.get("/purchases").text
    assert '<html lang="en">' in text
    assert "Planned and open purchases" in text and "Simple purchase" in text
    assert "Search and filter" in text


def test_cached_pages_carry_each_visitors_own_csrf_token(app, demo):
    first, second = app.test_client(), app.test_client()
    page_one = first.get("/purchases?type=services").text
    page_two = second.get("/purchases?type=services").text  # served from the page cache
    token_one, token_two = csrf_token(page_one), csrf_token(page_two)
    assert token_one != token_two
    assert "csrf-" not in page_two  # no placeholder left behind
    response = second.post("/language", data={"lang": "en", "next": "/purchases",
                                              "csrf_token": token_two})
    assert response.status_code == 302
    assert '<html lang="en">' in second.get("/purchases?type=services").text
    assert '<html lang="nb">' in first.get("/purchases?type=services").text


def test_cached_pages_change_with_the_data(client, db, demo):
    assert "Snøbrøyting i sentrum" not in client.get("/purchases").text
    tender(db, "Snøbrøyting i sentrum")
    db.commit()
    assert "Snøbrøyting i sentrum" in client.get("/purchases").text
    assert "Snøbrøyting i sentrum" in client.get("/").text


def test_signed_in_users_get_their_own_header(login_as):
    officer = login_as("officer")
    text = officer.get("/purchases").text
    assert "Logg ut" in text and "Logg inn" not in text
