"""The procedure chooser's own sentences in bokmål and English (rule texts live in the TOML).

Pure data: the domain has no Flask and no gettext, so the chooser formats these templates with
`str.format`. Every key exists in both languages (tests/domain/test_procedures.py checks it).
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "nb": {
        "band": "verdibåndet for {contract}",
        "procedure": "prosedyren {label}",
        "dialogue": "markedsdialog",
        "duty": "plikten «{id}» ({ref})",
        "duration-unknown": "Kontraktens varighet er ikke oppgitt: plikten gjelder bare kontrakter "
                            "som varer over {months} måneder.",
        "near": "Anslått verdi {value} ligger innenfor 10 % av {names}. Et lite avvik i "
                "estimatet kan endre hvilke regler som gjelder: kontroller beregningen (hele "
                "kontraktsperioden, opsjoner og forlengelser, ekskl. mva.) og dokumenter den.",
        "division": " i CPV-hovedgruppe {division}",
        "splitting": "Denne anskaffelsen ({value}) og tidligere kjøp av samme slag{division} "
                     "({earlier}) er til sammen {total}, som er over {names}. En anskaffelse kan "
                     "ikke deles opp for å unngå reglene: vurder om kjøpene hører sammen og skal "
                     "regnes som én anskaffelse.",
        "framework": "Rammeavtalen skal vare {months} måneder, mer enn {max} måneder ({ref}). "
                     "{text}",
        "framework-fact": "lengste varighet for rammeavtaler ({ref})",
        "framework-grounds": "Rammeavtalen skal vare {months} måneder, mer enn {max} måneder "
                             "({ref}). Oppgitte særlige forhold: {grounds}. Skriv begrunnelsen "
                             "i anskaffelsesdokumentene og protokollen.",
        "ip-small": "Innovasjonspartnerskap er lovlig også ved denne verdien, men prosedyren er "
                    "krevende (prekvalifisering, obligatorisk forhandling og reglene i del III) "
                    "og står sjelden i forhold til en så liten anskaffelse: vurder en enklere "
                    "prosedyre med markedsdialog. ",
        "ip-value": "Anslått verdi for et innovasjonspartnerskap skal omfatte både den maksimale "
                    "verdien av forsknings- og utviklingsaktivitetene og den anslåtte verdien av "
                    "det senere kjøpet av den utviklede løsningen (DFØ); regn med kjøpet før du "
                    "bestemmer hvilke regler som gjelder.",
        "unconfirmed": "Svaret bygger på opplysninger som ikke er bekreftet (lav sikkerhet): "
                       "{facts}. Kontroller mot Lovdata eller DFØ før du bruker svaret.",
        "ruleset": "Regelsett {id} ({period}) gjelder for kunngjøringsdato {day}.",
        "who": "{contract} for {buyer}",
        "outside": "Anslått verdi {value} ekskl. mva. for {who} er under {upper}, så "
                   "anskaffelsesregelverket gjelder ikke.",
        "and-below": " og under {upper}",
        "band-sentence": "Anslått verdi {value} ekskl. mva. for {who} er lik eller over "
                         "{lower}{below}, så {regime} gjelder ({ref}).",
        "notice": "Kunngjøringsplikt: {where}.",
        "and": " og ",
        "no-notice": "Ingen kunngjøringsplikt; frivillig kunngjøring på Doffin er mulig.",
        "why-default": "standardvalget for dette regimet",
        "why-innovation": "behovet for innovasjon",
        "why-rnd": " og forskning og utvikling",
        "recommended": "Anbefalt prosedyre: {label} ({ref}), ut fra {why}.",
        "part-3-rules": "{label} følger reglene i del III også under EØS-terskelverdien ({ref}).",
        "track-dialogue": "Spor: markedsdialog før konkurransen. {text} ({ref})",
    },
    "en": {
        "band": "the value band for {contract}",
        "procedure": "the procedure {label}",
        "dialogue": "market dialogue",
        "duty": "the duty “{id}” ({ref})",
        "duration-unknown": "The contract length is not given: the duty applies only to contracts "
                            "longer than {months} months.",
        "near": "The estimated value {value} is within 10 % of {names}. A small change in the "
                "estimate can change which rules apply: check the calculation (the whole "
                "contract period, options and extensions, excluding VAT) and document it.",
        "division": " in CPV division {division}",
        "splitting": "This purchase ({value}) and earlier purchases of the same kind{division} "
                     "({earlier}) add up to {total}, which is above {names}. A purchase must not "
                     "be split to avoid the rules: consider whether the purchases belong together "
                     "and count as one.",
        "framework": "The framework agreement is to run for {months} months, more than {max} "
                     "months ({ref}). {text}",
        "framework-fact": "the longest term of a framework agreement ({ref})",
        "framework-grounds": "The framework agreement is to run for {months} months, more than "
                             "{max} months ({ref}). Special circumstances given: {grounds}. "
                             "Write the justification into the procurement documents and the "
                             "protocol.",
        "ip-small": "An innovation partnership is lawful at this value too, but the procedure is "
                    "demanding (prequalification, mandatory negotiation and the part III rules) "
                    "and is rarely proportionate to so small a purchase: consider a simpler "
                    "procedure with market dialogue. ",
        "ip-value": "The estimated value of an innovation partnership must include both the "
                    "maximum value of the research and development activities and the estimated "
                    "value of the later purchase of the developed solution (DFØ); count the "
                    "purchase before deciding which rules apply.",
        "unconfirmed": "The answer relies on facts that are not confirmed (low confidence): "
                       "{facts}. Check them against Lovdata or DFØ before you rely on the answer.",
        "ruleset": "Rule set {id} ({period}) applies to the notice date {day}.",
        "who": "{contract} bought by {buyer}",
        "outside": "The estimated value {value} excluding VAT for {who} is below {upper}, so the "
                   "procurement rules do not apply.",
        "and-below": " and below {upper}",
        "band-sentence": "The estimated value {value} excluding VAT for {who} is at or above "
                         "{lower}{below}, so {regime} applies ({ref}).",
        "notice": "Notice duty: {where}.",
        "and": " and ",
        "no-notice": "No notice duty; a voluntary notice on Doffin is possible.",
        "why-default": "the default for these rules",
        "why-innovation": "the need for innovation",
        "why-rnd": " and for research and development",
        "recommended": "Recommended procedure: {label} ({ref}), because of {why}.",
        "part-3-rules": "{label} follows the part III rules even below the EEA threshold ({ref}).",
        "track-dialogue": "Track: market dialogue before the competition. {text} ({ref})",
    },
}
