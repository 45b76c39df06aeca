"""The konkurransegrunnlag's own text and annexes: the sections the officer writes (Markdown),
internal notes kept apart from them, the standard contract, the price form's lines, and the
files annexed to the document.

Every change is one audit event on the tender, with the old and new value of each changed
field, so the tender's history holds every version of every section. The caller takes the
tender's next version first (tenders.claim_version): an edit based on an outdated page is a
conflict, not an overwrite.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from procure import clock
from procure import vocabulary as v
from procure.domain.document_sections import (
    MAX_NOTE_LENGTH,
    MAX_SECTION_LENGTH,
    SECTION_KEYS,
    SectionText,
    default_text,
    section_texts,
)
from procure.errors import N_, UserError
from procure.ingest.annexes import CheckedAnnex
from procure.models import Tender, TenderAnnex, TenderDocumentText, stored_id
from procure.paths import resource_dir
from procure.services import audit

SECTIONS_DIR = resource_dir("templates") / "document" / "sections"
PRICE_BASES = tuple(v.PRICE_BASES)
CONTRACT_STANDARDS = tuple(v.CONTRACT_STANDARDS)
MAX_PRICE_LINES = 100
MAX_QUANTITY = Decimal("1000000000")
# Annexes can be added while the tender documents may still change: not after the deadline.
ANNEX_STATUSES = ("draft", "planned", "open")


class TenderDocumentError(UserError):
    """A change to the tender documents that cannot be made."""


@dataclass(frozen=True)
class PriceLine:
    """One line of the price form: what is priced, per which unit, how many are expected, and
    in which lot ("" when the tender has no lots)."""

    item: str
    unit: str
    quantity: Decimal
    lot: str = ""

    def as_json(self) -> dict[str, str]:
        return {"lot": self.lot, "item": self.item, "unit": self.unit,
                "quantity": format(self.quantity.normalize(), "f")}

    def in_words(self) -> str:
        quantity = format(self.quantity.normalize(), "f").replace(".", ",")
        text = f"{self.item}: {quantity} {self.unit}".rstrip()
        return f"{text} ({self.lot})" if self.lot else text


@dataclass
class DocumentInput:
    """What the officer's form gives: each section's text, each internal note, the standard
    contract, how prices are given and the price form's lines. `reset` names the sections to
    set back to their default text. What is not given (a section not named, None) stays as it
    is."""

    sections: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)
    reset: Sequence[str] = ()
    contract_standard: str | None = None
    price_basis: str | None = None
    price_lines: Sequence[PriceLine] | None = None


# --- reading ---------------------------------------------------------------------------------


def document_text(session: Session, tender: Tender) -> TenderDocumentText | None:
    return session.exec(select(TenderDocumentText).where(
        TenderDocumentText.tender_id == tender.id)).first()


def regime_of(tender: Tender) -> str | None:
    return (tender.recommendation or {}).get("regime")


def track_of(tender: Tender) -> str | None:
    return tender.track or tender.recommended_track


def sections_of(tender: Tender, row: TenderDocumentText | None, *,
                directory: Path = SECTIONS_DIR) -> list[SectionText]:
    """Each section's text as the document shows it: the officer's, or the default."""
    return section_texts(directory, dict(row.sections) if row else {}, track=track_of(tender),
                         regime=regime_of(tender))


def price_lines_of(row: TenderDocumentText | None) -> list[PriceLine]:
    lines = []
    for item in (row.price_lines if row else []) or []:
        try:
            quantity = Decimal(str(item.get("quantity")))
        except (InvalidOperation, ValueError):
            continue
        lines.append(PriceLine(str(item.get("item") or ""), str(item.get("unit") or ""),
                               quantity, str(item.get("lot") or "")))
    return lines


def lot_names(tender: Tender) -> list[str]:
    """The names of the tender's lots, as the value step gave them (unnamed lots left out)."""
    names = []
    for lot in (tender.value_estimate or {}).get("lots") or []:
        name = str((lot or {}).get("name") or "").strip()
        if name and name not in names:
            names.append(name)
    return names


