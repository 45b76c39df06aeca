from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from procure.domain.purchases import parse_filters
from procure.models import TenderCriterion, utcnow
from procure.services import public
from tests.helpers import oslo_today
from tests.public_data import event, tender

TODAY = oslo_today()


def titles(page) -> list[str]:
    return [item.title for item in page.items]


def search(db, **args):
    return public.search(db, parse_filters(MultiDict(args)), today=TODAY)


def test_only_planned_and_open_tenders_are_public(db):
    for status in ("draft", "planned", "open", "evaluation", "awarded", "cancelled",
                   "closed"):
        tender(db, f"Anskaffelse {status}", status=status)
    db.commit()
    assert sorted(titles(search(db))) == ["Anskaffelse open", "Anskaffelse planned"]
    # The open one is a simplified competition: running, but by invitation only.
    assert public.counts_by_status(db) == {"planned": 1, "open": 0, "invitation": 1}
    hidden = tender(db, "Skjult", status="draft")
    assert public.get_purchase(db, hidden.id) is None
    assert not public.is_public_tender(db, hidden.id)


def test_filters(db):
    tender(db, "Renhold", cpv_code="90911200-8", contract_type="services",
           estimated_value=Decimal(800_000), track="simplified-competition")
    tender(db, "Skolemat", status="open", cpv_code="55524000-9",
           estimated_value=Decimal(1_800_000), track="open-tender-competition",
           tender_deadline=TODAY + timedelta(days=5))
    tender(db, "Ladepunkter", cpv_code="45310000-3", contract_type="works",
           estimated_value=None, track=None, tender_deadline=None)
    db.commit()
    assert titles(search(db, division="55")) == ["Skolemat"]
    assert sorted(titles(search(db, division=["55", "90"]))) == ["Renhold", "Skolemat"]
    assert titles(search(db, type="works")) == ["Ladepunkter"]
    assert titles(search(db, band="500k-1.3m")) == ["Renhold"]
    assert titles(search(db, band="unknown")) == ["Ladepunkter"]
    assert titles(search(db, procedure="simplified-competition")) == ["Renhold"]
    assert titles(search(db, status="open")) == ["Skolemat"]
    assert sorted(titles(search(db, status="planned"))) == ["Ladepunkter", "Renhold"]
    assert titles(search(db, within="7")) == ["Skolemat"]
    assert titles(search(db, q="SKOLE")) == ["Skolemat"]


def test_search_matches_every_word_in_any_case_and_cpv_labels(db):
    tender(db, "Økologisk skolemat", cpv_code="55524000-9")
    tender(db, "Snøbrøyting", cpv_code="90620000-9", description="Parkeringsplasser")
    db.commit()
    assert titles(search(db, q="økologisk")) == ["Økologisk skolemat"]
    assert titles(search(db, q="ØKOLOGISK SKOLEMAT")) == ["Økologisk skolemat"]
    assert titles(search(db, q="økologisk parkering")) == []
    assert titles(search(db, q="snow-clearing")) == ["Snøbrøyting"]  # English CPV label
    assert titles(search(db, q="100%_")) == []  # LIKE wildcards are literal


def test_sorting_and_paging(db):
    for number in range(45):
        tender(db, f"Kjøp {number:02d}", tender_deadline=TODAY + timedelta(days=50 - number))
    tender(db, "Uten frist", tender_deadline=None)
    db.commit()
    first = search(db)
    assert first.total == 46 and first.pages == 3 and len(first.items) == 20
    assert first.items[0].title == "Kjøp 44"  # soonest deadline first
    last = search(db, page="3")
    assert last.page == 3 and titles(last)[-1] == "Uten frist"  # no deadline last
    assert search(db, page="99").page == 3  # clamped to the last page
    assert titles(search(db, sort="title"))[:2] == ["Kjøp 00", "Kjøp 01"]
    assert titles(search(db, sort="newest"))[0] == "Uten frist"


def test_confidential_value_never_leaves_the_projection(db):
    row = tender(db, "Hemmelig verdi", estimated_value=Decimal("7364519.00"),
                 value_confidential=True)
    db.commit()
    item = public.get_purchase(db, row.id)
    assert item.estimated_value is None and item.value_band == "5m-20m"
    assert item.value_confidential
    assert "7364519" not in repr(item)


