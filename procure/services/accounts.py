"""Users, roles, sign-in with a throttle per account and client address, sessions that end on
the server, and the administrator's tools (deactivate, unlock, password links).

Sign-in policy (issue 19):
- Every attempt costs exactly one argon2 verification, whether the address is unknown, the
  password wrong, the account deactivated or the attempt throttled, and all of these get the
  same answer: nothing tells an attacker which addresses have accounts.
- Failures are counted per (e-mail address, client address); unknown e-mail addresses are
  counted exactly like real ones. After `max_failures` failures in a row that pair is refused
  for `lockout`, doubled for every further lock (capped at a day); a day without failures
  forgets the history. The same account from another address is not affected, so nobody can
  lock an administrator out from their own network. IPv6 clients are counted per /64.
- An administrator can lift all throttles on an account (`unlock`).

Sessions carry the user's `session_nonce` (User.get_id); a new nonce ends every session of
the user: on sign-out, on a password change and on deactivation.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from procure.errors import N_, UserError
from procure.models import LoginThrottle, PasswordReset, Role, User, new_session_nonce, utcnow
from procure.passwords import hash_password, password_problems, verify_password
from procure.services import audit

MAX_LOCK = timedelta(days=1)
FORGET_AFTER = timedelta(days=1)

ROLES = ("officer", "controller", "admin")


class AccountError(UserError):
    """A request about accounts that cannot be carried out."""


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    # Set when this e-mail address is refused from this client address until then.
    throttled_until: datetime | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def ensure_roles(session: Session) -> dict[str, Role]:
    """Create the fixed roles where missing and return them by name."""
    existing = {role.name: role for role in session.exec(select(Role)).all()}
    for name in ROLES:
        if name not in existing:
            existing[name] = Role(name=name)
            session.add(existing[name])
    session.flush()
    return existing


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def create_user(
    session: Session,
    email: str,
    password: str,
    roles: list[str] | set[str],
    *,
    name: str = "",
    organisation_id: int | None = None,
    actor_id: int | None = None,
) -> User:
    """Create a user; raises AccountError on a taken e-mail, weak password or unknown role."""
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError(N_("%(email)s is not an e-mail address."), email=email)
    if find_user(session, email):
        raise AccountError(N_("A user with e-mail %(email)s already exists."), email=email)
    problems = password_problems(password, context=(email,))
    if problems:
        raise AccountError(problems[0])
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        organisation_id=organisation_id,
    )
    set_roles(session, user, roles)
    session.add(user)
    session.flush()
    audit.record(
        session, "user.created", actor_id=actor_id, object_type="user", object_id=user.id,
        email=email, roles=sorted(roles),
    )
    return user


def set_roles(session: Session, user: User, roles: list[str] | set[str]) -> None:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(N_("Unknown role: %(roles)s."), roles=", ".join(sorted(unknown)))
    by_name = ensure_roles(session)
    user.roles = [by_name[name] for name in ROLES if name in roles]


def change_roles(
    session: Session, user: User, roles: list[str] | set[str], *, actor_id: int | None
) -> None:
    """Replace a user's roles; an administrator cannot drop their own admin role."""
    if user.id == actor_id and "admin" not in roles:
        raise AccountError(N_("You cannot remove your own administrator role."))
    set_roles(session, user, roles)
    session.add(user)
    session.flush()
    audit.record(session, "user.roles_changed", actor_id=actor_id, object_type="user",
                 object_id=user.id, roles=sorted(roles))


# --- Sign-in --------------------------------------------------------------------------------


def account_key(email: str, secret: str) -> str:
    """A keyed hash of the normalised e-mail address: throttles never store the address."""
    return hmac.new(secret.encode(), normalise_email(email).encode(), hashlib.sha256).hexdigest()


