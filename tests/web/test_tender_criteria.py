"""Applying criteria to a tender in the officer UI: pinning, fit, suggestions that never tick,
§ 7-9 from the document on both sides of 1 July 2026, publishing as planned, and pins that
survive changes to the criteria files."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from procure import create_app
from procure.domain.criteria import DEFAULT_CRITERIA_DIR
from procure.models import Tender, TenderCriterion, TenderRequirement
from procure.services import tenders
from tests.helpers import add_works_draft, login, post_form


def demo_tender(db, key: str) -> Tender:
    return db.exec(select(Tender).where(Tender.reference.endswith(f"-{key}"))).one()


def new_tender(db, *, notice: date | None, cpv: str = "90911200-8", track: str | None = None,
               title: str = "Renhold av skoler") -> Tender:
    from procure.services.tenders import default_organisation

    tender = tenders.create_draft(db, default_organisation(db).id, title, "Behov",
                                  actor_id=None)
    tenders.update_tender(db, tender, {"planned_notice_date": notice, "cpv_code": cpv,
                                       "track": track}, actor_id=None)
    db.commit()
    return tender


def checked(page: str, value: str) -> bool:
    """Whether the checkbox with this value is checked on the page."""
    match = re.search(r'<input[^>]*value="' + re.escape(value) + '"[^>]*>', page)
    assert match, f"no checkbox for {value}"
    return " checked" in match.group(0)


def pins_of(db, tender: Tender) -> list[TenderCriterion]:
    db.expire_all()
    return list(db.exec(select(TenderCriterion).where(TenderCriterion.tender_id == tender.id)
                        .order_by(TenderCriterion.criterion_id)).all())


def select_criteria(client, tender: Tender, category: str, ids: list[str]):
    page = f"/officer/tenders/{tender.id}/criteria?category={category}"
    return post_form(client, f"/officer/tenders/{tender.id}/criteria/selection",
                     {"category": category, "criteria": ids}, page=page)


def add_award(client, tender: Tender, title: str, weight: str, *, climate=False,
              group="quality"):
    """An own award criterion, added on the requirements page as an officer would."""
    url = f"/officer/tenders/{tender.id}/requirements/new"
    data = {"kind": "award", "title": title, "weight": weight, "award_group": group,
            "parent_id": ""}
    if climate:
        data["climate_environment"] = "y"
    return post_form(client, url, data, page=url + "?kind=award")


def save_weights(client, tender: Tender, price, quality, climate):
    """Own award criteria for price, quality and (if weighted) climate and environment."""
    for title, weight, extra in (("Pris", price, {"group": "price"}), ("Kvalitet", quality, {}),
                                 ("Utslipp i bruk", climate, {"climate": True})):
        if weight:
            response = add_award(client, tender, title, weight, **extra)
            assert response.status_code == 302, response.get_data(as_text=True)


def save_duty(client, tender: Tender, *, spec="", exemption="", justification=""):
    return post_form(client, f"/officer/tenders/{tender.id}/climate/duty", {
        "spec_justification": spec, "exemption": exemption,
        "exemption_justification": justification},
        page=f"/officer/tenders/{tender.id}/climate")


def test_apply_criteria_to_a_demo_tender_until_the_duty_is_met(login_as, db):
    client = login_as("officer")
    tender = add_works_draft(db)  # construction works, a draft without criteria
    url = f"/officer/tenders/{tender.id}/criteria"
    page = client.get(url).get_data(as_text=True)
    assert "Bygg- og anleggsarbeider" in page and "Foreslått" in page  # suggested from CPV 45

    response = post_form(client, f"{url}/ambition", {"level": "avansert"}, page=url)
    assert response.status_code == 302
    page = client.get(url + "?category=construction-works").get_data(as_text=True)
    # The ambition level suggests; it never ticks.
    assert "Forhåndsvalgt" not in page
    for criterion in ("bld-maskin-01:1", "bld-nullutslipp-01:1", "bld-utslippsfri-01:1"):
        assert not checked(page, criterion)
    assert 'data-proposed="bld-maskin-01:1"' in page  # basis: suggested
    assert 'data-proposed="bld-nullutslipp-01:1"' in page  # avansert: suggested
    assert 'data-proposed="bld-utslippsfri-01:1"' not in page  # spydspiss: not

    response = select_criteria(client, tender, "construction-works",
                               ["bld-maskin-01:1", "bld-nullutslipp-01:1"])
    assert response.status_code == 302
    pins = pins_of(db, tender)
    assert [p.criterion_id for p in pins] == ["bld-maskin-01:1", "bld-nullutslipp-01:1"]
    assert all(len(p.content_hash) == 64 and p.snapshot["content"]["id"] == p.criterion_id
               for p in pins)

    # The library award criterion is weighed beside the officer's own.
    save_weights(client, tender, "60", "10", "")
    page = client.get(f"/officer/tenders/{tender.id}/climate").get_data(as_text=True)
    assert 'data-climate-status="not-met"' in page
    db.expire_all()
    rows = {r.title: r for r in db.exec(select(TenderRequirement).where(
        TenderRequirement.tender_id == tender.id)).all()}
    library_award = next(r for r in rows.values() if r.kind == "award" and r.criterion_pin_id)
    requirements_url = f"/officer/tenders/{tender.id}/requirements"
    award_rows = [r for r in rows.values() if r.kind == "award"]
    data = {}
    for index, row in enumerate(sorted(award_rows, key=lambda r: r.id)):
        data[f"rows-{index}-requirement_id"] = row.id
        data[f"rows-{index}-weight"] = {"Pris": "60", "Kvalitet": "10"}.get(row.title, "20")
    response = post_form(client, f"{requirements_url}/weights", data, page=requirements_url)
    assert response.status_code == 400
    assert ("Tildelingskriteriene veier 90 % til sammen; de må summere til 100 %."
            in response.get_data(as_text=True))
    data[f"rows-{sorted(award_rows, key=lambda r: r.id).index(library_award)}-weight"] = "30"
    response = post_form(client, f"{requirements_url}/weights", data, page=requirements_url)
    assert response.status_code == 302
    page = client.get(f"/officer/tenders/{tender.id}/climate").get_data(as_text=True)
    assert 'data-climate-status="met"' in page
    assert "quality-nor-env-criteria" in page
    db.refresh(tender)
    assert (tender.climate_status, tender.climate_basis, tender.climate_code) == (
        "met", "criteria", "quality-nor-env-criteria")
    assert (tender.weight_price, tender.weight_quality, tender.weight_climate) == (60, 10, 30)


def test_a_category_that_does_not_fit_asks_before_pinning_and_says_why(login_as, db):
    client = login_as("officer")
    tender = new_tender(db, notice=date(2026, 9, 1), cpv="34430000-0", title="Elsykler")
    url = f"/officer/tenders/{tender.id}/criteria"
    page = client.get(url).get_data(as_text=True)
    # No category fits bicycles: none opens by itself, and nothing is suggested.
    assert "Ingen kategori i biblioteket er laget for anskaffelsens CPV-kode." in page
    assert "data-proposed" not in page
    post_form(client, f"{url}/ambition", {"level": "basis"}, page=url)
    page = client.get(url + "?category=vehicles").get_data(as_text=True)
    assert 'data-fit="other-area"' in page and "data-proposed" not in page
    assert not checked(page, "veh-lov-01:1")
    response = select_criteria(client, tender, "vehicles", ["veh-lov-01:1"])
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Ikke laget for denne anskaffelsen." in text
    assert "er laget for CPV-kodene 34100000-8" in text and "34430000-0" in text
    assert "Fest dem likevel: Kjøretøy" in text
    assert checked(text, "veh-lov-01:1")  # what was ticked is kept
    assert pins_of(db, tender) == []
    confirm = {"category": "vehicles", "criteria": ["veh-lov-01:1"],
               "confirm_fit": "vehicles"}
    response = post_form(client, f"{url}/selection", confirm, page=url + "?category=vehicles")
    assert response.status_code == 302
    assert [p.criterion_id for p in pins_of(db, tender)] == ["veh-lov-01:1"]
    # A confirmation for another category does not count.
    response = post_form(client, f"{url}/selection", {
        "category": "textiles", "criteria": ["tex-kjem-01:1"], "confirm_fit": "vehicles"},
        page=url + "?category=textiles")
    assert response.status_code == 200 and len(pins_of(db, tender)) == 1


@pytest.mark.parametrize(("notice", "basis"), [("2026-06-30", "spec"),
                                               ("2026-07-01", "combination")])
def test_weights_and_spec_requirements_on_both_sides_of_1_july_2026(login_as, db, notice,
                                                                     basis):
    client = login_as("officer")
    tender = new_tender(db, notice=date.fromisoformat(notice))
    select_criteria(client, tender, "cleaning-services", ["cln-kjem-01:1"])
    save_weights(client, tender, "80", "10", "10")
    page = client.get(f"/officer/tenders/{tender.id}/climate").get_data(as_text=True)
    assert 'data-climate-status="not-met"' in page
    assert "Kravene i kravspesifikasjonen må begrunnes i anskaffelsesdokumentene" in page
    assert save_duty(client, tender, spec="Kravene gir klart bedre effekt.").status_code == 302
    page = client.get(f"/officer/tenders/{tender.id}/climate").get_data(as_text=True)
    assert 'data-climate-status="met"' in page and "quality-nor-env-spec" in page
    db.refresh(tender)
    assert (tender.climate_basis, tender.climate_code) == (basis, "quality-nor-env-spec")


@pytest.mark.parametrize(("notice", "status", "code"), [
    ("2026-06-30", "not-met", None),
    ("2026-07-01", "met", "quality-nor-env-exempt-national-minimum"),
])
def test_national_minimum_exemption_from_1_july_2026(login_as, db, notice, status, code):
    client = login_as("officer")
    tender = new_tender(db, notice=date.fromisoformat(notice))
    page = client.get(f"/officer/tenders/{tender.id}/climate").get_data(as_text=True)
    assert ("ikke i reglene for denne kunngjøringsdatoen" in page) == (status == "not-met")
    response = save_duty(client, tender, exemption="national-minimum",
                         justification="Nasjonale minstekrav regulerer fotavtrykket.")
    assert response.status_code == 302
    db.refresh(tender)
    assert (tender.climate_status, tender.climate_code) == (status, code)


def test_changing_the_notice_date_in_the_wizard_rechecks_the_duty(login_as, db):
    client = login_as("officer")
    tender = new_tender(db, notice=date(2026, 6, 30))
    select_criteria(client, tender, "cleaning-services", ["cln-kjem-01:1"])
    save_weights(client, tender, "80", "10", "10")
    save_duty(client, tender, spec="Kravene gir klart bedre effekt.")
    db.refresh(tender)
    assert tender.climate_basis == "spec"
    url = f"/officer/tenders/{tender.id}/steps/contract"
    response = post_form(client, url, {"contract_type": "services",
                                       "buyer_type": "municipality",
                                       "planned_notice_date": "2026-08-03"})
    assert response.status_code == 302, response.text
    db.refresh(tender)
    assert (tender.climate_status, tender.climate_basis) == ("met", "combination")


def test_publishing_is_blocked_and_the_page_says_exactly_what_is_missing(login_as, db):
    client = login_as("officer")
    tender = new_tender(db, notice=date(2026, 9, 1))
    overview = f"/officer/tenders/{tender.id}"
    confirm = f"{overview}/publish"
    assert "Bekreft: publiser som planlagt" not in client.get(confirm).text
    response = post_form(client, confirm, {"version": str(tender.version)}, page=overview)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Anskaffelsen kan ikke publiseres ennå." in page
    assert '<li data-blocker="track">Velg spor (steg 5 i veiviseren).' in page
    assert ('<li data-blocker="climate">Klima- og miljøplikten (FOA § 7-9 (fra 1. juli 2026)) '
            "er ikke oppfylt ennå:") in page
    assert "Klima og miljø må vektes minst 30 % i tildelingskriteriene (nå 0 %)." in page
    assert "Publiser som planlagt…</a>" not in page
    db.refresh(tender)
    assert tender.planned_at is None

    save_weights(client, tender, "70", "", "30")
    page = client.get(overview).get_data(as_text=True)
    assert 'data-blocker="climate"' not in page and 'data-blocker="track"' in page
    db.refresh(tender)
    tenders.update_tender(db, tender, {"track": "simplified-competition"}, actor_id=None)
    db.commit()
    page = client.get(overview).get_data(as_text=True)
    assert 'data-blocker' not in page and "Publiser som planlagt…</a>" in page
    assert "Bekreft: publiser som planlagt" in client.get(confirm).text
    response = post_form(client, confirm, {}, page=confirm)
    db.refresh(tender)
    assert tender.status == "planned" and tender.climate_status == "met"
    assert "Publisert som planlagt" in client.get(response.location).get_data(as_text=True)
    assert "Renhold av skoler" in client.get("/").get_data(as_text=True)


def test_pinned_criteria_are_removed_or_updated_with_their_requirement(login_as, db):
    client = login_as("officer")
    tender = demo_tender(db, "DEMO-K1")  # pinned vehicle criteria from the 2025-1 set
    url = f"/officer/tenders/{tender.id}/criteria"
    page = client.get(url).get_data(as_text=True)
    assert "Nyere versjon: veh-ev-01:2" in page
    pins = {p.criterion_id: p for p in pins_of(db, tender)}
    response = post_form(client, f"{url}/pins", {"upgrade": pins["veh-ev-01:1"].id}, page=url)
    assert response.status_code == 302
    pins = {p.criterion_id: p for p in pins_of(db, tender)}
    assert "veh-ev-01:2" in pins and "veh-ev-01:1" not in pins
    row = db.exec(select(TenderRequirement).where(
        TenderRequirement.criterion_pin_id == pins["veh-ev-01:2"].id)).one()
    assert row.title == "Nullutslipp for alle varebiler"  # the new version's text
    response = post_form(client, f"{url}/pins", {"remove": pins["veh-euro-01:1"].id}, page=url)
    assert response.status_code == 302
    pins = {p.criterion_id: p for p in pins_of(db, tender)}
    assert "veh-euro-01:1" not in pins
    titles = {r.title for r in db.exec(select(TenderRequirement).where(
        TenderRequirement.tender_id == tender.id)).all()}
    assert "Avgasskrav der forbrenningsmotor unntaksvis aksepteres" not in titles
    assert post_form(client, f"{url}/pins", {}, page=url).status_code == 400


def test_other_organisations_and_unknown_pins_give_404(login_as, db):
    client = login_as("officer")
    tender = demo_tender(db, "DEMO-1")
    url = f"/officer/tenders/{tender.id}/criteria"
    assert post_form(client, f"{url}/pins", {"remove": "99999"}, page=url).status_code == 404
    for path in ("criteria", "climate"):
        assert client.get(f"/officer/tenders/99999/{path}").status_code == 404


def test_cli_shows_pinned_criteria_weights_and_the_check(login_as, db, runner):
    login_as("officer")
    tender = demo_tender(db, "DEMO-1")
    result = runner.invoke(args=["tender", "show", str(tender.id), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["weights"] == {"price": 60, "quality": 10, "climate_environment": 30, "other": 0}
    assert any(row["criterion"] and row["criterion"]["id"] == "cln-kjem-01:1"
               and row["criterion"]["version"] == 1 and len(row["criterion"]["hash"]) == 64
               for row in data["requirements"])
    assert any(row["title"] == "Erfaring med renhold av barnehager" and row["criterion"] is None
               for row in data["requirements"])
    assert (data["climate"]["status"], data["climate"]["basis"], data["climate"]["code"]) == (
        "met", "criteria", "quality-nor-env-criteria")
    text = runner.invoke(args=["tender", "show", str(tender.id)])
    assert "§ 7-9: met (criteria, quality-nor-env-criteria)" in text.output
    assert "qualification    Erfaring med renhold av barnehager" in text.output
    missing = runner.invoke(args=["tender", "show", "99999", "--json"])
    assert missing.exit_code == 1 and "no tender with id 99999" in missing.output


# --- pinning survives changes to the criteria files ------------------------------------------

NEW_VEHICLES = '''\
id = "vehicles"
version = "2027-1"
title = "Kjøretøy"
title_en = "Vehicles"
cpv = ["34100000-8"]
published = 2026-07-15
valid_from = 2026-08-01
supersedes = "2026-1"

[[sources]]
id = "su-fordon"
title = "Upphandlingsmyndigheten: Hållbarhetskriterier för fordon"
url = "https://www.upphandlingsmyndigheten.se/"

[[criteria]]
id = "veh-lade-01:2"
type = "specification"
level = "basis"
title = "Styrt lading med åpen protokoll"
text = "Kjøretøyene skal støtte styrt lading etter OCPP 2.0.1 eller nyere."
verification = "Produktblad."
climate_environment = true
source = "su-fordon"
'''


@pytest.fixture
def criteria_copy(tmp_path):
    directory = tmp_path / "criteria"
    shutil.copytree(DEFAULT_CRITERIA_DIR, directory)
    return directory


def app_with(engine, tmp_path: Path, criteria_dir: Path):
    return create_app({
        "TESTING": True, "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "DATABASE_URL": engine.url.render_as_string(hide_password=False), "ENGINE": engine,
        "OUTBOX_DIR": str(tmp_path / "outbox"), "CRITERIA_DIR": str(criteria_dir),
    })


def test_pinning_survives_changes_to_the_criteria_files(login_as, db, engine, tmp_path,
                                                        criteria_copy):
    login_as("officer")  # demo data and an officer account
    app = app_with(engine, tmp_path, criteria_copy)
    client = app.test_client()
    assert login(client, "officer@test.example", "correct horse battery").status_code == 302
    tender = new_tender(db, notice=date(2026, 9, 1), cpv="34144900-7", title="Elbiler")
    select_criteria(client, tender, "vehicles", ["veh-lade-01:1", "veh-lov-01:1"])
    before = {p.criterion_id: (p.content_hash, p.snapshot) for p in pins_of(db, tender)}
    original_text = before["veh-lade-01:1"][1]["content"]["text"]

    # A new set version changes veh-lade-01 and drops everything else ...
    (criteria_copy / "vehicles" / "2027-1.toml").write_text(NEW_VEHICLES, encoding="utf-8")
    # ... and, against the rules, the published 2026-1 file is edited in place.
    published = criteria_copy / "vehicles" / "2026-1.toml"
    published.write_text(published.read_text(encoding="utf-8").replace(
        original_text, "Endret tekst i en publisert fil."), encoding="utf-8")

    changed = app_with(engine, tmp_path, criteria_copy)
    assert changed.extensions["procure.criteria"].criterion("veh-lade-01:1").text == (
        "Endret tekst i en publisert fil.")
    client = changed.test_client()
    assert login(client, "officer@test.example", "correct horse battery").status_code == 302
    after = {p.criterion_id: (p.content_hash, p.snapshot) for p in pins_of(db, tender)}
    assert after == before
    page = client.get(f"/officer/tenders/{tender.id}/criteria").get_data(as_text=True)
    assert "veh-lade-01:1" in page and "Nyere versjon: veh-lade-01:2" in page
    result = changed.test_cli_runner().invoke(args=["tender", "show", str(tender.id), "--json"])
    shown = {row["criterion"]["id"]: row["criterion"]["hash"]
             for row in json.loads(result.output)["requirements"] if row["criterion"]}
    assert shown == {cid: value[0] for cid, value in before.items()}

    report = client.get("/officer/criteria/superseded").get_data(as_text=True)
    assert 'data-pin="veh-lade-01:1"' in report and "veh-lade-01:2" in report
    assert "Styrt lading med åpen protokoll" in report  # the new title, in the diff
    assert 'data-pin="veh-lov-01:1"' in report  # dropped from the new set

    # Even with the category gone, the tender keeps its pinned text.
    shutil.rmtree(criteria_copy / "vehicles")
    gone = app_with(engine, tmp_path, criteria_copy)
    client = gone.test_client()
    login(client, "officer@test.example", "correct horse battery")
    page = client.get(f"/officer/tenders/{tender.id}/criteria").get_data(as_text=True)
    assert page.count(original_text) == 1 and "Fjernet fra settet som gjelder nå" in page
    assert {p.criterion_id: (p.content_hash, p.snapshot) for p in pins_of(db, tender)} == before


def test_two_officers_saving_the_climate_page_lose_nothing(app, login_as, db):
    """A stale § 7-9 form is refused with what changed; the typing is kept."""
    from tests.helpers import csrf_token

    first = login_as("officer")
    tender = new_tender(db, notice=date(2026, 9, 1))
    url = f"/officer/tenders/{tender.id}/climate"
    second = app.test_client()
    login(second, "officer@lillestrom.example", "demo-password")
    page_one = first.get(url).get_data(as_text=True)
    page_two = second.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page_one).group(1)
    assert f'name="version" type="hidden" value="{version}"' in page_two

    response = first.post(f"{url}/duty", data={
        "csrf_token": csrf_token(page_one), "version": version,
        "spec_justification": "Krav til utslippsfrie kjøretøy er nok.", "exemption": "",
        "exemption_justification": ""})
    assert response.status_code == 302
    response = second.post(f"{url}/duty", data={
        "csrf_token": csrf_token(page_two), "version": version,
        "spec_justification": "Min egen begrunnelse.", "exemption": "",
        "exemption_justification": ""})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Noen andre endret denne anskaffelsen mens du redigerte den" in text
    assert "Begrunnelse for kravene i kravspesifikasjonen" in text
    assert "Krav til utslippsfrie kjøretøy er nok." in text  # what the first officer saved
    assert "Min egen begrunnelse." in text  # the second officer's typing is kept
    db.expire_all()
    assert db.get(Tender, tender.id).climate_spec_justification == (
        "Krav til utslippsfrie kjøretøy er nok.")


def test_the_rule_variant_is_named_by_a_date_in_words(login_as, db):
    """The climate page named the § 7-9 variant by its id, an ISO date ("2026-07-01")."""
    client = login_as("officer")
    tender = new_tender(db, notice=date(2026, 9, 1))
    page = client.get(f"/officer/tenders/{tender.id}/climate").get_data(as_text=True)
    assert "Versjonen fra 1. juli 2026" in page.replace("\xa0", " ")
    assert "Versjonen fra 2026-" not in page


def test_the_tender_page_names_its_rule_set_by_a_date_in_words(login_as, db):
    client = login_as("officer")
    tender = new_tender(db, notice=date(2026, 9, 1))
    tender.rules_version = "2026-07-01"
    db.add(tender)
    db.commit()
    page = client.get(f"/officer/tenders/{tender.id}").get_data(as_text=True)
    assert "Gjelder fra 1. juli 2026" in page.replace("\xa0", " ")
