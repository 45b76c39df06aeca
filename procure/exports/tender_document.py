"""The konkurransegrunnlag, gathered from the tender itself (no request state).

One `TenderDocument` is rendered two ways: as the officer's HTML preview and as the PDF the
suppliers get, by templates that share one partial (templates/pdf/_document.html), so the two
hold the same content.

The document follows DFØ's standard tender documents (procure/domain/document_sections.py):

1. the buyer and the purchase: need, scope, lots, quantities, contract period and options;
2. the rules of the competition: procedure, timeline, communication, questions, submission;
3. qualification requirements and their documentation;
4. the specification (must and should requirements);
5. award criteria, weights and the evaluation method;
6. contract terms: the standard contract by name, special clauses;
7. annexes.

Each section holds the officer's Markdown (or the default text for the procedure), rendered
safely, and what the tender's own data fills in. The requirement parts of sections 3 to 6
(`qualification`, `specification`, `award`, `clauses`) come from the tender's requirements and
are rendered by templates/pdf/_requirements.html.

It is supplier text: it holds no internal notes, no confidence remarks, no eForms codes, no
criterion ids and no database ids. Those stay in the officer's pages and the protocol
(tests/exports/test_tender_document.py reads every demo tender's document for them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from markupsafe import Markup
from sqlmodel import Session

from procure import vocabulary as v
from procure.clock import NOT_SET, OSLO, norwegian_date
from procure.domain.document_sections import SECTION_KEYS
from procure.domain.estimate import format_nok
from procure.exports.markup import render_markdown
from procure.exports.tender_requirements import RequirementSections, requirement_sections
from procure.ingest.annexes import format_size
from procure.models import Organisation, Tender, TenderAnnex
from procure.services import tender_documents as documents

__all__ = ["NOT_SET", "OSLO", "DocumentSection", "TenderDocument", "chapters", "price_form",
           "norwegian_date", "tender_document"]

CHECKSUM_SHOWN = 16  # hex digits of the SHA-256 the annex list shows


def chapters() -> tuple[tuple[str, str], ...]:
    """(section key, heading) in the document's order, in bokmål."""
    with v.bokmal():
        return tuple((key, v.label(v.DOCUMENT_SECTIONS, key)) for key in SECTION_KEYS)


@dataclass
class DocumentSection:
    key: str
    number: int
    heading: str
    text: Markup  # the officer's Markdown (or the default text), sanitised


@dataclass
class LotLine:
    name: str
    period: str


@dataclass
class QuantityLine:
    lot: str
    item: str
    unit: str
    quantity: str


@dataclass
class AnnexLine:
    name: str
    type_label: str
    size: str
    checksum: str  # the start of the SHA-256, or "" for a generated annex
    generated: bool = False


@dataclass
class TenderDocument:
    kind: str
    reference: str
    title: str
    buyer: str
    buyer_orgnr: str
    generated: str
    procedure: str
    procedure_title: str
    regime: str
    regime_long: str
    notice_date: str
    question_deadline: str
    tender_deadline: str
    need: str
    cpv: str
    cpv_label: str
    contract_type: str
    value: str
    period: str
    timeline: list[tuple[str, str]]
    contact: str = ""
    sections: dict[str, DocumentSection] = field(default_factory=dict)
    lots: list[LotLine] = field(default_factory=list)
    quantities: list[QuantityLine] = field(default_factory=list)
    price_basis: str = ""
    contract_standard: str = ""
    # The requirement parts of sections 3 to 6 and § 7-9: procure.exports.tender_requirements,
    # rendered by templates/pdf/_requirements.html.
    requirements: RequirementSections = field(default_factory=RequirementSections)
    annexes: list[AnnexLine] = field(default_factory=list)

    @property
    def chapters(self) -> list[tuple[str, str]]:
        return [(s.key, s.heading) for s in self.sections.values()]

    def section(self, key: str) -> DocumentSection:
        return self.sections[key]


def tender_document(session: Session, tender: Tender, *, now: datetime) -> TenderDocument:
    """Everything the konkurransegrunnlag shows, as plain values (bokmål)."""
    with v.bokmal():
        return _tender_document(session, tender, now=now)


