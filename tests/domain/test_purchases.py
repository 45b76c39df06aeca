from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from procure.domain.purchases import (
    PurchaseFilters,
    end_of_day_oslo,
    fingerprint,
    oslo_to_utc,
    oslo_today,
    page_window,
    pages,
    parse_filters,
    query_items,
    search_text,
    search_words,
    value_band,
)


@pytest.mark.parametrize(("value", "band"), [
    (None, "unknown"), (0, "under-500k"), (Decimal("499999.99"), "under-500k"),
    (500_000, "500k-1.3m"), (1_299_999, "500k-1.3m"), (1_300_000, "1.3m-5m"),
    (5_000_000, "5m-20m"), (20_000_000, "over-20m"), (10**12, "over-20m"),
])
def test_value_bands_cover_every_amount_without_gaps(value, band):
    assert value_band(value) == band


def test_filters_from_the_url_are_checked_against_allow_lists():
    filters = parse_filters(MultiDict([
        ("q", "  Renhold   barnehager "), ("division", "90"), ("division", "55"),
        ("division", "9x"), ("type", "services"), ("type", "weapons"),
        ("band", "500k-1.3m"), ("procedure", "simplified-competition"),
        ("status", "open"), ("within", "30"), ("sort", "title"), ("page", "3"),
        ("unknown", "ignored"),
    ]))
    assert filters.q == "Renhold barnehager"
    assert filters.division == ("55", "90")
    assert filters.type == ("services",)
    assert filters.band == ("500k-1.3m",)
    assert filters.procedure == ("simplified-competition",)
    assert filters.status == ("open",)
    assert filters.within == "30" and filters.sort == "title" and filters.page == 3
    assert set(filters.invalid) == {"division", "type"}
    assert filters.active


def test_bad_values_fall_back_to_defaults():
    filters = parse_filters(MultiDict([("sort", "price; drop table"), ("within", "365"),
                                       ("page", "-1"), ("q", "x" * 500)]))
    assert filters.sort == "deadline" and filters.within == "" and filters.page == 1
    assert len(filters.q) == 100
    assert set(filters.invalid) == {"sort", "within", "page"}
    assert parse_filters(MultiDict([("page", "99999999")])).page == 10_000
    assert not parse_filters(MultiDict()).active


def test_canonical_query_leaves_out_defaults_and_orders_values():
    a = parse_filters(MultiDict([("type", "works"), ("type", "goods"), ("sort", "deadline"),
                                 ("page", "1")]))
    b = parse_filters(MultiDict([("type", "goods"), ("type", "works")]))
    assert query_items(a) == query_items(b) == [("type", "goods"), ("type", "works")]
    c = PurchaseFilters(q="snø", sort="newest", page=2)
    assert query_items(c) == [("q", "snø"), ("sort", "newest"), ("page", "2")]
    assert query_items(c, page=False, sort=False) == [("q", "snø")]


def test_deadline_window():
    filters = parse_filters(MultiDict([("within", "7")]))
    assert filters.deadline_range(date(2026, 3, 1)) == (date(2026, 3, 1), date(2026, 3, 8))
    assert PurchaseFilters().deadline_range(date(2026, 3, 1)) is None


def test_search_folds_norwegian_letters_and_drops_punctuation():
    assert search_words("Økologisk, SKOLEMAT! økologisk") == ["økologisk", "skolemat"]
    assert search_text("2026-001", "Snøbrøyting", None, "Å være") == "2026-001 snøbrøyting å være"
    assert len(search_words(" ".join(f"w{i}" for i in range(20)))) == 8


def test_fingerprint_is_stable_and_sensitive():
    content = {"title": "A", "value": Decimal("10"), "deadline": date(2026, 1, 1)}
    assert fingerprint(content) == fingerprint(dict(reversed(list(content.items()))))
    assert fingerprint(content) != fingerprint({**content, "title": "B"})


def test_pages_and_window():
    assert pages(0) == 1 and pages(20) == 1 and pages(21) == 2
    assert page_window(1, 1) == [1]
    assert page_window(5, 10) == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert page_window(2, 4) == [1, 2, 3, 4]


def test_oslo_times_follow_summer_time():
    winter = oslo_to_utc(date(2026, 1, 15), time(9, 0))
    summer = oslo_to_utc(date(2026, 7, 15), time(9, 0))
    assert winter == datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
    assert summer == datetime(2026, 7, 15, 7, 0, tzinfo=UTC)
    assert end_of_day_oslo(date(2026, 1, 15)) == datetime(2026, 1, 15, 22, 59, 59, tzinfo=UTC)
    assert oslo_today(datetime(2026, 1, 15, 23, 30, tzinfo=UTC)) == date(2026, 1, 16)