def client_key(address: str | None) -> str:
    """The client address as counted: IPv4 as it is, IPv6 by its /64 network."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "unknown")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _throttle(session: Session, key: str, address: str) -> LoginThrottle | None:
    return session.exec(select(LoginThrottle).where(LoginThrottle.account_key == key,
                                                    LoginThrottle.address == address)).first()


def authenticate(
    session: Session, email: str, password: str, *, address: str | None, secret: str,
    max_failures: int, lockout: timedelta, now: datetime | None = None,
) -> LoginResult:
    """Check credentials under the sign-in policy in this module's docstring."""
    now = now or utcnow()
    user = find_user(session, email)
    key, client = account_key(email, secret), client_key(address)
    throttle = _throttle(session, key, client)
    # One argon2 verification on every path, so that timing tells nothing.
    ok = verify_password(user.password_hash if user else None, password)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        return LoginResult(None, throttled_until=throttle.locked_until)
    if user is None or not ok or not user.active:
        return LoginResult(None, throttled_until=_count_failure(
            session, key, client, max_failures=max_failures, lockout=lockout, now=now))
    if throttle is not None:
        session.delete(throttle)
    user.last_login_at = now
    session.add(user)
    session.flush()
    audit.record(session, "user.login", actor_id=user.id, object_type="user", object_id=user.id)
    return LoginResult(user)


def _count_failure(session: Session, key: str, address: str, *, max_failures: int,
                   lockout: timedelta, now: datetime) -> datetime | None:
    """Add one failure atomically (two workers may count at once); lock when due."""
    where = (col(LoginThrottle.account_key) == key, col(LoginThrottle.address) == address)
    session.execute(update(LoginThrottle).where(*where, col(LoginThrottle.last_failure_at)
                                                < now - FORGET_AFTER)
                    .values(failures=0, locks=0, locked_until=None))
    # an UPDATE or DELETE gives a CursorResult (with a row count), typed as any Result
    counted = cast(CursorResult[Any], session.execute(update(LoginThrottle).where(*where).values(
        failures=col(LoginThrottle.failures) + 1, last_failure_at=now))).rowcount
    if not counted:
        try:
            with session.begin_nested():
                session.add(LoginThrottle(account_key=key, address=address, failures=1,
                                          last_failure_at=now))
        except IntegrityError:  # another worker inserted it first
            session.execute(update(LoginThrottle).where(*where).values(
                failures=col(LoginThrottle.failures) + 1, last_failure_at=now))
    row = session.exec(select(LoginThrottle).where(*where)
                       .execution_options(populate_existing=True)).one()
    if row.failures < max_failures:
        return None
    until = now + min(lockout * (2 ** min(row.locks, 16)), MAX_LOCK)
    session.execute(update(LoginThrottle).where(col(LoginThrottle.id) == row.id,
                                                col(LoginThrottle.failures) >= max_failures)
                    .values(failures=0, locks=col(LoginThrottle.locks) + 1,
                            locked_until=until))
    session.flush()
    return until


def throttles(session: Session, user: User, *, secret: str,
              now: datetime | None = None) -> list[LoginThrottle]:
    """The client addresses currently refused for this account, latest first."""
    now = now or utcnow()
    return list(session.exec(
        select(LoginThrottle).where(LoginThrottle.account_key == account_key(user.email, secret),
                                    col(LoginThrottle.locked_until) > now)
        .order_by(col(LoginThrottle.locked_until).desc())).all())


def unlock(session: Session, user: User, *, secret: str, actor_id: int | None) -> int:
    """Forget every failed sign-in on the account, from every address."""
    removed = cast(CursorResult[Any], session.execute(delete(LoginThrottle).where(
        col(LoginThrottle.account_key) == account_key(user.email, secret)))).rowcount
    audit.record(session, "user.unlocked", actor_id=actor_id, object_type="user",
                 object_id=user.id, email=user.email, addresses=removed)
    return removed


# --- Sessions, passwords, deactivation --------------------------------------------------------


def end_sessions(session: Session, user: User) -> None:
    """End every session of the user: the nonce in their cookies no longer matches."""
    user.session_nonce = new_session_nonce()
    session.add(user)
    session.flush()


