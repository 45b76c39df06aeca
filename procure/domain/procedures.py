"""Procedure chooser: the FOA part, notices, procedures, duties and caveats for a purchase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from procure.domain.estimate import format_nok
from procure.domain.rules import (
    BUYER_TYPES,
    CONTRACT_TYPES,
    NOTICE_CHANNELS,
    BandStep,
    ObligationRule,
    ProcedureRule,
    RuleSet,
    Threshold,
)

INNOVATION_LEVELS = ("none", "adapt", "new")
MARKETS = ("known", "unknown")
# Advice policy, not law: flag estimates this close to a threshold (either side).
NEAR_THRESHOLD_MARGIN = Decimal("0.10")

BUYER_LABELS = {"municipality": "kommune/fylkeskommune", "state": "statlig oppdragsgiver"}
CONTRACT_LABELS = {
    "goods": "varekjøp",
    "services": "tjenestekjøp",
    "works": "bygge- og anleggsarbeid",
    "health-social": "helse- og sosialtjenester",
    "special-services": "andre særlige tjenester",
}


@dataclass(frozen=True)
class RecommendationInput:
    buyer_type: str
    contract_type: str
    estimated_value: Decimal
    notice_date: date
    innovation: str = "none"
    market: str = "known"
    rnd_needed: bool = False
    cpv_division: str | None = None

    def __post_init__(self) -> None:
        """Reject values the chooser cannot reason about (messages are user-facing)."""
        value = self.estimated_value
        if isinstance(value, int) and not isinstance(value, bool):  # money stays exact
            value = Decimal(value)
            object.__setattr__(self, "estimated_value", value)
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            raise ValueError("anslått verdi må være et beløp på 0 kr eller mer")
        for name, allowed in (("buyer_type", BUYER_TYPES), ("contract_type", CONTRACT_TYPES),
                              ("innovation", INNOVATION_LEVELS), ("market", MARKETS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"ukjent verdi for {name}: {getattr(self, name)!r} "
                                 f"(gyldige: {', '.join(allowed)})")
        division = self.cpv_division
        if division is not None and not (len(division) == 2 and division.isdigit()):
            raise ValueError(f"CPV-hovedgruppe må være to sifre, fikk {division!r}")


@dataclass(frozen=True)
class ProcedureOption:
    id: str
    label: str
    recommended: bool
    legal_ref: str
    conditions: tuple[str, ...]


@dataclass(frozen=True)
class Obligation:
    id: str
    legal_ref: str
    text: str


@dataclass(frozen=True)
class Caveat:
    id: str  # near-threshold | possible-splitting | unconfirmed-facts
    text: str


@dataclass(frozen=True)
class Recommendation:
    rules_version: str
    regime: str
    notice: tuple[str, ...]
    procedures: tuple[ProcedureOption, ...]
    track: str
    obligations: tuple[Obligation, ...]
    warnings: tuple[Caveat, ...]
    explanation: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with exactly the public contract's keys."""
        return {
            "rules_version": self.rules_version,
            "regime": self.regime,
            "notice": list(self.notice),
            "procedures": [
                {"id": p.id, "label": p.label, "recommended": p.recommended,
                 "legal_ref": p.legal_ref, "conditions": list(p.conditions)}
                for p in self.procedures
            ],
            "track": self.track,
            "obligations": [{"id": o.id, "legal_ref": o.legal_ref, "text": o.text}
                            for o in self.obligations],
            "warnings": [{"id": w.id, "text": w.text} for w in self.warnings],
            "explanation": list(self.explanation),
        }


def recommend(inputs: RecommendationInput, ruleset: RuleSet,
              earlier_same_division_total: Decimal = Decimal(0)) -> Recommendation:
    """Apply the rule set valid on the notice date to one purchase; pure, no I/O."""
    if not ruleset.covers(inputs.notice_date):
        raise ValueError(f"regelsett {ruleset.id} gjelder ikke for {inputs.notice_date}")
    if Decimal(earlier_same_division_total) < 0:
        raise ValueError("tidligere kjøp kan ikke ha negativ verdi")
    used: list[tuple[str, str]] = []  # (what, confidence) of every fact the answer relies on
    value = inputs.estimated_value
    steps = ruleset.bands[(inputs.buyer_type, inputs.contract_type)]
    step, next_step = _band(ruleset, steps, value)
    regime_id = step.regime if step else "outside"
    regime = ruleset.regimes[regime_id]
    for s in (step, next_step):
        if s is not None:
            threshold = ruleset.thresholds[s.threshold]
            used.append((_threshold_phrase(threshold), threshold.confidence))
    used.append((regime.label, regime.confidence))
    if step is not None:
        used.append((f"verdibåndet for {CONTRACT_LABELS[inputs.contract_type]}", step.confidence))

    notice = step.notice if step and step.notice is not None else regime.notice
    options, chosen = _procedures(inputs, regime_id, ruleset, step, bool(notice))
    used.append((f"prosedyren {chosen.label}", chosen.confidence))
    notice = tuple(c for c in NOTICE_CHANNELS if c in notice or c in chosen.notice)
    rules_regime = "part-3" if chosen.part_3_rules else regime_id
    innovative = inputs.innovation != "none" or inputs.market == "unknown"
    track = "market-dialogue" if innovative else chosen.id
    if innovative:
        used.append(("markedsdialog", ruleset.market_dialogue.confidence))

    obligations = _obligations(inputs, ruleset, regime_id, rules_regime, notice, chosen, used)
    relevant = _relevant_thresholds(ruleset, steps, inputs)
    warnings = _warnings(inputs, relevant, Decimal(earlier_same_division_total), used)
    explanation = _explain(inputs, ruleset, step, next_step, regime_id, notice, chosen,
                           track, rules_regime)
    return Recommendation(ruleset.id, regime_id, notice, options, track, obligations, warnings,
                          explanation)


