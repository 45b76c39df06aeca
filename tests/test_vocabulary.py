"""One vocabulary: every code procure stores has an nb and an en label, and the record (the
protocol and the history) shows those labels, never the codes. Plus the one clock."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlmodel import select

from procure import clock
from procure import vocabulary as v
from procure.domain.lifecycle import STATUSES, TRANSITIONS
from procure.models import AuditEvent, Tender
from tests.helpers import post_form

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "procure" / "translations" / "nb" / "LC_MESSAGES" / "messages.po"
# An event code as services write them: "tender.criterion_pinned", "dialogue_event.created".
EVENT_CODE = re.compile(r"\b(?:tender|competition|dialogue|dialogue_event|partnership|supplier|"
                        r"user|interest|import|organisation)\.[a-z_]+\b")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Labels that are the same in both languages (names, not words).
SAME_IN_BOTH = {"Doffin", "Id", "Type", "Controller", "Administrator"}


def _msgid(lazy: object) -> str:
    return lazy._args[0]  # type: ignore[attr-defined]


def test_every_group_has_an_nb_and_an_en_label_for_every_code(app):
    with CATALOG.open("rb") as handle:
        catalogue = {m.id: m.string for m in read_po(handle, locale="nb") if m.id}
    assert len(v.GROUPS) >= 40
    with app.test_request_context():
        for name, group in v.GROUPS.items():
            assert group, name
            for code in group:
                with force_locale("nb"):
                    nb = str(group[code])
                with force_locale("en"):
                    en = str(group[code])
                assert nb.strip() and en.strip(), (name, code)
                assert nb != code, (name, code, "the bokmål label is the code itself")
                assert catalogue.get(_msgid(group[code])), (name, code, "no bokmål translation")
                if en not in SAME_IN_BOTH:
                    assert nb != en, (name, code, "the bokmål label is the English one")


def _recorded_event_kinds() -> set[str]:
    """Every event kind the code records: literal action strings in procure/, and the ones
    built from a code (a status change, a letter round, an import kind)."""
    literal = re.compile(r"[\"']((?:tender|competition|dialogue|dialogue_event|partnership|"
                         r"supplier|user|interest|import|organisation)\.[a-z_]+)[\"']")
    found = set()
    for path in (ROOT / "procure").rglob("*.py"):
        if path.name == "vocabulary.py" or "ingest" in path.parts:
            continue  # ingest's "tender.value" etc. are OCDS field paths, not events
        found |= set(literal.findall(path.read_text(encoding="utf-8")))
    from procure.services.partnership_letters import ROUNDS

    found |= {f"tender.{target}" for targets in TRANSITIONS.values() for target in targets}
    found |= {f"partnership.letters_{name}" for name in ROUNDS}
    found |= {f"import.{kind}" for kind in v.IMPORT_KINDS}
    found = {kind for kind in found if not kind.endswith(".id")}  # foreign keys, not events
    return found


def test_every_recorded_event_kind_status_and_procedure_is_named(app):
    kinds = _recorded_event_kinds()
    assert {"tender.criterion_pinned", "competition.letters_sent", "partnership.phase_decided",
            "tender.awarded", "partnership.letters_partners"} <= kinds
    assert kinds - set(v.EVENTS) == set()
    assert set(STATUSES) == set(v.STATUSES)
    rulebook = app.extensions["procure.rulebook"]
    for ruleset in rulebook.rulesets:
        assert set(ruleset.regimes) <= set(v.REGIMES) & set(v.REGIMES_SHORT) & set(
            v.REGIMES_LEGAL), ruleset.version
        for regime in ruleset.regimes.values():
            assert {p.id for p in regime.procedures} <= set(v.PROCEDURES), regime.id
        assert {o.id for o in ruleset.obligations} <= set(v.OBLIGATIONS), ruleset.version


def test_labels_are_bokmal_without_an_app_and_follow_the_locale_in_one(app):
    assert v.label(v.PROCEDURES, "simplified-competition") == "Forenklet konkurranse"
    assert v.label(v.EVENTS, "tender.criterion_pinned") == "Kriterium lagt til anskaffelsen"
    assert v.label(v.PROCEDURES, None) == "–" and v.label(v.PROCEDURES, "new-code") == "new-code"
    assert v.label(v.PARTNERSHIP_WARNINGS, "fewer-than-three", minimum=3) == (
        "Færre enn 3 kandidater er invitert til forhandling.")
    with app.test_request_context(), force_locale("en"):
        assert v.label(v.STATUSES, "awarded") == "Awarded"
        with v.bokmal():
            assert v.label(v.STATUSES, "awarded") == "Tildelt"
        assert v.current_language() == "en"
    with app.app_context():  # the CLI: no request, the default language
        assert v.label(v.STATUSES, "awarded") == "Tildelt"
    assert v.lower_first("Forenklet konkurranse") == "forenklet konkurranse"
    assert v.lower_first("FOA del I") == "FOA del I"


def _trail_section(html: str) -> str:
    return html[html.index('id="p-trail"'):] if 'id="p-trail"' in html else html


def test_protocol_and_history_of_the_demo_tenders_show_no_raw_codes(login_as, db):
    client = login_as("officer")
    tenders = db.exec(select(Tender)).all()
    kinds = {e.action for e in db.exec(select(AuditEvent)).all()}
    assert {"tender.criterion_pinned", "tender.requirement_added", "tender.weights_derived",
            "tender.requirement_changed", "competition.offer_recorded",
            "partnership.phase_decided"} <= kinds
    for lang in ("nb", "en"):
        post_form(client, "/language", {"lang": lang, "next": "/"}, page="/")
        for tender in tenders:
            for page in ("protocol", "history"):
                response = client.get(f"/officer/tenders/{tender.id}/{page}")
                assert response.status_code == 200, (tender.reference, page)
                html = response.get_data(as_text=True)
                assert f'<html lang="{lang}">' in html
                text = _trail_section(html)
                assert not EVENT_CODE.search(text), (lang, page, tender.reference,
                                                     EVENT_CODE.search(text))
                assert not ISO_MOMENT.search(text), (lang, page, tender.reference)
                for python in ("«True»", "«False»", "«None»", ": True", ": False"):
                    assert python not in text, (lang, page, tender.reference, python)


def test_a_pinned_criterion_is_named_in_the_record(login_as, db):
    client = login_as("officer")
    event = db.exec(select(AuditEvent).where(
        AuditEvent.action == "tender.criterion_pinned")).first()
    tender = db.get(Tender, int(event.object_id))
    criterion = event.details["criterion"]
    html = client.get(f"/officer/tenders/{tender.id}/protocol").get_data(as_text=True)
    trail = _trail_section(html)
    assert "Kriterium lagt til anskaffelsen: " in trail
    line = next(line for line in trail.splitlines() if criterion in line)
    # "<title> (<id:version>)": the snapshot's title, not only the id
    assert re.search(r"Kriterium lagt til anskaffelsen: [^<(]+\(" + re.escape(criterion), line)
    post_form(client, "/language", {"lang": "en", "next": "/"}, page="/")
    history = client.get(f"/officer/tenders/{tender.id}/history").get_data(as_text=True)
    assert "Criterion added to the tender: " in history
    # the protocol stays the bokmål record in the English UI
    protocol = client.get(f"/officer/tenders/{tender.id}/protocol").get_data(as_text=True)
    assert "Kriterium lagt til anskaffelsen: " in protocol
    assert "Criterion added to the tender" not in protocol


def test_a_changed_value_reads_as_words():
    from procure.exports.trail import describe

    assert describe("needs_rnd", True) == "Ja"
    assert describe("track", "simplified-competition") == "Forenklet konkurranse"
    assert describe("track_decided_at", "2026-12-07T06:43:00+00:00") == "07.12.2026 kl. 07:43"
    assert describe("planned_notice_date", "2026-03-01") == "01.03.2026"
    assert describe("estimated_value", "1200000.00") == "1 200 000 kr"
    assert describe("weight_climate", "30.00") == "30 %"
    assert describe("scores", {"quality": "7.5"}) == "Kvalitet 7,5"
    assert describe("description", None) == "–"


def test_the_clock_gives_now_today_in_oslo_and_can_be_frozen():
    # 23:30 UTC on 31 December is already New Year's Day in Oslo.
    with clock.frozen(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) as moment:
        assert clock.now() == moment and clock.now().tzinfo is not None
        assert clock.today() == date(2027, 1, 1)
        assert clock.norwegian_date(clock.now()) == "01.01.2027 kl. 00:30"
        assert clock.norwegian_day(clock.now()) == "01.01.2027"
    assert clock.now().tzinfo is not None and clock.now().year >= 2026
    assert clock.norwegian_date(None) == "Ikke fastsatt"