def sign_out(session: Session, user: User) -> None:
    end_sessions(session, user)
    audit.record(session, "user.logout", actor_id=user.id, object_type="user", object_id=user.id)


def set_password(session: Session, user: User, password: str, *, actor_id: int | None) -> None:
    """A new password ends every session of the user; raises AccountError on a weak one."""
    problems = password_problems(password, context=(user.email,))
    if problems:
        raise AccountError(problems[0])
    user.password_hash = hash_password(password)
    end_sessions(session, user)
    audit.record(session, "user.password_changed", actor_id=actor_id, object_type="user",
                 object_id=user.id, email=user.email)


def deactivate(session: Session, user: User, *, actor_id: int | None) -> None:
    if user.id == actor_id:
        raise AccountError(N_("You cannot deactivate your own account."))
    user.active = False
    end_sessions(session, user)
    audit.record(session, "user.deactivated", actor_id=actor_id, object_type="user",
                 object_id=user.id, email=user.email)


def reactivate(session: Session, user: User, *, actor_id: int | None) -> None:
    user.active = True
    session.add(user)
    session.flush()
    audit.record(session, "user.reactivated", actor_id=actor_id, object_type="user",
                 object_id=user.id, email=user.email)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_password_reset(session: Session, user: User, *, actor_id: int | None,
                          lifetime: timedelta, now: datetime | None = None) -> str:
    """A one-time link token (returned once, stored hashed); earlier unused links end."""
    if not user.active:
        raise AccountError(N_("Reactivate the account before sending a password link."))
    now = now or utcnow()
    session.execute(delete(PasswordReset).where(col(PasswordReset.user_id) == user.id,
                                                col(PasswordReset.used_at).is_(None)))
    if user.id is None:  # (flushed by now when it was added to this session)
        raise ValueError("A password link needs a saved account")
    token = secrets.token_urlsafe(32)
    session.add(PasswordReset(user_id=user.id, token_hash=_token_hash(token), created_at=now,
                              expires_at=now + lifetime))
    session.flush()
    audit.record(session, "user.password_link_sent", actor_id=actor_id, object_type="user",
                 object_id=user.id, email=user.email,
                 minutes=int(lifetime.total_seconds() // 60))
    return token


def find_password_reset(session: Session, token: str,
                        now: datetime | None = None) -> PasswordReset | None:
    """The unused, unexpired link for an active user, or None."""
    now = now or utcnow()
    if not token or len(token) > 100:
        return None
    reset = session.exec(select(PasswordReset).where(
        PasswordReset.token_hash == _token_hash(token))).first()
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        return None
    user = session.get(User, reset.user_id)
    return reset if user is not None and user.active else None


def use_password_reset(session: Session, token: str, password: str, *, secret: str,
                       now: datetime | None = None) -> User:
    """Set the password through a link; the link works once. Raises AccountError."""
    now = now or utcnow()
    reset = find_password_reset(session, token, now)
    if reset is None:
        raise AccountError(N_("This password link is no longer valid. Ask an administrator "
                              "for a new one."))
    user = session.get(User, reset.user_id)
    assert user is not None
    problems = password_problems(password, context=(user.email,))
    if problems:
        raise AccountError(problems[0])
    # Mark it used first and only if nobody else did: two posts of one link set one password.
    claimed = cast(CursorResult[Any], session.execute(update(PasswordReset).where(
        col(PasswordReset.id) == reset.id, col(PasswordReset.used_at).is_(None))
        .values(used_at=now)))
    if not claimed.rowcount:
        raise AccountError(N_("This password link is no longer valid. Ask an administrator "
                              "for a new one."))
    set_password(session, user, password, actor_id=user.id)
    session.execute(delete(LoginThrottle).where(
        col(LoginThrottle.account_key) == account_key(user.email, secret)))
    session.flush()
    return user
