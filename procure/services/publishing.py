"""Publishing a draft as planned: only when the track is chosen and FOA § 7-9 is met.

A later lifecycle issue generalises this to every transition; this module holds the one
transition the criteria issue needs, and says exactly what is missing when it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from procure import clock
from procure.domain.climate import ClimateCheck
from procure.domain.rules import RuleBook
from procure.errors import N_, UserError
from procure.models import Tender
from procure.services import interest, requirements, tender_criteria
from procure.services.tenders import update_tender


class PublishError(UserError):
    """The tender cannot be published as planned."""


def can_publish(tender: Tender) -> bool:
    """Whether publishing as planned is on offer at all: only a draft is published (an open,
    awarded, cancelled or closed tender is past it)."""
    return tender.status == "draft"


@dataclass(frozen=True)
class Alerted:
    """A business told about the tender once it is public: by the next alert digest."""

    name: str
    email: str
    reason: str  # purchase | event | category


def alerted(session: Session, tender: Tender) -> list[Alerted]:
    """The businesses that will get an e-mail alert about the tender once it is published:
    confirmed registrations with alerts on, for the tender or its CPV division."""
    return [Alerted(item.registration.business_name, item.registration.email, item.reason)
            for item in interest.interested_in(session, tender) if item.registration.alerts]


@dataclass(frozen=True)
class Blocker:
    """One thing missing before publishing; `details` are the § 7-9 check's own lines."""

    key: str
    msgid: str
    params: dict[str, object] = field(default_factory=dict)
    details: tuple[str, ...] = ()


def publish_blockers(tender: Tender, rows: list, check: ClimateCheck | None) -> list[Blocker]:
    """Everything that stops the draft from being published as planned, in the order to fix.
    `rows` are the tender's requirements (procure.services.requirements)."""
    blockers = []
    if not tender.track:
        blockers.append(Blocker("track", N_("Choose the track (step 5 of the wizard).")))
    if tender.planned_notice_date is None:
        blockers.append(Blocker("notice-date", N_(
            "Give the planned notice date (step 3 of the wizard); the § 7-9 check uses the "
            "rules in force on that date.")))
    elif check is None:
        blockers.append(Blocker("notice-date", N_(
            "No rule set covers the planned notice date %(date)s."),
            {"date": tender.planned_notice_date.isoformat()}))
    elif check.status != "met":
        blockers.append(Blocker("climate", N_(
            "The climate and environment duty (%(legal_ref)s) is not met yet:"),
            {"legal_ref": check.legal_ref}, check.missing))
    weights = requirements.weights_of(rows)
    for problem in weights.problems:
        if problem.code in requirements.PROBLEM_MESSAGES:
            blockers.append(Blocker("weights", requirements.PROBLEM_MESSAGES[problem.code], {
                "title": problem.title, "total": problem.total, "weight": problem.weight}))
    return blockers


def publish_as_planned(
    session: Session, tender: Tender, rulebook: RuleBook, *, actor_id: int | None,
    now: datetime | None = None,
) -> None:
    """Mark the draft as planned (visible to the public) once nothing blocks it."""
    if tender.status != "draft":
        raise PublishError(N_("Only a draft can be published as planned."))
    check = tender_criteria.refresh_climate(session, tender, rulebook, actor_id=actor_id)
    if publish_blockers(tender, requirements.tender_requirements(session, tender), check):
        raise PublishError(N_("The tender cannot be published yet. The list below says what "
                              "is missing."))
    update_tender(session, tender, {"planned_at": now or clock.now()}, actor_id=actor_id,
                  action="tender.published_planned")
