"""Procedure chooser: the FOA part, notices, procedures, duties and caveats for a purchase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from procure.domain.chooser_texts import TEXTS
from procure.domain.estimate import format_nok
from procure.domain.rules import (
    BUYER_TYPES,
    CONTRACT_TYPES,
    LANGUAGES,
    NOTICE_CHANNELS,
    BandStep,
    ObligationRule,
    ProcedureRule,
    Regime,
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
LABELS = {
    "nb": {"buyer": BUYER_LABELS, "contract": CONTRACT_LABELS},
    "en": {"buyer": {"municipality": "a municipality or county", "state": "a state body"},
           "contract": {"goods": "goods", "services": "services",
                        "works": "building and construction works",
                        "health-social": "health and social services",
                        "special-services": "other special services"}},
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
    # Contract length in months including extensions (None: not given); the apprentice duty
    # needs more than 3 months, a framework agreement under part III at most 48 without grounds.
    months: int | None = None
    framework: bool = False
    cpv_code: str | None = None
    # The special circumstances that justify a framework agreement longer than the limit.
    framework_grounds: str = ""

    def __post_init__(self) -> None:
        """Reject values the chooser cannot reason about (messages are user-facing)."""
        if self.cpv_code and self.cpv_division is None:
            object.__setattr__(self, "cpv_division", self.cpv_code[:2])
        if self.months is not None and (isinstance(self.months, bool) or self.months < 0):
            raise ValueError("varighet i måneder kan ikke være negativ")
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
    # near-threshold | possible-splitting | framework-duration |
    # innovation-partnership-proportionality | unconfirmed-facts
    id: str
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
              earlier_same_division_total: Decimal = Decimal(0),
              lang: str = "nb") -> Recommendation:
    """Apply the rule set valid on the notice date to one purchase; pure, no I/O.

    `lang` is "nb" or "en": every text in the answer comes in that language, the ids do not.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"ukjent språk {lang!r} (gyldige: {', '.join(LANGUAGES)})")
    if not ruleset.covers(inputs.notice_date):
        raise ValueError(f"regelsett {ruleset.id} gjelder ikke for {inputs.notice_date}")
    if Decimal(earlier_same_division_total) < 0:
        raise ValueError("tidligere kjøp kan ikke ha negativ verdi")
    t = TEXTS[lang]
    used: list[tuple[str, str]] = []  # (what, confidence) of every fact the answer relies on
    value = inputs.estimated_value
    steps = ruleset.bands[(inputs.buyer_type, inputs.contract_type)]
    step, next_step = _band(ruleset, steps, value)
    regime_id = step.regime if step else "outside"
    regime = ruleset.regimes[regime_id]
    for s in (step, next_step):
        if s is not None:
            used.append(_threshold_fact(ruleset.thresholds[s.threshold], lang))
    used.append(_regime_fact(regime, lang))
    if step is not None:
        contract = LABELS[lang]["contract"][inputs.contract_type]
        used.append((t["band"].format(contract=contract), step.confidence))

    notice = step.notice if step and step.notice is not None else regime.notice
    options, chosen = _procedures(inputs, regime_id, ruleset, step, bool(notice), lang)
    chosen_label = _pick(chosen.label, chosen.label_en, lang)
    used.append((t["procedure"].format(label=chosen_label), chosen.confidence))
    notice = tuple(c for c in NOTICE_CHANNELS if c in notice or c in chosen.notice)
    rules_regime = "part-3" if chosen.part_3_rules else regime_id
    innovative = inputs.innovation != "none" or inputs.market == "unknown"
    track = "market-dialogue" if innovative else chosen.id
    if innovative:
        used.append((t["dialogue"], ruleset.market_dialogue.confidence))

    obligations = _obligations(inputs, ruleset, regime_id, rules_regime, notice, chosen, used,
                               lang)
    relevant = _relevant_thresholds(ruleset, steps, inputs)
    warnings = _warnings(inputs, ruleset, relevant, Decimal(earlier_same_division_total), used,
                         rules_regime, chosen, lang)
    explanation = _explain(inputs, ruleset, step, next_step, regime_id, notice, chosen,
                           track, rules_regime, lang)
    return Recommendation(ruleset.id, regime_id, notice, options, track, obligations, warnings,
                          explanation)


