"""Innovation partnership (FOA § 13-1 (3)): the rules that need no database.

Prequalification on R&D and implementation capability, at least three candidates in the
negotiation when their number is capped, phases with interim targets and a maximum cost, a
decision after each phase (continue, reduce the partners, or stop), the purchase option that may
only be used when the performance targets and the maximum cost are met, and the estimated value
(the R&D phases' maximum plus the later purchase). Facts: ../shared/reference/domain-facts.md § 3.
Pure: no Flask, no session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from procure.domain.estimate import ValueEstimate, format_nok
from procure.domain.rules import RuleSet

DECISIONS = ("continue", "reduce", "stop")
CANDIDATE_DECISIONS = ("qualified", "rejected")
# Who owns the results, and what the municipality may do with them when it does not.
IPR_OWNERSHIP = ("supplier", "buyer", "shared")
IPR_LICENCE = ("use", "use-modify", "use-modify-share")

# Refusals and the one warning of the invitation to negotiate.
NONE_INVITED = "none-invited"
CAP_BELOW_THREE = "cap-below-three"
OVER_CAP = "over-cap"
NOT_ALL_INVITED = "not-all-invited"
BELOW_THREE = "below-three"
FEWER_THAN_THREE = "fewer-than-three"


@dataclass(frozen=True)
class PartnershipRules:
    """What the rule set in force says about the procedure: the shortest time for requests to
    participate and the fewest candidates in the negotiation when their number is capped."""

    request_days: int
    min_negotiation: int
    legal_ref: str


class MissingPartnershipRules(ValueError):
    pass


def partnership_rules(ruleset: RuleSet, regime_id: str | None = None) -> PartnershipRules:
    """The innovation partnership entry of the regime (or, without one, of the first regime
    offering the procedure) in the rule set."""
    regimes = ([ruleset.regimes[regime_id]]
               if regime_id is not None and regime_id in ruleset.regimes else [])
    regimes += list(ruleset.regimes.values())
    for regime in regimes:
        entry = regime.procedure("innovation-partnership")
        if entry is not None and entry.request_days and entry.min_negotiation:
            return PartnershipRules(entry.request_days, entry.min_negotiation, entry.legal_ref)
    raise MissingPartnershipRules(
        f"{ruleset.path.name}: no innovation-partnership procedure with request_days and "
        "min_negotiation")


@dataclass(frozen=True)
class NegotiationCheck:
    refusals: tuple[str, ...]
    warnings: tuple[str, ...]


def negotiation_check(qualified: int, invited: int, cap: int | None,
                      minimum: int) -> NegotiationCheck:
    """Who may be invited to negotiate. Without a cap every qualified candidate is invited.
    With a cap it is at least `minimum` (three), and at least that many are invited, unless
    fewer qualified: then all of them are, and going ahead with fewer is a deviation to
    justify."""
    refusals = []
    if invited == 0:
        refusals.append(NONE_INVITED)
    if cap is not None:
        if cap < minimum:
            refusals.append(CAP_BELOW_THREE)
        if invited > cap:
            refusals.append(OVER_CAP)
        if invited < min(minimum, qualified):
            refusals.append(BELOW_THREE)
    elif invited < qualified:
        refusals.append(NOT_ALL_INVITED)
    warnings = (FEWER_THAN_THREE,) if 0 < invited < minimum else ()
    return NegotiationCheck(tuple(refusals), warnings)


def first_requests_deadline(today: date, rules: PartnershipRules) -> date:
    return today + timedelta(days=rules.request_days)


def requests_deadline_ok(deadline: date, today: date, rules: PartnershipRules) -> bool:
    return deadline >= first_requests_deadline(today, rules)


# Decision problems (codes, translated where shown).
NO_DECISION = "choose"
NO_REASON = "reason"
NO_TARGETS_ANSWER = "targets"
LEAVING_NONE = "leaving-none"
LEAVING_ALL = "leaving-all"
LEAVING_UNKNOWN = "leaving-unknown"
LEAVING_ONLY_REDUCE = "leaving-only-reduce"
OPTION_CONDITIONS = "option-conditions"


def decision_problems(decision: str, reason: str, targets_met: bool | None,
                      partners: Sequence[int], leaving: Sequence[int], *,
                      last_phase: bool) -> list[str]:
    """What is wrong with a decision after a phase. Reducing names who leaves and keeps at
    least one partner; after the last phase, going on to the purchase needs the targets met."""
    problems = []
    if decision not in DECISIONS:
        problems.append(NO_DECISION)
    if not (reason or "").strip():
        problems.append(NO_REASON)
    if targets_met is None:
        problems.append(NO_TARGETS_ANSWER)
    leaving_set, partner_set = set(leaving), set(partners)
    if decision == "reduce":
        if not leaving_set:
            problems.append(LEAVING_NONE)
        elif not leaving_set <= partner_set:
            problems.append(LEAVING_UNKNOWN)
        elif leaving_set == partner_set:
            problems.append(LEAVING_ALL)
    elif leaving_set:
        problems.append(LEAVING_ONLY_REDUCE)
    if last_phase and decision in ("continue", "reduce") and targets_met is False:
        problems.append(OPTION_CONDITIONS)
    return problems


@dataclass(frozen=True)
class PhaseFacts:
    decision: str | None


def phase_states(phases: Sequence[PhaseFacts], partners_selected: bool) -> list[str]:
    """For each phase in order: done, stopped, running, planned or not-run (after a stop)."""
    states = []
    stopped = False
    running_given = False
    for phase in phases:
        if stopped:
            states.append("not-run")
        elif phase.decision == "stop":
            states.append("stopped")
            stopped = True
        elif phase.decision is not None:
            states.append("done")
        elif partners_selected and not running_given:
            states.append("running")
            running_given = True
        else:
            states.append("planned")
    return states


def estimate(phases: Sequence[tuple[str, Decimal]], purchase: Decimal | None) -> ValueEstimate:
    """The estimated value: the maximum cost of every R&D phase plus the later purchase."""
    lines = []
    rnd = Decimal(0)
    for number, (name, cost) in enumerate(phases, start=1):
        if cost < 0:
            raise ValueError("Beløp kan ikke være negative.")
        lines.append(f"FoU-fase {number} «{name}»: inntil {format_nok(cost)}")
        rnd += cost
    lines.append(f"Sum forskning og utvikling: {format_nok(rnd)}")
    purchase = purchase or Decimal(0)
    if purchase < 0:
        raise ValueError("Beløp kan ikke være negative.")
    lines.append(f"Senere kjøp av den utviklede løsningen: inntil {format_nok(purchase)}")
    total = rnd + purchase
    lines.append(f"Anslått verdi i alt: {format_nok(total)} ekskl. mva.")
    return ValueEstimate(total, tuple(lines))


# What must be settled before the partnership is announced: the notice is complete, with the
# qualification requirements, the contract's IPR terms and how the later purchase is made.
MISSING_REQUIREMENTS = "requirements"
MISSING_IPR = "ipr"
MISSING_OPTION = "option"
MISSING_PHASES = "phases"


@dataclass(frozen=True)
class Setup:
    rnd_requirements: str
    implementation_requirements: str
    ipr_ownership: str | None
    ipr_licence: str | None
    purchase_targets: str
    purchase_max_cost: Decimal | None
    phases: int


def setup_missing(setup: Setup) -> list[str]:
    missing = []
    if not (setup.rnd_requirements.strip() and setup.implementation_requirements.strip()):
        missing.append(MISSING_REQUIREMENTS)
    if setup.ipr_ownership not in IPR_OWNERSHIP or (
            setup.ipr_ownership != "buyer" and setup.ipr_licence not in IPR_LICENCE):
        missing.append(MISSING_IPR)
    if not setup.purchase_targets.strip() or setup.purchase_max_cost is None:
        missing.append(MISSING_OPTION)
    if setup.phases == 0:
        missing.append(MISSING_PHASES)
    return missing
