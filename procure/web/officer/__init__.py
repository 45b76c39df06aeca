"""Procurement officers: tenders from draft to award."""

from flask import Blueprint

from procure.web.auth import role_required

bp = Blueprint("officer", __name__, url_prefix="/officer")
bp.before_request(role_required("officer"))

import procure.web.officer.competition_views  # noqa: E402,F401
import procure.web.officer.dialogue_views  # noqa: E402,F401
import procure.web.officer.events_views  # noqa: E402,F401
import procure.web.officer.partnership_views  # noqa: E402,F401
import procure.web.officer.publication_views  # noqa: E402,F401
import procure.web.officer.requirements_views  # noqa: E402,F401
import procure.web.officer.suppliers_views  # noqa: E402,F401
import procure.web.officer.tender_document_views  # noqa: E402,F401
from procure.web.officer import criteria_views, documents_views, views  # noqa: E402,F401
from procure.web.officer.labels import step_context  # noqa: E402

bp.context_processor(step_context)
