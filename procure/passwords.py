"""Password hashing with argon2id (argon2-cffi's tuned defaults)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from procure.errors import N_

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so that response time does not reveal it.
_DUMMY_HASH = _hasher.hash("procure-dummy-password")

MIN_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password in constant-ish time, also when there is no account."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
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
