"""`procure recommend`: the procedure chooser on the command line (no Flask app needed)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NoReturn

import click

from procure.domain.estimate import Lot, estimate_value, format_nok
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
    LANGUAGES,
    NoRuleSetError,
    RuleError,
    load_rulebook,
)
from procure.errors import N_
from procure.vocabulary import translate_to

USAGE_ERROR = 2  # same exit code click uses for bad usage
_language = {"lang": "nb"}  # the --lang of this run, once it is known to be valid


def _fail(msgid: str, code: int = USAGE_ERROR, **params: object) -> NoReturn:
    lang = _language["lang"]
    message = translate_to(lang, msgid, **params)
    click.echo(translate_to(lang, N_("Error: %(message)s"), message=message), err=True)
    raise SystemExit(code)


def _amount(text: str, name: str) -> Decimal:
    try:
        value = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        _fail(N_("%(option)s must be a number, got %(text)s"), option=name, text=repr(text))
    if not value.is_finite() or value < 0:
        _fail(N_("%(option)s cannot be negative, got %(text)s"), option=name, text=repr(text))
    return value


def _choice(text: str, allowed: tuple[str, ...], option: str) -> str:
    if text not in allowed:
        _fail(N_("%(option)s: unknown value %(text)s; valid values: %(allowed)s"),
              option=option, text=repr(text), allowed=", ".join(allowed))
    return text


@click.command("recommend")
@click.option("--value", "value_text", default=None,
              help="Anslått verdi i kr ekskl. mva., uten opsjoner (ikke sammen med --framework).")
@click.option("--contract-type", required=True, help=", ".join(CONTRACT_TYPES))
@click.option("--date", "date_text", required=True, help="Planlagt kunngjøringsdato, YYYY-MM-DD.")
@click.option("--buyer", default="municipality", show_default=True, help=", ".join(BUYER_TYPES))
@click.option("--innovation", default="none", show_default=True,
              help=", ".join(INNOVATION_LEVELS))
@click.option("--market", default="known", show_default=True, help=", ".join(MARKETS))
@click.option("--rnd/--no-rnd", default=False, help="Trengs forskning og utvikling?")
@click.option("--cpv-division", default=None, help="CPV-hovedgruppe (to sifre), valgfri.")
@click.option("--cpv", "cpv_code", default=None,
              help="CPV-kode (8 sifre, valgfri); 909… er renhold (Norgesmodellen).")
@click.option("--earlier-total", default="0", show_default=True,
              help="Tidligere kjøp i samme CPV-hovedgruppe (kr), for oppdelingsvarsel.")
@click.option("--months", "months_text", default=None,
              help="Kontraktens varighet i måneder, forlengelser medregnet.")
@click.option("--options-value", "options_text", default="0", show_default=True,
              help="Verdien av opsjoner og forlengelser (kr), legges til --value.")
@click.option("--framework", "framework_text", default=None,
              help="Rammeavtale: maksimal verdi (kr) av alle kontrakter under avtalen.")
@click.option("--framework-grounds", default="",
              help="Særlige forhold som begrunner en rammeavtale over fire år.")
@click.option("--lang", default="nb", show_default=True, help=", ".join(LANGUAGES))
@click.option("--json", "as_json", is_flag=True, help="Skriv ett JSON-objekt.")
def recommend_command(value_text: str | None, contract_type: str, date_text: str, buyer: str,
                      innovation: str, market: str, rnd: bool, cpv_division: str | None,
                      cpv_code: str | None, earlier_total: str, months_text: str | None,
                      options_text: str, framework_text: str | None, framework_grounds: str,
                      lang: str, as_json: bool) -> None:
    """Recommend FOA part, notices, procedure and duties for a planned purchase."""
    if lang not in LANGUAGES:  # said in both languages: we do not know which one to use
        click.echo(f"Feil: --lang {lang!r}: bruk nb eller en / Error: use nb or en", err=True)
        raise SystemExit(USAGE_ERROR)
    _language["lang"] = lang
    if (value_text is None) == (framework_text is None):
        _fail(N_("give either --value (the estimated value) or --framework (the framework "
                 "agreement's maximum value)"))
    options = _amount(options_text, "--options-value")
    if framework_text is not None:
        if options:
            _fail(N_("--options-value cannot be used with --framework: the framework "
                     "agreement's maximum value includes options and extensions"))
        lot = Lot(framework_max=_amount(framework_text, "--framework"))
    else:
        lot = Lot(one_off=_amount(value_text or "", "--value"), options=options)
    months = _months(months_text)
    if cpv_code is not None and not (cpv_code[:8].isdigit() and len(cpv_code.split("-")[0]) == 8):
        _fail(N_("--cpv must be a CPV code of 8 digits, got %(text)s"), text=repr(cpv_code))
    earlier = _amount(earlier_total, "--earlier-total")
    try:
        day = date.fromisoformat(date_text)
    except ValueError:
        _fail(N_("--date must be a date in the form YYYY-MM-DD, got %(text)s"),
              text=repr(date_text))
    inputs_ = dict(buyer_type=_choice(buyer, BUYER_TYPES, "--buyer"),
                   contract_type=_choice(contract_type, CONTRACT_TYPES, "--contract-type"),
                   innovation=_choice(innovation, INNOVATION_LEVELS, "--innovation"),
                   market=_choice(market, MARKETS, "--market"))
    try:
        book = load_rulebook(DEFAULT_RULES_DIR)
    except RuleError as exc:
        _fail(N_("the rule data are invalid: %(problem)s"), code=1, problem=exc.messages[0])
    if cpv_division is not None and not (len(cpv_division) == 2 and cpv_division.isdigit()):
        _fail(N_("--cpv-division must be two digits, got %(text)s"), text=repr(cpv_division))
    try:
        ruleset = book.for_date(day)
    except NoRuleSetError:
        _fail(N_("no rule set applies on %(day)s; the earliest applies from %(first)s"),
              day=day.isoformat(), first=book.rulesets[0].valid_from.isoformat())
    try:
        estimate = estimate_value([lot], lang)
    except ValueError:
        _fail(N_("the estimated value cannot be over NOK 10 000 000 000 000"))
    inputs = RecommendationInput(estimated_value=estimate.total, notice_date=day,
                                 rnd_needed=rnd, cpv_division=cpv_division,
                                 cpv_code=cpv_code, months=months,
                                 framework=framework_text is not None,
                                 framework_grounds=framework_grounds, **inputs_)
    result = recommend(inputs, ruleset, earlier, lang)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        click.echo(summary(result, estimate.total, lang, estimate.lines))


def _months(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.strip().isdigit():
        _fail(N_("--months must be a whole number of months (0 or more), got %(text)s"),
              text=repr(text))
    return int(text)


HEADINGS = {
    "nb": {"rules": "Regelsett", "value": "Anslått verdi", "excl": "ekskl. mva.",
           "working": "Verdiberegning", "regime": "Regime", "notice": "Kunngjøring",
           "no-duty": "ingen plikt", "track": "Spor", "procedures": "Prosedyrer",
           "recommended": "anbefalt", "duties": "Plikter", "none": "(ingen)",
           "warnings": "Advarsler", "why": "Begrunnelse"},
    "en": {"rules": "Rule set", "value": "Estimated value", "excl": "excluding VAT",
           "working": "Value calculation", "regime": "Regime", "notice": "Notice",
           "no-duty": "no duty", "track": "Track", "procedures": "Procedures",
           "recommended": "recommended", "duties": "Duties", "none": "(none)",
           "warnings": "Warnings", "why": "Explanation"},
}


def summary(result: Recommendation, value: Decimal, lang: str = "nb",
            working: tuple[str, ...] = ()) -> str:
    """Readable summary of a recommendation in bokmål or English."""
    h = HEADINGS[lang]
    names = {"doffin": "Doffin", "ted": "TED"}
    lines = [
        f"{h['rules']}: {result.rules_version}",
        f"{h['value']}: {format_nok(value, lang)} {h['excl']}",
    ]
    if len(working) > 1:  # one line is just the total again
        lines += [f"{h['working']}:"] + [f"  {line}" for line in working]
    lines += [
        f"{h['regime']}: {result.regime}",
        f"{h['notice']}: {', '.join(names[n] for n in result.notice) or h['no-duty']}",
        f"{h['track']}: {result.track}",
        "",
        f"{h['procedures']}:",
    ]
    for option in result.procedures:
        mark = "*" if option.recommended else "-"
        lines.append(f"  {mark} {option.label} [{option.id}] ({option.legal_ref})"
                     f"{' – ' + h['recommended'] if option.recommended else ''}")
        lines += [f"      · {condition}" for condition in option.conditions]
    lines += ["", f"{h['duties']}:"]
    lines += [f"  - {o.id} ({o.legal_ref}): {o.text}" for o in result.obligations] or \
        [f"  {h['none']}"]
    if result.warnings:
        lines += ["", f"{h['warnings']}:"] + [f"  ! {w.id}: {w.text}" for w in result.warnings]
    lines += ["", f"{h['why']}:"] + [f"  {sentence}" for sentence in result.explanation]
    return "\n".join(lines)
