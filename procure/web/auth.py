"""Sign-in, sign-out, password links, session expiry and the role gate each audience's
blueprint installs.

Sessions end on the server: the cookie carries the user's session nonce (User.get_id), and a
new nonce (sign-out, password change, deactivation) ends every session of the user. A session
also ends after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after signing in.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import QueryableAttribute, selectinload
from sqlmodel import select

from procure import clock
from procure.db import get_session
from procure.models import User
from procure.services import accounts
from procure.web.forms import LoginForm, NewPasswordForm
from procure.web.limits import limiter, login_limit
from procure.web.urls import safe_next

bp = Blueprint("auth", __name__)
login_manager = LoginManager()

# Where each role lands after signing in, most specific first.
HOME_BY_ROLE = (("officer", "officer.index"), ("controller", "controller.index"),
                ("admin", "admin.users"))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_to_login)
    app.before_request(_expire_idle_session)


def _load_user(user_id: str) -> User | None:
    """The user of a session cookie, if its nonce is still the user's (see module docstring)."""
    number, _, nonce = user_id.partition(":")
    if not number.isdigit() or not nonce:
        return None
    # SQLModel types the relationship as its list of roles; on the class it is an attribute.
    statement = select(User).where(User.id == int(number)).options(
        selectinload(cast(QueryableAttribute[Any], User.roles)))
    try:
        user = get_session().exec(statement).first()
    except OperationalError:
        return None  # database down: the error page renders as for a visitor
    if user is None or not user.active:
        return None
    return user if hmac.compare_digest(user.session_nonce.encode(), nonce.encode()) else None


SEEN, SIGNED_IN = "_seen", "_signed_in"


def _expire_idle_session() -> None:
    """End this session after the idle time or the longest session (both in config)."""
    if "_user_id" not in session:
        return
    now = int(time.time())
    seen, signed_in = session.get(SEEN), session.get(SIGNED_IN)
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    longest = current_app.config["SESSION_MAX_HOURS"] * 3600
    if (not isinstance(seen, int) or not isinstance(signed_in, int) or now - seen > idle
            or now - signed_in > longest):
        _clear_session()
        flash(_("Your session has ended. Sign in again."), "info")
        return
    if now - seen >= 30:  # not on every request, so that the cookie does not churn
        session[SEEN] = now


def _clear_session() -> None:
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _to_login():
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def role_required(role: str) -> Callable[[], ResponseReturnValue | None]:
    """A before_request hook: anonymous visitors go to /login, the wrong role gets 403."""

    def gate():
        if not current_user.is_authenticated:
            return _to_login()
        if role not in current_user.role_names:
            abort(403)
        return None

    return gate


def home_for(user: User) -> str:
    for role, endpoint in HOME_BY_ROLE:
        if role in user.role_names:
            return url_for(endpoint)
    return url_for("public.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(home_for(current_user))
    if form.validate_on_submit():
        db = get_session()
        result = accounts.authenticate(
            db,
            form.email.data,
            form.password.data,
            address=request.remote_addr,
            secret=current_app.config["SECRET_KEY"],
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lockout=timedelta(seconds=current_app.config["LOGIN_LOCKOUT_SECONDS"]),
        )
        db.commit()
        if result.user is not None:
            lang = session.get("lang")
            session.clear()  # a new session on sign-in, so a planted session id is useless
            if lang:
                session["lang"] = lang
            login_user(result.user)
            session[SEEN] = session[SIGNED_IN] = int(time.time())
            return redirect(safe_next(request.args.get("next")) or home_for(result.user))
        # The same answers whether or not the address has an account (accounts module).
        if result.throttled_until is not None:
            minutes = _minutes_until(result.throttled_until)
            form.form_errors.append(
                _("Too many failed attempts with this e-mail address from your network. Try "
                  "again in %(minutes)d minutes, or ask an administrator.", minutes=minutes)
            )
            return render_template("auth/login.html", form=form), 429
        form.form_errors.append(_("Wrong e-mail or password."))
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


def _minutes_until(moment: datetime) -> int:
    seconds = (moment - clock.now()).total_seconds()
    return max(1, int(seconds // 60) + (1 if seconds % 60 else 0))


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:  # ends this user's sessions everywhere, copies included
        db = get_session()
        accounts.sign_out(db, current_user._get_current_object())
        db.commit()
    _clear_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.index"))


@bp.route("/password/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def password_link(token: str):
    """Set a new password through the one-time link an administrator sent."""
    db = get_session()
    reset = accounts.find_password_reset(db, token)
    if reset is None:
        return render_template("auth/password_link.html", form=None), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.use_password_reset(db, token, form.password.data or "",
                                        secret=current_app.config["SECRET_KEY"])
        except accounts.AccountError as error:
            db.rollback()
            form.password.errors = [*form.password.errors, _(error.msgid, **error.params)]
        else:
            db.commit()
            _clear_session()
            flash(_("Your new password is saved. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    status = 400 if form.errors else 200
    return render_template("auth/password_link.html", form=form), status
