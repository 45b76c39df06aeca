"""Configuration: defaults, then PROCURE_* environment variables, then test overrides."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from types import FrameType
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
        # eForms validators built from the shipped SDK, per SDK version and subtype.
        "EFORMS_CACHE_DIR": str(instance_path / "eforms-cache"),
        # Mail after commit (procure.outbox): "thread", "sync" or "cron"; empty picks "sync"
        # under TESTING and "thread" otherwise.
        "OUTBOX_DELIVERY": "",
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
        # Failed sign-ins in a row per e-mail and client address before that pair waits
        # LOGIN_LOCKOUT_SECONDS, doubled for each further lock (services/accounts.py).
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCKOUT_SECONDS": 15 * 60,
        # A session ends after this long without a request, and this long after signing in.
        "SESSION_IDLE_MINUTES": 30,
        "SESSION_MAX_HOURS": 12,
        # How long an administrator's one-time password link works.
        "PASSWORD_LINK_MINUTES": 60,
        "MAX_CONTENT_LENGTH": 50 * 1024 * 1024,
        # The largest annex to the tender documents, in bytes (issue 20); at most the above.
        "ANNEX_MAX_BYTES": 20 * 1024 * 1024,
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
        # Empty: "database://" (the app's own database, shared by all workers) in production,
        # "memory://" otherwise. Or a Redis URL (redis://host:6379/0).
        "RATELIMIT_STORAGE_URI": "",
        "RATELIMIT_HEADERS_ENABLED": True,
        "INTEREST_RATE_LIMIT": "5 per minute;30 per hour",
        "LOGIN_RATE_LIMIT": "10 per minute;100 per hour",
        "INTEREST_MIN_FILL_SECONDS": 3,
        "INTEREST_CONFIRM_DAYS": 7,
        "PROXY_COUNT": 0,
        "OCDS_OCID_PREFIX": "ocds-procure",
        "PUBLIC_CACHE_SECONDS": 60,
        # argon2 cost (procure.passwords.PROFILES); only the test suite uses "test".
        "PASSWORD_HASH_PROFILE": "production",
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


GENERATE_KEY = "python3 -c 'import secrets; print(secrets.token_hex(32))'"
# zxcvbn's estimate of the guesses needed, as a power of ten: 10^24 is about 80 bits.
MIN_KEY_GUESSES_LOG10 = 24


def secret_key_problem(key: str) -> str | None:
    """Why a secret key is too weak for production, or None."""
    if len(key) < 32:
        return ("Production needs PROCURE_SECRET_KEY set to a random value of at least 32 "
                f"characters. Generate one with: {GENERATE_KEY}")
    from zxcvbn import zxcvbn

    if (len(set(key)) < 10
            or zxcvbn(key[:72])["guesses_log10"] < MIN_KEY_GUESSES_LOG10):
        return ("PROCURE_SECRET_KEY is too easy to guess: it repeats itself, follows a sequence "
                "or uses too few different characters. Use a random value; generate one with: "
                f"{GENERATE_KEY}")
    return None


def check_production(config: Mapping[str, Any], explicit: Mapping[str, Any]) -> None:
    """Refuse to run in production without a strong secret key and a database URL."""
    if config.get("ENV") != "production":
        return
    problem = secret_key_problem(str(explicit.get("SECRET_KEY") or ""))
    if problem:
        raise ConfigError(problem)
    if not explicit.get("DATABASE_URL"):
        raise ConfigError("Production needs PROCURE_DATABASE_URL (for example a PostgreSQL URL).")


def _workers_option(args: list[str]) -> int | None:
    """The value of gunicorn's -w/--workers option in an argument list, if there is one."""
    for index, arg in enumerate(args):
        value = None
        if arg in ("-w", "--workers") and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--workers="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-w") and arg[2:].isdigit():
            value = arg[2:]
        if value is not None and value.strip().isdigit():
            return int(value)
    return None


def _gunicorn_settings_workers() -> int | None:
    """Gunicorn's own resolved setting (command line, config file, GUNICORN_CMD_ARGS,
    WEB_CONCURRENCY), read from the gunicorn object that is loading this app."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        owner = frame.f_locals.get("self")
        workers = getattr(getattr(owner, "cfg", None), "workers", None)
        if type(owner).__module__.startswith("gunicorn") and workers is not None:
            try:
                return int(workers)
            except (TypeError, ValueError):
                return None
        frame = frame.f_back
    return None


def worker_count(environ: Mapping[str, str], argv: list[str] | None = None) -> int:
    """How many worker processes serve the app, as far as it can tell.

    Under gunicorn, gunicorn's resolved `workers` setting; otherwise the largest of
    `--workers`/`-w` on a gunicorn command line or in GUNICORN_CMD_ARGS and WEB_CONCURRENCY
    (the variable gunicorn and most hosting platforms use); 1 when none is given.
    """
    found = [_gunicorn_settings_workers()]
    argv = sys.argv if argv is None else argv
    if argv and "gunicorn" in Path(argv[0]).name:
        found.append(_workers_option(argv[1:]))
    found.append(_workers_option(str(environ.get("GUNICORN_CMD_ARGS", "")).split()))
    concurrency = str(environ.get("WEB_CONCURRENCY", "")).strip()
    found.append(int(concurrency) if concurrency.isdigit() else None)
    return max([n for n in found if n is not None] or [1])


def resolve_rate_limit_storage(config: dict[str, Any], environ: Mapping[str, str]) -> None:
    """Production counts rate limits in the database unless told otherwise; per-process
    memory with several workers would multiply every limit by the number of workers."""
    uri = str(config.get("RATELIMIT_STORAGE_URI") or "").strip()
    production = config.get("ENV") == "production"
    if not uri:
        uri = "database://" if production else "memory://"
    config["RATELIMIT_STORAGE_URI"] = uri
    if production and uri.startswith("memory://"):
        workers = worker_count(environ)
        if workers > 1:
            raise ConfigError(
                f"PROCURE_RATELIMIT_STORAGE_URI is memory:// but {workers} worker processes "
                "serve the app: each would count on its own, so every rate limit would be "
                f"{workers} times too high. Leave it unset to count in the database, or set a "
                "Redis URL (redis://host:6379/0).")


def check_password_profile(config: dict) -> None:
    """Known profiles only, and production hashes passwords at production cost."""
    from procure.passwords import PRODUCTION, PROFILES

    profile = config["PASSWORD_HASH_PROFILE"]
    if profile not in PROFILES:
        raise ConfigError(f"PROCURE_PASSWORD_HASH_PROFILE must be one of {', '.join(PROFILES)}.")
    if config.get("ENV") == "production" and profile != PRODUCTION:
        raise ConfigError("Production hashes passwords with PROCURE_PASSWORD_HASH_PROFILE="
                          f"{PRODUCTION}.")


INT_KEYS = ("LOGIN_MAX_FAILURES", "LOGIN_LOCKOUT_SECONDS", "SESSION_IDLE_MINUTES",
            "SESSION_MAX_HOURS", "PASSWORD_LINK_MINUTES", "MAX_CONTENT_LENGTH",
            "ANNEX_MAX_BYTES",
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
    resolve_rate_limit_storage(config, environ)
    check_password_profile(config)
    if not explicit.get("SECRET_KEY"):
        config["SECRET_KEY"] = development_secret_key(instance_path)
    if config["ENV"] == "production":
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    return config
