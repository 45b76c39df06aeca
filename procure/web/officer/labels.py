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
    "ambition_level": _l("Ambition level"),
    "weight_price": _l("Weight for price"),
    "weight_quality": _l("Weight for quality"),
    "weight_climate": _l("Weight for climate and environment"),
    "weight_other": _l("Weight for other criteria"),
    "climate_spec_justification": _l("Justification for the requirements in the specification"),
    "climate_exemption": _l("Exemption from the duty"),
    "climate_exemption_justification": _l("Written justification for the exemption"),
    "climate_status": _l("Result of the § 7-9 check"),
    "climate_basis": _l("How the § 7-9 duty is met"),
    "climate_code": _l("Reason for the § 7-9 result"),
    "contact_name": _l("Contact person"),
    "contact_email": _l("Contact e-mail"),
    "value_confidential": _l("Keep the estimated value confidential"),
}

# Computed from other fields: a conflict names them, but their raw values mean nothing.
DERIVED_FIELDS = frozenset({"recommendation", "value_estimate", "climate_status",
                            "climate_basis", "climate_code"})


def step_context() -> dict:
    return {"step_labels": STEP_LABELS, "field_labels": FIELD_LABELS,
            "derived_fields": DERIVED_FIELDS,
            "loop_index": lambda slug: STEP_SLUGS.index(slug) + 1}
