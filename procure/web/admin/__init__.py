"""Administrators: user accounts and roles."""

from flask import Blueprint

from procure.web.auth import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(role_required("admin"))

from procure.web.admin import views  # noqa: E402,F401
