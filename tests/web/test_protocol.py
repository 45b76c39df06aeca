"""Audit trail and protocol: visible on the tender, complete for the demo tenders."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlmodel import select

from procure.models import Tender
from tests.helpers import oslo_today, post_form


def test_history_shows_who_changed_what(login_as, db):
    client = login_as("officer")
    response = post_form(client, "/officer/tenders/new", {"title": "Sporbar",
                                                          "description": "Første tekst"})
    tender_url = response.location.rsplit("/steps/", 1)[0]
    post_form(client, tender_url + "/steps/need", {"title": "Sporbar",
                                                   "description": "Andre tekst"})
    page = client.get(tender_url + "/history").get_data(as_text=True)
    assert "Anskaffelse opprettet" in page
    assert "«Første tekst» → «Andre tekst»" in page
    assert "officer@test.example" in page


def test_protocol_page_and_pdf_for_every_demo_tender(login_as, db):
    client = login_as("officer")
    for tender in db.exec(select(Tender)).all():
        page = client.get(f"/officer/tenders/{tender.id}/protocol")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        for heading in ("1. Anskaffelsen", "2. Anslått verdi",
                        "3. Valg av prosedyre og begrunnelse", "4. Plikter som gjelder",
                        "5. Klima og miljø (§ 7-9)", "Milepæler", "Logg over endringer"):
            assert heading in text, (tender.title, heading)
        assert tender.rules_version and tender.rules_version in text
        trail = text[text.index('id="p-trail"'):]
        # Every entry is dated: the trail of a tender spans months.
        assert re.search(r"<td>\d{2}\.\d{2}\.\d{4} kl\. \d{2}:\d{2}</td>", trail), tender.title
        pdf = client.get(f"/officer/tenders/{tender.id}/protocol.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    last = PdfReader(io.BytesIO(pdf.data))
    extracted = "\n".join(page.extract_text() for page in last.pages)
    assert "anskaffelsesprotokoll" in extracted.lower() and "Logg over endringer" in extracted


def test_protocol_records_a_deviation_and_its_reason(login_as, db):
    from tests.web.test_wizard import walk_to_recommendation

    client = login_as("officer")
    url = walk_to_recommendation(client, title="Avvik")
    post_form(client, url, {"track": "market-dialogue", "reason": "Nytt marked for oss."})
    tender = db.exec(select(Tender).where(Tender.title == "Avvik")).one()
    text = client.get(f"/officer/tenders/{tender.id}/protocol").get_data(as_text=True)
    assert "Begrunnelse for avvik" in text and "Nytt marked for oss." in text
    assert "Forenklet konkurranse" in text  # what was recommended


def test_the_protocol_of_every_demo_tender_is_complete(runner, db):
    """Every demo tender leaves nothing missing: the track demos at each stage, the drafts
    (ready to publish), the public-portal examples and the statistics history."""
    import json

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    items = json.loads(runner.invoke(args=["tender", "list", "--json"]).output)
    for item in items:
        shown = json.loads(runner.invoke(args=["tender", "show", str(item["id"]),
                                               "--json"]).output)
        assert shown["protocol"]["missing"] == [], (item["reference"],
                                                    shown["protocol"]["missing"])
    assert len(items) == 22
    assert {"simplified-competition", "market-dialogue", "innovation-partnership",
            "open-procedure"} <= {item["track"] for item in items}
    assert {"draft", "planned", "open", "evaluation", "awarded"} <= {
        item["status"] for item in items}


def test_a_partnership_run_outside_procure_says_so_instead_of_empty_tables(login_as, db):
    client = login_as("officer")
    history = db.exec(select(Tender).where(Tender.reference == "STAT-08")).one()
    assert (history.track, history.status) == ("innovation-partnership", "awarded")
    text = client.get(f"/officer/tenders/{history.id}/protocol").get_data(as_text=True)
    assert "Partnerskapet ble ikke gjennomført i procure." in text
    assert "Partnerne er ikke valgt" not in text
    run_here = db.exec(select(Tender).where(Tender.reference.endswith("-DEMO-IP1"))).one()
    text = client.get(f"/officer/tenders/{run_here.id}/protocol").get_data(as_text=True)
    assert "ikke gjennomført i procure" not in text and "Prekvalifisering" in text


def test_deviations_show_in_the_protocol_once_the_invitations_are_out(login_as, db, tmp_path):
    from datetime import timedelta

    from procure.mail import Mailer
    from procure.services import competition, suppliers, tenders

    client = login_as("officer")
    tender = tenders.create_draft(db, tenders.default_organisation(db).id, "Vaktmester",
                                  "Drift.", actor_id=None)
    tenders.update_tender(db, tender, {"track": "simplified-competition"}, actor_id=None)
    supplier = suppliers.create_supplier(db, {"orgnr": "811958611", "name": "Oslo Drift AS",
                                              "postal_code": "0150", "size_class": "large"},
                                         actor_id=None)
    suppliers.add_contact(db, supplier, {"name": "Post", "email": "post@oslodrift.example"},
                          organisation_id=tender.organisation_id, actor_id=None)
    competition.invite_supplier(db, tender, supplier.id, actor_id=None)
    db.commit()
    url = f"/officer/tenders/{tender.id}/protocol"
    assert "<h3>Avvik</h3>" not in client.get(url).text  # still choosing whom to invite

    today = oslo_today()
    competition.send_invitations(db, tender, today + timedelta(days=14), "Smalt marked.",
                                 actor_id=None, mailer=Mailer(sender="x <x@example.org>",
                                                              outbox=tmp_path), today=today)
    db.commit()
    text = client.get(url).text
    assert "<h3>Avvik</h3>" in text and "Færre enn tre leverandører er invitert." in text
    assert "Smalt marked." in text
