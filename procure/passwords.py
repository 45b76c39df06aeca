"""Password hashing with argon2id (argon2-cffi's tuned defaults)."""

from __future__ import annotations

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


def password_problems(password: str) -> list[str]:
    """NIST 800-63B style: a minimum length, no composition rules."""
    if len(password) < MIN_LENGTH:
        return [N_("The password must have at least 12 characters.")]
    return []
