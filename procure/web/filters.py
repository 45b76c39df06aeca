"""Jinja filters: the one place where money, dates and status labels are formatted."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal
from jinja2 import Undefined

from procure import vocabulary as v
from procure.clock import OSLO, norwegian_date

# The labels live in procure.vocabulary; these names stay for the modules that import them.
STATUS_LABELS = v.STATUSES
ROLE_LABELS = v.ROLES
SIZE_LABELS = v.SIZE_CLASSES
TRACK_LABELS = v.PROCEDURES
REGIME_LABELS = v.REGIMES
NOTICE_LABELS = v.NOTICE_CHANNELS
OBLIGATION_LABELS = v.OBLIGATIONS
CONTRACT_TYPE_LABELS = v.CONTRACT_TYPES
ACTION_LABELS = v.EVENTS
TASK_STATUS_LABELS = v.TASK_STATUSES
__all__ = ["ACTION_LABELS", "CONTRACT_TYPE_LABELS", "NOTICE_LABELS", "OBLIGATION_LABELS",
           "OSLO", "REGIME_LABELS", "ROLE_LABELS", "SIZE_LABELS", "STATUS_LABELS",
           "TASK_STATUS_LABELS", "TRACK_LABELS", "day", "label", "money", "number"]


def label(labels: dict):
    """A filter that shows the label for a stable id, a dash for nothing, the id when unknown."""
    return lambda key: "–" if key in (None, "") else labels.get(key, key)


def money(value: Decimal | int | None) -> str:
    if value is None or isinstance(value, Undefined):  # a row that is not there: no amount
        return "–"
    return f"{format_decimal(value, format='#,##0')} kr"


def number(value: int | None) -> str:
    """A whole number with the locale's thousands separator (100 000 in bokmål)."""
    return "–" if value is None else format_decimal(value, format="#,##0")


def day(value: date | datetime | str | None) -> str:
    """A day (or a moment) for people; an ISO date string, such as a rule set's id, too."""
    if value is None:
        return "–"
    if isinstance(value, str):
        text = value
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(value, datetime):
        return format_datetime(value.astimezone(OSLO), "d. MMM y HH:mm")
    return format_date(value, "d. MMM y")


def file_size(value: int | None) -> str:
    """A file size for people, in the page's language (4,2 MB in bokmål)."""
    from procure.ingest.annexes import format_size

    return "–" if value is None else format_size(value, v.current_language())


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money,
        number=number,
        day=day,
        status_label=label(STATUS_LABELS),
        role_label=label(ROLE_LABELS),
        size_label=label(SIZE_LABELS),
        track_label=label(TRACK_LABELS),
        regime_label=label(REGIME_LABELS),
        notice_label=label(NOTICE_LABELS),
        obligation_label=label(OBLIGATION_LABELS),
        contract_type_label=label(CONTRACT_TYPE_LABELS),
        task_status_label=label(TASK_STATUS_LABELS),
        oslo_datetime=norwegian_date,
        action_label=label(ACTION_LABELS),
        lower_first=v.lower_first,
        dialogue_phase_label=label(v.DIALOGUE_PHASES),
        shared_kind_label=label(v.SHARED_KINDS),
        document_section_label=label(v.DOCUMENT_SECTIONS),
        document_section_hint=label(v.DOCUMENT_SECTION_HINTS),
        annex_type_label=label(v.ANNEX_TYPES),
        file_size=file_size,
        interest_reason_label=label(v.TOLD_BECAUSE),
    )
