"""Jinja filters: the one place where money, dates and status labels are formatted."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l

OSLO = ZoneInfo("Europe/Oslo")

STATUS_LABELS = {
    "draft": _l("Draft"),
    "planned": _l("Planned"),
    "open": _l("Open"),
    "evaluation": _l("Evaluation"),
    "awarded": _l("Awarded"),
    "cancelled": _l("Cancelled"),
    "closed": _l("Closed"),
}
ROLE_LABELS = {"officer": _l("Procurement officer"), "controller": _l("Controller"),
               "admin": _l("Administrator")}
SIZE_LABELS = {"micro": _l("Micro"), "small": _l("Small"), "medium": _l("Medium"),
               "large": _l("Large"), "unknown": _l("Unknown")}


def money(value: Decimal | int | None) -> str:
    if value is None:
        return "–"
    return f"{format_decimal(value, format='#,##0')} kr"


def day(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return format_datetime(value.astimezone(OSLO), "d. MMM y HH:mm")
    return format_date(value, "d. MMM y")


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money,
        day=day,
        status_label=lambda s: STATUS_LABELS.get(s, s),
        role_label=lambda r: ROLE_LABELS.get(r, r),
        size_label=lambda s: SIZE_LABELS.get(s, s),
    )
