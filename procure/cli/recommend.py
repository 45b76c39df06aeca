"""`procure recommend`: the procedure chooser on the command line (no Flask app needed)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NoReturn

import click

from procure.domain.estimate import format_nok
from procure.domain.procedures import (
    INNOVATION_LEVELS,
    MARKETS,
    Recommendation,
    RecommendationInput,
    recommend,
)
from procure.domain.rules import (
    BUYER_TYPES,
    CONTRACT_TYPES,
    DEFAULT_RULES_DIR,
    NoRuleSetError,
    RuleError,
    load_rulebook,
)

USAGE_ERROR = 2  # same exit code click uses for bad usage


def _fail(message: str, code: int = USAGE_ERROR) -> NoReturn:
    click.echo(f"Feil: {message}", err=True)
    raise SystemExit(code)


def _amount(text: str, name: str) -> Decimal:
    try:
        value = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        _fail(f"{name} må være et tall, fikk {text!r}")
    if not value.is_finite() or value < 0:
        _fail(f"{name} kan ikke være negativ, fikk {text!r}")
    return value


def _choice(text: str, allowed: tuple[str, ...], name: str) -> str:
    if text not in allowed:
        _fail(f"ukjent {name} {text!r}; gyldige verdier: {', '.join(allowed)}")
    return text


@click.command("recommend")
@click.option("--value", "value_text", required=True, help="Anslått verdi i kr ekskl. mva.")
@click.option("--contract-type", required=True, help=", ".join(CONTRACT_TYPES))
@click.option("--date", "date_text", required=True, help="Planlagt kunngjøringsdato, YYYY-MM-DD.")
@click.option("--buyer", default="municipality", show_default=True, help=", ".join(BUYER_TYPES))
@click.option("--innovation", default="none", show_default=True,
              help=", ".join(INNOVATION_LEVELS))
@click.option("--market", default="known", show_default=True, help=", ".join(MARKETS))
@click.option("--rnd/--no-rnd", default=False, help="Trengs forskning og utvikling?")
@click.option("--cpv-division", default=None, help="CPV-hovedgruppe (to sifre), valgfri.")
@click.option("--earlier-total", default="0", show_default=True,
              help="Tidligere kjøp i samme CPV-hovedgruppe (kr), for oppdelingsvarsel.")
@click.option("--json", "as_json", is_flag=True, help="Skriv ett JSON-objekt.")
def recommend_command(value_text: str, contract_type: str, date_text: str, buyer: str,
                      innovation: str, market: str, rnd: bool, cpv_division: str | None,
                      earlier_total: str, as_json: bool) -> None:
    """Recommend FOA part, notices, procedure and duties for a planned purchase."""
    value = _amount(value_text, "--value")
    earlier = _amount(earlier_total, "--earlier-total")
    try:
        day = date.fromisoformat(date_text)
    except ValueError:
        _fail(f"--date må være en dato på formen YYYY-MM-DD, fikk {date_text!r}")
    inputs_ = dict(buyer_type=_choice(buyer, BUYER_TYPES, "oppdragsgivertype"),
                   contract_type=_choice(contract_type, CONTRACT_TYPES, "kontrakttype"),
                   innovation=_choice(innovation, INNOVATION_LEVELS, "innovasjonsnivå"),
                   market=_choice(market, MARKETS, "markedskunnskap"))
    try:
        book = load_rulebook(DEFAULT_RULES_DIR)
    except RuleError as exc:
        _fail(f"regeldataene er ugyldige: {exc.messages[0]}", code=1)
    try:
        ruleset = book.for_date(day)
        inputs = RecommendationInput(estimated_value=value, notice_date=day, rnd_needed=rnd,
                                     cpv_division=cpv_division, **inputs_)
        result = recommend(inputs, ruleset, earlier)
    except (NoRuleSetError, ValueError) as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        click.echo(summary(result, value))


def summary(result: Recommendation, value: Decimal) -> str:
    """Readable Norwegian summary of a recommendation."""
    names = {"doffin": "Doffin", "ted": "TED"}
    lines = [
        f"Regelsett: {result.rules_version}",
        f"Anslått verdi: {format_nok(value)} ekskl. mva.",
        f"Regime: {result.regime}",
        f"Kunngjøring: {', '.join(names[n] for n in result.notice) or 'ingen plikt'}",
        f"Spor: {result.track}",
        "",
        "Prosedyrer:",
    ]
    for option in result.procedures:
        mark = "*" if option.recommended else "-"
        lines.append(f"  {mark} {option.label} [{option.id}] ({option.legal_ref})"
                     f"{' – anbefalt' if option.recommended else ''}")
    lines += ["", "Plikter:"]
    lines += [f"  - {o.id} ({o.legal_ref}): {o.text}" for o in result.obligations] or ["  (ingen)"]
    if result.warnings:
        lines += ["", "Advarsler:"] + [f"  ! {w.id}: {w.text}" for w in result.warnings]
    lines += ["", "Begrunnelse:"] + [f"  {sentence}" for sentence in result.explanation]
    return "\n".join(lines)
