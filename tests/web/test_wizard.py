"""The new-tender wizard: PRG steps, task list, recommendation, choice of track."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from procure.models import AuditEvent, Tender
from tests.helpers import post_form


def walk_to_recommendation(client, *, monthly="25000", months="36", notice="2026-09-01",
                           contract_type="services", innovation="none", market="known",
                           rnd="no", title="Renhold av skoler"):
    response = post_form(client, "/officer/tenders/new", {
        "title": title, "description": "Renhold av tre skoler med miljømerkede midler.",
        "cpv_code": "90911200-8"})
    assert response.status_code == 302, response.text
    value_url = response.location
    assert value_url.endswith("/steps/value")
    response = post_form(client, value_url, {
        "lots-0-name": "", "lots-0-monthly": monthly, "lots-0-months": months,
        "lots-0-extension_months": "", "save": "1"})
    assert response.status_code == 302, response.text
    response = post_form(client, response.location, {
        "contract_type": contract_type, "buyer_type": "municipality",
        "planned_notice_date": notice})
    assert response.status_code == 302, response.text
    response = post_form(client, response.location, {
        "innovation": innovation, "market": market, "needs_rnd": rnd})
    assert response.status_code == 302, response.text
    assert response.location.endswith("/steps/recommendation")
    return response.location


def test_walk_to_a_simplified_competition(login_as, db):
    client = login_as("officer")
    url = walk_to_recommendation(client)
    page = client.get(url).get_data(as_text=True)
    assert "Forenklet konkurranse" in page
    assert 'data-obligation="protocol"' in page
    assert 'data-obligation="climate-environment"' in page
    tender = db.exec(select(Tender).where(Tender.title == "Renhold av skoler")).one()
    assert tender.estimated_value == Decimal("900000")
    assert tender.value_estimate["lines"][-1] == "Anslått verdi i alt: 900 000 kr ekskl. mva."
    assert tender.rules_version and tender.recommendation["regime"] == "part-1"
    assert tender.recommended_track == "simplified-competition"
    assert tender.recommendation["inputs"]["notice_date"] == "2026-09-01"

    response = post_form(client, url, {"track": "simplified-competition", "reason": ""})
    assert response.status_code == 302
    db.refresh(tender)
    assert tender.track == "simplified-competition" and tender.track_reason == ""
    overview = client.get(response.location).get_data(as_text=True)
    assert overview.count("Fullført") == 5, overview[overview.find("task-list"):][:3000]


def test_deviation_needs_a_reason_which_is_recorded(login_as, db):
    client = login_as("officer")
    url = walk_to_recommendation(client)
    response = post_form(client, url, {"track": "market-dialogue", "reason": ""})
    assert response.status_code == 400
    assert "Oppgi begrunnelsen" in response.get_data(as_text=True)
    tender = db.exec(select(Tender).where(Tender.title == "Renhold av skoler")).one()
    assert tender.track is None
    response = post_form(client, url, {"track": "market-dialogue",
                                       "reason": "Vi vil lære mer om robotrenhold først."})
    assert response.status_code == 302
    db.refresh(tender)
    assert tender.track == "market-dialogue"
    assert tender.track_reason == "Vi vil lære mer om robotrenhold først."
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "tender.track_chosen")).all()
    assert events[-1].details["changes"]["track_reason"][1].startswith("Vi vil lære")


def test_unknown_market_recommends_market_dialogue(login_as):
    client = login_as("officer")
    url = walk_to_recommendation(client, market="unknown", innovation="adapt")
    page = client.get(url).get_data(as_text=True)
    assert "Markedsdialog før konkurranse" in page


def test_eea_value_gives_part_3_and_ted(login_as, db):
    client = login_as("officer")
    walk_to_recommendation(client, monthly="100000", months="48", title="Stor avtale")
    tender = db.exec(select(Tender).where(Tender.title == "Stor avtale")).one()
    assert tender.recommendation["regime"] == "part-3"
    assert "ted" in tender.recommendation["notice"]


@pytest.mark.parametrize(("notice", "regime"), [("2026-06-30", "part-1"),
                                                 ("2026-07-01", "outside")])
def test_rules_follow_the_notice_date(login_as, db, notice, regime):
    client = login_as("officer")
    walk_to_recommendation(client, monthly="10000", months="40", notice=notice,
                           title=f"Kjøp {notice}")
    tender = db.exec(select(Tender).where(Tender.title == f"Kjøp {notice}")).one()
    assert tender.estimated_value == Decimal("400000")
    assert tender.recommendation["regime"] == regime


def test_web_and_cli_agree(login_as, db, runner):
    import json

    from procure.cli.recommend import recommend_command

    client = login_as("officer")
    walk_to_recommendation(client, title="Samme svar")
    tender = db.exec(select(Tender).where(Tender.title == "Samme svar")).one()
    from click.testing import CliRunner

    from procure.services.chooser import earlier_same_division_total

    earlier = earlier_same_division_total(db, tender)
    assert earlier > 0  # the demo has a cleaning tender in division 90 the same year
    args = ["--value", "900000", "--contract-type", "services", "--date", "2026-09-01",
            "--cpv", "90911200-8", "--months", "36", "--earlier-total", str(earlier), "--json"]
    result = CliRunner().invoke(recommend_command, args)
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    stored = {k: v for k, v in tender.recommendation.items() if k not in ("inputs", "en")}
    assert cli == stored
    english = CliRunner().invoke(recommend_command, [*args, "--lang", "en"])
    assert json.loads(english.output) == tender.recommendation["en"]


def test_english_chooser_page_shows_the_answer_in_english(login_as, db):
    # Issue 18 point 14: explanation, warnings and checklist follow the UI language.
    client = login_as("officer")
    url = walk_to_recommendation(client, monthly="250000", months="36",
                                 contract_type="health-social", title="Avlastning")
    post_form(client, "/language", {"lang": "en", "next": url}, page=url)
    page = client.get(url).get_data(as_text=True)
    assert "Parts I and IV of the regulations" in page
    assert "Competitive procedure with negotiation" in page
    assert 'data-obligation="award-notice"' in page and "Contract award notice" in page
    assert "Announce the contract award on Doffin" in page
    assert "Kunngjør" not in page and "Anbefalt prosedyre" not in page
    post_form(client, "/language", {"lang": "nb", "next": url}, page=url)
    page = client.get(url).get_data(as_text=True)
    assert "Kunngjør kontraktstildelingen" in page and "Meddelelse om tildeling" in page


def test_value_step_errors_are_explained_and_nothing_saved(login_as, db):
    client = login_as("officer")
    response = post_form(client, "/officer/tenders/new", {"title": "Feil verdi",
                                                          "description": "x"})
    value_url = response.location
    response = post_form(client, value_url, {"lots-0-monthly": "-5", "save": "1"})
    assert response.status_code == 400
    assert "Beløpet kan ikke være negativt." in response.get_data(as_text=True)
    response = post_form(client, value_url, {"lots-0-monthly": "1000", "lots-0-months": "0",
                                             "save": "1"})
    assert response.status_code == 400
    assert "Oppgi antall måneder" in response.get_data(as_text=True)
    tender = db.exec(select(Tender).where(Tender.title == "Feil verdi")).one()
    assert tender.estimated_value is None


def test_lots_are_added_without_javascript(login_as, db):
    client = login_as("officer")
    response = post_form(client, "/officer/tenders/new", {"title": "Delt", "description": "x"})
    value_url = response.location
    response = post_form(client, value_url, {"lots-0-name": "Nord", "lots-0-one_off": "100000",
                                             "add_lot": "1"})
    assert response.status_code == 200
    assert 'name="lots-1-name"' in response.get_data(as_text=True)
    response = post_form(client, value_url, {
        "lots-0-name": "Nord", "lots-0-one_off": "100000",
        "lots-1-name": "Sør", "lots-1-framework": "y", "lots-1-framework_max": "250000",
        "save": "1"})
    assert response.status_code == 302
    tender = db.exec(select(Tender).where(Tender.title == "Delt")).one()
    assert tender.estimated_value == Decimal("350000")
    assert any("Rammeavtale: maksimal verdi 250 000 kr" in line
               for line in tender.value_estimate["lines"])


def test_recommendation_waits_for_earlier_steps(login_as, db):
    client = login_as("officer")
    response = post_form(client, "/officer/tenders/new", {"title": "Halv", "description": "x"})
    tender_url = response.location.rsplit("/steps/", 1)[0]
    response = client.get(tender_url + "/steps/recommendation")
    assert response.status_code == 302, response.status_code
    assert response.location == tender_url
    page = client.get(tender_url).get_data(as_text=True)
    assert "Kan ikke starte ennå" in page


def test_unknown_step_is_404(login_as):
    client = login_as("officer")
    response = post_form(client, "/officer/tenders/new", {"title": "X", "description": "x"})
    tender_url = response.location.rsplit("/steps/", 1)[0]
    assert client.get(tender_url + "/steps/nope").status_code == 404


def test_changing_an_answer_recomputes_and_asks_for_a_new_choice(login_as, db):
    client = login_as("officer")
    url = walk_to_recommendation(client, title="Endres")
    post_form(client, url, {"track": "simplified-competition"})
    tender = db.exec(select(Tender).where(Tender.title == "Endres")).one()
    tender_url = url.rsplit("/steps/", 1)[0]
    response = post_form(client, tender_url + "/steps/innovation", {
        "innovation": "none", "market": "unknown", "needs_rnd": "no"})
    assert response.status_code == 302
    db.refresh(tender)
    assert tender.recommended_track == "market-dialogue"
    assert tender.track is None


def test_new_rule_texts_alone_keep_the_chosen_track(login_as, db):
    """An answer stored under older rule texts is refreshed on the next save, but while the
    officer's answers are the same and the track is still lawful, the choice stands."""
    client = login_as("officer")
    url = walk_to_recommendation(client, title="Eldre regler")
    post_form(client, url, {"track": "simplified-competition"})
    tender = db.exec(select(Tender).where(Tender.title == "Eldre regler")).one()
    older = {key: value for key, value in tender.recommendation.items() if key != "en"}
    older["explanation"] = "Text from an earlier rule set."
    tender.recommendation = older
    db.add(tender)
    db.commit()
    tender_url = url.rsplit("/steps/", 1)[0]
    response = post_form(client, tender_url + "/steps/need", {
        "title": "Eldre regler, nytt navn", "description": "Renhold av tre skoler.",
        "cpv_code": "90911200-8"})
    assert response.status_code == 302, response.text
    db.refresh(tender)
    assert tender.recommendation["explanation"] != "Text from an earlier rule set."
    assert "en" in tender.recommendation
    assert tender.track == "simplified-competition"


