from __future__ import annotations

from flask import render_template

from procure.db import get_session
from procure.services import tenders
from procure.web.public import bp


@bp.get("/")
def index():
    upcoming = tenders.public_tenders(get_session())
    return render_template("public/index.html", tenders=upcoming)
