from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select

from procure.mail import outbox_messages
from procure.models import InterestRegistration
from tests.helpers import csrf_token
from tests.public_data import event, organisation, tender
from tests.support.templates import load_demo

HIDDEN_RE = re.compile(r'<input[^>]*name="(started|purchase|event)"[^>]*value="([^"]*)"')
CHECKED_RE = re.compile(r'<input checked[^>]*name="divisions"[^>]*value="(\d\d)"')


@pytest.fixture
def fast(app, db):
    """People take seconds to fill the form; the tests take none. The public site's
    organisation is there: registrations for categories belong to it (issue 19)."""
    app.config["INTEREST_MIN_FILL_SECONDS"] = 0
    organisation(db)
    db.commit()
    return app


def form_fields(html: str) -> dict[str, str]:
    fields = {"csrf_token": csrf_token(html)}
    for name, value in HIDDEN_RE.findall(html):
        fields[name] = value
    fields["divisions"] = CHECKED_RE.findall(html)  # what the browser would send
    return fields


def submit(client, data: dict, page: str = "/interest"):
    html = client.get(page).text
    payload = {**form_fields(html), "orgnr": "934 567 897", "email": "Post@Bedrift.example",
               "consent": "y", "alerts": "y", **data}
    return client.post("/interest", data=payload)


def outbox(app) -> list:
    return outbox_messages(Path(app.config["OUTBOX_DIR"]))


def link(message, path: str) -> str:
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s]+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def test_register_confirm_and_see_it_as_an_officer(app, fast, client, db, login_as):
    load_demo(db)
    db.commit()
    response = submit(client, {"divisions": ["90", "77"], "business_name": ""})
    assert response.status_code == 302 and response.location == "/interest/sent"
    [message] = outbox(app)
    assert message["To"] == "post@bedrift.example"
    assert message["Subject"] == "Bekreft registreringen av interesse"
    assert "Strømmen Renhold AS" in message.get_content()  # filled in from the register
    assert message["List-Unsubscribe"]
    confirm_path = link(message, "/interest/confirm/")
    row = db.exec(select(InterestRegistration)).one()
    assert row.confirmed_at is None
    page = client.get(confirm_path)  # a link scanner's GET confirms nothing
    assert page.status_code == 200 and "Strømmen Renhold AS" in page.text
    db.refresh(row)
    assert row.confirmed_at is None
    done = client.post(confirm_path, data={"csrf_token": csrf_token(page.text)})
    assert done.status_code == 302 and done.location == "/interest/confirmed"
    db.refresh(row)
    assert row.confirmed_at is not None
    assert client.get(confirm_path).status_code == 404  # used up
    officer = login_as("officer")
    from procure.models import Tender

    cleaning = db.exec(select(Tender).where(Tender.cpv_code == "90911200-8")).first()
    text = officer.get(f"/officer/tenders/{cleaning.id}/public").text
    assert "Strømmen Renhold AS" in text and "post@bedrift.example" in text


def test_register_for_a_conference(app, fast, client, db):
    row = tender(db, "Renhold")
    conference = event(db, row, "Dialogkonferanse om renhold")
    db.commit()
    page = f"/interest?event={conference.id}"
    assert "Dialogkonferanse om renhold" in client.get(page).text
    response = submit(client, {"business_name": "Ny Bedrift AS", "orgnr": "923456783"}, page)
    assert response.status_code == 302
    registration = db.exec(select(InterestRegistration)).one()
    assert registration.dialogue_event_id == conference.id
    assert registration.tender_id == row.id
    assert registration.divisions == ["90"]  # prefilled from the purchase


def test_errors_are_shown_with_a_summary(fast, client, db):
    response = submit(client, {"orgnr": "123456789", "email": "nope", "consent": ""})
    assert response.status_code == 400
    text = response.text
    assert "Det er et problem" in text
    assert "Skriv et gyldig organisasjonsnummer" in text
    assert "Skriv inn en gyldig e-postadresse." in text
    assert 'aria-invalid="true"' in text
    assert db.exec(select(InterestRegistration)).all() == []


def test_unknown_business_must_give_its_name(fast, client, db):
    response = submit(client, {"orgnr": "923456783", "divisions": ["90"]})
    assert response.status_code == 400
    assert "Skriv navnet på virksomheten." in response.text


def test_honeypot_pretends_success_and_stores_nothing(app, fast, client, db):
    response = submit(client, {"divisions": ["90"], "business_name": "Bot AS",
                               "website": "http://spam.example"})
    assert response.status_code == 302 and response.location == "/interest/sent"
    assert db.exec(select(InterestRegistration)).all() == [] and outbox(app) == []


def test_too_fast_or_forged_start_is_refused(app, client, db):
    response = submit(client, {"divisions": ["90"], "business_name": "Rask AS"})
    assert response.status_code == 400
    assert "Se over svarene og send skjemaet på nytt." in response.text
    forged = submit(client, {"divisions": ["90"], "business_name": "Rask AS",
                             "started": "forged"})
    assert forged.status_code == 400
    assert db.exec(select(InterestRegistration)).all() == []


def test_rate_limit(app, fast, client):
    app.config["INTEREST_RATE_LIMIT"] = "2 per minute"
    for _attempt in range(2):
        assert submit(client, {"orgnr": "1"}).status_code == 400
    limited = submit(client, {"orgnr": "1"})
    assert limited.status_code == 429
    assert "For mange forsøk" in limited.text


