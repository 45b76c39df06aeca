"""The real criteria library in criteria/: coverage, then one validation test per file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from procure.domain.cpv import load_cpv
from procure.domain.criteria import (
    DEFAULT_CRITERIA_DIR,
    LEVELS,
    TYPES,
    diff_sets,
    load_library,
    validate_library,
)

REQUIRED_CATEGORIES = (
    "vehicles",
    "transport-services",
    "food-catering",
    "cleaning-services",
    "it-equipment",
    "construction-works",
    "furniture",
    "textiles",
)
FILES = sorted(DEFAULT_CRITERIA_DIR.glob("*/*.toml"))


@pytest.fixture(scope="module")
def all_errors() -> list[str]:
    return validate_library(DEFAULT_CRITERIA_DIR)


@pytest.fixture(scope="module")
def cpv():
    return load_cpv()


def test_every_category_has_all_levels_and_types():
    assert FILES, f"no criteria files in {DEFAULT_CRITERIA_DIR}"
    library = load_library(DEFAULT_CRITERIA_DIR)
    assert set(REQUIRED_CATEGORIES) <= set(library.categories())
    for category in REQUIRED_CATEGORIES:
        latest = library.latest(category)
        assert {c.level for c in latest.criteria} == set(LEVELS), latest.label
        assert {c.type for c in latest.criteria} == set(TYPES), latest.label
        assert 8 <= len(latest.criteria) <= 14, latest.label
        assert any(c.climate_environment for c in latest.criteria if c.type == "award")


def test_some_set_has_a_second_version_that_adds_removes_and_changes():
    library = load_library(DEFAULT_CRITERIA_DIR)
    versioned = [c for c in library.categories() if len(library.sets(c)) > 1]
    assert versioned
    for category in versioned:
        versions = library.sets(category)
        for old, new in zip(versions, versions[1:], strict=False):
            assert new.supersedes == old.version
            result = diff_sets(old, new)
            assert result.added and result.removed and result.changed, new.label
            # A changed criterion keeps its base id and gets a higher suffix.
            assert all(c.new.version > c.old.version for c in result.changed)


@pytest.mark.parametrize(
    "path", FILES, ids=[str(p.relative_to(DEFAULT_CRITERIA_DIR)) for p in FILES]
)
def test_criteria_file_is_valid(path: Path, all_errors: list[str], cpv):
    own = [e for e in all_errors if e.startswith(f"{path}:")]
    assert own == []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    # The loader checks the form of CPV codes; only the official list knows if they exist.
    assert [code for code in data["cpv"] if cpv.lookup(code) is None] == []
    assert all(source["url"].startswith("https://") for source in data["sources"])
    for criterion in data["criteria"]:
        assert criterion["id"].split("-")[0] == data["criteria"][0]["id"].split("-")[0], (
            f"{criterion['id']}: one id prefix per set keeps ids unique across sets"
        )
