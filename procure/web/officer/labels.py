from __future__ import annotations

from flask_babel import lazy_gettext as _l

from procure.domain.wizard import STEP_SLUGS

STEP_LABELS = {
    "need": _l("Need and background"),
    "value": _l("Estimated value"),
    "contract": _l("Contract type and dates"),
    "innovation": _l("Innovation and market"),
    "recommendation": _l("Recommendation and choice of track"),
}

FIELD_LABELS = {
    "title": _l("Title"),
    "description": _l("Need and background"),
    "cpv_code": _l("CPV code"),
    "estimated_value": _l("Estimated value"),
    "value_estimate": _l("Value calculation"),
    "contract_type": _l("Contract type"),
    "buyer_type": _l("Type of buyer"),
    "planned_notice_date": _l("Planned notice date"),
    "tender_deadline": _l("Planned tender deadline"),
    "innovation": _l("Does the need call for something new?"),
    "market": _l("Do you know the market?"),
    "needs_rnd": _l("Is research and development needed to meet the need?"),
    "recommendation": _l("Recommendation"),
    "recommended_track": _l("Recommended track"),
    "rules_version": _l("Rule set"),
    "track": _l("Chosen track"),
    "track_reason": _l("Reason for deviating"),
    "track_decided_at": _l("Track decided"),
}


def step_context() -> dict:
    return {"step_labels": STEP_LABELS, "field_labels": FIELD_LABELS,
            "loop_index": lambda slug: STEP_SLUGS.index(slug) + 1}
