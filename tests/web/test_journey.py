"""Issue 20, item 7 (links and next steps): the tender's page links to the tender document, the
protocol and the history at every stage, and every page says what comes next, so there is no
dead end, on every track (the wizard's "Steg 5 av 5" used to end on a page with no action)."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from procure.models import Tender
from tests.helpers import post_form
from tests.public_data import tender as public_tender
from tests.support.templates import load_demo
from tests.web.test_wizard import walk_to_recommendation

NEXT = re.compile(r'<section class="next-step[^"]*"[^>]*data-next="([^"]+)"')


def _next(html: str) -> str:
    found = NEXT.search(html)
    assert found, "the page does not say what comes next"
    return found.group(1)


def test_every_demo_tender_links_its_record_and_says_what_comes_next(login_as, db):
    client = login_as("officer")
    load_demo(db)
    rows = db.exec(select(Tender)).all()
    statuses = {row.status for row in rows}
    assert {"draft", "planned", "open", "awarded"} <= statuses
    for row in rows:
        page = client.get(f"/officer/tenders/{row.id}").text
        for record, url in (("document", f"/officer/tenders/{row.id}/document.pdf"),
                            ("protocol", f"/officer/tenders/{row.id}/protocol"),
                            ("history", f"/officer/tenders/{row.id}/history")):
            assert f'href="{url}" data-record="{record}"' in page, (row.reference, record)
        target = _next(page)
        assert client.get(target.split("#")[0]).status_code == 200, (row.reference, target)


@pytest.mark.parametrize("status", ["cancelled", "closed"])
def test_a_finished_tender_points_to_its_record(login_as, db, status):
    client = login_as("officer")
    load_demo(db)
    row = public_tender(db, f"Avsluttet {status}", status=status)
    db.commit()
    page = client.get(f"/officer/tenders/{row.id}").text
    assert 'class="next-step next-step--finished"' in page
    assert _next(page) == f"/officer/tenders/{row.id}/protocol"
    assert client.get(f"/officer/tenders/{row.id}/protocol").status_code == 200
    assert client.get(f"/officer/tenders/{row.id}/history").status_code == 200


def test_the_record_links_work(login_as, db):
    client = login_as("officer")
    load_demo(db)
    row = db.exec(select(Tender).where(Tender.reference == "2026-DEMO-4")).one()
    pdf = client.get(f"/officer/tenders/{row.id}/document.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


@pytest.mark.parametrize(("track", "endpoint"), [
    ("simplified-competition", "/competition"),
    ("market-dialogue", "/dialogue"),
    ("innovation-partnership", "/partnership"),
])
def test_after_the_last_wizard_step_the_track_is_next(login_as, db, track, endpoint):
    client = login_as("officer")
    extra = {"simplified-competition": {},
             "market-dialogue": {"market": "unknown", "innovation": "new"},
             "innovation-partnership": {"monthly": "500000", "months": "48",
                                        "innovation": "new", "market": "unknown",
                                        "rnd": "yes"}}[track]
    url = walk_to_recommendation(client, title=f"Neste steg {track}", **extra)
    page = client.get(url).text
    assert "Steg 5 av 5" in page
    response = post_form(client, url, {"track": track, "reason": "Vi har vurdert det."})
    assert response.status_code == 302
    overview = client.get(response.location).text
    assert "Dette er neste steg" in overview
    tender = db.exec(select(Tender).where(Tender.title == f"Neste steg {track}")).one()
    target = _next(overview)
    # Criteria and § 7-9 first, then the track's own pages: never back to the wizard.
    assert "/steps/" not in target
    assert client.get(target.split("#")[0]).status_code == 200
    # Each of the track's pages says what comes next too.
    track_page = client.get(f"/officer/tenders/{tender.id}{endpoint}").text
    assert 'class="next-step' in track_page


def test_the_competition_track_goes_on_to_the_record(login_as, db, tmp_path, app):
    """From invitations to letters, the next step always moves on; at the end it is the
    protocol."""
    from datetime import timedelta

    from procure.mail import Mailer
    from procure.services import competition
    from tests.web.test_every_step_reopens import Arrange

    client = login_as("officer")
    arrange = Arrange(app, client, db, Mailer("x <x@example.org>", tmp_path / "arranged"))
    tender, rows = arrange.invited()
    base = f"/officer/tenders/{tender.id}"
    seen = [_next(client.get(base).text)]
    arrange_today = arrange.today
    competition.send_invitations(db, tender, arrange_today + timedelta(days=1), "",
                                 actor_id=None, mailer=arrange.mailer, today=arrange_today)
    db.commit()
    seen.append(_next(client.get(base).text))
    competition.close_for_offers(db, tender, actor_id=None,
                                 today=arrange_today + timedelta(days=2))
    db.commit()
    seen.append(_next(client.get(base).text))
    for supplier, price in zip(rows, ("500000", "520000", "540000"), strict=True):
        arrange.offer(tender, supplier, price)
    seen.append(_next(client.get(base).text))
    competition.decide_award(db, tender, rows[0].id, "Lavest pris.", actor_id=None)
    db.commit()
    seen.append(_next(client.get(base).text))
    competition.send_award_letters(db, tender, actor_id=None, mailer=arrange.mailer)
    db.commit()
    seen.append(_next(client.get(base).text))
    # A draft without criteria is told to choose them first (§ 7-9), then the track goes on.
    assert [s.replace(base, "") for s in seen] == [
        "/requirements", "/competition/questions", "/competition/offers",
        "/competition/award", "/competition/award#letters", "/protocol"]