def _obligations(inputs: RecommendationInput, ruleset: RuleSet, regime_id: str,
                 rules_regime: str, notice: tuple[str, ...], chosen: ProcedureRule,
                 used: list[tuple[str, str]]) -> tuple[Obligation, ...]:
    """Duties whose regime, notice, contract type, value and dates match this purchase."""
    result = []
    for rule in ruleset.obligations:
        if not _obligation_applies(rule, inputs, {regime_id, rules_regime}, notice, ruleset):
            continue
        by_regime = rule.text_by_regime
        text = by_regime.get(rules_regime) or by_regime.get(regime_id) or rule.text
        if rule.append_procedure_deadline and chosen.deadline:
            text = f"{text} {chosen.label}: {chosen.deadline}"
        legal_ref = (rule.legal_ref_by_regime.get(rules_regime)
                     or rule.legal_ref_by_regime.get(regime_id) or rule.legal_ref)
        result.append(Obligation(rule.id, legal_ref, text))
        used.append((f"plikten «{rule.id}» ({legal_ref})", rule.confidence))
        limit = rule.thresholds.get(inputs.buyer_type)
        if limit:
            threshold = ruleset.thresholds[limit]
            used.append((_threshold_phrase(threshold), threshold.confidence))
    return tuple(result)


def _threshold_phrase(threshold: Threshold) -> str:
    return f"{threshold.label} på {format_nok(threshold.value)} ({threshold.legal_ref})"


def _band(ruleset: RuleSet, steps: tuple[BandStep, ...],
          value: Decimal) -> tuple[BandStep | None, BandStep | None]:
    """The band containing `value` (thresholds are inclusive: 'lik eller over') and the next."""
    current = None
    for step in steps:
        if value >= ruleset.thresholds[step.threshold].value:
            current = step
        else:
            return current, step
    return current, None


def _met(conditions: tuple[str, ...], inputs: RecommendationInput) -> bool:
    facts = {
        "innovation-new": inputs.innovation == "new",
        "innovation-any": inputs.innovation != "none",
        "rnd": inputs.rnd_needed,
        "market-unknown": inputs.market == "unknown",
    }
    return all(facts[c] for c in conditions)


def _procedures(inputs: RecommendationInput, regime_id: str, ruleset: RuleSet,
                step: BandStep | None,
                notice_duty: bool) -> tuple[tuple[ProcedureOption, ...], ProcedureRule]:
    regime = ruleset.regimes[regime_id]
    offered = [p for p in regime.procedures
               if _met(p.requires, inputs) and not (notice_duty and p.only_without_notice_duty)]
    default = (step.default if step and step.default else None) or regime.default
    # The most specific matching advice wins (innovation + R&D beats innovation alone).
    candidates = [p for p in offered if p.recommend_when and _met(p.recommend_when, inputs)]
    chosen = (max(candidates, key=lambda p: len(p.recommend_when)) if candidates
              else next(p for p in offered if p.id == default))
    options = tuple(
        ProcedureOption(p.id, p.label, p is chosen, p.legal_ref,
                        p.conditions + ((p.deadline,) if p.deadline else ()))
        for p in offered
    )
    return options, chosen


def _obligation_applies(rule: ObligationRule, inputs: RecommendationInput, regimes: set[str],
                        notice: tuple[str, ...], ruleset: RuleSet) -> bool:
    day = inputs.notice_date
    if (rule.valid_from and day < rule.valid_from) or (rule.valid_to and day > rule.valid_to):
        return False
    if not regimes & set(rule.applies_to) or not set(rule.requires_notice) <= set(notice):
        return False
    if rule.contract_types and inputs.contract_type not in rule.contract_types:
        return False
    limit = rule.thresholds.get(inputs.buyer_type)
    return not limit or inputs.estimated_value >= ruleset.thresholds[limit].value


