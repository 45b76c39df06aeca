"""Translated labels for statistics keys, shared by the dashboard and the Excel export."""

from __future__ import annotations

from functools import cache

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure.domain.places import load_kommuner
from procure.domain.statistics import CLIMATE_BASIS_LABELS
from procure.exports.xlsx import Labels
from procure.ingest.reading import cpv_list
from procure.services.statistics import OTHER
from procure.web.filters import TRACK_LABELS

# Procedures have one vocabulary across procure: TRACK_LABELS (the officer's and the public
# pages' names for the procedure ids of the rule files). Imported OCDS awards carry only
# the OCDS procurement method, a coarser code list; it is named as such, never as a procedure.
OCDS_METHOD_LABELS = {"open": _l("Open (OCDS method, procedure not stated)"),
                      "selective": _l("Selective (OCDS method, procedure not stated)"),
                      "limited": _l("Limited (OCDS method, procedure not stated)"),
                      "direct": _l("Direct (OCDS method, procedure not stated)")}

SIZE_LABELS = {"micro": _l("Micro"), "small": _l("Small"), "medium": _l("Medium"),
               "sme": _l("SME (kind not stated)"), "large": _l("Large"),
               "unknown": _l("Unknown")}
QUALITY_LABELS = {
    "invalid": _l("Missing or invalid organisation number"),
    "unmatched": _l("Not in the supplier register"),
    "unknown": _l("In the register, size unknown"),
}
SIZE_BASIS_LABELS = {
    "headcount": _l("Headcount"),
    "headcount+turnover": _l("Headcount and turnover"),
    "public-body": _l("Public body (never SME)"),
    "no-headcount": _l("No headcount registered"),
    "ocds-scale": _l("Stated in an award (OCDS)"),
    "demo": _l("Demo data"),
    "": _l("Not from the register"),
}
IMPORT_KINDS = {"suppliers": _l("Suppliers (Brønnøysund)"), "spend": _l("Spend lines"),
                "ocds": _l("Contracts and awards (OCDS)"),
                "tenders": _l("Awards from procure's tenders"),
                "rates": _l("Exchange rates (Norges Bank)")}

# The spend import's fields as the controller knows them (procure/ingest/spend.py).
SPEND_FIELD_LABELS = {
    "invoice_id": _l("Invoice number"),
    "voucher_id": _l("Voucher number (makes the file a ledger)"),
    "line": _l("Line number"),
    "date": _l("Date the spend counts on"),
    "voucher_date": _l("Voucher date (the year of the voucher series)"),
    "supplier_orgnr": _l("Supplier's organisation number"),
    "amount_nok": _l("Amount excluding VAT"),
    "account": _l("Account"),
    "category": _l("Category"),
    "cpv": _l("CPV code"),
    "department": _l("Department"),
}
# A stored spend line's compared columns (spend.COMPARED), as a confirm page names them.
SPEND_COMPARED_LABELS = {
    "invoice_date": _l("Date"),
    "supplier_orgnr": _l("Supplier"),
    "amount_ore": _l("Amount"),
    "account": _l("Account"),
    "category": _l("Category"),
    "cpv_code": _l("CPV code"),
    "department": _l("Department"),
}
SPEND_KEY_LABELS = {
    "invoice": _l("supplier, invoice number and line (an invoice file)"),
    "ledger": _l("year, voucher number and line (a ledger)"),
}
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": _l("UTF-8 with byte order mark"),
                   "windows-1252": "Windows-1252"}


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
        return _(CLIMATE_BASIS_LABELS[key]) if key in CLIMATE_BASIS_LABELS else key
    if breakdown == "quality":
        return str(QUALITY_LABELS.get(key, key))
    if breakdown == "size_basis":
        return str(SIZE_BASIS_LABELS.get(key, key))
    return key or _("Not stated")


def translate(msgid: str, **params: object) -> str:
    return _(msgid, **params)


def export_labels() -> Labels:
    return Labels(text=translate, key=key_label, language=lang())
