"""The officer's criteria catalogue, criterion pages, the superseded report and the CPV field
(which works without JavaScript)."""

from __future__ import annotations

from sqlmodel import select

from procure.models import Tender, TenderCriterion
from tests.helpers import post_form


def test_catalogue_lists_current_criteria_grouped_by_category(login_as):
    client = login_as("officer")
    page = client.get("/officer/criteria").get_data(as_text=True)
    assert "Kriteriebibliotek" in page
    assert "Kjøretøy" in page and "versjon 2026-1" in page  # the set in force today
    assert "veh-ev-01:2" in page and "veh-ev-01:1" not in page
    assert "102 kriterier" in page
    assert "Kontorrekvisita og papir" in page and "off-merke-01:1" in page


def test_catalogue_filters_by_level_type_text_and_category(login_as):
    client = login_as("officer")
    page = client.get("/officer/criteria?level=spydspiss&type=award").get_data(as_text=True)
    assert "veh-lca-01:1" in page and "veh-energi-01:1" not in page  # avansert
    assert "cln-kjem-01:1" not in page  # a basis specification requirement
    page = client.get("/officer/criteria?q=vegetar").get_data(as_text=True)
    assert "food-veg-01:1" in page and "veh-" not in page
    page = client.get("/officer/criteria?category=textiles").get_data(as_text=True)
    assert "Tekstiler" in page and "veh-" not in page and "tex-" in page
    # An unknown filter value is ignored rather than failing.
    assert client.get("/officer/criteria?level=nonsense").status_code == 200


def test_catalogue_by_cpv_code_and_by_words(login_as):
    client = login_as("officer")
    page = client.get("/officer/criteria?cpv=34144900-7").get_data(as_text=True)
    assert "veh-ev-01:2" in page and "cln-" not in page
    page = client.get("/officer/criteria?cpv=renhold").get_data(as_text=True)
    assert "Velg en CPV-kode" in page
    assert "?cpv=90911000-6" in page  # links that pick the code, no script needed
    page = client.get("/officer/criteria?cpv=90911000-6").get_data(as_text=True)
    assert "cln-kjem-01:1" in page and "veh-" not in page


def test_criterion_page_shows_text_verification_source_and_history(login_as):
    client = login_as("officer")
    page = client.get("/officer/criteria/veh-ev-01:2").get_data(as_text=True)
    assert "Nullutslipp for alle varebiler" in page
    assert "Samsvarssertifikat (COC-dokument)" in page  # verification
    assert "DFØ Kriterieveiviseren: Kjøretøy" in page  # source
    assert "Versjonshistorikk" in page
    assert 'href="/officer/criteria/veh-ev-01:1"' in page
    assert "Nullutslipp for tyngre varebiler" in page  # the old title, in the diff
    assert "2026-DEMO-K1" in page  # a tender using the criterion
    old = client.get("/officer/criteria/veh-ev-01:1").get_data(as_text=True)
    assert "Dette er ikke gjeldende versjon." in old
    dropped = client.get("/officer/criteria/veh-euro-01:1").get_data(as_text=True)
    assert "Settet som gjelder i dag, har ikke lenger dette kriteriet." in dropped
    assert client.get("/officer/criteria/nope:1").status_code == 404
    assert client.get("/officer/criteria/x").status_code == 404


def test_english_criterion_page_uses_the_english_title(login_as):
    client = login_as("officer")
    post_form(client, "/language", {"lang": "en", "next": "/"}, page="/")
    page = client.get("/officer/criteria/veh-ev-01:2").get_data(as_text=True)
    assert '<h1 lang="en">Zero emission for all vans</h1>' in page
    assert "Requirement text" in page


