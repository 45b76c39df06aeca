"""CPV lookup and search on the shipped list, and CPV-based criteria category suggestions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from procure.domain.cpv import (
    DEFAULT_CPV_PATH,
    CpvList,
    division,
    hierarchy_prefix,
    load_cpv,
    parse_code,
)
from procure.domain.cpv_categories import category_prefixes, suggest_categories
from procure.domain.criteria import load_library

VALID_CRITERIA = Path(__file__).resolve().parents[1] / "fixtures" / "criteria" / "valid"


@pytest.fixture(scope="module")
def cpv() -> CpvList:
    return load_cpv()


def test_shipped_list_is_complete(cpv):
    assert DEFAULT_CPV_PATH.name == "cpv2008.csv"
    assert len(cpv) == 9454
    assert all(len(code.code) == 10 for code in cpv)


def test_lookup_with_and_without_check_digit(cpv):
    bus = cpv.lookup("34144910-0")
    assert bus is not None
    assert (bus.code, bus.code8, bus.check_digit) == ("34144910-0", "34144910", "0")
    assert bus.label("en") == "Electric buses"
    assert bus.label("nb") == "El-busser"
    assert cpv.lookup("34144910") == bus
    assert cpv.lookup(" 34144910-0 ") == bus
    assert "34144910-0" in cpv


def test_lookup_rejects_wrong_check_digit_unknown_and_malformed(cpv):
    # Check digits cannot be recomputed, so a wrong one is only caught by the list.
    assert cpv.lookup("34144910-1") is None
    assert cpv.lookup("34144911") is None
    assert cpv.lookup("3414491") is None
    assert cpv.lookup("34144910-") is None
    assert cpv.lookup("abc") is None
    assert 42 not in cpv


def test_parse_division_and_prefix():
    assert parse_code("45000000-7") == ("45000000", "7")
    assert parse_code("45000000") == ("45000000", None)
    assert division("34144910-0") == "34"
    assert division("03000000") == "03"
    assert hierarchy_prefix("34100000-8") == "341"
    assert hierarchy_prefix("45000000-7") == "45"
    assert hierarchy_prefix("30000000-9") == "30"  # a division keeps both digits
    assert hierarchy_prefix("90911200-8") == "909112"
    with pytest.raises(ValueError, match="not a CPV code"):
        division("34-1")


def test_search_by_norwegian_label_ranks_label_start_first(cpv):
    found = cpv.search("arbeidsklær", lang="nb")
    assert [c.code for c in found] == ["18110000-3", "18140000-2", "18100000-0"]
    assert found[0].label_nb == "Arbeidsklær"


def test_search_by_english_label_needs_every_word(cpv):
    found = cpv.search("cleaning services", lang="en", limit=3)
    assert [c.code for c in found] == ["90910000-9", "90916000-1", "90917000-8"]
    assert all("cleaning" in c.label_en.casefold() for c in cpv.search("Cleaning", "en", 50))
    assert cpv.search("cleaning zebra", lang="en") == []


def test_search_by_code_prefix_and_full_code(cpv):
    assert [c.code for c in cpv.search("341", limit=3)] == [
        "34100000-8",
        "34110000-1",
        "34111000-8",
    ]
    assert [c.code for c in cpv.search("34144910-0")] == ["34144910-0"]
    assert cpv.search("34144910-9") == []


def test_search_limits_and_bad_input(cpv):
    assert len(cpv.search("e", lang="en", limit=7)) == 7
    assert cpv.search("   ") == []
    assert cpv.search("møbler", limit=0) == []
    with pytest.raises(ValueError, match="unknown language 'sv'"):
        cpv.search("möbler", lang="sv")


def test_load_cpv_reads_a_small_file_and_rejects_missing_check_digit(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(
        "code,code8,check_digit,label_en,label_nb\r\n"
        '45000000-7,45000000,7,Construction work,"Bygge- og anleggsvirksomhet"\r\n',
        encoding="utf-8",
    )
    [only] = list(load_cpv(good))
    assert (only.code, only.label_nb) == ("45000000-7", "Bygge- og anleggsvirksomhet")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,label_en,label_nb\n45000000,Construction work,Bygg\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.csv:2: CPV code '45000000' has no check digit"):
        load_cpv(bad)


# --- category suggestions --------------------------------------------------------------------


@pytest.fixture(scope="module")
def library():
    return load_library(VALID_CRITERIA)


def test_category_prefixes_come_from_declared_codes(library):
    assert category_prefixes(library) == {
        "buses": ("3412",),
        "catering": ("15", "555"),
        "vehicles": ("341",),
    }


def test_suggest_most_specific_category_first(library):
    assert suggest_categories("34121000-1", library) == ["buses", "vehicles"]
    assert suggest_categories("34110000-1", library) == ["vehicles"]
    assert suggest_categories("55523100-3", library) == ["catering"]
    assert suggest_categories("15810000-9", library) == ["catering"]


def test_suggest_for_a_broader_code_lists_categories_inside_it(library):
    # 34000000 (transport equipment) contains both sets' areas; the broader area ranks first.
    assert suggest_categories("34000000-7", library) == ["vehicles", "buses"]


def test_suggest_nothing_for_unrelated_code_and_rejects_malformed(library):
    assert suggest_categories("45000000-7", library) == []
    with pytest.raises(ValueError):
        suggest_categories("kjøretøy", library)


def test_suggest_uses_sets_valid_on_the_date(library):
    assert suggest_categories("34110000-1", library, on=date(2024, 12, 31)) == []
