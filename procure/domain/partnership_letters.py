"""The letters to candidates in an innovation partnership, in Norwegian (they are the record).

Two rounds of letters: after the prequalification (invited to negotiate, qualified but not
invited because of the cap, or rejected with the reason) and after the choice of partners
(chosen, or not chosen with the reason for the choice). Pure: plain values in, Letter out.
"""

from __future__ import annotations

from collections.abc import Sequence

from procure.domain.competition_letters import Letter, TenderFacts, signature

PREQUALIFICATION = ("ip-invited", "ip-not-invited", "ip-rejected")
PARTNERS = ("ip-partner", "ip-not-partner")


def invited(facts: TenderFacts, supplier: str, cap: int | None) -> Letter:
    capped = f" Antallet i forhandlingene er begrenset til {cap}." if cap else ""
    body = (
        f"Til {supplier}\n\n"
        f"Dere er prekvalifisert i innovasjonspartnerskapet «{facts.title}» (referanse "
        f"{facts.reference}) og inviteres til forhandlinger.{capped}\n\n"
        "Forhandlingene foregår i runder. Minstekravene og tildelingskriteriene forhandles "
        "ikke. Alle som forhandler, får den samme informasjonen samtidig.\n\n"
        f"{signature(facts)}\n"
    )
    return Letter(f"Invitasjon til forhandlinger: {facts.title} ({facts.reference})", body)


def not_invited(facts: TenderFacts, supplier: str, cap: int) -> Letter:
    body = (
        f"Til {supplier}\n\n"
        f"Dere oppfyller kvalifikasjonskravene i innovasjonspartnerskapet «{facts.title}» "
        f"(referanse {facts.reference}), men antallet i forhandlingene er begrenset til {cap}, "
        "og dere er ikke blant dem som er valgt ut etter utvelgelseskriteriene.\n\n"
        "Dere kan be om en nærmere begrunnelse, og klage på beslutningen til oss.\n\n"
        f"{signature(facts)}\n"
    )
    return Letter(f"Resultat av prekvalifisering: {facts.title} ({facts.reference})", body)


def rejected(facts: TenderFacts, supplier: str, reason: str) -> Letter:
    body = (
        f"Til {supplier}\n\n"
        f"Dere er ikke prekvalifisert i innovasjonspartnerskapet «{facts.title}» (referanse "
        f"{facts.reference}).\n\n"
        f"Begrunnelse, målt mot kvalifikasjonskravene:\n{reason}\n\n"
        "Dere kan be om en nærmere begrunnelse, og klage på beslutningen til oss.\n\n"
        f"{signature(facts)}\n"
    )
    return Letter(f"Resultat av prekvalifisering: {facts.title} ({facts.reference})", body)


def partner(facts: TenderFacts, supplier: str, partners: Sequence[str], reason: str,
            first_phase: str) -> Letter:
    others = [name for name in partners if name != supplier]
    together = f" sammen med {', '.join(others)}" if others else ""
    body = (
        f"Til {supplier}\n\n"
        f"{facts.buyer} har valgt dere som partner{together} i innovasjonspartnerskapet "
        f"«{facts.title}» (referanse {facts.reference}).\n\n"
        f"Begrunnelse for valget:\n{reason}\n\n"
        f"Første fase er «{first_phase}». Etter hver fase beslutter vi om partnerskapet "
        "fortsetter, med færre partnere, eller avsluttes. Kontrakt inngås ikke før fristen for "
        "å klage på beslutningen er ute.\n\n"
        f"{signature(facts)}\n"
    )
    return Letter(f"Melding om valg av partner: {facts.title} ({facts.reference})", body)


def not_partner(facts: TenderFacts, supplier: str, partners: Sequence[str],
                reason: str) -> Letter:
    body = (
        f"Til {supplier}\n\n"
        f"{facts.buyer} har valgt {', '.join(partners)} som partner i innovasjonspartnerskapet "
        f"«{facts.title}» (referanse {facts.reference}). Dere er ikke valgt.\n\n"
        f"Begrunnelse for valget:\n{reason}\n\n"
        "Dere kan be om en nærmere begrunnelse, og klage på beslutningen til oss. Kontrakt "
        "inngås ikke før klagefristen er ute.\n\n"
        f"{signature(facts)}\n"
    )
    return Letter(f"Melding om valg av partner: {facts.title} ({facts.reference})", body)
