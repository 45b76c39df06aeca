"""Users, roles and sign-in with lockout after repeated failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from procure import clock
from procure.errors import N_, UserError
from procure.models import Role, User
from procure.passwords import hash_password, password_problems, verify_password
from procure.services import audit

ROLES = ("officer", "controller", "admin")


class AccountError(UserError):
    """A request about accounts that cannot be carried out."""


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    locked_until: datetime | None = None


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


def authenticate(
    session: Session, email: str, password: str, *, max_failures: int, lockout: timedelta,
    now: datetime | None = None,
) -> LoginResult:
    """Check credentials; lock the account for `lockout` after `max_failures` failures in a row."""
    now = now or clock.now()
    user = find_user(session, email)
    if user is not None and user.locked_until and user.locked_until > now:
        return LoginResult(None, locked_until=user.locked_until)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None:
        return LoginResult(None)
    if not ok or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + lockout
            user.failed_logins = 0
            audit.record(session, "user.locked", object_type="user", object_id=user.id)
        session.add(user)
        session.flush()
        return LoginResult(None, locked_until=user.locked_until if user.locked_until and
                           user.locked_until > now else None)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    audit.record(session, "user.login", actor_id=user.id, object_type="user", object_id=user.id)
    return LoginResult(user)


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
