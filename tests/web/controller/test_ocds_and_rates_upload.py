"""Uploading OCDS record packages and exchange rates; the dashboard says what values leave out."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.controller.test_dashboard import upload

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def controller(login_as):
    return login_as("controller")


def test_an_empty_package_is_an_error_not_a_success(controller):
    response = upload(controller, "ocds", b'{"releases": []}', "tom.json")
    page = controller.get(response.location).get_data(as_text=True)
    assert "Avvist" in page
    assert "Ingenting å importere: filen har ingen releaser eller records." in page


def test_record_package_then_rates_and_the_dashboard_note(controller):
    package = (FIXTURES / "ocds" / "packages" / "record_package_compiled.json").read_bytes()
    response = upload(controller, "ocds", package, "dncp.json")
    page = controller.get(response.location).get_data(as_text=True)
    assert "Importert" in page
    assert "Tildelinger verdsatt i NOK: 0 av 2." in page
    assert "holdt utenfor verdiindikatorene" in page
    embedded = (FIXTURES / "ocds" / "packages" / "record_package_embedded.json").read_bytes()
    upload(controller, "ocds", embedded, "cdmx.json")
    assert 'accept=".csv"' in controller.get("/controller/imports").get_data(as_text=True)
    rates = (FIXTURES / "rates" / "norges_bank_exr.csv").read_bytes()
    response = upload(controller, "rates", rates, "EXR.csv")
    page = controller.get(response.location).get_data(as_text=True)
    assert "Valutakurser (Norges Bank)" in page
    assert "Dagskurser: 3, fra 29. des. 2015 til 12. feb. 2016." in page
    assert "Tildelinger verdsatt i NOK: 1 av 1." in page
    dashboard = controller.get(
        "/controller/overview/procurements?date_from=2015-01-01&date_to=2024-12-31")
    text = dashboard.get_data(as_text=True)
    assert ("Tildelinger i andre valutaer holdt utenfor verdikolonnen (ingen valutakurs for "
            "tildelingsdatoen): PYG 2.") in text
