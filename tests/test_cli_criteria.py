"""The `criteria` click group on its own (no Flask app): check, list and diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from procure.cli.criteria import criteria
from procure.domain.criteria import content_hash, load_library, validate_library

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "criteria"
VALID = FIXTURES / "valid"


@pytest.fixture
def cli(monkeypatch):
    # The --dir default can come from the environment; tests must not depend on it.
    monkeypatch.delenv("PROCURE_CRITERIA_DIR", raising=False)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(criteria, list(args), catch_exceptions=False)

    return invoke


def test_check_ok_prints_one_line_summary(cli):
    result = cli("check", str(VALID))
    assert result.exit_code == 0
    assert result.output == (f"OK: 3 categories, 4 set versions, 8 criterion versions in {VALID}\n")


def test_check_real_library_by_default(cli):
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")


def test_check_prints_every_error_and_fails(cli):
    directory = FIXTURES / "bad-schema"
    result = cli("check", str(directory))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == validate_library(directory)
    assert len(result.stdout.splitlines()) == 14
    assert result.stderr == f"FAILED: 14 error(s) in {directory}\n"


def test_list_table_of_current_criteria(cli):
    result = cli("list", "--dir", str(VALID))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "SET", "LEVEL", "TYPE", "ENV", "WEIGHT", "TITLE"]
    assert [line.split()[0] for line in lines[1:-1]] == [
        "bus-a:1",
        "cat-a:1",
        "cat-b:1",
        "veh-a:1",
        "veh-b:2",
        "veh-d:1",
    ]
    assert "10-20 %" in next(line for line in lines if line.startswith("veh-b:2"))
    assert "§7-9" not in next(line for line in lines if line.startswith("cat-b:1"))
    assert lines[-1] == "6 criteria"


def test_list_filters(cli):
    result = cli("list", "--dir", str(VALID), "--category", "vehicles", "--level", "avansert")
    assert [line.split()[0] for line in result.output.splitlines()[1:-1]] == [
        "veh-b:2",
        "veh-d:1",
    ]
    result = cli("list", "--dir", str(VALID), "--type", "qualification", "--search", "matsvinn")
    assert [line.split()[0] for line in result.output.splitlines()[1:-1]] == ["cat-a:1"]


def test_list_on_date_and_all_versions(cli):
    result = cli("list", "--dir", str(VALID), "--category", "vehicles", "--on", "2026-01-01")
    assert [line.split()[0] for line in result.output.splitlines()[1:-1]] == [
        "veh-a:1",
        "veh-b:1",
        "veh-c:1",
    ]
    result = cli("list", "--dir", str(VALID), "--category", "vehicles", "--all-versions")
    assert result.output.splitlines()[-1] == "6 criteria"


def test_list_json_carries_set_version_and_hash(cli):
    result = cli("list", "--dir", str(VALID), "--category", "buses", "--json")
    assert result.exit_code == 0
    [row] = json.loads(result.output)
    criterion = load_library(VALID).criterion("bus-a:1")
    assert row["set"] == "buses"
    assert row["set_version"] == "2025-1"
    assert row["id"] == "bus-a:1"
    assert row["text_en"] == criterion.text_en
    assert row["content_hash"] == content_hash(criterion)
    assert "weight_min" not in row


def test_list_rejects_unknown_category_and_level(cli):
    result = CliRunner().invoke(criteria, ["list", "--dir", str(VALID), "--category", "boats"])
    assert result.exit_code == 2
    assert "unknown category 'boats'" in result.output
    result = CliRunner().invoke(criteria, ["list", "--dir", str(VALID), "--level", "expert"])
    assert result.exit_code == 2


def test_list_on_broken_library_prints_errors_and_fails(cli):
    result = cli("list", "--dir", str(FIXTURES / "chain-missing"))
    assert result.exit_code == 1
    assert "supersedes widgets 2025-9, which does not exist" in result.stderr


def test_diff_shows_added_removed_and_changed(cli):
    result = cli("diff", "--dir", str(VALID), "vehicles", "2025-1", "2026-1")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "vehicles: 2025-1 -> 2026-1",
        "Set metadata:",
        "      published: 2025-01-15 -> 2026-06-15",
        "      valid_from: 2025-02-01 -> 2026-07-01",
        "      supersedes: (none) -> 2025-1",
        "Added: 1",
        "  + veh-d:1  [avansert, contract-clause]  Styrt lading",
        "Removed: 1",
        "  - veh-c:1  [spydspiss, contract-clause]  Rapportering",
        "Changed: 1",
        "  ~ veh-b:1 -> veh-b:2  Lavt energiforbruk",
        "      level: basis -> avansert",
        "      text:",
        "        - Lavest energiforbruk gir høyest poengsum.",
        "        + Lavest energiforbruk målt etter WLTP gir høyest poengsum.",
        "Unchanged: 1",
    ]


def test_diff_unknown_version_is_a_usage_error():
    result = CliRunner().invoke(
        criteria, ["diff", "--dir", str(VALID), "vehicles", "2024-1", "2026-1"]
    )
    assert result.exit_code == 2
    assert (
        "unknown criteria set version vehicles 2024-1 (versions of vehicles: 2025-1, 2026-1)"
        in (result.output)
    )