def test_stored_recommendation_survives_a_rule_change(login_as, db, app):
    """The answer is reproducible: a GET never recomputes it with newer rules."""
    client = login_as("officer")
    url = walk_to_recommendation(client, title="Fryst")
    tender = db.exec(select(Tender).where(Tender.title == "Fryst")).one()
    before = dict(tender.recommendation)
    app.extensions["procure.rulebook"] = None  # any use of the rules now would fail
    assert client.get(url).status_code == 200
    db.refresh(tender)
    assert tender.recommendation == before


def test_cpv_code_is_checked_by_lookup(login_as, db):
    client = login_as("officer")
    response = post_form(client, "/officer/tenders/new", {
        "title": "Feil CPV", "description": "x", "cpv_code": "90911200-1"})
    assert response.status_code == 400
    assert "90911200-1 er ikke en CPV-kode" in response.get_data(as_text=True)
    response = post_form(client, "/officer/tenders/new", {
        "title": "Uten sjekksiffer", "description": "x", "cpv_code": "90911200"})
    assert response.status_code == 302
    tender = db.exec(select(Tender).where(Tender.title == "Uten sjekksiffer")).one()
    assert tender.cpv_code == "90911200-8"


def test_two_officers_editing_the_same_tender_lose_nothing(app, login_as, db):
    """The second save is refused with what changed; the second officer's text is kept."""
    from tests.helpers import csrf_token, login

    first = login_as("officer")
    response = post_form(first, "/officer/tenders/new", {"title": "Felles", "description": "A"})
    need_url = response.location.replace("/steps/value", "/steps/need")
    second = app.test_client()
    login(second, "officer@lillestrom.example", "demo-password")

    # Both open the need step on the same version.
    page_one = first.get(need_url).get_data(as_text=True)
    page_two = second.get(need_url).get_data(as_text=True)
    version = 'name="version" type="hidden" value="'
    assert version + "1\"" in page_one and version + "1\"" in page_two

    response = first.post(need_url, data={"title": "Felles", "description": "Fra første",
                                          "version": "1", "csrf_token": csrf_token(page_one)})
    assert response.status_code == 302
    response = second.post(need_url, data={"title": "Felles", "description": "Fra andre",
                                           "version": "1", "csrf_token": csrf_token(page_two)})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Noen andre endret denne anskaffelsen mens du redigerte den" in text
    assert "«A» → «Fra første»" in text and "(officer@test.example," in text
    assert "Fra andre" in text  # the second officer's typing is still in the form
    assert version + "2\"" in text  # and is now based on the current version
    tender = db.exec(select(Tender).where(Tender.title == "Felles")).one()
    assert tender.description == "Fra første"

    # Saving again, deliberately, goes through.
    response = second.post(need_url, data={"title": "Felles", "description": "Fra andre",
                                           "version": "2", "csrf_token": csrf_token(text)})
    assert response.status_code == 302
    db.refresh(tender)
    assert tender.description == "Fra andre" and tender.version == 3


