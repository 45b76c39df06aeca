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


def step_context() -> dict:
    return {"step_labels": STEP_LABELS, "loop_index": lambda slug: STEP_SLUGS.index(slug) + 1}
