"""Issue 20, item 10: unexpected input to any step's form never gives a server error. Every
declared step (the wizard's and every track's, from the same declarations and scenarios as
tests/web/test_every_step_reopens.py) is posted odd values in each field; the answer is a
refusal or a save, never a 500. So are the amendment and the confirmation forms."""

from __future__ import annotations

import pytest

from procure.mail import Mailer
from tests.helpers import post_form
from tests.web.test_amendments import open_competition
from tests.web.test_every_step_reopens import DECLARED, SCENARIOS, Arrange

ODD = ("", " ", "9" * 40, "-1", "0", "NaN", "1e400", "\x00", "<script>x</script>",
       "2026-02-30", "25:99", "æøå\u202e", "../../etc/passwd", "=1+1")


def _variants(data: dict) -> list[dict]:
    keys = list(data) or ["x"]
    variants = [{key: odd for key in keys} for odd in ODD]
    variants.append({key: [ODD[2], ODD[5]] for key in keys})  # a field posted twice
    variants.append({})  # every field missing
    return variants


@pytest.mark.parametrize(("track", "slug"), DECLARED, ids=[f"{t}-{s}" for t, s in DECLARED])
def test_odd_input_to_a_step_is_never_a_server_error(app, login_as, db, tmp_path, track, slug):
    client = login_as("officer")
    arrange = Arrange(app, client, db, Mailer("x <x@example.org>", tmp_path / "arranged"))
    post = SCENARIOS[(track, slug)](arrange)
    for data in _variants(post.data):
        response = post_form(client, post.url, data, page=post.page)
        assert response.status_code < 500, (data, response.status_code)
        assert client.get(post.page).status_code == 200, data


def test_odd_input_to_amendments_and_confirmations(app, login_as, db, tmp_path):
    client = login_as("officer")
    tender = open_competition(client, db, tmp_path)
    base = f"/officer/tenders/{tender.id}"
    forms = {
        f"{base}/amendments": {"note": "", "title": "", "description": "",
                               "tender_deadline": "", "document_changed": ""},
        f"{base}/publish": {"version": ""},
        f"{base}/competition/send/confirm": {"deadline": "", "reason": ""},
        f"{base}/competition/send": {"deadline": "", "reason": "", "confirmed": ""},
    }
    for url, fields in forms.items():
        page = url if url.endswith(("amendments", "publish")) else f"{base}/competition"
        for data in _variants(fields):
            response = post_form(client, url, data, page=page)
            assert response.status_code < 500, (url, data, response.status_code)