def _tender_document(session: Session, tender: Tender, *, now: datetime) -> TenderDocument:
    organisation = session.get(Organisation, tender.organisation_id)
    recommendation = tender.recommendation or {}
    regime = recommendation.get("regime")
    track = tender.track or tender.recommended_track or ""
    obligations = {o["id"] for o in recommendation.get("obligations", [])}
    question_deadline = getattr(tender, "question_deadline", None)
    timeline = [
        ("Kunngjøring eller invitasjon", norwegian_date(tender.planned_notice_date)),
        ("Frist for spørsmål", norwegian_date(question_deadline)),
        ("Tilbudsfrist", norwegian_date(tender.tender_deadline)),
    ]
    if "standstill" in obligations:
        timeline.append(("Karensperiode", "Minst 10 dager etter meddelelsen om valg av "
                                          "leverandør"))
    row = documents.document_text(session, tender)
    lots = _lots(tender)
    document = TenderDocument(
        kind="Konkurransegrunnlag",
        reference=tender.reference,
        title=tender.title,
        buyer=organisation.name if organisation else "",
        buyer_orgnr=organisation.orgnr if organisation else "",
        generated=now.astimezone(OSLO).strftime("%d.%m.%Y"),
        procedure=v.lower_first(v.label(v.PROCEDURES, track, missing=NOT_SET)),
        procedure_title=v.label(v.PROCEDURES, track, missing=NOT_SET),
        regime=v.label(v.REGIMES_SHORT, regime),
        regime_long=v.label(v.REGIMES_LEGAL, regime),
        notice_date=norwegian_date(tender.planned_notice_date),
        question_deadline=norwegian_date(question_deadline),
        tender_deadline=norwegian_date(tender.tender_deadline),
        need=tender.description or "",
        cpv=tender.cpv_code or "",
        cpv_label=_cpv_label(tender.cpv_code),
        contract_type=v.label(v.CONTRACT_TYPES, tender.contract_type),
        value=_document_value(tender),
        period=_period(lots),
        timeline=timeline,
        contact=_contact(tender),
        lots=lots,
        price_basis=v.label(v.PRICE_BASES, row.price_basis if row else "total"),
        contract_standard=(v.lower_first(v.label(v.CONTRACT_STANDARDS, row.contract_standard))
                           if row and row.contract_standard else ""),
    )
    for number, text in enumerate(documents.sections_of(tender, row), start=1):
        document.sections[text.key] = DocumentSection(
            text.key, number, v.label(v.DOCUMENT_SECTIONS, text.key), render_markdown(text.text))
    if row is not None and row.price_basis == "unit":
        document.quantities = [QuantityLine(line.lot, line.item, line.unit,
                                            _quantity(line.quantity))
                               for line in documents.price_lines_of(row)]
    document.requirements = requirement_sections(session, tender)
    document.annexes = _annexes(session, tender, row)
    return document


def _cpv_label(code: str | None) -> str:
    from procure.domain.purchases import cpv_labels

    labels = cpv_labels(code)
    return labels[1] if len(labels) > 1 else ""


def _contact(tender: Tender) -> str:
    parts = [part for part in (tender.contact_name, tender.contact_email) if part]
    return ", ".join(parts)


def _quantity(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    whole, _dot, decimals = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u00a0")
    return f"{grouped},{decimals}" if decimals else grouped


def _months(count: int) -> str:
    return f"{count} måned" if count == 1 else f"{count} måneder"


def _lots(tender: Tender) -> list[LotLine]:
    """The lots and their contract periods, as the value step gave them (no amounts: the
    estimate's working is internal)."""
    lots = (tender.value_estimate or {}).get("lots") or []
    lines = []
    for number, lot in enumerate(lots, start=1):
        lot = lot or {}
        period = []
        if lot.get("framework"):
            period.append("Rammeavtale")
        months = int(lot.get("months") or 0)
        if lot.get("indefinite"):
            period.append("Løpende avtale uten fast sluttdato")
        elif months:
            period.append(_months(months))
        extension = int(lot.get("extension_months") or 0)
        if extension:
            period.append(f"med opsjon på forlengelse i inntil {_months(extension)}")
        if Decimal(str(lot.get("options") or 0)) > 0:
            period.append("med opsjoner")
        name = str(lot.get("name") or "").strip() or (
            f"Delkontrakt {number}" if len(lots) > 1 else "Kontrakten")
        if period:
            lines.append(LotLine(name, ", ".join(period)))
    return lines


def _period(lots: list[LotLine]) -> str:
    if not lots:
        return NOT_SET
    if len(lots) == 1:
        return lots[0].period
    return "Per delkontrakt, se under"


def _annexes(session: Session, tender: Tender, row) -> list[AnnexLine]:
    lines = []
    if documents.uses_price_form(row):
        lines.append(AnnexLine("Prisskjema", v.label(v.ANNEX_TYPES, "xlsx"), "", "",
                               generated=True))
    annex: TenderAnnex
    for annex in documents.list_annexes(session, tender):
        lines.append(AnnexLine(annex.filename, v.label(v.ANNEX_TYPES, annex.kind),
                               format_size(annex.size), annex.sha256[:CHECKSUM_SHOWN]))
    return lines


def _document_value(tender: Tender) -> str:
    """The document is published to suppliers: a confidential value is not stated in it."""
    if getattr(tender, "value_confidential", False):
        return "Oppgis ikke"
    if tender.estimated_value is None:
        return NOT_SET
    return format_nok(tender.estimated_value) + " ekskl. mva."


def price_form(session: Session, tender: Tender) -> bytes | None:
    """The tender's price form as an Excel workbook, or None when prices are not given per
    unit (then there is no price form)."""
    from procure.exports.workbook.price_form import PriceForm, PriceFormLine, price_form_workbook

    row = documents.document_text(session, tender)
    if not documents.uses_price_form(row):
        return None
    organisation = session.get(Organisation, tender.organisation_id)
    lines = [PriceFormLine(line.lot, line.item, line.unit, line.quantity)
             for line in documents.price_lines_of(row)]
    return price_form_workbook(PriceForm(tender.title, tender.reference,
                                         organisation.name if organisation else "", lines))
