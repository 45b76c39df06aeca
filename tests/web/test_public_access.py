"""Issue 20, item 9 (the public list): invitation-only competitions were listed under "Åpne for
tilbud nå" though the public cannot bid. The list, its filter, the front page, the purchase
page and the feeds now tell "open to all" from "by invitation only"."""

from __future__ import annotations

import csv
import io

from procure.domain.purchases import is_invitation_only, list_status
from tests.public_data import tender

OPEN = "Renhold av rådhuset, åpen anbudskonkurranse"
INVITED = "Vaktmester for skolene, forenklet konkurranse"
PLANNED = "Kontorrekvisita, planlagt"


def _three(db) -> None:
    tender(db, OPEN, status="open", track="open-tender-competition")
    tender(db, INVITED, status="open", track="simplified-competition")
    tender(db, PLANNED, status="planned", track="simplified-competition")
    db.commit()


def _section(html: str, heading: str) -> str:
    start = html.index(heading)
    end = html.find('<h3 class="subhead">', start + 1)
    return html[start:end if end != -1 else None]


def test_the_rules_of_access():
    assert is_invitation_only("simplified-competition") and is_invitation_only("direct-award")
    assert not is_invitation_only("open-procedure") and not is_invitation_only(None)
    assert list_status("open", "simplified-competition") == "invitation"
    assert list_status("open", "restricted-procedure") == "open"
    assert list_status("planned", "simplified-competition") == "planned"


def test_the_front_page_keeps_invitation_only_apart(client, db):
    _three(db)
    html = client.get("/").text
    open_now = _section(html, "Åpne for tilbud nå")
    invited = _section(html, "Pågår nå, kun for inviterte")
    assert OPEN in open_now and INVITED not in open_now
    assert INVITED in invited and OPEN not in invited
    assert "Alle virksomheter kan gi tilbud." in open_now
    stats = html[html.index('class="stats'):html.index("</ul>", html.index('class="stats'))]
    assert ">1</span> <span class=\"stat__label\">åpne for tilbud fra alle" in stats
    assert ">1</span> <span class=\"stat__label\">pågår, kun for inviterte" in stats


def test_the_list_filter_and_tags(client, db):
    _three(db)
    only_open = client.get("/purchases?status=open").text
    assert OPEN in only_open and INVITED not in only_open and PLANNED not in only_open
    invited = client.get("/purchases?status=invitation").text
    assert INVITED in invited and OPEN not in invited and PLANNED not in invited
    assert 'value="invitation" selected' in invited and "Kun for inviterte" in invited
    both = client.get("/purchases?status=open&status=invitation").text
    assert OPEN in both and INVITED in both and PLANNED not in both
    everything = client.get("/purchases").text
    assert all(title in everything for title in (OPEN, INVITED, PLANNED))
    assert '<span class="tag tag--invitation">Kun for inviterte</span>' in invited


def test_the_purchase_page_says_who_can_bid(client, db):
    _three(db)
    ids = {row.title: row.id for row in _rows(db)}
    invited = client.get(f"/purchases/{ids[INVITED]}").text
    assert 'data-access="invitation-only"' in invited
    assert "Bare leverandørene kommunen har invitert, kan gi tilbud" in invited
    assert "Bare inviterte leverandører" in invited
    opened = client.get(f"/purchases/{ids[OPEN]}").text
    assert 'data-access="open-to-all"' in opened and "Alle virksomheter" in opened
    assert 'data-access="invitation-only"' not in opened


def test_the_feeds_say_it_too(client, db):
    _three(db)
    atom = client.get("/purchases.atom").text
    entry = atom[atom.index(INVITED):]
    entry = entry[:entry.index("</entry>")]
    assert "kun for inviterte: bare de inviterte leverandørene kan gi tilbud" in entry
    assert 'term="invitation-only"' in entry
    other = atom[atom.index(OPEN):]
    assert "kun for inviterte" not in other[:other.index("</entry>")]
    rows = list(csv.DictReader(io.StringIO(client.get("/purchases.csv").text.lstrip("\ufeff"))))
    flags = {row["title"]: row["invitation_only"] for row in rows}
    assert flags[INVITED] == "yes" and flags[OPEN] == "no" and flags[PLANNED] == "yes"


def _rows(db):
    from sqlmodel import select

    from procure.models import Tender

    return db.exec(select(Tender)).all()
