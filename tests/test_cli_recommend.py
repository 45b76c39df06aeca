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
    (["--value", "10", "--contract-type", "software", "--date", "2025-05-01"], "--contract-type"),
    (["--value", "10", "--contract-type", "goods", "--date", "2025-05-01", "--buyer", "county"],
     "--buyer"),
    (["--value", "10", "--contract-type", "goods", "--date", "2020-01-01"], "ingen regelsett"),
    (["--value", "10", "--contract-type", "goods", "--date", "01.05.2025"], "--date"),
    (["--value", "10", "--contract-type", "goods", "--date", "2025-05-01", "--cpv-division",
      "301"], "--cpv-division"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_code_2(args, message):
    result = invoke(*args, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Feil: ") and message in lines[0]


def test_missing_required_option_is_a_usage_error():
    assert invoke("--value", "10").exit_code == 2


# --- Issue 18 ----------------------------------------------------------------------------------

def test_json_lists_every_lawful_part_3_procedure_with_conditions():
    # NFD guide ch. 34.1: open and restricted always; negotiation, dialogue and innovation
    # partnership on conditions; without notice only in the exceptions.
    result = invoke("--value", "3000000", "--contract-type", "services", "--date", "2026-08-01",
                    "--json")
    procedures = json.loads(result.stdout)["procedures"]
    assert [p["id"] for p in procedures] == [
        "open-procedure", "restricted-procedure", "competitive-negotiation",
        "competitive-dialogue", "innovation-partnership", "direct-award"]
    assert all(p["conditions"] for p in procedures)
    obligations = {o["id"] for o in json.loads(result.stdout)["obligations"]}
    assert {"award-notice", "award-letter", "standstill"} <= obligations


def test_health_and_social_services_above_the_threshold_allow_negotiation():
    result = invoke("--value", "9000000", "--contract-type", "health-social", "--date",
                    "2026-08-01", "--json")
    data = json.loads(result.stdout)
    assert data["regime"] == "part-4"
    assert "competitive-negotiation" in [p["id"] for p in data["procedures"]]


def test_options_are_added_to_the_value_before_the_thresholds():
    plain = json.loads(invoke("--value", "2000000", "--contract-type", "goods", "--date",
                              "2025-05-01", "--json").stdout)
    with_options = invoke("--value", "2000000", "--options-value", "400000", "--contract-type",
                          "goods", "--date", "2025-05-01")
    assert plain["regime"] == "part-2"
    assert "Regime: part-3" in with_options.stdout
    assert "Opsjoner 400 000 kr" in with_options.stdout
    assert "Anslått verdi: 2 400 000 kr ekskl. mva." in with_options.stdout


def test_framework_maximum_is_the_value_and_over_four_years_is_warned():
    # Directive 2014/24 art. 33; FOA § 26-1.
    args = ["--framework", "3000000", "--contract-type", "goods", "--date", "2025-05-01",
            "--json"]
    long = json.loads(invoke(*args, "--months", "60").stdout)
    short = json.loads(invoke(*args, "--months", "48").stdout)
    grounded = json.loads(invoke(*args, "--months", "60", "--framework-grounds",
                                 "Maskiner som nedskrives over seks år").stdout)
    assert long["regime"] == "part-3"
    assert "framework-duration" in {w["id"] for w in long["warnings"]}
    assert "framework-duration" not in {w["id"] for w in short["warnings"]}
    assert "framework-duration" not in {w["id"] for w in grounded["warnings"]}
    assert any("Maskiner som nedskrives" in s for s in grounded["explanation"])


def test_months_reach_the_apprentice_duty():
    args = ["--value", "3000000", "--contract-type", "works", "--date", "2026-08-01", "--json"]
    short = {o["id"] for o in json.loads(invoke(*args, "--months", "2").stdout)["obligations"]}
    long = {o["id"] for o in json.loads(invoke(*args, "--months", "12").stdout)["obligations"]}
    assert "apprentices" not in short and "apprentices" in long


def test_cleaning_cpv_brings_the_norway_model():
    args = ["--value", "3000000", "--contract-type", "services", "--date", "2026-08-01", "--json"]
    cleaning = json.loads(invoke(*args, "--cpv", "90911200").stdout)
    other = json.loads(invoke(*args, "--cpv", "72000000").stdout)
    assert "norway-model" in {o["id"] for o in cleaning["obligations"]}
    assert "norway-model" not in {o["id"] for o in other["obligations"]}


def test_lang_en_shows_english_texts_and_headings():
    result = invoke("--value", "3000000", "--contract-type", "services", "--date", "2026-08-01",
                    "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "Estimated value: NOK 3,000,000 excluding VAT" in result.stdout
    assert "Duties:" in result.stdout and "Explanation:" in result.stdout
    assert "Announce the contract award on Doffin" in result.stdout
    assert "Kunngjør" not in result.stdout and "Plikter" not in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--contract-type", "goods", "--date", "2025-05-01"], "--framework"),
    (["--value", "10", "--framework", "10", "--contract-type", "goods", "--date", "2025-05-01"],
     "enten"),
    (["--framework", "10", "--options-value", "5", "--contract-type", "goods", "--date",
      "2025-05-01"], "--options-value"),
    (["--value", "10", "--months", "-1", "--contract-type", "goods", "--date", "2025-05-01"],
     "--months"),
    (["--value", "10", "--months", "tre", "--contract-type", "goods", "--date", "2025-05-01"],
     "--months"),
    (["--value", "10", "--options-value", "-5", "--contract-type", "goods", "--date",
      "2025-05-01"], "negativ"),
    (["--value", "10", "--cpv", "9091", "--contract-type", "goods", "--date", "2025-05-01"],
     "--cpv"),
    (["--value", "10", "--lang", "de", "--contract-type", "goods", "--date", "2025-05-01"],
     "--lang"),
])
def test_new_options_refuse_bad_input_on_one_line(args, message):
    result = invoke(*args, "--json")
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Feil: ") and message in lines[0], lines


@pytest.mark.parametrize(("args", "message"), [
    (["--value", "abc"], "Error: --value must be a number, got 'abc'"),
    (["--value", "10", "--date", "2001-01-01"], "Error: no rule set applies on 2001-01-01"),
    (["--value", "1e20"], "Error: the estimated value cannot be over"),
    (["--value", "10", "--buyer", "county"], "Error: --buyer: unknown value 'county'"),
    (["--value", "10", "--cpv-division", "9x"], "Error: --cpv-division must be two digits"),
])
def test_errors_are_in_english_with_lang_en(args, message):
    defaults = {"--contract-type": "goods", "--date": "2025-05-01"}
    given = dict(zip(args[::2], args[1::2], strict=True))
    result = invoke(*[item for pair in {**defaults, **given}.items() for item in pair],
                    "--lang", "en")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(message), result.stderr
    assert "Feil" not in result.stderr and "må" not in result.stderr
