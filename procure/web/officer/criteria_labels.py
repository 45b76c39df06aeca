"""Labels and template helpers for green criteria and the § 7-9 check."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from flask_babel import format_decimal, get_locale

from procure import vocabulary
from procure.web.filters import label

# The labels live in procure.vocabulary; these names stay for the modules that import them.
LEVEL_LABELS = vocabulary.CRITERION_LEVELS
LEVEL_HINTS = vocabulary.CRITERION_LEVEL_HINTS
TYPE_LABELS = vocabulary.CRITERION_TYPES
CLIMATE_STATUS_LABELS = vocabulary.CLIMATE_STATUSES
CLIMATE_BASIS_LABELS = vocabulary.CLIMATE_BASES
EXEMPTION_LABELS = vocabulary.CLIMATE_EXEMPTIONS
WEIGHT_LABELS = vocabulary.WEIGHTS
FIELD_LABELS = vocabulary.CRITERION_FIELDS


def english() -> bool:
    return str(get_locale() or "nb") == "en"


def set_title(criteria_set) -> str:
    """A criteria set's title (or a pin's set snapshot) in the UI language."""
    if isinstance(criteria_set, dict):
        return (criteria_set.get("title_en") if english() else None) or criteria_set["title"]
    return criteria_set.title_en if english() else criteria_set.title


def percent(value: Decimal | int | None) -> str:
    """'30', '12,5' (nb) or '12.5' (en); a dash for nothing."""
    if value is None:
        return "–"
    return format_decimal(Decimal(value), format="#,##0.##")


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        criteria_level_label=label(LEVEL_LABELS),
        criteria_type_label=label(TYPE_LABELS),
        criteria_climate_status_label=label(CLIMATE_STATUS_LABELS),
        criteria_climate_basis_label=label(CLIMATE_BASIS_LABELS),
        criteria_exemption_label=label(EXEMPTION_LABELS),
        criteria_field_label=label(FIELD_LABELS),
        criteria_percent=percent,
        percent=percent,  # also used by other officer pages (competition offers)
        criteria_set_title=set_title,
        requirement_kind_label=label(vocabulary.REQUIREMENT_KINDS),
        requirement_section_label=label(vocabulary.REQUIREMENT_SECTIONS),
        award_group_label=label(vocabulary.AWARD_GROUPS),
        award_criterion_label=label(vocabulary.AWARD_CRITERIA),
    )
    app.jinja_env.globals.update(ui_text=ui_text)


def ui_text(criterion, name: str) -> tuple[str, str]:
    """(value, language) of a criterion's title or text: English in the English UI when the
    criterion has it, else the Norwegian original."""
    if english():
        value = getattr(criterion, f"{name}_en", None)
        if value:
            return value, "en"
    return getattr(criterion, name), "nb"