def test_projection_has_events_and_green_criteria(db):
    row = tender(db, "Renhold", climate_status="met", climate_basis="criteria")
    event(db, row, "Konferanse B", days=20)
    event(db, row, "Konferanse A", days=5)
    db.add(TenderCriterion(
        tender_id=row.id, criterion_id="cl-01:1", base_id="cl-01", version=1,
        content_hash="x" * 64, set_id="cleaning-services", set_version="2025-1",
        type="award", level="basis", snapshot={
            "content": {"title": "Miljømerket renhold", "title_en": "Ecolabelled cleaning",
                        "text": "intern tekst"},
            "set": {"title": "Renhold", "title_en": "Cleaning"}}))
    db.commit()
    item = public.get_purchase(db, row.id)
    assert [e.title for e in item.events] == ["Konferanse A", "Konferanse B"]
    assert item.climate_basis == "criteria"
    [criterion] = item.criteria
    assert (criterion.title, criterion.title_en, criterion.set_title) == (
        "Miljømerket renhold", "Ecolabelled cleaning", "Renhold")
    assert not hasattr(criterion, "text")
    upcoming = public.upcoming_events(db, now=utcnow())
    assert [e.title for e in upcoming] == ["Konferanse A", "Konferanse B"]
    assert upcoming[0].purchase_title == "Renhold"


def test_public_version_moves_only_when_public_content_changes(db):
    row = tender(db, "Renhold")
    db.commit()
    version, updated = row.public_version, row.public_updated_at
    assert version >= 1 and updated is not None
    row.track_reason = "intern begrunnelse"
    row.value_estimate = {"lines": ["intern"]}
    db.add(row)
    db.commit()
    assert row.public_version == version  # internal fields: nothing public changed
    row.title = "Renhold av barnehager"
    db.add(row)
    db.commit()
    assert row.public_version == version + 1 and row.public_updated_at > updated
    assert "renhold av barnehager" in row.search_text
    dialogue = event(db, row)
    db.commit()
    assert row.public_version == version + 2  # a new dialogue conference is a change
    dialogue.place = "Kulturhuset"
    db.add(dialogue)
    db.commit()
    assert row.public_version == version + 3


def test_data_version_moves_with_every_public_change(db):
    row = tender(db, "Renhold")
    db.commit()
    first = public.data_version(db)
    assert first[0] == row.public_updated_at and first[1] == row.id
    row.track_reason = "intern"  # not public: no new version
    db.add(row)
    db.commit()
    assert public.data_version(db) == first
    row.cancelled_at = utcnow()  # leaves the public list: a change
    db.add(row)
    db.commit()
    second = public.data_version(db)
    assert second != first
    tender(db, "Utkast", status="draft")  # a draft is nobody's business (issue 19)
    db.commit()
    assert public.data_version(db) == second
    tender(db, "Snørydding")  # a new public tender is
    db.commit()
    assert public.data_version(db) != second


def test_public_demo_data_loads_once(db):
    from sqlmodel import func, select

    from procure.demo.loader import load_demo
    from procure.models import DialogueEvent, Tender

    load_demo(db)
    db.commit()
    counts = (db.exec(select(func.count()).select_from(Tender)).one(),
              db.exec(select(func.count()).select_from(DialogueEvent)).one())
    load_demo(db)
    db.commit()
    assert counts == (db.exec(select(func.count()).select_from(Tender)).one(),
                      db.exec(select(func.count()).select_from(DialogueEvent)).one())
    assert counts[1] >= 2
    simple = [p for p in public.feed_items(db, parse_filters(MultiDict()), today=TODAY)
              if p.simple]
    assert len(simple) >= 3


def test_editing_a_tender_the_public_cannot_see_changes_no_public_version(db):
    """Officers edit drafts all day; that must not empty the public caches or wake alerts."""
    draft = tender(db, "Utkast", status="draft")
    db.commit()
    first, version = public.data_version(db), draft.public_version
    draft.title = "Utkast med ny tittel"
    draft.description = "Nytt behov"
    draft.estimated_value = Decimal(2_000_000)
    db.add(draft)
    db.add(TenderCriterion(tender_id=draft.id, criterion_id="x:1", base_id="x", version=1,
                           content_hash="h", set_id="s", set_version="1", type="award",
                           level="basis", snapshot={}))
    db.commit()
    assert public.data_version(db) == first and draft.public_version == version
    assert "ny tittel" in draft.search_text  # the officers' own search still sees it
    draft.planned_at = utcnow()  # announced as upcoming: now the public sees it
    db.add(draft)
    db.commit()
    assert public.data_version(db) != first and draft.public_version == version + 1