def test_superseded_report_lists_demo_draft_with_a_diff(login_as):
    client = login_as("officer")
    page = client.get("/officer/criteria/superseded").get_data(as_text=True)
    assert "2026-DEMO-K1" in page or "-DEMO-K1" in page
    assert 'data-pin="veh-ev-01:1"' in page and "veh-ev-01:2" in page
    assert 'data-pin="veh-euro-01:1"' in page
    assert 'data-pin="veh-lov-01:1"' not in page  # unchanged in the new set
    assert "DEMO-3" not in page  # in evaluation: not an active tender


def test_cpv_search_json(login_as):
    client = login_as("officer")
    items = client.get("/officer/cpv/search?q=renhold").get_json()
    assert {"code": "90911000-6",
            "label": "Renholdstjenester for lokaler, bygninger og vinduer"} in items
    assert client.get("/officer/cpv/search?q=3414491").get_json()[0]["code"].startswith("3414491")
    assert client.get("/officer/cpv/search").get_json() == []


def test_cpv_field_suggests_codes_without_javascript(login_as, db):
    client = login_as("officer")
    response = post_form(client, "/officer/tenders/new", {
        "title": "Vinduspuss", "description": "Vask av vinduer", "cpv_code": "renhold vinduer"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "renhold vinduer er ikke en CPV-kode. Velg en av kodene som passer nedenfor" in page
    assert 'name="cpv_pick"' in page and 'value="90911000-6"' in page
    assert 'data-cpv-search="/officer/cpv/search"' in page  # the script's hook
    response = post_form(client, "/officer/tenders/new", {
        "title": "Vinduspuss", "description": "Vask av vinduer", "cpv_code": "renhold vinduer",
        "cpv_pick": "90911000-6"})
    assert response.status_code == 302
    tender = db.exec(select(Tender).where(Tender.title == "Vinduspuss")).one()
    assert tender.cpv_code == "90911000-6"
    response = post_form(client, "/officer/tenders/new", {
        "title": "Tull", "description": "x", "cpv_code": "qwertyuiop"})
    assert "qwertyuiop er ikke en CPV-kode. Oppgi koden med kontrollsiffer" in response.text
    # A code without its check digit is completed from the list.
    response = post_form(client, f"/officer/tenders/{tender.id}/steps/need", {
        "title": "Vinduspuss", "description": "Vask av vinduer", "cpv_code": "90911300"})
    assert response.status_code == 302
    db.refresh(tender)
    assert tender.cpv_code == "90911300-9"
    page = client.get(f"/officer/tenders/{tender.id}").get_data(as_text=True)
    assert "Vindusvask" in page or "vindu" in page.lower()


def test_overview_shows_the_check_and_links(login_as, db):
    client = login_as("officer")
    tender = db.exec(select(Tender).where(Tender.reference.endswith("-DEMO-2"))).one()
    page = client.get(f"/officer/tenders/{tender.id}").get_data(as_text=True)
    assert "Grønne kriterier og § 7-9" in page
    assert 'data-climate-status="met"' in page and "quality-nor-env-spec" in page
    assert f'href="/officer/tenders/{tender.id}/criteria"' in page
    assert "Åpen for tilbud siden" in page and "Publiser som planlagt" not in page


def test_demo_data_has_tenders_with_criteria_and_loads_once(db):
    from procure.demo.loader import load_demo

    load_demo(db)
    first = db.exec(select(TenderCriterion)).all()
    load_demo(db)
    assert len(db.exec(select(TenderCriterion)).all()) == len(first) > 15
    tenders = {t.reference.rpartition("DEMO-")[2]: t for t in db.exec(select(Tender)).all()}
    assert {key: (t.climate_status, t.climate_basis) for key, t in tenders.items()
            if key in ("1", "2", "3", "4", "5", "K1")} == {
        "1": ("met", "criteria"), "2": ("met", "spec"), "3": ("met", "criteria"),
        "4": ("met", "combination"), "5": ("met", "criteria"), "K1": ("met", "spec")}
    assert tenders["5"].status == tenders["K1"].status == "draft"  # ready to publish
