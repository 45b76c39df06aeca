"""Odd input never breaks the public pages: NUL bytes, control characters, huge values."""

from __future__ import annotations

import pytest

from tests.web.test_public_interest import submit


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "q=%1b%5b31m", "division=%00",
                                   "page=%00", "sort=%00", "q=" + "x" * 5000])
def test_odd_queries(client, query):
    for path in ("/purchases", "/purchases.atom", "/purchases.csv", "/purchases.ics",
                 "/purchases.json"):
        assert client.get(f"{path}?{query}").status_code < 500, (path, query)


def test_odd_form_values(app, client, db):
    app.config["INTEREST_MIN_FILL_SECONDS"] = 0
    response = submit(client, {"orgnr": "934567897\x00", "email": "a\x00@x.example",
                               "business_name": "Bedrift\x00 AS", "divisions": ["90"]})
    assert response.status_code < 500
    response = submit(client, {"business_name": "Bedrift\x00 AS", "divisions": ["90"]})
    assert response.status_code < 500
