"""Procedure chooser for a tender: inputs from the draft, the rule set of its notice date."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import func
from sqlmodel import Session, col, select

from procure import clock
from procure.domain.procedures import Recommendation, RecommendationInput, recommend
from procure.domain.rules import NoRuleSetError, RuleBook
from procure.domain.wizard import ready_for_recommendation
from procure.errors import N_, UserError
from procure.models import Tender
from procure.services.tenders import draft_fields, update_tender


class ChooserError(UserError):
    """The recommendation cannot be made or the choice cannot be recorded."""


def recommendation_input(tender: Tender) -> RecommendationInput:
    months, framework = contract_length(tender.value_estimate or {})
    return RecommendationInput(
        buyer_type=tender.buyer_type,
        contract_type=tender.contract_type or "",
        estimated_value=Decimal(tender.estimated_value or 0),
        notice_date=cast(date, tender.planned_notice_date),  # callers check it is set
        innovation=tender.innovation or "none",
        market=tender.market or "known",
        rnd_needed=bool(tender.needs_rnd),
        cpv_division=tender.cpv_code[:2] if tender.cpv_code else None,
        cpv_code=tender.cpv_code or None,
        months=months,
        framework=framework,
    )


def contract_length(value_estimate: dict) -> tuple[int | None, bool]:
    """(longest lot in months with extensions, whether a lot is a framework agreement) from the
    value step's saved lots. A framework lot's months are its term (its value is the maximum).
    Unknown when a lot is indefinite or has no months: the duties that depend on length then
    say so instead of guessing."""
    lengths: list[int | None] = []
    framework = False
    for lot in value_estimate.get("lots") or []:
        framework = framework or bool(lot.get("framework"))
        if lot.get("indefinite") or not lot.get("months"):
            lengths.append(None)
        else:
            lengths.append(int(lot["months"]) + int(lot.get("extension_months") or 0))
    if not lengths or None in lengths:
        return None, framework
    return max(n for n in lengths if n is not None), framework


def earlier_same_division_total(session: Session, tender: Tender) -> Decimal:
    """Value of this buyer's other tenders in the same CPV division and year (splitting check)."""
    if not tender.cpv_code or tender.planned_notice_date is None:
        return Decimal(0)
    year = tender.planned_notice_date.year
    statement = select(func.coalesce(func.sum(Tender.estimated_value), 0)).where(
        Tender.organisation_id == tender.organisation_id,
        Tender.id != tender.id,
        col(Tender.cancelled_at).is_(None),
        func.substr(Tender.cpv_code, 1, 2) == tender.cpv_code[:2],
        col(Tender.planned_notice_date) >= datetime(year, 1, 1).date(),
        col(Tender.planned_notice_date) <= datetime(year, 12, 31).date(),
    )
    return Decimal(cast(Decimal | int, session.exec(statement).one()))  # COALESCE: not NULL


def refresh_recommendation(
    session: Session, tender: Tender, rulebook: RuleBook, *, actor_id: int | None
) -> Recommendation:
    """Compute the recommendation and store it with its rule-set version on the tender."""
    if not ready_for_recommendation(draft_fields(tender)) or tender.planned_notice_date is None:
        raise ChooserError(N_("Answer the earlier steps before asking for a recommendation."))
    try:
        ruleset = rulebook.for_date(tender.planned_notice_date)
    except NoRuleSetError:
        raise ChooserError(N_("No rule set covers the planned notice date %(date)s."),
                           date=tender.planned_notice_date.isoformat()) from None
    inputs, earlier = recommendation_input(tender), earlier_same_division_total(session, tender)
    result = recommend(inputs, ruleset, earlier)
    snapshot = result.to_dict()
    # The page shows the answer in the reader's language; the protocol and documents use nb.
    snapshot["en"] = recommend(inputs, ruleset, earlier, lang="en").to_dict()
    snapshot["inputs"] = {
        "buyer_type": tender.buyer_type, "contract_type": tender.contract_type,
        "estimated_value": str(tender.estimated_value), "cpv_code": tender.cpv_code,
        "notice_date": tender.planned_notice_date.isoformat(),
        "innovation": tender.innovation, "market": tender.market,
        "rnd_needed": bool(tender.needs_rnd),
    }
    if tender.recommendation != snapshot:
        changes: dict[str, object] = {
            "recommendation": snapshot, "rules_version": result.rules_version,
            "recommended_track": result.track,
        }
        before = tender.recommendation or {}
        allowed = {"market-dialogue"} | {p["id"] for p in snapshot.get("procedures", [])}
        if tender.track is not None and (
                before.get("inputs") != snapshot["inputs"] or tender.track not in allowed):
            # The answers changed after a track was chosen: the officer must choose again. A
            # new rule text alone (same answers, track still lawful) keeps the officer's choice.
            changes |= {"track": None, "track_reason": "", "track_decided_at": None}
        update_tender(session, tender, changes, actor_id=actor_id, action="tender.recommended")
    return result


def track_choices(tender: Tender) -> list[tuple[str, str]]:
    """The tracks the officer may pick: the allowed procedures, plus market dialogue."""
    procedures = tender.recommendation.get("procedures", [])
    choices = [("market-dialogue", "market-dialogue")]
    choices += [(p["id"], p.get("label", p["id"])) for p in procedures]
    return choices


def choose_track(
    session: Session, tender: Tender, track: str, reason: str, *, actor_id: int | None,
    now: datetime | None = None, expected_version: int | None = None,
) -> None:
    """Record the chosen track; a deviation from the recommendation needs a written reason."""
    if not tender.recommendation:
        raise ChooserError(N_("There is no recommendation to choose from yet."))
    if track not in {choice for choice, _label in track_choices(tender)}:
        raise ChooserError(N_("%(track)s is not allowed for this tender."), track=track)
    deviates = track != tender.recommended_track
    reason = reason.strip()
    if deviates and not reason:
        raise ChooserError(N_("You chose another track than the recommended one. Give the "
                              "reason; it goes into the protocol."))
    update_tender(session, tender, {
        "track": track, "track_reason": reason if deviates else "",
        "procedure": track if track != "market-dialogue" else tender.procedure,
        "track_decided_at": now or clock.now(),
    }, actor_id=actor_id, action="tender.track_chosen", expected_version=expected_version)