def _pick(nb: str, en: str, lang: str) -> str:
    """The English text when asked for and present (the loader requires it), else bokmål."""
    return en if lang == "en" and en else nb


def _obligations(inputs: RecommendationInput, ruleset: RuleSet, regime_id: str,
                 rules_regime: str, notice: tuple[str, ...], chosen: ProcedureRule,
                 used: list[tuple[str, str]], lang: str) -> tuple[Obligation, ...]:
    """Duties whose regime, notice, contract type, value and dates match this purchase."""
    result = []
    for rule in ruleset.obligations:
        if not _obligation_applies(rule, inputs, {regime_id, rules_regime}, notice, ruleset):
            continue
        by_regime = rule.text_by_regime_en if lang == "en" else rule.text_by_regime
        text = (by_regime.get(rules_regime) or by_regime.get(regime_id)
                or _pick(rule.text, rule.text_en, lang))
        deadline = _pick(chosen.deadline, chosen.deadline_en, lang)
        if rule.append_procedure_deadline and deadline:
            text = f"{text} {_pick(chosen.label, chosen.label_en, lang)}: {deadline}"
        if rule.longer_than_months is not None and inputs.months is None:
            unknown = TEXTS[lang]["duration-unknown"].format(months=rule.longer_than_months)
            text = f"{text} {unknown}"
        refs = rule.legal_ref_by_regime_en if lang == "en" else {}
        legal_ref = (refs.get(rules_regime) or rule.legal_ref_by_regime.get(rules_regime)
                     or refs.get(regime_id) or rule.legal_ref_by_regime.get(regime_id)
                     or _pick(rule.legal_ref, rule.legal_ref_en, lang))
        result.append(Obligation(rule.id, legal_ref, text))
        used.append((TEXTS[lang]["duty"].format(id=rule.id, ref=legal_ref), rule.confidence))
        limit = rule.thresholds.get(inputs.buyer_type)
        if limit:
            used.append(_threshold_fact(ruleset.thresholds[limit], lang))
    return tuple(result)


def _threshold_phrase(threshold: Threshold, lang: str = "nb") -> str:
    label, _note = threshold.text(lang)
    ref = _pick(threshold.legal_ref, threshold.legal_ref_en, lang)
    if lang == "en":
        return f"the {label} of {format_nok(threshold.value, lang)} ({ref})"
    return f"{label} på {format_nok(threshold.value)} ({ref})"


def _threshold_fact(threshold: Threshold, lang: str) -> tuple[str, str]:
    """A threshold as a fact the answer relies on; an unconfirmed one says why, in plain words."""
    phrase = _threshold_phrase(threshold, lang)
    _label, note = threshold.text(lang)
    if threshold.confidence == "L" and note:
        phrase = f"{phrase} – {note.rstrip('.')}"
    return phrase, threshold.confidence