def test_conflict_check_is_atomic(db):
    """A stale in-memory copy cannot overwrite a newer row, even without expected_version."""
    from sqlmodel import Session

    from procure.services import tenders
    from tests.support.templates import load_demo

    organisation = load_demo(db)
    tender = tenders.create_draft(db, organisation.id, "Kappløp")
    db.commit()
    with Session(db.get_bind()) as other:
        stale = other.get(Tender, tender.id)
        tenders.update_tender(db, tender, {"description": "først"}, actor_id=None)
        db.commit()
        with pytest.raises(tenders.TenderConflict):
            tenders.update_tender(other, stale, {"description": "sist"}, actor_id=None)
    db.refresh(tender)
    assert tender.description == "først"


def test_framework_term_from_the_value_step_reaches_the_four_year_warning(login_as, db):
    # Issue 18 point 13: Directive 2014/24 art. 33 / FOA § 26-1, from the web as from the CLI.
    client = login_as("officer")
    response = post_form(client, "/officer/tenders/new", {
        "title": "Rammeavtale kontorrekvisita", "description": "Kontorrekvisita til alle enheter.",
        "cpv_code": "30192000-1"})
    value_url = response.location
    response = post_form(client, value_url, {
        "lots-0-name": "", "lots-0-framework": "y", "lots-0-framework_max": "4000000",
        "lots-0-months": "60", "save": "1"})
    assert response.status_code == 302, response.text
    response = post_form(client, response.location, {
        "contract_type": "goods", "buyer_type": "municipality",
        "planned_notice_date": "2026-09-01"})
    response = post_form(client, response.location, {
        "innovation": "none", "market": "known", "needs_rnd": "no"})
    page = client.get(response.location).get_data(as_text=True)
    assert 'data-warning="framework-duration"' in page and "60 måneder" in page
    tender = db.exec(select(Tender).where(Tender.title == "Rammeavtale kontorrekvisita")).one()
    assert tender.estimated_value == Decimal("4000000")
