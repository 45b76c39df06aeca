from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import feedparser
import icalendar
import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from procure.services import public
from tests.helpers import oslo_today, post_form
from tests.public_data import event, tender
from tests.support.templates import load_demo

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "ocds" / "schema-1.1.5"


def ocds_validators() -> tuple[Draft4Validator, Draft4Validator]:
    release = json.loads((SCHEMA_DIR / "release-schema.json").read_text())
    package = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text())
    registry = Registry().with_resource(release["id"], Resource(release, DRAFT4))
    return (Draft4Validator(package, registry=registry, format_checker=FormatChecker()),
            Draft4Validator(release, format_checker=FormatChecker()))


def errors(validator, instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(instance)]


@pytest.fixture
def data(db):
    load_demo(db)
    confidential = tender(db, "Kontorstoler", estimated_value=Decimal("7364519"),
                          value_confidential=True, cpv_code="39110000-6",
                          contract_type="goods", track="open-tender-competition")
    conference = event(db, confidential, "Dialogkonferanse om stoler")
    tender(db, "Utkast som ikke skal ut", status="draft")
    db.commit()
    return {"confidential": confidential, "event": conference, "db": db}


def public_count(db) -> int:
    return sum(public.counts_by_status(db).values())


def test_atom_feed_parses_and_has_one_entry_per_public_purchase(client, data):
    response = client.get("/purchases.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert len(titles) == public_count(data["db"]) and not any("Utkast" in t for t in titles)
    entry = next(e for e in feed.entries if e.title.startswith("Kontorstoler"))
    assert entry.id.startswith("urn:uuid:")
    assert entry.link.endswith(f"/purchases/{data['confidential'].id}")
    assert "5 til 20 millioner kroner" in entry.content[0].value
    assert "7364519" not in response.text.replace("\xa0", "").replace(" ", "")
    assert feed.feed.links[0].rel == "self"


def test_atom_entry_id_is_stable_and_updated_moves_on_change(client, data, db):
    row = data["confidential"]
    first = feedparser.parse(client.get("/purchases.atom").data)
    before = next(e for e in first.entries if e.title.startswith("Kontorstoler"))
    row.title = "Kontorstoler med ombruk"
    db.add(row)
    db.commit()
    after_feed = feedparser.parse(client.get("/purchases.atom").data)
    after = after_feed.entries[0]  # newest change first
    assert after.title.startswith("Kontorstoler med ombruk")
    assert after.id == before.id
    assert after.updated_parsed >= before.updated_parsed


def test_icalendar_has_deadlines_and_conferences_in_oslo_time(client, data):
    response = client.get("/purchases.ics")
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    row, conference = data["confidential"], data["event"]
    deadline = events[f"procure-923456783-purchase-{row.id}-deadline"]
    assert deadline.decoded("DTSTART") == row.tender_deadline
    assert str(deadline["SUMMARY"]).startswith("Tilbudsfrist: Kontorstoler")
    dialogue = events[f"procure-923456783-dialogue-{conference.id}"]
    start = dialogue.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Oslo"
    assert start == conference.starts_at
    assert dialogue["LOCATION"] == "Rådhuset"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Oslo"
    assert int(dialogue["SEQUENCE"]) == conference.version
    again = icalendar.Calendar.from_ical(client.get("/purchases.ics").data)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)


def test_single_purchase_calendar(client, data):
    row = data["confidential"]
    calendar = icalendar.Calendar.from_ical(client.get(f"/purchases/{row.id}.ics").data)
    assert len(calendar.walk("VEVENT")) == 2


