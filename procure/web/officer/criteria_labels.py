"""Labels and template helpers for green criteria and the § 7-9 check."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from procure.web.filters import label

LEVEL_LABELS = {"basis": _l("Basic"), "avansert": _l("Advanced"),
                "spydspiss": _l("Cutting edge")}
LEVEL_HINTS = {
    "basis": _l("Well-proven requirements most suppliers can meet."),
    "avansert": _l("More ambitious requirements that fewer suppliers can meet today."),
    "spydspiss": _l("The most ambitious requirements; check the market first."),
}
TYPE_LABELS = {
    "qualification": _l("Qualification requirement"),
    "specification": _l("Specification requirement"),
    "award": _l("Award criterion"),
    "contract-clause": _l("Contract clause"),
}
CLIMATE_STATUS_LABELS = {"met": _l("Met"), "not-met": _l("Not met")}
CLIMATE_BASIS_LABELS = {
    "criteria": _l("Climate and environment weighted at least 30 % in the award criteria"),
    "spec": _l("Climate and environment requirements in the specification"),
    "combination": _l("Requirements in the specification combined with award criteria"),
    "exemption-insignificant": _l("Exemption: insignificant climate footprint and "
                                  "environmental impact"),
    "exemption-critical-interest": _l("Exemption: essential interests of health, safety or "
                                      "preparedness"),
    "exemption-national-minimum": _l("Exemption: mandatory standardised minimum "
                                     "requirements"),
}
EXEMPTION_LABELS = {
    "insignificant": _l("Insignificant climate footprint and environmental impact"),
    "critical-interest": _l("Essential interests of health, safety or preparedness"),
    "national-minimum": _l("Mandatory standardised minimum requirements for footprint or "
                           "impact"),
}
WEIGHT_LABELS = {"weight_price": _l("Price"), "weight_quality": _l("Quality"),
                 "weight_climate": _l("Climate and environment"), "weight_other": _l("Other")}
FIELD_LABELS = {
    "id": _l("Id"), "type": _l("Type"), "level": _l("Ambition level"), "title": _l("Title"),
    "title_en": _l("Title (English)"), "text": _l("Text"), "text_en": _l("Text (English)"),
    "verification": _l("Verification"), "weight_min": _l("Lowest suggested weight"),
    "weight_max": _l("Highest suggested weight"),
    "climate_environment": _l("Counts for climate and environment (§ 7-9)"),
    "source": _l("Source"),
}


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
