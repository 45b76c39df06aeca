"""Rule sets as data: the real files load, periods chain, and broken files name file and line."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from procure.domain.procedures import RecommendationInput, recommend
from procure.domain.rules import (
    BUYER_TYPES,
    CONTRACT_TYPES,
    DEFAULT_RULES_DIR,
    NoRuleSetError,
    RuleError,
    load_rulebook,
    load_ruleset,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
BROKEN = FIXTURES / "broken"


@pytest.fixture(scope="module")
def book():
    return load_rulebook(DEFAULT_RULES_DIR)


def test_default_rules_dir_is_the_package_rules_folder():
    expected = Path(__file__).resolve().parents[2] / "procure" / "rules"
    assert expected == DEFAULT_RULES_DIR
    assert sorted(p.name for p in DEFAULT_RULES_DIR.glob("*.toml")) == [
        "2024-01-01.toml", "2024-03-14.toml", "2026-07-01.toml"]


def test_real_rule_sets_chain_without_gaps(book):
    periods = [(s.id, s.valid_from, s.valid_to) for s in book.rulesets]
    assert periods == [
        ("2024-01-01", date(2024, 1, 1), date(2024, 3, 13)),
        ("2024-03-14", date(2024, 3, 14), date(2026, 6, 30)),
        ("2026-07-01", date(2026, 7, 1), None),
    ]


@pytest.mark.parametrize(("day", "expected"), [
    (date(2024, 1, 1), "2024-01-01"),
    (date(2024, 3, 13), "2024-01-01"),
    (date(2024, 3, 14), "2024-03-14"),
    (date(2026, 6, 30), "2024-03-14"),
    (date(2026, 7, 1), "2026-07-01"),
    (date(2040, 1, 1), "2026-07-01"),
])
def test_for_date_picks_the_set_in_force(book, day, expected):
    assert book.for_date(day).id == expected


def test_for_date_before_the_first_set_is_a_clear_error(book):
    with pytest.raises(NoRuleSetError, match=r"2023-12-31.*2024-01-01"):
        book.for_date(date(2023, 12, 31))


def test_lower_limit_and_section_7_9_variant_change_on_1_july_2026(book):
    old, new = book.for_date(date(2026, 6, 30)), book.for_date(date(2026, 7, 1))
    assert old.thresholds["lower"].value == Decimal(100_000)
    assert new.thresholds["lower"].value == Decimal(500_000)
    assert set(old.climate.exemptions) == {"insignificant"}
    assert set(new.climate.exemptions) == {"insignificant", "critical-interest", "national-minimum"}
    assert "combination" not in old.climate.bases and "combination" in new.climate.bases
    assert old.climate.min_weight_percent == new.climate.min_weight_percent == 30


def test_2026_eea_values_are_kept_from_2024_but_flagged_low_confidence(book):
    old, new = book.for_date(date(2025, 1, 1)), book.for_date(date(2026, 7, 1))
    for key in ("eea-goods-services-municipality", "eea-goods-services-state", "eea-works",
                "eea-special"):
        assert new.thresholds[key].value == old.thresholds[key].value
        assert old.thresholds[key].confidence == "H"
        assert new.thresholds[key].confidence == "L"
        # Point 12: the note says in plain words that the threshold may have changed.
        assert "kan ha endret seg" in new.thresholds[key].note
        assert "may have changed" in new.thresholds[key].note_en


def test_eea_values_2022_to_2024_apply_before_14_march_2024(book):
    early = book.for_date(date(2024, 2, 1))
    assert early.thresholds["eea-goods-services-municipality"].value == Decimal(2_200_000)
    assert early.thresholds["eea-works"].value == Decimal(56_000_000)


def test_every_rule_set_is_complete_and_cites_sources(book):
    for ruleset in book.rulesets:
        assert set(ruleset.bands) == {(b, c) for b in BUYER_TYPES for c in CONTRACT_TYPES}
        assert all(s.url.startswith("http") for s in ruleset.sources.values())
        assert all(t.confidence in "HML" and t.sources for t in ruleset.thresholds.values())
        ids = {o.id for o in ruleset.obligations}
        assert {"protocol", "climate-environment", "doffin-notice", "ted-notice", "espd",
                "standstill", "apprentices", "pay-and-conditions", "minimum-deadlines",
                "award-letter", "award-notice", "norway-model"} <= ids


def test_rule_error_is_a_value_error():
    assert issubclass(RuleError, ValueError)


def _messages(path: Path) -> tuple[str, ...]:
    with pytest.raises(RuleError) as caught:
        load_ruleset(path)
    assert str(caught.value) == "\n".join(caught.value.messages)
    return caught.value.messages


def test_invalid_toml_names_file_and_line():
    (message,) = _messages(BROKEN / "bad_syntax.toml")
    assert message.startswith("bad_syntax.toml:5: invalid TOML")


def test_bad_enum_values_name_their_lines():
    messages = _messages(BROKEN / "bad_enum.toml")
    assert ("bad_enum.toml:12: thresholds.lower.confidence: must be one of H, M, L; got 'X'"
            in messages)
    # The second [[bands.municipality.goods]] table, not the first one.
    assert ("bad_enum.toml:27: bands.municipality.goods[1].regime: must be one of part-1, "
            "part-2, part-3, part-4; got 'part-9'" in messages)


def test_bad_types_name_their_lines():
    messages = _messages(BROKEN / "bad_type.toml")
    assert "bad_type.toml:4: valid_from: must be a TOML date (YYYY-MM-DD, unquoted)" in messages
    assert "bad_type.toml:9: thresholds.lower.value: expected int, got str" in messages
    # One error per spot: no follow-on complaint about the same value.
    assert sum("thresholds.lower.value" in m for m in messages) == 1


def test_missing_keys_point_at_the_table_or_file_start():
    messages = _messages(BROKEN / "missing_key.toml")
    assert "missing_key.toml:7: thresholds.lower.value: missing required key" in messages
    assert "missing_key.toml:1: valid_from: missing required key" in messages
    assert "missing_key.toml:1: climate: missing required key" in messages


def test_unknown_keys_and_references_name_their_lines():
    messages = _messages(BROKEN / "unknown_reference.toml")
    assert "unknown_reference.toml:6: valid_too: unknown key" in messages
    assert ("unknown_reference.toml:18: thresholds.lower.sources[1]: unknown source 'nobody'"
            in messages)
    assert ("unknown_reference.toml:26: bands.state.works[1].from: unknown threshold "
            "'eea-works'" in messages)


def test_overlapping_periods_name_the_later_file_and_line():
    with pytest.raises(RuleError) as caught:
        load_rulebook(FIXTURES / "overlap")
    assert ("b.toml:5: valid_from: period starting 2026-06-01 overlaps a.toml "
            "(2024-03-14 – 2026-06-30)" in caught.value.messages)


def test_gap_between_periods_names_the_later_file_and_line():
    with pytest.raises(RuleError) as caught:
        load_rulebook(FIXTURES / "gap")
    assert ("b.toml:6: valid_from: gap after a.toml (2024-03-14 – 2026-06-30): expected "
            "2026-07-01, got 2026-07-06" in caught.value.messages)


def test_only_the_last_set_may_be_open_ended(tmp_path):
    for path in DEFAULT_RULES_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / "2024-03-14.toml"
    target.write_text(target.read_text(encoding="utf-8").replace(
        "valid_to = 2026-06-30", 'valid_to = ""'), encoding="utf-8")
    with pytest.raises(RuleError, match=r"2026-07-01\.toml:10: valid_from: .*overlaps "
                                        r"2024-03-14\.toml \(2024-03-14 – open\)"):
        load_rulebook(tmp_path)


def test_duplicate_ids_are_refused(tmp_path):
    shutil.copy(DEFAULT_RULES_DIR / "2024-03-14.toml", tmp_path / "a.toml")
    text = (DEFAULT_RULES_DIR / "2026-07-01.toml").read_text(encoding="utf-8")
    (tmp_path / "b.toml").write_text(text.replace('id = "2026-07-01"', 'id = "2024-03-14"'),
                                     encoding="utf-8")
    with pytest.raises(RuleError, match=r"b\.toml:8: id: duplicate id '2024-03-14'"):
        load_rulebook(tmp_path)


def test_an_empty_directory_is_an_error(tmp_path):
    with pytest.raises(RuleError, match="no rule files"):
        load_rulebook(tmp_path)


def test_a_new_period_is_a_data_change_only(tmp_path):
    """Confirmed 2026–27 NOK thresholds: add one file and close the previous period."""
    for path in DEFAULT_RULES_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    previous = tmp_path / "2026-07-01.toml"
    text = previous.read_text(encoding="utf-8")
    previous.write_text(text.replace('valid_to = ""', "valid_to = 2026-09-30", 1),
                        encoding="utf-8")
    shutil.copy(FIXTURES / "new_period" / "2026-10-01.toml", tmp_path / "2026-10-01.toml")

    book = load_rulebook(tmp_path)
    assert [s.id for s in book.rulesets][-2:] == ["2026-07-01", "2026-10-01-test"]

    def answer(day: date):
        inputs = RecommendationInput("municipality", "services", Decimal(2_260_000), day)
        return recommend(inputs, book.for_date(day))

    before, after = answer(date(2026, 9, 30)), answer(date(2026, 10, 1))
    assert (before.rules_version, before.regime) == ("2026-07-01", "part-2")
    assert (after.rules_version, after.regime) == ("2026-10-01-test", "part-3")
    unconfirmed = [w.text for w in after.warnings if w.id == "unconfirmed-facts"]
    assert not any("EØS-terskelverdi" in text for text in unconfirmed)


def test_error_lines_for_nested_tables_inline_tables_and_list_items(tmp_path):
    text = (DEFAULT_RULES_DIR / "2024-03-14.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    broken = (text.replace('regime = "part-3"', 'regime = "part-9"', 1)
              .replace('thresholds = { municipality = "apprentices-municipality"',
                       'thresholds = { municipality = "no-such-threshold"', 1)
              .replace('recommend_when = ["innovation-new", "rnd"]',
                       "recommend_when = ['innovation-new', 7]", 1))
    path = tmp_path / "x.toml"
    path.write_text(broken, encoding="utf-8")
    messages = _messages(path)

    def line_of(fragment: str) -> int:
        return next(n for n, line in enumerate(lines, start=1) if fragment in line)

    regime, requires = line_of('regime = "part-3"'), line_of("recommend_when = ")
    limits = line_of("thresholds = { municipality = ")
    assert len(messages) == 3
    assert (f"x.toml:{regime}: bands.municipality.goods[2].regime: must be one of part-1, part-2, "
            "part-3, part-4; got 'part-9'") in messages
    assert (f"x.toml:{requires}: regimes.part-1.procedures[3].recommend_when[1]: must be one of "
            "innovation-new, innovation-any, rnd, market-unknown; got 7") in messages
    assert (f"x.toml:{limits}: obligations.apprentices-2017.thresholds.municipality: unknown "
            "threshold 'no-such-threshold'") in messages


def test_a_rule_text_without_english_is_refused_with_its_line(tmp_path):
    """Issue 18 point 14: every user-facing rule text has an English twin beside the bokmål."""
    text = (DEFAULT_RULES_DIR / "2026-07-01.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    label = next(n for n, line in enumerate(lines) if line.startswith('label = "Del IV'))
    assert lines[label + 1].startswith("label_en = ")
    conditions = next(n for n, line in enumerate(lines) if line.startswith("conditions_en = [")
                      and lines[n + 1].startswith("  "))
    broken = lines[:]
    del broken[label + 1]  # the part IV label loses its English
    broken[conditions + 1] = "#" + broken[conditions + 1]  # one English condition short
    broken = "\n".join(broken).replace(
        "text_by_regime_en = { part-4 = ", "text_by_regime_en = { part-2 = ", 1)
    path = tmp_path / "x.toml"
    path.write_text(broken, encoding="utf-8")
    messages = _messages(path)
    header = next(n for n, line in enumerate(lines, start=1) if line == "[regimes.part-4]")
    assert f"x.toml:{header}: regimes.part-4.label_en: missing required key" in messages
    assert any("conditions_en: needs" in m for m in messages), messages
    assert any("text_by_regime_en needs an English text for part-4" in m for m in messages)


def test_every_rule_text_has_english(book):
    for ruleset in book.rulesets:
        for regime in ruleset.regimes.values():
            assert regime.label_en
            for procedure in regime.procedures:
                assert procedure.label_en
                assert len(procedure.conditions_en) == len(procedure.conditions)
        for rule in ruleset.obligations:
            assert rule.text_en and set(rule.text_by_regime_en) == set(rule.text_by_regime)
        assert all(t.label_en for t in ruleset.thresholds.values())
