"""Labels for the public pages and feeds: value bands, windows, sorting, CPV, § 7-9."""

from __future__ import annotations

from flask import Flask, current_app, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from procure import vocabulary
from procure.domain.cpv import CpvCode
from procure.domain.purchases import DEADLINE_WINDOWS, OSLO
from procure.exports.feeds import Labels
from procure.web.filters import (
    CONTRACT_TYPE_LABELS,
    STATUS_LABELS,
    TRACK_LABELS,
    day,
    label,
    money,
)

# The labels live in procure.vocabulary; these names stay for the modules that import them.
BAND_LABELS = vocabulary.VALUE_BANDS
SORT_LABELS = vocabulary.PUBLIC_SORTS
CLIMATE_BASIS_LABELS = vocabulary.CLIMATE_BASES
CRITERION_TYPE_LABELS = vocabulary.CRITERION_TYPES
LEVEL_LABELS = vocabulary.CRITERION_LEVELS


def lang() -> str:
    return str(get_locale() or "nb")


def oslo_time(value) -> str:
    return format_datetime(value.astimezone(OSLO), "HH:mm")


def window_label(key: str) -> str:
    return _("Deadline within %(days)s days", days=DEADLINE_WINDOWS[key])


def cpv_entry(code: str | None) -> CpvCode | None:
    if not code:
        return None
    return current_app.extensions["procure.cpv"].lookup(code)


def cpv_label(code: str | None) -> str:
    entry = cpv_entry(code)
    return entry.label(lang()) if entry else ""


def divisions() -> list[CpvCode]:
    """The CPV divisions (the 45 two-digit groups), in code order."""
    cache = current_app.extensions.setdefault("procure.cpv_divisions", {})
    cpv = current_app.extensions["procure.cpv"]
    if id(cpv) not in cache:
        cache.clear()
        cache[id(cpv)] = [c for c in cpv if c.code8.endswith("000000")]
    return cache[id(cpv)]


def division_codes() -> list[str]:
    return [c.division for c in divisions()]


def public_url(endpoint: str, **values) -> str:
    """An absolute link built on PUBLIC_BASE_URL, never on the request's Host header (links
    in e-mails and feeds must not be steerable by whoever sends the request)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def feed_labels() -> Labels:
    """Translated labels and links for the exports, in the current locale."""
    return Labels(
        status=label(STATUS_LABELS),
        procedure=lambda key: str(label(TRACK_LABELS)(key)),
        band=lambda key: str(BAND_LABELS.get(key, key)),
        contract_type=lambda key: str(label(CONTRACT_TYPE_LABELS)(key)),
        cpv=cpv_label,
        money=money,
        day=day,
        purchase_url=lambda purchase_id: public_url("public.purchase", purchase_id=purchase_id),
        words={
            "status": _("Status"), "deadline": _("Deadline for offers"),
            "procedure": _("Procedure"), "value": _("Estimated value"),
            "category": _("Category"), "dialogue": _("Dialogue conference"),
            "simple": _("Simple purchase"), "registration": _("Registration deadline"),
            "invitation": _("by invitation only: only the invited suppliers can submit "
                            "offers"),
            "amendments": _("Amendments"), "latest": _("the latest"),
        },
    )


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        band_label=label(BAND_LABELS),
        sort_label=label(SORT_LABELS),
        climate_basis_label=label(CLIMATE_BASIS_LABELS),
        criterion_type_label=label(CRITERION_TYPE_LABELS),
        level_label=label(LEVEL_LABELS),
        cpv_label=cpv_label,
        oslo_time=oslo_time,
        list_status_label=label(vocabulary.LIST_STATUSES),
    )