def test_unsubscribe_one_click_and_erase(app, fast, client, db):
    submit(client, {"divisions": ["90"], "business_name": "Bedrift AS"})
    [message] = outbox(app)
    confirm_path = link(message, "/interest/confirm/")
    client.post(confirm_path, data={"csrf_token": csrf_token(client.get(confirm_path).text)})
    unsubscribe_url = message["List-Unsubscribe"].strip("<>")
    path = "/" + unsubscribe_url.split("/", 3)[3]
    # RFC 8058: the mail client posts without a form or a CSRF token.
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 204
    row = db.exec(select(InterestRegistration)).one()
    db.refresh(row)
    assert not row.alerts
    page = client.get(path)
    assert "Slett alle opplysningene mine" in page.text
    erased = client.post(path, data={"erase": "1"})
    assert erased.location == "/privacy/erased"
    assert db.exec(select(InterestRegistration)).all() == []
    assert client.get(path).status_code == 404


def test_erasure_on_request_by_email(app, fast, client, db):
    submit(client, {"divisions": ["90"], "business_name": "Bedrift AS"})
    page = client.get("/privacy")
    assert "Personvernerklæring" in page.text
    unknown = client.post("/privacy", data={"csrf_token": csrf_token(page.text),
                                            "email": "ukjent@x.example"})
    known = client.post("/privacy", data={"csrf_token": csrf_token(page.text),
                                          "email": "POST@bedrift.example"})
    assert unknown.location == known.location == "/privacy/erase-sent"  # no enumeration
    messages = outbox(app)
    # The same mail to a known and an unknown address: nothing tells them apart.
    assert [m["To"] for m in messages[1:]] == ["ukjent@x.example", "post@bedrift.example"]
    assert (messages[1].get_content().split("/privacy/erase/")[0]
            == messages[2].get_content().split("/privacy/erase/")[0])
    erase_path = link(messages[2], "/privacy/erase/")
    confirm_page = client.get(erase_path)
    assert confirm_page.status_code == 200
    assert db.exec(select(InterestRegistration)).all() != []
    done = client.post(erase_path, data={"csrf_token": csrf_token(confirm_page.text)})
    assert done.location == "/privacy/erased"
    assert db.exec(select(InterestRegistration)).all() == []


def test_confirmation_email_in_english(app, fast, client, db):
    html = client.post("/language", data={"lang": "en", "next": "/interest",
                                          "csrf_token": csrf_token(client.get("/").text)})
    assert html.status_code == 302
    submit(client, {"divisions": ["90"], "business_name": "Bedrift AS"})
    [message] = outbox(app)
    assert message["Subject"] == "Confirm your registration of interest"
    assert "Confirm the registration here" in message.get_content()


def test_rate_limits_follow_the_visitor_behind_a_proxy(engine, tmp_path):
    from procure import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "p" * 40, "ENGINE": engine,
                      "DATABASE_URL": engine.url.render_as_string(hide_password=False),
                      "OUTBOX_DIR": str(tmp_path), "PROXY_COUNT": 1,
                      "INTEREST_RATE_LIMIT": "1 per minute", "WTF_CSRF_ENABLED": False})
    client = app.test_client()

    def post(address: str) -> int:
        return client.post("/interest", data={"orgnr": "1"},
                           headers={"X-Forwarded-For": address}).status_code

    assert post("10.0.0.1") == 400
    assert post("10.0.0.1") == 429
    assert post("10.0.0.2") == 400  # another visitor is not held back


def test_free_text_from_the_form_never_reaches_the_mail(app, fast, client, db):
    """Issue 19, finding 2: a business name with a line break and a link arrived in a
    confirmation e-mail sent in the municipality's name."""
    response = submit(client, {"divisions": ["90"], "orgnr": "923456783",
                               "business_name": "X\nURGENT: pay invoice at https://evil.example/p"})
    assert response.status_code == 302
    [message] = outbox(app)
    body = message.get_content()
    assert "URGENT" not in body and "evil.example" not in body
    assert "923456783" in body
    row = db.exec(select(InterestRegistration)).one()
    assert "\n" not in row.business_name  # the officer sees it on one line


def test_privacy_requests_do_the_same_work_for_known_and_unknown_addresses(app, fast, client,
                                                                          db, engine):
    """Issue 19, finding 7: the timing of POST /privacy showed whether an address was known.
    Not timed (timing tests are noise here): the same SQL statements run either way."""
    from sqlalchemy import event as sa_event

    submit(client, {"divisions": ["90"], "business_name": "Bedrift AS"})
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    def post(email: str) -> list[str]:
        page = client.get("/privacy")
        statements.clear()
        sa_event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.post("/privacy", data={"csrf_token": csrf_token(page.text),
                                                      "email": email})
        finally:
            sa_event.remove(engine, "before_cursor_execute", record)
        assert response.location == "/privacy/erase-sent"
        return list(statements)

    known, unknown = post("post@bedrift.example"), post("nobody@x.example")
    assert known == unknown and any(s.startswith("INSERT") for s in known)
    assert len(outbox(app)) == 3  # the confirmation, and one erasure mail for each
