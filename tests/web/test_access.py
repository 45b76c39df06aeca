"""Every route has an access rule, checked for anonymous visitors and each role.

The rule table is keyed by endpoint prefix; a new endpoint outside it fails this suite.
"""

from __future__ import annotations

import pytest

PUBLIC = "public"
RULES = {
    "public.": PUBLIC,
    "auth.": PUBLIC,
    "i18n.": PUBLIC,
    "static": PUBLIC,
    "officer.": "officer",
    "controller.": "controller",
    "admin.": "admin",
}
ROLES = ("officer", "controller", "admin")


def rule_for(endpoint: str) -> str:
    for prefix, rule in RULES.items():
        if endpoint == prefix or endpoint.startswith(prefix):
            return rule
    raise AssertionError(f"endpoint {endpoint} has no access rule in tests/web/test_access.py")


def routes(app):
    """(endpoint, method, url) for every rule, with placeholder arguments filled in."""
    result = []
    for rule in app.url_map.iter_rules():
        values = {arg: 1 if rule._converters[arg].__class__.__name__ == "IntegerConverter"
                  else "x" for arg in rule.arguments}
        if rule.endpoint == "static":
            values = {"filename": "css/screen.css"}
        url = rule.build(values)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            result.append((rule.endpoint, method, url))
    return result


def test_every_endpoint_has_a_rule(app):
    for endpoint, _method, _url in routes(app):
        rule_for(endpoint)


def test_anonymous(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    for endpoint, method, url in routes(app):
        response = client.open(url, method=method)
        if rule_for(endpoint) == PUBLIC:
            assert response.status_code < 500, (endpoint, method, response.status_code)
            assert "/login?next=" not in (response.location or ""), (endpoint, method)
        else:
            assert response.status_code == 302, (endpoint, method, response.status_code)
            assert response.location.startswith("/login?next="), (endpoint, response.location)


@pytest.mark.parametrize("role", ROLES)
def test_each_role(app, login_as, role):
    client = login_as(role)
    app.config["WTF_CSRF_ENABLED"] = False
    for endpoint, method, url in routes(app):
        if endpoint == "auth.logout":
            continue
        response = client.open(url, method=method)
        required = rule_for(endpoint)
        if required in (PUBLIC, role):
            assert response.status_code not in (302, 401, 403) or not (
                (response.location or "").startswith("/login")
            ), (endpoint, method, response.status_code)
            assert response.status_code != 403, (endpoint, method)
            assert response.status_code < 500, (endpoint, method, response.status_code)
        else:
            assert response.status_code == 403, (endpoint, method, response.status_code)


def test_anonymous_officer_page_redirects_to_login_with_next(client):
    response = client.get("/officer/")
    assert response.status_code == 302
    assert response.location == "/login?next=/officer/"


def test_wrong_role_gets_friendly_403(login_as):
    client = login_as("controller")
    response = client.get("/officer/")
    assert response.status_code == 403
    assert "Du har ikke tilgang til denne siden" in response.get_data(as_text=True)
