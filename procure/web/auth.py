"""Sign-in, sign-out and the role gate each audience's blueprint installs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
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

from procure.db import get_session
from procure.models import User
from procure.services import accounts
from procure.web.forms import LoginForm
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


def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    # SQLModel types the relationship as its list of roles; on the class it is an attribute.
    statement = select(User).where(User.id == int(user_id)).options(
        selectinload(cast(QueryableAttribute[Any], User.roles)))
    try:
        user = get_session().exec(statement).first()
    except OperationalError:
        return None  # database down: the error page renders as for a visitor
    return user if user is not None and user.active else None


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
            return redirect(safe_next(request.args.get("next")) or home_for(result.user))
        if result.locked_until is not None:
            minutes = _minutes_until(result.locked_until)
            form.form_errors.append(
                _("Too many failed attempts. The account is locked for %(minutes)d more "
                  "minutes. Try again later or ask an administrator.", minutes=minutes)
            )
            return render_template("auth/login.html", form=form), 429
        form.form_errors.append(_("Wrong e-mail or password."))
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


def _minutes_until(moment: datetime) -> int:
    seconds = (moment - datetime.now(UTC)).total_seconds()
    return max(1, int(seconds // 60) + (1 if seconds % 60 else 0))


@bp.post("/logout")
def logout():
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.index"))