def _regime_fact(regime: Regime, lang: str) -> tuple[str, str]:
    """The regime as a fact; an unconfirmed one carries its note, which says what is unsure."""
    label, note = _pick(regime.label, regime.label_en, lang), _pick(regime.note, regime.note_en,
                                                                   lang)
    if regime.confidence == "L" and note:
        label = f"{label} – {note.rstrip('.')}"
    return label, regime.confidence


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
                step: BandStep | None, notice_duty: bool,
                lang: str = "nb") -> tuple[tuple[ProcedureOption, ...], ProcedureRule]:
    """Every lawful procedure of the regime, with its conditions; exactly one is recommended."""
    regime = ruleset.regimes[regime_id]
    offered = [p for p in regime.procedures
               if _met(p.requires, inputs) and not (notice_duty and p.only_without_notice_duty)]
    default = (step.default if step and step.default else None) or regime.default
    # The most specific matching advice wins (innovation + R&D beats innovation alone).
    candidates = [p for p in offered if p.recommend_when and _met(p.recommend_when, inputs)]
    chosen = (max(candidates, key=lambda p: len(p.recommend_when)) if candidates
              else next(p for p in offered if p.id == default))
    options = []
    for p in offered:
        deadline = _pick(p.deadline, p.deadline_en, lang)
        conditions = p.conditions_en if lang == "en" and p.conditions_en else p.conditions
        options.append(ProcedureOption(p.id, _pick(p.label, p.label_en, lang), p is chosen,
                                       _pick(p.legal_ref, p.legal_ref_en, lang),
                                       conditions + ((deadline,) if deadline else ())))
    return tuple(options), chosen


def _obligation_applies(rule: ObligationRule, inputs: RecommendationInput, regimes: set[str],
                        notice: tuple[str, ...], ruleset: RuleSet) -> bool:
    day = inputs.notice_date
    if (rule.valid_from and day < rule.valid_from) or (rule.valid_to and day > rule.valid_to):
        return False
    if not regimes & set(rule.applies_to) or not set(rule.requires_notice) <= set(notice):
        return False
    if rule.contract_types and inputs.contract_type not in rule.contract_types:
        return False
    prefixes = rule.cpv_prefixes.get(inputs.contract_type)
    if prefixes and not (inputs.cpv_code and inputs.cpv_code.startswith(prefixes)):
        return False
    if (rule.longer_than_months is not None and inputs.months is not None
            and inputs.months <= rule.longer_than_months):
        return False
    limit = rule.thresholds.get(inputs.buyer_type)
    if not limit:
        return True
    amount = ruleset.thresholds[limit].value
    return inputs.estimated_value > amount if rule.threshold_strict else \
        inputs.estimated_value >= amount


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


def _warnings(inputs: RecommendationInput, ruleset: RuleSet, thresholds: list[Threshold],
              earlier: Decimal, used: list[tuple[str, str]], rules_regime: str,
              chosen: ProcedureRule, lang: str = "nb") -> tuple[Caveat, ...]:
    t = TEXTS[lang]
    value = inputs.estimated_value

    def money(amount: Decimal) -> str:
        return format_nok(amount, lang)

    warnings = []
    near = [th for th in thresholds if abs(value - th.value) <= th.value * NEAR_THRESHOLD_MARGIN]
    if near:
        names = "; ".join(f"{th.text(lang)[0]} ({money(th.value)})" for th in near)
        warnings.append(Caveat("near-threshold", t["near"].format(value=money(value),
                                                                  names=names)))
    crossed = [th for th in thresholds if value < th.value <= value + earlier]
    if earlier and crossed:
        division = (t["division"].format(division=inputs.cpv_division)
                    if inputs.cpv_division else "")
        names = "; ".join(f"{th.text(lang)[0]} ({money(th.value)})" for th in crossed)
        warnings.append(Caveat("possible-splitting", t["splitting"].format(
            value=money(value), division=division, earlier=money(earlier),
            total=money(value + earlier), names=names)))
    if _framework_too_long(inputs, ruleset, rules_regime) and not inputs.framework_grounds.strip():
        limit = ruleset.framework
        assert limit is not None
        ref = _pick(limit.legal_ref, limit.legal_ref_en, lang)
        warnings.append(Caveat("framework-duration", t["framework"].format(
            months=inputs.months, max=limit.max_months, ref=ref,
            text=_pick(limit.text, limit.text_en, lang))))
        used.append((t["framework-fact"].format(ref=ref), limit.confidence))
    if chosen.id == "innovation-partnership":
        eea = [th for th in thresholds if th.id.startswith("eea-")]
        below = bool(eea) and value < min(th.value for th in eea)
        warnings.append(Caveat("innovation-partnership-proportionality", (
            t["ip-small"] if below else "") + t["ip-value"]))
    unconfirmed = list(dict.fromkeys(what for what, confidence in used if confidence == "L"))
    if unconfirmed:
        warnings.append(Caveat("unconfirmed-facts", t["unconfirmed"].format(
            facts="; ".join(unconfirmed))))
    return tuple(warnings)


