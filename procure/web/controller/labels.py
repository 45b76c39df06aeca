"""Translated labels for statistics keys, shared by the dashboard and the Excel export."""

from __future__ import annotations

from functools import cache

from flask_babel import get_locale
from flask_babel import gettext as _

from procure import vocabulary as v
from procure.domain.places import load_kommuner
from procure.exports.workbook import Labels
from procure.ingest.reading import cpv_list
from procure.services.statistics import OTHER
from procure.web.filters import TRACK_LABELS

# The labels live in procure.vocabulary; these names stay for the modules that import them.
OCDS_METHOD_LABELS = v.OCDS_METHODS
SIZE_LABELS = v.SIZE_CLASSES
QUALITY_LABELS = v.SUPPLIER_DATA_QUALITY
SIZE_BASIS_LABELS = v.SIZE_BASES
IMPORT_KINDS = v.IMPORT_KINDS
SPEND_FIELD_LABELS = v.SPEND_FIELDS
SPEND_COMPARED_LABELS = v.SPEND_COMPARED
SPEND_KEY_LABELS = v.SPEND_KEYS
ENCODING_LABELS = v.ENCODINGS


def lang() -> str:
    return "en" if str(get_locale() or "nb").startswith("en") else "nb"


@cache
def _division_labels(language: str) -> dict[str, str]:
    return {code.division: code.label(language) for code in cpv_list()
            if code.code8.endswith("000000")}


def key_label(breakdown: str, key: str | None) -> str:
    key = key or ""
    if key == OTHER:
        return {"kommune": _("Other kommuner")}.get(breakdown, _("Other"))
    if breakdown == "size":
        return str(SIZE_LABELS.get(key, key))
    if breakdown == "kommune":
        return load_kommuner().get(key, key) if key else _("Unknown kommune")
    if breakdown == "cpv":
        return _division_labels(lang()).get(key, key) if key else _("No CPV code")
    if breakdown in ("procedure", "track"):
        if not key:
            return _("No track chosen yet") if breakdown == "track" else _("Not stated")
        return str(TRACK_LABELS.get(key) or OCDS_METHOD_LABELS.get(key) or key)
    if breakdown == "green_basis":
        return v.label(v.CLIMATE_BASES_COUNTED, key)
    if breakdown == "quality":
        return str(QUALITY_LABELS.get(key, key))
    if breakdown == "size_basis":
        return str(SIZE_BASIS_LABELS.get(key, key))
    return key or _("Not stated")


def translate(msgid: str, **params: object) -> str:
    return _(msgid, **params)


def export_labels() -> Labels:
    return Labels(text=translate, key=key_label, language=lang())
