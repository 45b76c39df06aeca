import secrets

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


PRODUCTION_PREFIX = "$argon2id$v=19$m=65536,t=3,p=4$"  # argon2-cffi's RFC 9106 low-memory profile
TEST_PREFIX = "$argon2id$v=19$m=8,t=1,p=1$"
STRONG_KEY = secrets.token_hex(32)  # production refuses guessable keys such as "k" * 40


def _app(tmp_path, **config):
    from procure import create_app

    return create_app({"SECRET_KEY": STRONG_KEY, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                       "OUTBOX_DIR": str(tmp_path / "outbox"), **config})


def test_a_production_app_hashes_at_production_cost(tmp_path, monkeypatch):
    from procure import passwords

    # The suite runs with PROCURE_PASSWORD_HASH_PROFILE=test; a deployment does not set it.
    monkeypatch.delenv(passwords.PROFILE_VARIABLE, raising=False)
    app = _app(tmp_path, ENV="production")
    assert app.config["PASSWORD_HASH_PROFILE"] == "production"
    with app.app_context():
        hashed = hash_password("correct horse battery")
        dummy = passwords._dummy_hash(passwords.hash_profile())  # used for unknown e-mails
        assert verify_password(hashed, "correct horse battery")
        assert not verify_password(None, "correct horse battery")
    assert hashed.startswith(PRODUCTION_PREFIX), hashed
    assert dummy.startswith(PRODUCTION_PREFIX), dummy
    # Services used without an app (the CLI's scripts, migrations) hash at production cost too.
    assert hash_password("correct horse battery").startswith(PRODUCTION_PREFIX)


def test_production_cost_is_the_default_and_the_test_profile_is_refused_in_production(tmp_path):
    from procure.config import ConfigError, build_config

    assert build_config(tmp_path, {}, None)["PASSWORD_HASH_PROFILE"] == "production"
    production = {"PROCURE_ENV": "production", "PROCURE_SECRET_KEY": STRONG_KEY,
                  "PROCURE_DATABASE_URL": "postgresql://x/y"}
    with pytest.raises(ConfigError, match="PROCURE_PASSWORD_HASH_PROFILE=production"):
        build_config(tmp_path, {**production, "PROCURE_PASSWORD_HASH_PROFILE": "test"}, None)
    with pytest.raises(ConfigError, match="must be one of production, test"):
        build_config(tmp_path, {"PROCURE_PASSWORD_HASH_PROFILE": "cheap"}, None)


def test_the_test_suite_hashes_cheaply_and_both_costs_verify(app, tmp_path):
    with app.app_context():
        cheap = hash_password("correct horse battery")
    assert cheap.startswith(TEST_PREFIX), cheap
    assert hash_password("correct horse battery").startswith(TEST_PREFIX)  # outside an app
    with _app(tmp_path, PASSWORD_HASH_PROFILE="production").app_context():
        assert verify_password(cheap, "correct horse battery")  # a hash carries its own cost
