"""`procure recommend` without a Flask app: summary, JSON contract and exit code 2 on bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from procure.cli.recommend import recommend_command

KEYS = ["rules_version", "regime", "notice", "procedures", "track", "obligations", "warnings",
        "explanation"]


def invoke(*args: str):
    return CliRunner().invoke(recommend_command, list(args))


def test_json_output_is_one_object_with_the_contract_keys():
    result = invoke("--value", "2500000", "--contract-type", "services", "--date", "2025-05-01",
                    "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == KEYS
    assert (data["rules_version"], data["regime"], data["notice"]) == (
        "2024-03-14", "part-3", ["doffin", "ted"])
    assert result.stderr == ""


def test_json_reflects_buyer_innovation_market_and_rnd_options():
    result = invoke("--value", "1600000", "--contract-type", "goods", "--date", "2026-07-01",
                    "--buyer", "state", "--innovation", "new", "--market", "unknown", "--rnd",
                    "--json")
    data = json.loads(result.stdout)
    assert data["regime"] == "part-3"  # 1.49 M for state bodies
    assert data["track"] == "market-dialogue"
    assert [p["id"] for p in data["procedures"] if p["recommended"]] == ["innovation-partnership"]


def test_splitting_options_reach_the_warnings():
    result = invoke("--value", "1000000", "--contract-type", "goods", "--date", "2025-05-01",
                    "--earlier-total", "400000", "--cpv-division", "30", "--json")
    warnings = {w["id"] for w in json.loads(result.stdout)["warnings"]}
    assert "possible-splitting" in warnings


def test_summary_is_readable_norwegian():
    result = invoke("--value", "600 000", "--contract-type", "goods", "--date", "2025-05-01")
    assert result.exit_code == 0
    assert "Regelsett: 2024-03-14" in result.stdout
    assert "Anslått verdi: 600 000 kr ekskl. mva." in result.stdout
    assert "Regime: part-1" in result.stdout
    assert "Forenklet konkurranse [simplified-competition]" in result.stdout
    assert "Plikter:" in result.stdout and "Begrunnelse:" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--value", "-5", "--contract-type", "goods", "--date", "2025-05-01"], "negativ"),
    (["--value", "abc", "--contract-type", "goods", "--date", "2025-05-01"], "tall"),
    (["--value", "10", "--contract-type", "software", "--date", "2025-05-01"], "kontrakttype"),
    (["--value", "10", "--contract-type", "goods", "--date", "2025-05-01", "--buyer", "county"],
     "oppdragsgivertype"),
    (["--value", "10", "--contract-type", "goods", "--date", "2020-01-01"], "ingen regelsett"),
    (["--value", "10", "--contract-type", "goods", "--date", "01.05.2025"], "YYYY-MM-DD"),
    (["--value", "10", "--contract-type", "goods", "--date", "2025-05-01", "--cpv-division",
      "301"], "CPV"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_code_2(args, message):
    result = invoke(*args, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Feil: ") and message in lines[0]


def test_missing_required_option_is_a_usage_error():
    assert invoke("--value", "10").exit_code == 2
