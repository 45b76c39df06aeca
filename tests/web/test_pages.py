from __future__ import annotations

from tests.helpers import post_form


def test_public_home_needs_no_login_and_is_norwegian(client, db):
    from tests.support.templates import load_demo

    load_demo(db)
    db.commit()
    response = client.get("/")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert '<html lang="nb">' in text
    assert "Dette planlegger Lillestrøm kommune å kjøpe" in text
    assert "Skolemat med økologiske råvarer" in text  # open
    assert "Renhold av barnehager i Strømmen" in text  # planned
    assert "Fossilfri byggeplass" not in text  # draft: never public
    assert "Utslippsfrie servicebiler" not in text  # in evaluation


def test_language_switch_to_english_and_back(client):
    response = post_form(client, "/language", {"lang": "en", "next": "/login"}, page="/")
    assert response.location == "/login"
    text = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in text
    assert "What Lillestrøm municipality plans to buy" in text
    post_form(client, "/language", {"lang": "nb", "next": "/"}, page="/")
    assert '<html lang="nb">' in client.get("/").get_data(as_text=True)


def test_language_switch_ignores_offsite_next(client):
    response = post_form(client, "/language", {"lang": "en", "next": "https://evil.example"},
                         page="/")
    assert response.location == "/"


def test_friendly_404(client):
    response = client.get("/finnes-ikke")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.get_data(as_text=True)


def test_friendly_500_without_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-test")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom-test")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Noe gikk galt hos oss" in text
    assert "secret internals" not in text and "Traceback" not in text


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_officer_creates_a_draft(login_as, db):
    from sqlmodel import select

    from procure.models import Tender

    client = login_as("officer")
    response = post_form(client, "/officer/tenders/new", {"title": "Snøbrøyting",
                                                          "description": "Vinterdrift"})
    assert response.status_code == 302
    tender = db.exec(select(Tender).where(Tender.title == "Snøbrøyting")).one()
    assert tender.status == "draft"
    page = client.get(response.location).get_data(as_text=True)
    assert "Snøbrøyting" in page and "Utkast" in page


def test_new_tender_without_title_shows_error_summary(login_as):
    client = login_as("officer")
    response = post_form(client, "/officer/tenders/new", {"title": "  "})
    assert response.status_code == 400
    assert "Det er et problem" in response.text
    assert "Gi anskaffelsen en tittel." in response.text


def test_officer_cannot_see_other_organisations_tender(login_as, db):
    from procure.models import Organisation, Tender

    client = login_as("officer")
    other = Organisation(name="Annen kommune", orgnr="934567897", kommunenummer="0301")
    db.add(other)
    db.flush()
    tender = Tender(organisation_id=other.id, reference="X-1", title="Hemmelig")
    db.add(tender)
    db.commit()
    assert client.get(f"/officer/tenders/{tender.id}").status_code == 404


def test_database_down_gives_a_friendly_503(tmp_path):
    from procure import create_app
    from procure.db import make_engine

    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none",
                         connect_args={"connect_timeout": 1})
    app = create_app({"SECRET_KEY": "s" * 40, "ENGINE": engine,
                      "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    app.logger.disabled = True
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    text = response.get_data(as_text=True)
    assert "Tjenesten er midlertidig utilgjengelig" in text and "psycopg" not in text