def uses_price_form(row: TenderDocumentText | None) -> bool:
    return row is not None and row.price_basis == "unit" and bool(row.price_lines)


# --- saving the text -------------------------------------------------------------------------


def save_document_text(session: Session, tender: Tender, given: DocumentInput, *,
                       actor_id: int | None, now: datetime | None = None,
                       directory: Path = SECTIONS_DIR) -> dict[str, list[object]]:
    """Save what the officer wrote; returns the changes recorded ({field: [old, new]})."""
    row = document_text(session, tender) or TenderDocumentText(tender_id=stored_id(tender))
    given = DocumentInput(
        given.sections, given.notes, given.reset,
        row.contract_standard if given.contract_standard is None else given.contract_standard,
        row.price_basis if given.price_basis is None else given.price_basis,
        price_lines_of(row) if given.price_lines is None else given.price_lines)
    _check(tender, given)
    track, regime = track_of(tender), regime_of(tender)
    sections, notes = dict(row.sections or {}), dict(row.notes or {})
    changes: dict[str, list[object]] = {}
    for key in SECTION_KEYS:
        default = default_text(directory, key, track=track, regime=regime)
        old = sections.get(key, default)
        if key in given.reset:
            new, custom = default, False
        elif key in given.sections:
            new = _text(given.sections[key])
            custom = new != default
        else:
            continue
        if custom:
            sections[key] = new
        else:
            sections.pop(key, None)
        if new != old:
            changes[f"section_{key}"] = [old, new]
    for key in SECTION_KEYS:
        if key not in given.notes:
            continue
        old_note, new_note = notes.get(key, ""), _text(given.notes[key])
        if new_note:
            notes[key] = new_note
        else:
            notes.pop(key, None)
        if new_note != old_note:
            changes[f"note_{key}"] = [old_note or None, new_note or None]
    if (given.contract_standard or "") != row.contract_standard:
        changes["contract_standard"] = [row.contract_standard or None,
                                        given.contract_standard or None]
    if (given.price_basis or "total") != row.price_basis:
        changes["price_basis"] = [row.price_basis, given.price_basis]
    new_lines = list(given.price_lines or ())
    lines = [line.as_json() for line in new_lines]
    if lines != list(row.price_lines or []):
        changes["price_lines"] = [[line.in_words() for line in price_lines_of(row)] or None,
                                  [line.in_words() for line in new_lines] or None]
    if not changes:
        return changes
    row.sections, row.notes = sections, notes
    row.contract_standard, row.price_basis, row.price_lines = (
        given.contract_standard or "", given.price_basis or "total", lines)
    row.updated_at, row.updated_by_id = now or clock.now(), actor_id
    session.add(row)
    session.flush()
    audit.record(session, "tender.document_text_saved", actor_id=actor_id,
                 object_type="tender", object_id=tender.id, changes=changes)
    return changes


