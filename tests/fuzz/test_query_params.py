"""Issue 19, finding 3: every query parameter of every GET route, given odd values, never
gives a server error.

The routes come from app.url_map, with their path arguments filled from the demo data (the
first combination a signed-in officer, controller and admin may open). The parameters are
the ones each view actually reads: request.args (and the query-string forms read through
procure.web.params.form_data) record every name asked for while the route answers once.
Then every such parameter gets every odd value, one at a time and all at once.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from procure.models import (
    CompetitionOffer,
    DialogueEvent,
    ImportRun,
    PartnershipPhase,
    Supplier,
    Tender,
    User,
)
from procure.services.public import is_public
from procure.web import clean_input, params

ODD = [" ", "²", "-1", "1e400", "NaN", "9" * 30, "9" * 5000, "<script>", "2026-02-30",
       "0001-01-01", "9999-12-31", "\x00", "", "١٢", "a" * 5000, "x,y;z"]
SKIPPED = {"static"}  # files, no view code


class Recording(clean_input.CleanParameters):
    """Query and form dicts that note every name a view asks for."""

    names: set[str] = set()

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's signature)
        Recording.names.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        Recording.names.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        Recording.names.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        Recording.names.add(key)
        return super().__contains__(key)


@pytest.fixture
def recording(monkeypatch):
    monkeypatch.setattr(clean_input.CleanRequest, "parameter_storage_class", Recording)
    form_data = params.form_data
    monkeypatch.setattr(params, "form_data", lambda args=None: Recording(form_data(args)))
    return Recording


def _candidates(db) -> dict[str, list]:
    ids = lambda model, n=6: [r for r in db.exec(select(model.id).order_by(model.id)).all()][:n]  # noqa: E731
    from procure.domain.wizard import STEP_SLUGS
    from procure.web.controller.views import SECTIONS

    return {
        "tender_id": ids(Tender, 40), "user_id": ids(User, 2), "supplier_id": ids(Supplier, 2),
        "run_id": ids(ImportRun, 1) or [1],
        "purchase_id": db.exec(select(Tender.id).where(is_public())).all()[:2] or [1],
        "name": list(SECTIONS[:1]), "slug": list(STEP_SLUGS[:2]), "orgnr": ["934567897"],
        "token": ["x"], "criterion_id": ["veh-ev-01"],
    }


def _pairs(db) -> dict[str, list[tuple[int, int]]]:
    """Second-level ids with the tender they belong to."""
    return {
        "event_id": [(r.tender_id, r.id) for r in db.exec(select(DialogueEvent)).all()[:2]],
        "offer_id": [(r.tender_id, r.id) for r in db.exec(select(CompetitionOffer)).all()[:2]],
        "phase_id": [(r.tender_id, r.id) for r in db.exec(select(PartnershipPhase)).all()[:2]],
    }


def _urls(app, db) -> list[tuple[str, list[str]]]:
    """(endpoint, paths to try) for every GET route."""
    candidates, pairs = _candidates(db), _pairs(db)
    result = []
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint in SKIPPED:
                continue
            names = sorted(rule.arguments)
            second = [n for n in names if n in pairs]
            combos: list[dict] = []
            if second:
                combos = [{"tender_id": t, second[0]: i} for t, i in pairs[second[0]]] or [
                    {"tender_id": 1, second[0]: 1}]
            else:
                for values in itertools.product(*(candidates.get(n, [1]) for n in names)):
                    combos.append(dict(zip(names, values, strict=True)))
            result.append((rule.endpoint, [adapter.build(rule.endpoint, c) for c in combos]))
    return result


@pytest.fixture
def everyone(login_as):
    return login_as("officer", "controller", "admin")


def _answer(client, path: str):
    return client.get(path, headers={"Accept-Language": "nb"})


def _read_params(client, recording, path: str) -> tuple[int, set[str]]:
    recording.names = set()
    status = _answer(client, path).status_code
    return status, set(recording.names)


def _routes(app, db, client, recording) -> list[tuple[str, str, set[str]]]:
    """(endpoint, a path that answers, the parameters its view reads) for every GET route."""
    found = []
    for endpoint, paths in _urls(app, db):
        chosen = None
        for path in paths:
            if path.endswith(".pdf"):  # rendered by WeasyPrint: read no parameters, slow
                chosen = (path, set())
                break
            status, names = _read_params(client, recording, path)
            assert status < 500, (path, status)
            if chosen is None or status == 200:
                chosen = (path, names)
            if status == 200:
                break
        found.append((endpoint, chosen[0], chosen[1]))
    return found


def test_every_query_parameter_of_every_get_route(app, db, everyone, recording):
    routes = _routes(app, db, everyone, recording)
    read = {endpoint: names for endpoint, _path, names in routes}
    # The recording works: the parameters we know of are found.
    assert {"year", "quarter", "date_from", "startup_years", "region"} <= read["controller.index"]
    assert {"level", "type", "q", "cpv", "category"} <= read["officer.criteria_catalogue"]
    assert {"q", "size", "local", "page"} <= read["officer.suppliers_index"]
    assert {"q", "page", "status", "division", "sort"} <= read["public.purchases"]
    assert {"dim", "value", "page"} <= read["controller.spend"]
    assert len(routes) > 60
    failures = []
    for _endpoint, path, names in routes:
        for name in sorted(names):
            for value in ODD:
                response = _answer(everyone, f"{path}?{urlencode({name: value})}")
                if response.status_code >= 500:
                    failures.append((path, name, value[:20], response.status_code))
        for value in ODD[:4]:  # every parameter at once, and each one twice
            query = urlencode([(n, v) for n in sorted(names) for v in (value, value + "1")])
            response = _answer(everyone, f"{path}?{query}")
            if response.status_code >= 500:
                failures.append((path, "*", value[:20], response.status_code))
    assert failures == []


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_generated_values_for_the_read_parameters(app, db, everyone, recording, data):
    routes = [(path, sorted(names)) for _e, path, names in
              _routes_cached(app, db, everyone, recording) if names]
    path, names = data.draw(st.sampled_from(routes))
    query = {name: data.draw(st.text(max_size=60)) for name in
             data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))}
    response = _answer(everyone, f"{path}?{urlencode(query)}")
    assert response.status_code < 500, (path, query)


_CACHE: dict[int, list] = {}


def _routes_cached(app, db, client, recording):
    key = id(app)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _routes(app, db, client, recording)
    return _CACHE[key]


# Where a view may still touch request.args itself: the public list's filters (parsed with
# allow-lists in procure.domain.purchases), the sign-in's ?next= (safe_next), the criteria
# catalogue's links (echoed through url_for) and whether a query string was given at all.
ALLOWED_DIRECT = re.compile(r"parse_filters\(request\.args\)|safe_next\(request\.args\.get|"
                            r"request\.args\.items\(\) if k != \"cpv\"|if request\.args else")


def test_views_read_query_parameters_through_the_parser():
    web = Path(__file__).parents[2] / "procure" / "web"
    direct = []
    for path in web.rglob("*.py"):
        if path.name in ("params.py", "clean_input.py"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if "request.args" in line and not ALLOWED_DIRECT.search(line):
                direct.append(f"{path.name}:{number}: {line.strip()}")
    assert direct == []
