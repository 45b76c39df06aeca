"""Configuration: defaults, then PROCURE_* environment variables, then test overrides."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from procure.paths import resource_dir

PREFIX = "PROCURE_"


class ConfigError(RuntimeError):
    """Raised when the app cannot start with the configuration it was given."""


def default_config(instance_path: Path) -> dict[str, Any]:
    """Development defaults; nothing here is fit for production on its own."""
    return {
        "ENV": "development",
        "DATABASE_URL": f"sqlite:///{instance_path / 'procure.sqlite3'}",
        "TEMPLATES_DIR": str(resource_dir("templates")),
        "CRITERIA_DIR": str(resource_dir("criteria")),
        "RULES_DIR": str(Path(__file__).resolve().parent / "rules"),
        "OUTBOX_DIR": str(instance_path / "outbox"),
        "BABEL_DEFAULT_LOCALE": "nb",
        # Dates and times are stored in UTC and always shown in Norwegian time.
        "BABEL_DEFAULT_TIMEZONE": "Europe/Oslo",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "LANGUAGES": ["nb", "en"],
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCKOUT_SECONDS": 15 * 60,
        "MAX_CONTENT_LENGTH": 50 * 1024 * 1024,
        # Rows (lines, units, releases) in one imported file; a million-line year fits.
        "IMPORT_MAX_ROWS": 2_000_000,
        "LOG_LEVEL": "INFO",
        # Public portal (issue 8): e-mail, links in e-mails and feeds, rate limits, OCDS.
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        "MAIL_FROM": "Lillestrøm kommune <noreply@localhost>",
        "SMTP_HOST": "",
        "SMTP_PORT": 587,
        "SMTP_USERNAME": "",
        "SMTP_PASSWORD": "",
        "SMTP_SECURITY": "starttls",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "INTEREST_RATE_LIMIT": "5 per minute;30 per hour",
        "LOGIN_RATE_LIMIT": "10 per minute;100 per hour",
        "INTEREST_MIN_FILL_SECONDS": 3,
        "INTEREST_CONFIRM_DAYS": 7,
        "PROXY_COUNT": 0,
        "OCDS_OCID_PREFIX": "ocds-procure",
        "PUBLIC_CACHE_SECONDS": 60,
    }


def from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """Collect PROCURE_* variables, with the prefix removed."""
    return {key[len(PREFIX):]: value for key, value in environ.items() if key.startswith(PREFIX)}


def development_secret_key(instance_path: Path) -> str:
    """Return a random key kept in instance/ so sessions survive restarts in development."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def check_production(config: Mapping[str, Any], explicit: Mapping[str, Any]) -> None:
    """Refuse to run in production without an explicit secret key and database URL."""
    if config.get("ENV") != "production":
        return
    if len(explicit.get("SECRET_KEY") or "") < 32:
        raise ConfigError(
            "Production needs PROCURE_SECRET_KEY set to a random value of at least 32 characters."
        )
    if not explicit.get("DATABASE_URL"):
        raise ConfigError("Production needs PROCURE_DATABASE_URL (for example a PostgreSQL URL).")


INT_KEYS = ("LOGIN_MAX_FAILURES", "LOGIN_LOCKOUT_SECONDS", "MAX_CONTENT_LENGTH",
            "IMPORT_MAX_ROWS", "SMTP_PORT", "INTEREST_MIN_FILL_SECONDS", "INTEREST_CONFIRM_DAYS",
            "PROXY_COUNT", "PUBLIC_CACHE_SECONDS")


def build_config(
    instance_path: Path, environ: Mapping[str, str], test_config: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Merge defaults, PROCURE_* variables and test overrides, and check the result."""
    explicit: dict[str, Any] = {**from_environment(environ), **(test_config or {})}
    config = default_config(instance_path) | explicit
    for key in INT_KEYS:
        config[key] = int(config[key])
    check_production(config, explicit)
    if not explicit.get("SECRET_KEY"):
        config["SECRET_KEY"] = development_secret_key(instance_path)
    if config["ENV"] == "production":
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    return config
