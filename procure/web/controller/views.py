from __future__ import annotations

from flask import render_template
from flask_login import current_user

from procure.db import get_session
from procure.models import Organisation
from procure.services import suppliers
from procure.web.controller import bp


@bp.get("/")
def index():
    db = get_session()
    organisation = (
        db.get(Organisation, current_user.organisation_id)
        if current_user.organisation_id else None
    )
    counts = suppliers.size_class_counts(db)
    local = suppliers.local_count(db, organisation.kommunenummer) if organisation else 0
    return render_template(
        "controller/index.html",
        organisation=organisation,
        counts=counts,
        total=sum(counts.values()),
        local=local,
        suppliers=suppliers.all_suppliers(db),
    )