def _relevant_thresholds(ruleset: RuleSet, steps: tuple[BandStep, ...],
                         inputs: RecommendationInput) -> list[Threshold]:
    """Thresholds that change the answer for this buyer and contract type, one per amount."""
    ids = [s.threshold for s in steps]
    for rule in ruleset.obligations:
        limit = rule.thresholds.get(inputs.buyer_type)
        if limit and (not rule.contract_types or inputs.contract_type in rule.contract_types):
            ids.append(limit)
    by_value: dict[Decimal, Threshold] = {}
    for threshold in (ruleset.thresholds[i] for i in ids):
        by_value.setdefault(threshold.value, threshold)
    return sorted(by_value.values(), key=lambda t: t.value)


def _warnings(inputs: RecommendationInput, thresholds: list[Threshold], earlier: Decimal,
              used: list[tuple[str, str]]) -> tuple[Caveat, ...]:
    value = inputs.estimated_value
    warnings = []
    near = [t for t in thresholds if abs(value - t.value) <= t.value * NEAR_THRESHOLD_MARGIN]
    if near:
        names = "; ".join(f"{t.label} ({format_nok(t.value)})" for t in near)
        warnings.append(Caveat("near-threshold", (
            f"Anslått verdi {format_nok(value)} ligger innenfor 10 % av {names}. Et lite avvik i "
            "estimatet kan endre hvilke regler som gjelder: kontroller beregningen (hele "
            "kontraktsperioden, opsjoner og forlengelser, ekskl. mva.) og dokumenter den.")))
    crossed = [t for t in thresholds if value < t.value <= value + earlier]
    if earlier and crossed:
        division = f" i CPV-hovedgruppe {inputs.cpv_division}" if inputs.cpv_division else ""
        names = "; ".join(f"{t.label} ({format_nok(t.value)})" for t in crossed)
        warnings.append(Caveat("possible-splitting", (
            f"Denne anskaffelsen ({format_nok(value)}) og tidligere kjøp av samme slag{division} "
            f"({format_nok(earlier)}) er til sammen {format_nok(value + earlier)}, som er over "
            f"{names}. En anskaffelse kan ikke deles opp for å unngå reglene: vurder om kjøpene "
            "hører sammen og skal regnes som én anskaffelse.")))
    unconfirmed = list(dict.fromkeys(what for what, confidence in used if confidence == "L"))
    if unconfirmed:
        warnings.append(Caveat("unconfirmed-facts", (
            "Svaret bygger på opplysninger som ikke er bekreftet (lav sikkerhet): "
            f"{'; '.join(unconfirmed)}. Kontroller mot Lovdata eller DFØ før du bruker svaret.")))
    return tuple(warnings)


def _explain(inputs: RecommendationInput, ruleset: RuleSet, step: BandStep | None,
             next_step: BandStep | None, regime_id: str, notice: tuple[str, ...],
             chosen: ProcedureRule, track: str, rules_regime: str) -> tuple[str, ...]:
    regime = ruleset.regimes[regime_id]
    end = f"{ruleset.valid_to:%d.%m.%Y}" if ruleset.valid_to else ""
    period = f"{ruleset.valid_from:%d.%m.%Y}–{end}"
    value = format_nok(inputs.estimated_value)
    who = f"{CONTRACT_LABELS[inputs.contract_type]} for {BUYER_LABELS[inputs.buyer_type]}"
    sentences = [f"Regelsett {ruleset.id} ({period}) gjelder for kunngjøringsdato "
                 f"{inputs.notice_date:%d.%m.%Y}."]
    upper = ""
    if next_step is not None:
        upper = _threshold_phrase(ruleset.thresholds[next_step.threshold])
    if step is None:
        sentences.append(f"Anslått verdi {value} ekskl. mva. for {who} er under {upper}, så "
                         "anskaffelsesregelverket gjelder ikke.")
        sentences.extend(n for n in (regime.note,) if n)
    else:
        lower = _threshold_phrase(ruleset.thresholds[step.threshold])
        sentences.append(f"Anslått verdi {value} ekskl. mva. for {who} er lik eller over {lower}"
                         f"{f' og under {upper}' if upper else ''}, så {regime.label} gjelder "
                         f"({regime.legal_ref}).")
        sentences.extend(n for n in (regime.note, step.note) if n)
    names = {"doffin": "Doffin", "ted": "TED"}
    sentences.append(f"Kunngjøringsplikt: {' og '.join(names[c] for c in notice)}." if notice
                     else "Ingen kunngjøringsplikt; frivillig kunngjøring på Doffin er mulig.")
    why = "standardvalget for dette regimet"
    if chosen.recommend_when:
        why = "behovet for innovasjon" + (" og forskning og utvikling" if inputs.rnd_needed else "")
    sentences.append(f"Anbefalt prosedyre: {chosen.label} ({chosen.legal_ref}), ut fra {why}.")
    if rules_regime != regime_id:
        sentences.append(f"{chosen.label} følger reglene i del III også under EØS-terskelverdien "
                         f"({chosen.legal_ref}).")
    if track == "market-dialogue":
        dialogue = ruleset.market_dialogue
        sentences.append(f"Spor: markedsdialog før konkurransen. {dialogue.text} "
                         f"({dialogue.legal_ref})")
    return tuple(sentences)
