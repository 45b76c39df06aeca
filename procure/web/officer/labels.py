from __future__ import annotations

from procure import vocabulary
from procure.domain.wizard import STEP_SLUGS
from procure.exports.trail import describe

# The labels live in procure.vocabulary.
STEP_LABELS = vocabulary.WIZARD_STEPS
FIELD_LABELS = vocabulary.FIELDS

# Computed from other fields: a conflict names them, but their raw values mean nothing.
DERIVED_FIELDS = frozenset({"recommendation", "value_estimate", "climate_status",
                            "climate_basis", "climate_code", "weight_price", "weight_quality",
                            "weight_climate", "weight_other"})


def step_context() -> dict:
    return {"step_labels": STEP_LABELS, "field_labels": FIELD_LABELS,
            "derived_fields": DERIVED_FIELDS, "describe_value": describe,
            "loop_index": lambda slug: STEP_SLUGS.index(slug) + 1}