def test_csv_honours_filters_and_keeps_confidential_values_out(client, data):
    response = client.get("/purchases.csv?type=goods&band=5m-20m")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert "Kontorstoler" in [r["title"] for r in rows]
    assert {(r["contract_type"], r["value_band"]) for r in rows} == {("goods", "5m-20m")}
    chairs = next(r for r in rows if r["title"] == "Kontorstoler")
    assert chairs["estimated_value_nok"] == ""  # confidential
    everything = list(csv.DictReader(io.StringIO(
        client.get("/purchases.csv").data.decode("utf-8-sig"))))
    assert len(everything) == public_count(data["db"])
    simple = [r for r in everything if r["simple_purchase"] == "yes"]
    assert simple and all(r["procedure"] == "simplified-competition" for r in simple)
    walk = next(r for r in everything if r["title"] == "Vedlikehold av turstier langs Glomma")
    assert walk["estimated_value_nok"] == "800000"


def test_csv_cells_cannot_become_formulas(client, db):
    tender(db, "=HYPERLINK(\"http://evil.example\")")
    db.commit()
    rows = list(csv.reader(io.StringIO(client.get("/purchases.csv").data.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=")


@pytest.mark.parametrize("title", ["Snømåking;=HYPERLINK(\"http://evil.example\")",
                                   "x;+cmd|' /C calc'!A0", "Brøyting;@SUM(1)", "\t=1+1",
                                   "Oppdrag\r=1+1", "Grus,=1+1"])
def test_no_csv_cell_starts_a_formula_whichever_delimiter_a_spreadsheet_splits_on(
        client, db, title):
    """Issue 19, finding 8: Excel in Norwegian reads a comma file with ";" as the delimiter, so
    the text after a ";" inside a title became a cell of its own: a formula. Every field is
    quoted now, and a formula character after another delimiter gets an apostrophe."""
    tender(db, title)
    db.commit()
    text = client.get("/purchases.csv").data.decode("utf-8-sig")
    for delimiter in (",", ";", "\t"):
        for strict_quotes in (True, False):
            source = text if strict_quotes else text.replace("\r\n", "\n").replace("\r", "\n")
            reader = csv.reader(io.StringIO(source, newline=None if strict_quotes else "\n"),
                                delimiter=delimiter,
                                quoting=csv.QUOTE_MINIMAL if strict_quotes else csv.QUOTE_NONE)
            for row in reader:
                for cell in row:
                    cell = cell.strip('"')
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (
                        delimiter, strict_quotes, cell)
    titles = [row[1] for row in csv.reader(io.StringIO(text))]
    assert title.replace("'", "") in [t.replace("'", "") for t in titles]  # only apostrophes


def test_ocds_release_package_validates_against_the_1_1_5_schema(client, data):
    response = client.get("/purchases.json")
    assert response.mimetype == "application/json"
    package = response.json
    package_validator, release_validator = ocds_validators()
    assert errors(package_validator, package) == []
    for release in package["releases"]:
        assert errors(release_validator, release) == []
    by_title = {r["tender"]["title"]: r for r in package["releases"]}
    planned = by_title["Vedlikehold av turstier langs Glomma"]
    assert planned["tag"] == ["planning"] and planned["tender"]["status"] == "planned"
    opened = by_title["Skolemat med økologiske råvarer"]
    assert opened["tag"] == ["tender"] and opened["tender"]["status"] == "active"
    party = planned["parties"][0]
    assert party["identifier"] == {"scheme": "NO-BRC", "id": "923456783",
                                   "legalName": "Lillestrøm kommune"}
    assert "buyer" in party["roles"] and planned["buyer"]["id"] == party["id"]
    chairs = by_title["Kontorstoler"]
    assert "value" not in chairs["tender"]
    assert chairs["tender"]["milestones"][0]["type"] == "engagement"
    assert planned["tender"]["value"] == {"amount": 800000.0, "currency": "NOK"}
    assert planned["tender"]["procurementMethod"] == "limited"
    again = client.get("/purchases.json").json
    assert {r["ocid"] for r in again["releases"]} == set(
        r["ocid"] for r in package["releases"])
    assert all(r["ocid"].startswith("ocds-procure-923456783-") for r in package["releases"])


def test_ocds_pages_with_links_next(client, db):
    for number in range(105):
        tender(db, f"Kjøp {number}", tender_deadline=oslo_today() + timedelta(days=3))
    db.commit()
    first = client.get("/purchases.json").json
    assert len(first["releases"]) == 100
    assert first["links"]["next"].endswith("/purchases.json?page=2")
    second = client.get("/purchases.json?page=2").json
    assert len(second["releases"]) == 5 and "next" not in second["links"]
    assert client.get("/purchases.json?page=3").status_code == 404
    assert client.get("/purchases.json?q=ingenting-passer").status_code == 404


@pytest.mark.parametrize("path", ["/purchases.atom", "/purchases.ics", "/purchases.csv",
                                  "/purchases.json", "/purchases.atom?division=90"])
def test_conditional_get_and_cache_headers(client, data, db, path):
    response = client.get(path)
    assert response.status_code == 200
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=300" in response.headers["Cache-Control"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    row = data["confidential"]
    row.cpv_code = "90911200-8"  # moves it into division 90 too: every feed changes
    db.add(row)
    db.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_feeds_in_english_on_request(client, data):
    feed = feedparser.parse(client.get("/purchases.atom?lang=en").data)
    assert feed.feed.language == "en"
    assert any("Planned" in e.title for e in feed.entries)


def test_atom_ical_and_ocds_honour_the_list_filters(client, data):
    """The same filters as the list: only the matching purchases are in each feed."""
    query = "?type=goods&band=5m-20m"
    listed = {r["title"] for r in csv.DictReader(io.StringIO(
        client.get(f"/purchases.csv{query}").data.decode("utf-8-sig")))}
    assert "Kontorstoler" in listed and len(listed) < public_count(data["db"])
    atom = feedparser.parse(client.get(f"/purchases.atom{query}").data)
    assert {e.title.rsplit(" (", 1)[0] for e in atom.entries} == listed
    package = client.get(f"/purchases.json{query}").json
    assert {r["tender"]["title"] for r in package["releases"]} == listed
    calendar = icalendar.Calendar.from_ical(client.get(f"/purchases.ics{query}").data)
    summaries = " ".join(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert "Kontorstoler" in summaries
    assert "Snøbrøyting" not in summaries  # a service, filtered out


FEEDS = ("/purchases.atom", "/purchases.ics", "/purchases.csv", "/purchases.json",
         "/purchases.atom?division=90")


def _validators(visitor) -> dict[str, tuple[str, str]]:
    found = {}
    for path in FEEDS:
        response = visitor.get(path)
        assert response.status_code == 200, path
        found[path] = (response.headers["ETag"], response.headers["Last-Modified"])
    return found


def test_internal_drafts_do_not_move_the_public_validators(app, data, db, login_as):
    """Issue 19, finding 12: creating a draft changed every feed's ETag and Last-Modified,
    telling anyone polling when an internal draft was made. Creating and editing drafts
    leaves them as they were; publishing one moves them."""
    officer = login_as("officer")
    visitor = app.test_client()
    before = _validators(visitor)
    version = public.data_version(db)
    response = post_form(officer, "/officer/tenders/new", {
        "title": "Hemmelig utkast", "description": "Internt.", "cpv_code": "90911200-8"})
    assert response.status_code == 302, response.text
    db.expire_all()
    assert public.data_version(db) == version, "new"
    response = post_form(officer, response.location, {
        "lots-0-monthly": "1000", "lots-0-months": "12", "save": "1"})
    assert response.status_code == 302, response.text
    db.expire_all()
    assert public.data_version(db) == version, "value"
    draft = tender(db, "Utkast nummer to", status="draft")  # a draft written by a service
    draft.title = "Utkast nummer to, endret"
    db.add(draft)
    db.commit()
    db.expire_all()
    assert public.data_version(db) == version
    assert _validators(visitor) == before
    for path, (etag, _modified) in before.items():
        assert visitor.get(path, headers={"If-None-Match": etag}).status_code == 304
    draft.planned_at = draft.created_at  # announced: the public sees it now
    db.add(draft)
    db.commit()
    after = _validators(visitor)
    assert all(after[path][0] != before[path][0] for path in FEEDS)
