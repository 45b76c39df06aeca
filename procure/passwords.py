"""Password hashing with argon2id (argon2-cffi's tuned defaults).

The cost comes from a named profile: `production` (the default, argon2-cffi's RFC 9106
low-memory parameters) everywhere except the test suite, which sets
`PROCURE_PASSWORD_HASH_PROFILE=test` so that creating and signing in users is cheap. Inside an
app the `PASSWORD_HASH_PROFILE` config key decides; outside one (services called from tests or
scripts without an app) the environment variable does. A production app refuses any other
profile (procure.config).
"""

from __future__ import annotations

import os
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

from procure.errors import N_

PROFILE_VARIABLE = "PROCURE_PASSWORD_HASH_PROFILE"
PRODUCTION = "production"
# The test profile is argon2's minimum cost: a hash takes microseconds, not a tenth of a second.
PROFILES: dict[str, dict[str, int]] = {
    PRODUCTION: {},  # argon2-cffi's defaults: t=3, m=64 MiB, p=4
    "test": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
}

MIN_LENGTH = 12


def hash_profile() -> str:
    """The profile in force: the app's config key, else the environment, else production."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_PROFILE") or PRODUCTION
    return os.environ.get(PROFILE_VARIABLE) or PRODUCTION


@cache
def _hasher(profile: str) -> PasswordHasher:
    if profile not in PROFILES:
        raise ValueError(f"unknown password hash profile {profile!r}")
    cost = PROFILES[profile]
    if not cost:
        return PasswordHasher()
    return PasswordHasher(time_cost=cost["time_cost"], memory_cost=cost["memory_cost"],
                          parallelism=cost["parallelism"])


@cache
def _dummy_hash(profile: str) -> str:
    """Verified against when the e-mail is unknown, so that response time does not reveal it;
    made with the same profile as real hashes, so it costs the same."""
    return _hasher(profile).hash("procure-dummy-password")


# Made now, as before profiles existed, so that the first unknown e-mail costs no extra hash.
_startup_profile = os.environ.get(PROFILE_VARIABLE) or PRODUCTION
if _startup_profile in PROFILES:
    _dummy_hash(_startup_profile)


def hash_password(password: str) -> str:
    return _hasher(hash_profile()).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password in constant-ish time, also when there is no account."""
    profile = hash_profile()
    try:
        return (_hasher(profile).verify(password_hash or _dummy_hash(profile), password)
                and password_hash is not None)
    except (VerificationError, InvalidHashError):
        return False


# Words anyone attacking this service would try first (NIST 800-63B 5.1.1.2: context words).
SEQUENCES = ("01234567890123456789", "98765432109876543210", "qwertyuiopasdfghjklzxcvbnm",
             "qwertyuiopåasdfghjkløæzxcvbnm", "abcdefghijklmnopqrstuvwxyzæøå")
SERVICE_WORDS = ("procure", "lillestrom", "lillestrøm", "kommune", "passord", "password")


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, context: tuple[str, ...] = ()) -> list[str]:
    """NIST 800-63B: a minimum length and a blocklist, no composition rules.

    The blocklist is zxcvbn's 30,000 most common passwords plus words from the service and
    the user's own e-mail address.
    """
    if len(password) < MIN_LENGTH:
        return [N_("The password must have at least 12 characters.")]
    lowered = password.lower()
    squeezed = "".join(ch for ch in lowered if ch.isalnum())
    words = {"".join(ch for ch in w if ch.isalnum())
             for item in context for w in (item.lower(), item.lower().split("@")[0])}
    words = {w for w in (*SERVICE_WORDS, *words) if w}
    if (lowered in _common_passwords() or squeezed in _common_passwords()
            or len(set(lowered)) <= 2
            or any(squeezed in sequence for sequence in SEQUENCES)
            or any(squeezed in {word, word * 2} or squeezed.startswith(word) and
                   squeezed[len(word):].isdigit() for word in words)):
        return [N_("That password is too common or too easy to guess. Choose another, for "
                   "example a few unrelated words.")]
    return []
