"""The texts sent to suppliers in a simplified competition, in Norwegian (they are the record).

Pure functions: plain values in, (subject, body) out. The same text goes to every supplier that
the same message is for; only the salutation differs. Award criteria come named: the caller
labels their codes from procure.vocabulary in bokmål (domain code does not know Flask-Babel).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from procure.domain.estimate import format_nok


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


@dataclass(frozen=True)
class TenderFacts:
    buyer: str
    reference: str
    title: str
    description: str
    contact: str = ""


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"


def _number(value: Decimal | None) -> str:
    if value is None:
        return "–"
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:.2f}"
    return text.replace(".", ",")


def signature(facts: TenderFacts) -> str:
    lines = ["Vennlig hilsen", facts.buyer]
    if facts.contact:
        lines.append(facts.contact)
    return "\n".join(lines)


def invitation(facts: TenderFacts, supplier: str, deadline: date | None,
               criteria: Sequence[tuple[str, Decimal]]) -> Letter:
    """`criteria`: (the criterion's name, its weight in %), named by the caller."""
    weights = "\n".join(f"- {name}: {_number(weight)} %" for name, weight in criteria)
    body = (
        f"Til {supplier}\n\n"
        f"{facts.buyer} inviterer dere til å gi tilbud i en forenklet konkurranse:\n\n"
        f"{facts.title} (referanse {facts.reference})\n\n"
        f"{facts.description}\n\n"
        f"Tilbudsfrist: {_day(deadline)} kl. 12:00.\n\n"
        f"Tilbudene evalueres etter disse tildelingskriteriene:\n{weights}\n"
        "Prisen gis poeng etter forholdsmessig metode: laveste pris får 10 poeng.\n\n"
        "Spørsmål om konkurransen sendes skriftlig til oss. Spørsmål og svar sendes "
        "anonymisert til alle inviterte leverandører samtidig.\n\n"
        f"{signature(facts)}\n"
    )
    return Letter(f"Invitasjon til forenklet konkurranse: {facts.title} ({facts.reference})",
                  body)


def answer(facts: TenderFacts, supplier: str, number: int, question: str,
           reply: str) -> Letter:
    body = (
        f"Til {supplier}\n\n"
        f"Vi har fått et spørsmål i konkurransen «{facts.title}» (referanse "
        f"{facts.reference}). Spørsmålet og svaret sendes samtidig til alle inviterte "
        "leverandører, uten å si hvem som spurte.\n\n"
        f"Spørsmål {number}:\n{question}\n\n"
        f"Svar:\n{reply}\n\n"
        f"{signature(facts)}\n"
    )
    return Letter(f"Spørsmål og svar {number}: {facts.title} ({facts.reference})", body)


@dataclass(frozen=True)
class Standing:
    """One offer's place in the evaluation, as the letters tell it."""

    supplier: str
    price: Decimal
    total: Decimal | None
    rank: int | None
    # the criterion's name (labelled by the caller), score, points
    lines: tuple[tuple[str, Decimal | None, Decimal | None], ...]
    rejected_reason: str = ""


def _lines(standing: Standing) -> str:
    return "\n".join(
        f"- {name}: {_number(score)} av 10 ({_number(points)} poeng)"
        for name, score, points in standing.lines)


def award(facts: TenderFacts, winner: Standing, offers: int, justification: str) -> Letter:
    body = (
        f"Til {winner.supplier}\n\n"
        f"{facts.buyer} har besluttet å tildele kontrakten om «{facts.title}» (referanse "
        f"{facts.reference}) til dere.\n\n"
        f"Tilbudet deres ble rangert som nummer 1 av {offers} med {_number(winner.total)} av "
        f"100 poeng, til en pris av {format_nok(winner.price)} ekskl. mva.\n"
        f"{_lines(winner)}\n\n"
        f"Begrunnelse:\n{justification}\n\n"
        "Vi tar kontakt om inngåelse av kontrakten. Kontrakt inngås ikke før fristen for å "
        "klage på beslutningen er ute.\n\n"
        f"{signature(facts)}\n"
    )
    return Letter(f"Melding om tildeling: {facts.title} ({facts.reference})", body)


def rejection(facts: TenderFacts, standing: Standing, winner: Standing, offers: int,
              justification: str) -> Letter:
    if standing.rejected_reason:
        own = f"Tilbudet deres ble avvist. Grunnen er:\n{standing.rejected_reason}\n"
    else:
        own = (f"Tilbudet deres ble rangert som nummer {standing.rank} av {offers} med "
               f"{_number(standing.total)} av 100 poeng:\n{_lines(standing)}\n")
    body = (
        f"Til {standing.supplier}\n\n"
        f"{facts.buyer} har besluttet å tildele kontrakten om «{facts.title}» (referanse "
        f"{facts.reference}) til {winner.supplier}.\n\n"
        f"{own}\n"
        f"Det valgte tilbudet fikk {_number(winner.total)} av 100 poeng, til en pris av "
        f"{format_nok(winner.price)} ekskl. mva.:\n{_lines(winner)}\n\n"
        f"Begrunnelse for valget:\n{justification}\n\n"
        "Dere kan be om en nærmere begrunnelse, og klage på beslutningen til oss. "
        "Kontrakt inngås ikke før klagefristen er ute.\n\n"
        f"{signature(facts)}\n"
    )
    return Letter(f"Melding om tildelingsbeslutning: {facts.title} ({facts.reference})", body)