def _framework_too_long(inputs: RecommendationInput, ruleset: RuleSet, rules_regime: str) -> bool:
    limit = ruleset.framework
    return (inputs.framework and limit is not None and rules_regime in limit.applies_to
            and inputs.months is not None and inputs.months > limit.max_months)


def _explain(inputs: RecommendationInput, ruleset: RuleSet, step: BandStep | None,
             next_step: BandStep | None, regime_id: str, notice: tuple[str, ...],
             chosen: ProcedureRule, track: str, rules_regime: str,
             lang: str = "nb") -> tuple[str, ...]:
    t = TEXTS[lang]
    regime = ruleset.regimes[regime_id]
    fmt = _day_en if lang == "en" else (lambda d: f"{d:%d.%m.%Y}")
    end = fmt(ruleset.valid_to) if ruleset.valid_to else ""
    period = f"{fmt(ruleset.valid_from)}–{end}"
    value = format_nok(inputs.estimated_value, lang)
    labels = LABELS[lang]
    who = t["who"].format(contract=labels["contract"][inputs.contract_type],
                          buyer=labels["buyer"][inputs.buyer_type])
    sentences = [t["ruleset"].format(id=ruleset.id, period=period,
                                     day=fmt(inputs.notice_date))]
    upper = ""
    if next_step is not None:
        upper = _threshold_phrase(ruleset.thresholds[next_step.threshold], lang)
    regime_label = _pick(regime.label, regime.label_en, lang)
    regime_note = _pick(regime.note, regime.note_en, lang)
    if step is None:
        sentences.append(t["outside"].format(value=value, who=who, upper=upper))
        sentences.extend(n for n in (regime_note,) if n)
    else:
        lower = _threshold_phrase(ruleset.thresholds[step.threshold], lang)
        below = t["and-below"].format(upper=upper) if upper else ""
        sentences.append(t["band-sentence"].format(
            value=value, who=who, lower=lower, below=below, regime=regime_label,
            ref=_pick(regime.legal_ref, regime.legal_ref_en, lang)))
        sentences.extend(n for n in (regime_note, _pick(step.note, step.note_en, lang)) if n)
    names = {"doffin": "Doffin", "ted": "TED"}
    sentences.append(t["notice"].format(where=t["and"].join(names[c] for c in notice))
                     if notice else t["no-notice"])
    label = _pick(chosen.label, chosen.label_en, lang)
    why = t["why-default"]
    if chosen.recommend_when:
        why = t["why-innovation"] + (t["why-rnd"] if inputs.rnd_needed else "")
    chosen_ref = _pick(chosen.legal_ref, chosen.legal_ref_en, lang)
    sentences.append(t["recommended"].format(label=label, ref=chosen_ref, why=why))
    if rules_regime != regime_id:
        sentences.append(t["part-3-rules"].format(label=label, ref=chosen_ref))
    if _framework_too_long(inputs, ruleset, rules_regime) and inputs.framework_grounds.strip():
        limit = ruleset.framework
        assert limit is not None
        sentences.append(t["framework-grounds"].format(
            months=inputs.months, max=limit.max_months,
            ref=_pick(limit.legal_ref, limit.legal_ref_en, lang),
            grounds=inputs.framework_grounds.strip()))
    if track == "market-dialogue":
        dialogue = ruleset.market_dialogue
        sentences.append(t["track-dialogue"].format(
            text=_pick(dialogue.text, dialogue.text_en, lang),
            ref=_pick(dialogue.legal_ref, dialogue.legal_ref_en, lang)))
    return tuple(sentences)


def _day_en(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
