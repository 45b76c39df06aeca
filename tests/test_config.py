from __future__ import annotations

import subprocess
import sys

import pytest

from procure import create_app
from procure.config import ConfigError, build_config

STRONG_KEY = "9d8f0a7c1e2b4d6f8a0c2e4f6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a0c1e"


def test_test_config_is_honoured(app):
    assert app.testing
    assert app.config["SECRET_KEY"].startswith("test-secret-key-")


def test_environment_variables_with_prefix(tmp_path):
    config = build_config(tmp_path, {"PROCURE_DATABASE_URL": "sqlite:///x.db",
                                     "PROCURE_LOGIN_MAX_FAILURES": "3", "OTHER": "1"}, None)
    assert config["DATABASE_URL"] == "sqlite:///x.db"
    assert config["LOGIN_MAX_FAILURES"] == 3
    assert "OTHER" not in config


def test_default_database_is_sqlite_in_instance(tmp_path):
    config = build_config(tmp_path, {}, None)
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'procure.sqlite3'}"


def test_development_key_is_generated_once_and_kept(tmp_path):
    first = build_config(tmp_path, {}, None)["SECRET_KEY"]
    second = build_config(tmp_path, {}, None)["SECRET_KEY"]
    assert len(first) == 64 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    other = build_config(tmp_path / "other", {}, None)["SECRET_KEY"]
    assert other != first


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PROCURE_ENV": "production", "PROCURE_DATABASE_URL": "postgresql://x/y"},
         "PROCURE_SECRET_KEY"),
        ({"PROCURE_ENV": "production", "PROCURE_SECRET_KEY": "short",
          "PROCURE_DATABASE_URL": "postgresql://x/y"}, "PROCURE_SECRET_KEY"),
        ({"PROCURE_ENV": "production", "PROCURE_SECRET_KEY": STRONG_KEY}, "PROCURE_DATABASE_URL"),
    ],
)
def test_production_refuses_to_start_without_real_settings(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message):
        build_config(tmp_path, environ, None)
    assert not (tmp_path / "secret_key").exists()


def test_production_sets_secure_cookies(tmp_path):
    config = build_config(tmp_path, {"PROCURE_ENV": "production", "PROCURE_SECRET_KEY": STRONG_KEY,
                                     "PROCURE_DATABASE_URL": "sqlite:///p.db"}, None)
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_error_is_one_clear_line(tmp_path):
    env = {"PROCURE_ENV": "production", "PROCURE_INSTANCE_PATH": str(tmp_path), "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "procure.cli", "routes"], env=env, capture_output=True, text=True,
        check=False,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["Error: Production needs PROCURE_SECRET_KEY set to a random value of at "
                     "least 32 characters. Generate one with: python3 -c 'import secrets; "
                     "print(secrets.token_hex(32))'"]


def test_create_app_with_explicit_config(tmp_path):
    app = create_app({"SECRET_KEY": "s" * 40, "DATABASE_URL": f"sqlite:///{tmp_path}/a.db"})
    assert app.config["DATABASE_URL"].endswith("a.db")


def test_app_refuses_to_start_on_invalid_criteria(tmp_path):
    bad = tmp_path / "criteria" / "vehicles"
    bad.mkdir(parents=True)
    (bad / "2025-1.toml").write_text('id = "vehicles"\nversion = "2025-1"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        create_app({"SECRET_KEY": "s" * 40, "CRITERIA_DIR": str(tmp_path / "criteria")})
    assert str(error.value).startswith("Invalid criteria files:\n")
    assert "2025-1.toml:" in str(error.value)


def test_app_refuses_to_start_on_invalid_rules(tmp_path):
    (tmp_path / "2026-07-01.toml").write_text('id = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        create_app({"SECRET_KEY": "s" * 40, "RULES_DIR": str(tmp_path)})
    assert str(error.value).startswith("Invalid procurement rules:\n")
    assert "2026-07-01.toml:" in str(error.value)
