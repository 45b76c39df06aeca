import pytest

from procure.passwords import hash_password, password_problems, verify_password


@pytest.mark.parametrize("password", [
    "correct horse battery", "Fjellvann og blåbær 2026", "a" * 11 + "bcdefghijk",
])
def test_long_uncommon_passwords_pass_without_composition_rules(password):
    assert password_problems(password, context=("kari@lillestrom.example",)) == []


@pytest.mark.parametrize("password", [
    "short", "elevenchars",  # too short
])
def test_minimum_length(password):
    assert password_problems(password) == ["The password must have at least 12 characters."]


@pytest.mark.parametrize("password", [
    "123456789012", "qwertyuiopas", "passwordpassword", "aaaaaaaaaaaaaaa", "ababababababab",
    "lillestrom2026", "Procure12345678", "kari.nordmann1", "kari.nordmann",
])
def test_common_and_context_passwords_are_refused(password):
    problems = password_problems(password, context=("kari.nordmann@lillestrom.example",))
    assert problems and "too common" in problems[0]


def test_hash_round_trip_and_unknown_user():
    hashed = hash_password("correct horse battery")
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "wrong horse battery")
    assert not verify_password(None, "anything at all")
    assert not verify_password("not-a-hash", "anything at all")