def _text(value: str | None) -> str:
    """Text as saved: line ends made \\n, trailing spaces and blank ends removed."""
    lines = (value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _check(tender: Tender, given: DocumentInput) -> None:
    unknown = set(given.sections) | set(given.notes) | set(given.reset)
    if unknown - set(SECTION_KEYS):
        raise TenderDocumentError(N_("The form names a section the document does not have."))
    for key, text in given.sections.items():
        if len(text or "") > MAX_SECTION_LENGTH:
            raise TenderDocumentError(N_("The text of “%(section)s” is too long: at most "
                                         "%(max)d characters."),
                                      section=v.label(v.DOCUMENT_SECTIONS, key),
                                      max=MAX_SECTION_LENGTH)
    for key, text in given.notes.items():
        if len(text or "") > MAX_NOTE_LENGTH:
            raise TenderDocumentError(N_("The internal note on “%(section)s” is too long: at "
                                         "most %(max)d characters."),
                                      section=v.label(v.DOCUMENT_SECTIONS, key),
                                      max=MAX_NOTE_LENGTH)
    if given.contract_standard and given.contract_standard not in CONTRACT_STANDARDS:
        raise TenderDocumentError(N_("Choose one of the standard contracts in the list."))
    if given.price_basis not in PRICE_BASES:
        raise TenderDocumentError(N_("Choose how the prices are given."))
    lines = list(given.price_lines or ())
    if len(lines) > MAX_PRICE_LINES:
        raise TenderDocumentError(N_("The price form can have at most %(max)d lines."),
                                  max=MAX_PRICE_LINES)
    lots = lot_names(tender)
    for line in lines:
        if not line.item.strip() or not line.unit.strip():
            raise TenderDocumentError(N_("Every line of the price form needs what is priced "
                                         "and its unit."))
        if not Decimal(0) < line.quantity <= MAX_QUANTITY:
            raise TenderDocumentError(N_("The estimated quantity must be a number above 0."))
        if line.lot and line.lot not in lots:
            raise TenderDocumentError(N_("The lot “%(lot)s” is not one of the tender's lots."),
                                      lot=line.lot)
    if given.price_basis == "unit" and not lines:
        raise TenderDocumentError(N_("Give at least one line for the price form, or choose a "
                                     "fixed total price."))


# --- annexes ---------------------------------------------------------------------------------


def documents_published(tender: Tender) -> bool:
    """The tender documents go to the suppliers when the competition opens."""
    return tender.opened_at is not None


def list_annexes(session: Session, tender: Tender) -> list[TenderAnnex]:
    """The tender's annexes in the order they were added, without their content."""
    return list(session.exec(
        select(TenderAnnex).where(TenderAnnex.tender_id == tender.id)
        .options(defer(TenderAnnex.content))  # type: ignore[arg-type]
        .order_by(col(TenderAnnex.uploaded_at), col(TenderAnnex.id))).all())


def get_annex(session: Session, tender: Tender, annex_id: int) -> TenderAnnex | None:
    annex = session.get(TenderAnnex, annex_id)
    return annex if annex is not None and annex.tender_id == tender.id else None


def add_annex(session: Session, tender: Tender, checked: CheckedAnnex, *,
              actor_id: int | None, now: datetime | None = None) -> TenderAnnex:
    """Annex a checked file to the tender documents."""
    if tender.status not in ANNEX_STATUSES:
        raise TenderDocumentError(N_("Annexes can be added until the deadline for offers; "
                                     "this tender is past that."))
    same = session.exec(select(TenderAnnex.filename).where(
        TenderAnnex.tender_id == tender.id, TenderAnnex.sha256 == checked.sha256)).first()
    if same is not None:
        raise TenderDocumentError(N_("This file is already annexed, as “%(name)s”."),
                                  name=same)
    annex = TenderAnnex(tender_id=stored_id(tender), filename=checked.filename, kind=checked.kind,
                        media_type=checked.media_type, size=checked.size,
                        sha256=checked.sha256, content=checked.content,
                        uploaded_at=now or clock.now(), uploaded_by_id=actor_id)
    session.add(annex)
    session.flush()
    audit.record(session, "tender.annex_added", actor_id=actor_id, object_type="tender",
                 object_id=tender.id, filename=annex.filename, sha256=annex.sha256,
                 size=annex.size)
    return annex


def delete_annex(session: Session, tender: Tender, annex: TenderAnnex, *,
                 actor_id: int | None) -> None:
    """Delete an annex; only before the tender documents are published."""
    if documents_published(tender):
        raise TenderDocumentError(N_("The tender documents are published: an annex cannot be "
                                     "deleted any more. Add a corrected file instead."))
    audit.record(session, "tender.annex_deleted", actor_id=actor_id, object_type="tender",
                 object_id=tender.id, filename=annex.filename, sha256=annex.sha256,
                 size=annex.size)
    session.delete(annex)
    session.flush()
