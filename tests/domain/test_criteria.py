"""Criteria loader, validator, lookups, hashing and diff, on tiny fixtures (not the real files)."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from pathlib import Path

import pytest

from procure.domain.criteria import (
    CriteriaError,
    content_hash,
    criterion_content,
    diff_sets,
    filter_criteria,
    load_library,
    validate_library,
)
from procure.domain.toml_lines import TomlLines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "criteria"
VALID = FIXTURES / "valid"


def errors_in(name: str) -> list[str]:
    """validate_library on a fixture directory, with the directory prefix cut from paths."""
    directory = FIXTURES / name
    return [error.replace(f"{directory}/", "") for error in validate_library(directory)]


@pytest.fixture(scope="module")
def library():
    return load_library(VALID)


# --- loading and lookups ---------------------------------------------------------------------


def test_valid_fixture_has_no_errors():
    assert validate_library(VALID) == []


def test_library_lists_categories_and_versions_oldest_first(library):
    assert library.categories() == ("buses", "catering", "vehicles")
    assert [s.version for s in library.sets("vehicles")] == ["2025-1", "2026-1"]
    assert len(library) == 4
    assert library.sets("unknown") == ()


def test_set_fields_are_read(library):
    catering = library.get("catering", "2025-1")
    assert catering.title == "Mat og måltider"
    assert catering.title_en == "Food and catering"
    assert catering.description == "Kantine og måltidslevering."
    assert catering.cpv == ("55500000-5", "15000000-8")
    assert catering.published == date(2025, 1, 15)
    assert catering.supersedes is None
    assert catering.source("dfo").url == "https://example.org/dfo"
    assert library.get("vehicles", "2026-1").supersedes == "2025-1"


def test_criterion_fields_are_read(library):
    criterion = library.criterion("veh-b:1")
    assert (criterion.base_id, criterion.version) == ("veh-b", 1)
    assert (criterion.type, criterion.level) == ("award", "basis")
    assert (criterion.weight_min, criterion.weight_max) == (10, 20)
    assert criterion.category == "vehicles"
    assert criterion.location.endswith("vehicles/2025-1.toml:27")
    bus = library.criterion("bus-a:1")
    assert bus.text_en == "The supplier must have run electric buses for at least a year."
    assert library.criterion("cat-b:1").climate_environment is False


def test_multiline_text_is_stripped_and_kept_whole(library):
    text = library.criterion("cat-a:1").text
    assert text == (
        "Leverandøren skal ha rutiner for å veie MATSVINN.\n"
        'level = "dette er tekst, ikke en nøkkel"'
    )


def test_latest_depends_on_date(library):
    assert library.latest("vehicles").version == "2026-1"
    assert library.latest("vehicles", on=date(2026, 6, 30)).version == "2025-1"
    assert library.latest("vehicles", on=date(2026, 7, 1)).version == "2026-1"
    assert library.latest("vehicles", on=date(2025, 1, 31)) is None


def test_latest_unknown_category_raises(library):
    with pytest.raises(KeyError):
        library.latest("spaceships")


def test_current_skips_sets_not_yet_valid(library):
    assert [s.label for s in library.current(on=date(2026, 1, 1))] == [
        "buses 2025-1",
        "catering 2025-1",
        "vehicles 2025-1",
    ]
    assert library.current(on=date(2024, 1, 1)) == ()


def test_get_and_criterion_raise_key_error_when_unknown(library):
    with pytest.raises(KeyError):
        library.get("vehicles", "2024-1")
    with pytest.raises(KeyError):
        library.criterion("veh-b:3")
    with pytest.raises(KeyError):
        library.criterion("veh-b")


def test_versions_containing_and_current_version(library):
    assert [s.label for s in library.versions_containing("veh-a:1")] == [
        "vehicles 2025-1",
        "vehicles 2026-1",
    ]
    assert [s.label for s in library.versions_containing("veh-b:1")] == ["vehicles 2025-1"]
    assert library.current_version("veh-a:1").id == "veh-a:1"
    assert library.current_version("veh-b:1").id == "veh-b:2"
    assert library.current_version("veh-c:1") is None
    assert library.current_version("veh-c:1", on=date(2026, 1, 1)).id == "veh-c:1"


def test_filters_by_category_level_type_and_text(library):
    def ids(found):
        return [c.id for c in found]

    assert ids(library.criteria(category="vehicles")) == ["veh-a:1", "veh-b:2", "veh-d:1"]
    assert ids(library.criteria(category="vehicles", on=date(2026, 1, 1))) == [
        "veh-a:1",
        "veh-b:1",
        "veh-c:1",
    ]
    assert ids(library.criteria(level="avansert")) == ["veh-b:2", "veh-d:1"]
    assert ids(library.criteria(type="qualification")) == ["bus-a:1", "cat-a:1"]
    assert ids(library.criteria(type="award", level="spydspiss")) == ["cat-b:1"]
    # Case-insensitive, every word must occur, English fields count too.
    assert ids(library.criteria(text="matsvinn")) == ["cat-a:1"]
    assert ids(library.criteria(text="ELECTRIC buses")) == ["bus-a:1"]
    assert ids(library.criteria(text="electric matsvinn")) == []


def test_filter_rejects_unknown_level_and_type(library):
    with pytest.raises(ValueError, match="unknown level 'expert'"):
        filter_criteria([], level="expert")
    with pytest.raises(ValueError, match="unknown type 'tender'"):
        library.criteria(type="tender")


# --- hashing -----------------------------------------------------------------------------------


def test_content_hash_is_sha256_of_canonical_json(library):
    # Tenders store this value: changing the canonical form would orphan every pinned hash.
    # Canonical = sorted keys, no spaces, UTF-8 (not \u escapes), unset fields left out.
    canonical = (
        '{"climate_environment":true,"id":"veh-a:1","level":"basis","source":"dfo",'
        '"text":"Personbiler skal være nullutslippskjøretøy.","title":"Nullutslipp",'
        '"title_en":"Zero emission","type":"specification","verification":"COC-dokument."}'
    )
    expected = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert expected == "1ab36383f85ab514f2ebe6361a9185694de909e6a29ead32094434423ac16cac"
    assert content_hash(library.criterion("veh-a:1")) == expected


def test_content_hash_is_stable_across_loads_and_versions(library):
    again = load_library(VALID)
    for criterion_id in ("veh-a:1", "veh-b:2", "cat-a:1", "bus-a:1"):
        assert content_hash(library.criterion(criterion_id)) == content_hash(
            again.criterion(criterion_id)
        )
    first, second = (s.criterion("veh-a:1") for s in library.sets("vehicles"))
    assert first.location != second.location
    assert content_hash(first) == content_hash(second)


def test_content_hash_changes_with_content(library):
    criterion = library.criterion("veh-a:1")
    original = content_hash(criterion)
    assert content_hash(dataclasses.replace(criterion, text=criterion.text + ".")) != original
    assert content_hash(dataclasses.replace(criterion, level="avansert")) != original
    assert content_hash(dataclasses.replace(criterion, climate_environment=False)) != original
    # Where it was read from is not content.
    assert content_hash(dataclasses.replace(criterion, location="elsewhere:1")) == original


def test_criterion_content_leaves_out_unset_fields(library):
    content = criterion_content(library.criterion("veh-a:1"))
    assert content == {
        "id": "veh-a:1",
        "type": "specification",
        "level": "basis",
        "title": "Nullutslipp",
        "title_en": "Zero emission",
        "text": "Personbiler skal være nullutslippskjøretøy.",
        "verification": "COC-dokument.",
        "climate_environment": True,
        "source": "dfo",
    }


# --- diff --------------------------------------------------------------------------------------


def test_diff_sets_reports_added_removed_changed(library):
    result = diff_sets(library.get("vehicles", "2025-1"), library.get("vehicles", "2026-1"))
    assert [c.id for c in result.added] == ["veh-d:1"]
    assert [c.id for c in result.removed] == ["veh-c:1"]
    assert [c.id for c in result.unchanged] == ["veh-a:1"]
    [change] = result.changed
    assert (change.base_id, change.old.id, change.new.id) == ("veh-b", "veh-b:1", "veh-b:2")
    assert [(f.field, f.old, f.new) for f in change.changes] == [
        ("id", "veh-b:1", "veh-b:2"),
        ("level", "basis", "avansert"),
        (
            "text",
            "Lavest energiforbruk gir høyest poengsum.",
            "Lavest energiforbruk målt etter WLTP gir høyest poengsum.",
        ),
    ]
    assert [(f.field, f.old, f.new) for f in result.metadata] == [
        ("published", date(2025, 1, 15), date(2026, 6, 15)),
        ("valid_from", date(2025, 2, 1), date(2026, 7, 1)),
        ("supersedes", None, "2025-1"),
    ]
    assert not result.is_empty


def test_diff_of_a_set_with_itself_is_empty(library):
    criteria_set = library.get("vehicles", "2026-1")
    result = diff_sets(criteria_set, criteria_set)
    assert result.is_empty
    assert len(result.unchanged) == 3


def test_diff_counts_a_bumped_suffix_alone_as_changed(library):
    old = library.get("vehicles", "2025-1")
    bumped = dataclasses.replace(old.criteria[0], id="veh-a:2")
    new = dataclasses.replace(old, criteria=(bumped, *old.criteria[1:]))
    [change] = diff_sets(old, new).changed
    assert [(f.field, f.old, f.new) for f in change.changes] == [("id", "veh-a:1", "veh-a:2")]


def test_diff_refuses_different_sets(library):
    with pytest.raises(ValueError, match="different criteria sets"):
        diff_sets(library.get("buses", "2025-1"), library.get("vehicles", "2025-1"))


# --- validation errors -------------------------------------------------------------------------


def test_schema_errors_are_exact_with_lines():
    assert errors_in("bad-schema") == [
        "widgets/2025-1.toml:1: missing key 'title_en'",
        "widgets/2025-1.toml:5: CPV code '3410' must look like '34100000-8'",
        "widgets/2025-1.toml:6: 'published' must be a date (YYYY-MM-DD), not a string",
        "widgets/2025-1.toml:8: unknown key 'colour'",
        "widgets/2025-1.toml:18: source 'src2': url must start with https:// or http://",
        "widgets/2025-1.toml:36: criterion 'wid-bad-01:1': unknown level 'expert' "
        "(expected basis, avansert, spydspiss)",
        "widgets/2025-1.toml:40: criterion 'wid-bad-01:1': 'climate_environment' must be "
        "true or false, not a string",
        "widgets/2025-1.toml:41: criterion 'wid-bad-01:1': unknown source 'nowhere' (sources: src)",
        "widgets/2025-1.toml:42: criterion 'wid-bad-01:1': a weight range is only allowed on "
        "award criteria",
        "widgets/2025-1.toml:51: criterion 'wid-award-01:1': weight_min 30 is greater than "
        "weight_max 20",
        "widgets/2025-1.toml:56: criterion 'Wid_Bad': missing key 'text'",
        "widgets/2025-1.toml:57: criterion 'Wid_Bad': id must look like 'base-id:1' (lowercase "
        "words joined by '-', then ':' and a version number)",
        "widgets/2025-1.toml:65: criterion 'wid-award-02:1': award criterion needs 'weight_min'",
        "widgets/2025-1.toml:72: criterion 'wid-award-02:1': weight_max 120 must be between 1 "
        "and 100 (percent)",
    ]


def test_toml_syntax_error_gives_its_line():
    assert errors_in("bad-toml") == [
        "widgets/2025-1.toml:3: invalid TOML: Illegal character '\\n'",
    ]


def test_load_library_raises_with_every_message():
    with pytest.raises(CriteriaError) as raised:
        load_library(FIXTURES / "bad-schema")
    assert len(raised.value.errors) == 14
    assert isinstance(raised.value, ValueError)
    assert raised.value.errors == validate_library(FIXTURES / "bad-schema")
    assert str(raised.value).startswith("14 error(s) in criteria library:\n")


def test_duplicate_criterion_ids_within_and_across_sets():
    assert errors_in("duplicate-ids") == [
        "widgets/2025-1.toml:26: duplicate criterion id 'wid-a:1' (also at line 16)",
        "widgets/2025-1.toml:46: criterion 'wid-b:2' repeats base id 'wid-b' of 'wid-b:1' "
        "at line 36",
        "widgets/2026-1.toml:16: criterion 'wid-a:1' differs from the same id in widgets 2025-1 "
        "(widgets/2025-1.toml:16) in text; a changed criterion needs a new version suffix",
        "widgets/2026-1.toml:36: criterion 'wid-c:1' has a lower version suffix than 'wid-c:2' "
        "in widgets 2025-1 (widgets/2025-1.toml:56)",
        "zappers/2025-1.toml:26: criterion 'wid-b:1' reuses id 'wid-b' of set 'widgets' "
        "(widgets/2025-1.toml:36)",
    ]


def test_duplicate_set_versions():
    assert errors_in("duplicate-version") == [
        "widgets/2025-2.toml:2: duplicate set version widgets 2025-1 "
        "(also in widgets/2025-1.toml:2)",
        "widgets/2025-2.toml:2: version '2025-1' does not match file name '2025-2.toml'",
    ]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "chain-missing",
            ["widgets/2026-1.toml:8: supersedes widgets 2025-9, which does not exist"],
        ),
        (
            "chain-fork",
            [
                "widgets/2025-3.toml:8: widgets 2025-3 supersedes 2025-1, which widgets 2025-2 "
                "already supersedes (widgets/2025-2.toml:8)"
            ],
        ),
        (
            "chain-cycle",
            [
                "widgets/2025-1.toml:7: valid_from 2025-01-01 is not after valid_from 2025-06-01 "
                "of the superseded version 2025-2",
                "widgets/2025-1.toml:8: supersede cycle in widgets: 2025-1 -> 2025-2 -> 2025-1",
            ],
        ),
        (
            "chain-two-first",
            [
                "widgets/2026-1.toml:2: widgets 2026-1 has no 'supersedes', but widgets 2025-1 "
                "is already the first version; a new version must supersede the one it replaces"
            ],
        ),
        (
            "chain-dates",
            [
                "widgets/2026-1.toml:7: valid_from 2025-01-01 is not after valid_from 2025-06-01 "
                "of the superseded version 2025-1"
            ],
        ),
    ],
)
def test_broken_supersede_chains(fixture, expected):
    assert errors_in(fixture) == expected


def test_self_supersede_is_a_cycle(tmp_path):
    text = (FIXTURES / "chain-two-first" / "widgets" / "2025-1.toml").read_text()
    target = tmp_path / "widgets" / "2025-1.toml"
    target.parent.mkdir()
    target.write_text(text.replace("# first version: supersedes nothing", 'supersedes = "2025-1"'))
    assert validate_library(tmp_path) == [
        f"{target}:8: supersede cycle in widgets: 2025-1 -> 2025-1"
    ]


def test_directory_problems(tmp_path):
    assert validate_library(tmp_path / "missing") == [
        f"{tmp_path / 'missing'}: criteria directory not found"
    ]
    assert validate_library(tmp_path) == [f"{tmp_path}: no criteria files found"]
    (tmp_path / "stray.toml").write_text('id = "x"\n')
    assert validate_library(tmp_path) == [
        f"{tmp_path / 'stray.toml'}: criteria files must be at <category>/<version>.toml"
    ]


def test_set_id_must_match_directory(tmp_path):
    source = FIXTURES / "valid" / "buses" / "2025-1.toml"
    target = tmp_path / "coaches" / "2025-1.toml"
    target.parent.mkdir()
    target.write_text(source.read_text())
    assert validate_library(tmp_path) == [
        f"{target}:1: set id 'buses' does not match its directory 'coaches'"
    ]


# --- line finder -------------------------------------------------------------------------------


def test_toml_lines_follow_tables_and_skip_strings_and_arrays():
    lines = TomlLines(
        "\n".join(
            [
                "# comment",  # 1
                'id = "x"',  # 2
                "cpv = [",  # 3
                '  "a[",',  # 4
                "]",  # 5
                "text = '''",  # 6
                "level = 'no'",  # 7
                "'''",  # 8
                "[[criteria]]",  # 9
                'title.nb = "t"  # comment',  # 10
                "[[criteria]]",  # 11
                '"level" = "x"',  # 12
                "[extra]",  # 13
                "a = { b = 1 }",  # 14
            ]
        )
    )
    assert lines.key((), "cpv") == 3
    assert lines.key((), "text") == 6
    assert lines.key((), "level") == 1  # inside a string: not a key, so the root table's line
    assert lines.table(("criteria", 0)) == 9
    assert lines.key(("criteria", 0), "title") == 10
    assert lines.key(("criteria", 1), "level") == 12
    assert lines.key(("criteria", 1), "missing") == 11
    assert lines.key((), "extra") == 13
    assert lines.key(("extra",), "a") == 14
    assert lines.table(("criteria", 5)) == 9  # unknown element: where the array starts
