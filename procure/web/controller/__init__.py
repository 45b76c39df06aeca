"""Controllers: suppliers, spend and the statistics the strategy is measured by."""

from flask import Blueprint

from procure.web.auth import role_required

bp = Blueprint("controller", __name__, url_prefix="/controller")
bp.before_request(role_required("controller"))

from procure.web.controller import views  # noqa: E402,F401
