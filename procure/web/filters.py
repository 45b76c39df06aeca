"""Jinja filters: the one place where money, dates and status labels are formatted."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l

from procure.exports.tender_document import norwegian_date

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

TRACK_LABELS = {
    "market-dialogue": _l("Market dialogue before competition"),
    "direct-award": _l("Direct award"),
    "simplified-competition": _l("Simplified competition"),
    "open-tender-competition": _l("Open tender competition (part II)"),
    "restricted-tender-competition": _l("Restricted tender competition (part II)"),
    "open-procedure": _l("Open procedure"),
    "restricted-procedure": _l("Restricted procedure"),
    "competitive-negotiation": _l("Competitive procedure with negotiation"),
    "competitive-dialogue": _l("Competitive dialogue"),
    "innovation-partnership": _l("Innovation partnership"),
}
REGIME_LABELS = {
    "outside": _l("Outside the procurement regulations (below the lower limit)"),
    "part-1": _l("Part I of the regulations"),
    "part-2": _l("Parts I and II of the regulations (national procedure)"),
    "part-3": _l("Parts I and III of the regulations (EEA procedure)"),
    "part-4": _l("Parts I and IV of the regulations (health and social services above the EEA "
                 "threshold)"),
}
NOTICE_LABELS = {"doffin": _l("Doffin"), "ted": _l("TED (EEA)")}
OBLIGATION_LABELS = {
    "protocol": _l("Procurement protocol"),
    "climate-environment": _l("Climate and environment (§ 7-9)"),
    "doffin-notice": _l("Notice on Doffin"),
    "ted-notice": _l("Notice in TED"),
    "espd": _l("ESPD self-declaration"),
    "standstill": _l("Standstill period"),
    "apprentices": _l("Apprentices"),
    "pay-and-conditions": _l("Pay and working conditions"),
    "minimum-deadlines": _l("Minimum deadlines"),
    "award-letter": _l("Award letter with reasons"),
    "award-notice": _l("Contract award notice"),
    "norway-model": _l("Norgesmodellen (building, construction and cleaning)"),
}
CONTRACT_TYPE_LABELS = {
    "goods": _l("Goods"), "services": _l("Services"),
    "works": _l("Building and construction works"),
    "health-social": _l("Health and social services"),
    "special-services": _l("Other special services"),
}
ACTION_LABELS = {
    "tender.created": _l("Tender created"),
    "tender.updated": _l("Details changed"),
    "tender.recommended": _l("Recommendation computed"),
    "tender.track_chosen": _l("Track chosen"),
    "tender.planned": _l("Announced as planned"),
    "tender.open": _l("Opened for tenders"),
    "tender.evaluation": _l("Evaluation started"),
    "tender.awarded": _l("Awarded"),
    "tender.cancelled": _l("Cancelled"),
    "tender.closed": _l("Closed"),
    "competition.supplier_invited": _l("Supplier put on the invitation list"),
    "competition.supplier_removed": _l("Supplier removed from the invitation list"),
    "competition.deadline_set": _l("Deadline for offers set"),
    "competition.invitations_sent": _l("Invitations sent"),
    "competition.question_received": _l("Question received"),
    "competition.answer_sent": _l("Answer sent to every invited supplier"),
    "competition.offer_recorded": _l("Offer recorded"),
    "competition.offer_changed": _l("Offer changed"),
    "competition.award_decided": _l("Award decided"),
    "competition.letters_sent": _l("Award letters sent"),
    "dialogue.anchoring_saved": _l("Anchoring saved"),
    "dialogue.needs_saved": _l("Needs description saved"),
    "dialogue.participant_added": _l("Dialogue participant added"),
    "dialogue.slots_offered": _l("One-to-one meetings offered"),
    "dialogue.minutes_saved": _l("Meeting minutes saved"),
    "dialogue.shared": _l("Shared with every participant"),
    "dialogue.pin_published": _l("Prior information notice published"),
    "dialogue.converted": _l("Dialogue converted into a competition"),
    "dialogue.follow_up_saved": _l("Contract follow-up saved"),
}
TASK_STATUS_LABELS = {"to_do": _l("Not started"), "in_progress": _l("In progress"),
                      "done": _l("Completed"), "cannot_start": _l("Cannot start yet")}


def label(labels: dict):
    """A filter that shows the label for a stable id, a dash for nothing, the id when unknown."""
    return lambda key: "–" if key in (None, "") else labels.get(key, key)


def money(value: Decimal | int | None) -> str:
    if value is None:
        return "–"
    return f"{format_decimal(value, format='#,##0')} kr"


def number(value: int | None) -> str:
    """A whole number with the locale's thousands separator (100 000 in bokmål)."""
    return "–" if value is None else format_decimal(value, format="#,##0")


def day(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return format_datetime(value.astimezone(OSLO), "d. MMM y HH:mm")
    return format_date(value, "d. MMM y")


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
    )
