"""The demo tenders' own requirements, written as an officer would (issue 20).

Every demo tender meets FOA § 7-9 by what its document holds: climate and environment award
criteria weighing at least 30 %, or climate and environment must requirements in the
specification with a justification, or a justified exemption. Nothing is typed into a weights
box: the totals follow from the award criteria below and the library criteria copied in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session

from procure.models import Tender, TenderCriterion
from procure.services import requirements


@dataclass(frozen=True)
class Own:
    """One of the officer's own requirements; `children` are the sub-criteria of an award
    criterion."""

    kind: str
    title: str
    text: str = ""
    documentation: str = ""
    weight: int | None = None
    group: str | None = None
    climate: bool = False
    children: tuple[Own, ...] = ()


def price(weight: int) -> Own:
    return Own("award", "Pris", "Samlet pris for leveransen i hele kontraktsperioden, slik den "
               "er oppgitt i prisskjemaet.", "Utfylt prisskjema.", weight, "price")


def quality(weight: int, text: str = "") -> Own:
    return Own("award", "Kvalitet og gjennomføring", text or (
        "Hvor godt leverandørens løsning, bemanning og plan for gjennomføringen dekker behovet "
        "slik det er beskrevet i konkurransegrunnlaget."),
        "Beskrivelse av løsningen og gjennomføringen, høyst fem sider.", weight, "quality")


# What every municipal contract asks of its suppliers, in the municipality's own words.
TAX_CERTIFICATE = Own(
    "qualification", "Skatt og merverdiavgift betalt",
    "Leverandøren skal ha ordnede forhold for skatt og merverdiavgift.",
    "Skatteattest som ikke er eldre enn seks måneder.")
PAY_CLAUSE = Own(
    "contract-clause", "Lønns- og arbeidsvilkår",
    "Ansatte hos leverandøren og underleverandørene som utfører arbeid under kontrakten, skal "
    "ha lønns- og arbeidsvilkår i samsvar med gjeldende allmenngjøringsforskrifter, eller "
    "landsomfattende tariffavtale for bransjen der det ikke finnes en slik forskrift.",
    "Leverandøren dokumenterer vilkårene på forespørsel, med arbeidsavtaler, timelister og "
    "lønnsslipper.")


def add_own(session: Session, tender: Tender, items: Iterable[Own], *,
            actor_id: int | None, now: datetime | None = None) -> None:
    """Add the requirements (weights are set afterwards, all at once, so they add up)."""
    for item in items:
        row = requirements.add_requirement(
            session, tender, kind=item.kind, title=item.title, text=item.text,
            documentation=item.documentation, award_group=item.group,
            climate_environment=item.climate, actor_id=actor_id, now=now)
        for child in item.children:
            requirements.add_requirement(
                session, tender, kind="award", title=child.title, text=child.text,
                documentation=child.documentation, climate_environment=child.climate,
                parent_id=row.id, actor_id=actor_id, now=now)


def set_weights(session: Session, tender: Tender, own: Iterable[Own],
                library: Mapping[str, int], *, actor_id: int | None) -> None:
    """Weigh the award criteria: the own ones by title (sub-criteria too), the library ones
    by criterion id. They must add up to 100 %, as the service checks."""
    by_title: dict[str, int] = {}
    for item in own:
        for each in (item, *item.children):
            if each.weight is not None:
                by_title[each.title] = each.weight
    pins = {pin.id: pin for pin in requirements.pins_by_id(session, tender).values()}
    weights: dict[int, Decimal | None] = {}
    for row in requirements.tender_requirements(session, tender):
        if row.kind != "award" or row.id is None:
            continue
        pin: TenderCriterion | None = pins.get(row.criterion_pin_id or 0)
        if pin is not None and pin.criterion_id in library:
            weights[row.id] = Decimal(library[pin.criterion_id])
        elif row.title in by_title:
            weights[row.id] = Decimal(by_title[row.title])
    if weights:
        requirements.set_award_weights(session, tender, weights, actor_id=actor_id)
