"""The public projection of purchases: the only way public pages and feeds read tenders.

Public views and exports never get a Tender row. They get PublicPurchase and PublicEvent,
built here from an explicit list of fields (PUBLIC_FIELDS); everything else on a tender
(notes, estimates' working, recommendations, confidential values, drafts) stays behind.
A purchase is public while it is planned or open and not cancelled, closed, in evaluation
or awarded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import ColumnElement, Engine, and_, case, func, or_
from sqlmodel import Session, col, select

from procure.domain.amendments import deadline_move
from procure.domain.purchases import (
    BANDS_BY_KEY,
    INVITATION_ONLY,
    LIST_STATUSES,
    PER_PAGE,
    UNKNOWN_BAND,
    PurchaseFilters,
    is_invitation_only,
    is_simple,
    list_status,
    pages,
    value_band,
)
from procure.models import DialogueEvent, Organisation, Tender, TenderAmendment, TenderCriterion

# Every column a public page, feed or export may show, per table. The leak test treats every
# other column as secret; a new public field must be added here deliberately.
PUBLIC_FIELDS: dict[str, frozenset[str]] = {
    "tender": frozenset({
        "id", "organisation_id", "reference", "title", "description", "contract_type",
        "cpv_code", "procedure", "track", "tender_deadline", "planned_notice_date",
        "planned_at", "opened_at", "contact_name", "contact_email", "climate_status",
        "climate_basis", "public_version", "public_updated_at",
        # estimated_value only as a band, or exactly when value_confidential is false
    }),
    "organisation": frozenset({"id", "name", "orgnr"}),
    "dialogue_event": frozenset({
        "id", "tender_id", "title", "description", "starts_at", "ends_at", "place", "link",
        "registration_deadline", "version", "updated_at"}),
    # snapshot: only content.title/title_en and set.title/title_en
    "tender_criterion": frozenset({"id", "tender_id", "type", "level", "climate_environment"}),
    # The published tender documents (only while the tender is open): the sections' text,
    # the standard contract, the price form and the annexes; never the internal notes.
    "tender_document_text": frozenset({"id", "tender_id", "sections", "contract_standard",
                                       "price_basis", "price_lines"}),
    "tender_annex": frozenset({"id", "tender_id", "filename", "kind", "media_type", "size",
                               "sha256", "content", "uploaded_at"}),
    # changes: only the names of the changed fields, and the deadline's old and new date
    "tender_amendment": frozenset({"id", "tender_id", "number", "description", "changes",
                                   "document_changed", "made_at"}),
}

CPV_DIVISION_LENGTH = 2


@dataclass(frozen=True)
class PublicEvent:
    id: int
    tender_id: int
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str
    link: str
    registration_deadline: date | None
    version: int
    updated_at: datetime
    purchase_title: str = ""
    purchase_reference: str = ""

    def registration_open(self, today: date, now: datetime) -> bool:
        if self.starts_at <= now:
            return False
        return self.registration_deadline is None or today <= self.registration_deadline


@dataclass(frozen=True)
class PublicCriterion:
    title: str
    title_en: str
    type: str
    level: str
    climate_environment: bool
    set_title: str
    set_title_en: str


@dataclass(frozen=True)
class PublicAmendment:
    """An amendment (rettelse) as suppliers see it: its number, when, the officer's
    description, which of the tender's fields changed, and a moved deadline's two dates."""

    number: int
    made_at: datetime
    description: str
    changed: tuple[str, ...]  # title | description | tender_deadline
    document_changed: bool = False
    deadline_from: date | None = None
    deadline_to: date | None = None

    @property
    def deadline_moved(self) -> bool:
        return "tender_deadline" in self.changed


def to_amendment(row: TenderAmendment) -> PublicAmendment:
    changes = {name: tuple(pair) for name, pair in (row.changes or {}).items()
               if isinstance(pair, list | tuple) and len(pair) == 2}
    moved = deadline_move(changes)
    return PublicAmendment(
        number=row.number, made_at=row.made_at, description=row.description,
        changed=tuple(name for name in ("title", "description", "tender_deadline")
                      if name in changes),
        document_changed=bool(row.document_changed),
        deadline_from=moved.old if moved else None, deadline_to=moved.new if moved else None)


@dataclass(frozen=True)
class PublicPurchase:
    id: int
    reference: str
    title: str
    description: str
    status: str
    contract_type: str | None
    cpv_code: str | None
    value_band: str
    # None when the officer marked the value confidential: the band is all that is shown.
    estimated_value: Decimal | None
    value_confidential: bool
    procedure: str | None
    tender_deadline: date | None
    planned_notice_date: date | None
    published_at: datetime | None
    opened_at: datetime | None
    updated_at: datetime | None
    public_version: int
    contact_name: str
    contact_email: str
    climate_basis: str | None
    buyer_name: str
    buyer_orgnr: str
    events: tuple[PublicEvent, ...] = ()
    criteria: tuple[PublicCriterion, ...] = ()
    documents: tuple = ()  # published documents arrive with the documents issue
    amendments: tuple[PublicAmendment, ...] = ()  # oldest first

    @property
    def simple(self) -> bool:
        return is_simple(self.procedure)

    @property
    def invitation_only(self) -> bool:
        """Only the suppliers the municipality invites may submit offers."""
        return is_invitation_only(self.procedure)

    @property
    def list_status(self) -> str:
        """planned | open (to all) | invitation (running, by invitation only)."""
        return list_status(self.status, self.procedure)

    @property
    def division(self) -> str | None:
        return self.cpv_code[:CPV_DIVISION_LENGTH] if self.cpv_code else None

    def deadline_passed(self, today: date) -> bool:
        return self.tender_deadline is not None and self.tender_deadline < today


@dataclass(frozen=True)
class Page:
    items: list[PublicPurchase]
    total: int
    page: int
    per_page: int = PER_PAGE
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", pages(self.total, self.per_page))


# --- SQL -----------------------------------------------------------------------------------


def is_public():
    """The SQL condition for a tender the public may see (mirrors the status rules)."""
    return and_(
        or_(Tender.planned_at.is_not(None), Tender.opened_at.is_not(None)),
        Tender.evaluation_at.is_(None),
        Tender.awarded_at.is_(None),
        Tender.cancelled_at.is_(None),
        Tender.closed_at.is_(None),
    )


def _procedure():
    return func.coalesce(Tender.procedure, Tender.track)


def _band_condition(key: str):
    if key == UNKNOWN_BAND:
        return col(Tender.estimated_value).is_(None)
    band = BANDS_BY_KEY[key]
    conditions: list[ColumnElement[bool]] = [col(Tender.estimated_value).is_not(None)]
    if band.low is not None:
        conditions.append(col(Tender.estimated_value) >= band.low)
    if band.high is not None:
        conditions.append(col(Tender.estimated_value) < band.high)
    return and_(*conditions)


def _invitation_only():
    return _procedure().in_(sorted(INVITATION_ONLY))


def _status_condition(status: str):
    """planned, open to all, or running by invitation only (of the public purchases)."""
    if status == "planned":
        return col(Tender.opened_at).is_(None)
    if status == "invitation":
        return and_(col(Tender.opened_at).is_not(None), _invitation_only())
    return and_(col(Tender.opened_at).is_not(None),
                or_(_procedure().is_(None), ~_invitation_only()))


def conditions(filters: PurchaseFilters, today: date) -> list:
    """WHERE clauses for the filters; every value has passed the domain's allow-lists."""
    where = [is_public()]
    for word in filters.words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(col(Tender.search_text).like(f"%{escaped}%", escape="\\"))
    if filters.division:
        where.append(or_(*[col(Tender.cpv_code).startswith(d) for d in filters.division]))
    if filters.type:
        where.append(col(Tender.contract_type).in_(filters.type))
    if filters.band:
        where.append(or_(*[_band_condition(key) for key in filters.band]))
    if filters.procedure:
        where.append(_procedure().in_(filters.procedure))
    if filters.status and set(filters.status) != set(LIST_STATUSES):
        where.append(or_(*[_status_condition(status) for status in filters.status]))
    window = filters.deadline_range(today)
    if window is not None:
        where.append(col(Tender.tender_deadline).between(*window))
    return where


def _published():
    return func.coalesce(Tender.planned_at, Tender.opened_at)


def _order(sort: str) -> list:
    if sort == "newest":
        return [_published().desc(), col(Tender.id).desc()]
    if sort == "title":
        return [func.lower(Tender.title), Tender.id]
    return [case((col(Tender.tender_deadline).is_(None), 1), else_=0), col(Tender.tender_deadline),
            Tender.id]


# --- reading -------------------------------------------------------------------------------


def _buyers(session: Session, tenders: Sequence[Tender]) -> dict[int | None, Organisation]:
    ids = {t.organisation_id for t in tenders}
    if not ids:
        return {}
    rows = session.exec(select(Organisation).where(col(Organisation.id).in_(ids))).all()
    return {row.id: row for row in rows}


def to_event(row: DialogueEvent, tender: Tender | None = None) -> PublicEvent:
    return PublicEvent(
        id=cast(int, row.id), tender_id=row.tender_id, title=row.title, description=row.description,
        starts_at=row.starts_at, ends_at=row.ends_at, place=row.place, link=row.link,
        registration_deadline=row.registration_deadline, version=row.version,
        updated_at=row.updated_at,
        purchase_title=tender.title if tender else "",
        purchase_reference=tender.reference if tender else "",
    )


def _to_criterion(pin: TenderCriterion) -> PublicCriterion:
    snapshot = pin.snapshot or {}
    content = snapshot.get("content") or {}
    criteria_set = snapshot.get("set") or {}
    return PublicCriterion(
        title=str(content.get("title") or ""), title_en=str(content.get("title_en") or ""),
        type=pin.type, level=pin.level, climate_environment=bool(pin.climate_environment),
        set_title=str(criteria_set.get("title") or pin.set_id),
        set_title_en=str(criteria_set.get("title_en") or ""),
    )


def to_public(tender: Tender, buyer: Organisation, events: Sequence[DialogueEvent] = (),
              criteria: Sequence[TenderCriterion] = (),
              amendments: Sequence[TenderAmendment] = ()) -> PublicPurchase:
    """The public projection of one tender; the only place a Tender becomes public data."""
    published = [stamp for stamp in (tender.planned_at, tender.opened_at) if stamp]
    return PublicPurchase(
        id=cast(int, tender.id), reference=tender.reference, title=tender.title,
        description=tender.description, status=tender.status,
        contract_type=tender.contract_type, cpv_code=tender.cpv_code,
        value_band=value_band(tender.estimated_value),
        estimated_value=None if tender.value_confidential else tender.estimated_value,
        value_confidential=bool(tender.value_confidential),
        procedure=tender.procedure or tender.track,
        tender_deadline=tender.tender_deadline,
        planned_notice_date=tender.planned_notice_date,
        published_at=min(published) if published else None,
        opened_at=tender.opened_at, updated_at=tender.public_updated_at,
        public_version=tender.public_version or 0,
        contact_name=tender.contact_name, contact_email=tender.contact_email,
        climate_basis=tender.climate_basis if tender.climate_status == "met" else None,
        buyer_name=buyer.name, buyer_orgnr=buyer.orgnr,
        events=tuple(to_event(e) for e in sorted(events, key=lambda e: (e.starts_at, e.id))),
        criteria=tuple(_to_criterion(pin) for pin in criteria),
        amendments=tuple(to_amendment(row) for row in sorted(amendments,
                                                             key=lambda a: a.number)),
    )


def project(session: Session, tenders: Sequence[Tender], *, events: bool = False,
             criteria: bool = False, amendments: bool = False) -> list[PublicPurchase]:
    buyers = _buyers(session, tenders)
    ids = [t.id for t in tenders]
    by_tender_events: dict[int | None, list[DialogueEvent]] = {}
    by_tender_pins: dict[int | None, list[TenderCriterion]] = {}
    by_tender_amendments: dict[int | None, list[TenderAmendment]] = {}
    if amendments and ids:
        for amendment in session.exec(select(TenderAmendment).where(
                col(TenderAmendment.tender_id).in_(ids))).all():
            by_tender_amendments.setdefault(amendment.tender_id, []).append(amendment)
    if events and ids:
        for row in session.exec(select(DialogueEvent).where(
                col(DialogueEvent.tender_id).in_(ids))).all():
            by_tender_events.setdefault(row.tender_id, []).append(row)
    if criteria and ids:
        statement = select(TenderCriterion).where(col(TenderCriterion.tender_id).in_(ids)).order_by(
            TenderCriterion.set_id, TenderCriterion.type, TenderCriterion.base_id)
        for pin in session.exec(statement).all():
            by_tender_pins.setdefault(pin.tender_id, []).append(pin)
    return [to_public(t, buyers[t.organisation_id], by_tender_events.get(t.id, ()),
                      by_tender_pins.get(t.id, ()), by_tender_amendments.get(t.id, ()))
            for t in tenders]


def search(session: Session, filters: PurchaseFilters, *, today: date,
           per_page: int = PER_PAGE) -> Page:
    """One page of public purchases matching the filters, and how many match in all.

    The total comes with the page (a window count), so a page costs one scan of the
    matches; only a page past the end needs a separate count, to land on the last page."""
    where = conditions(filters, today)
    order = _order(filters.sort)

    def fetch(page: int) -> list:
        # Ids and the total first (narrow rows to sort), then the page's rows by id.
        return list(session.exec(
            select(Tender.id, func.count().over()).where(*where).order_by(*order)
            .offset((page - 1) * per_page).limit(per_page)).all())

    page = filters.page
    rows = fetch(page)
    if rows:
        total = rows[0][1]
    else:
        total = session.exec(select(func.count()).select_from(Tender).where(*where)).one()
        last = pages(total, per_page)
        if total and page > last:
            page = last
            rows = fetch(page)
        else:
            page = min(page, last)
    ids = [row[0] for row in rows]
    found = {t.id: t for t in session.exec(select(Tender).where(col(Tender.id).in_(ids))).all()}
    return Page(project(session, [found[i] for i in ids], amendments=True), total, page,
                per_page)


def feed_items(session: Session, filters: PurchaseFilters, *, today: date,
               limit: int | None = None, offset: int = 0, newest_first: bool = False,
               events: bool = False, criteria: bool = False) -> list[PublicPurchase]:
    """Matching public purchases for a feed or export: newest change first, or list order."""
    order = ([col(Tender.public_updated_at).desc(), col(Tender.id).desc()] if newest_first
             else _order(filters.sort))
    statement = select(Tender).where(*conditions(filters, today)).order_by(*order)
    if offset:
        statement = statement.offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return project(session, session.exec(statement).all(), events=events, criteria=criteria,
                   amendments=True)


def data_version(session: Session) -> tuple[datetime | None, int | None]:
    """(last public change, highest tender id): moves with anything the public could see.

    Every public change (dialogue conferences and criteria included) sets the tender's
    public_updated_at, and a purchase leaving the public list changes its status first, so
    it is updated too; a new public tender raises the highest id. Drafts move neither: a
    tender the public has never seen has no public_updated_at. Both are cheap reads, so this
    can be asked on every request (ETags, page caches).

    Outside a transaction it runs on its own autocommit connection: one round trip to the
    database instead of three (begin, select, rollback), which matters on every cached hit.
    Inside one (the session has already read or written) it uses the session's connection,
    so it sees the session's own changes."""
    if session.in_transaction():
        return tuple(session.connection().execute(_DATA_VERSION).one())
    engine = cast(Engine, session.get_bind())  # sessions are bound to the engine (procure/db.py)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return tuple(connection.execute(_DATA_VERSION).one())


# Two scalar subqueries (one max() per SELECT is what SQLite can optimise). Built once: it
# runs on every public request. The second is the newest tender the public has ever seen:
# a draft has no public_updated_at, so creating one moves neither value (issue 19).
_DATA_VERSION = select(select(func.max(Tender.public_updated_at)).scalar_subquery(),
                       select(func.max(Tender.id)).where(
                           col(Tender.public_updated_at).is_not(None)).scalar_subquery())


def get_purchase(session: Session, tender_id: int) -> PublicPurchase | None:
    """A public purchase with its dialogue conferences, green criteria and amendments, or
    None."""
    tender = session.exec(select(Tender).where(Tender.id == tender_id, is_public())).first()
    if tender is None:
        return None
    return project(session, [tender], events=True, criteria=True, amendments=True)[0]


def is_public_tender(session: Session, tender_id: int) -> bool:
    return session.exec(select(Tender.id).where(Tender.id == tender_id, is_public())).first() \
        is not None


def get_event(session: Session, event_id: int) -> PublicEvent | None:
    """A dialogue conference on a public purchase, or None."""
    row = session.exec(
        select(DialogueEvent, Tender).join(Tender, col(Tender.id) == col(DialogueEvent.tender_id))
        .where(DialogueEvent.id == event_id, is_public())
    ).first()
    if row is None:
        return None
    return to_event(row[0], row[1])


def upcoming_events(session: Session, *, now: datetime, limit: int = 5) -> list[PublicEvent]:
    """Dialogue conferences on public purchases that have not ended, soonest first."""
    rows = session.exec(
        select(DialogueEvent, Tender).join(Tender, col(Tender.id) == col(DialogueEvent.tender_id))
        .where(is_public(), DialogueEvent.ends_at >= now)
        .order_by(col(DialogueEvent.starts_at), col(DialogueEvent.id)).limit(limit)
    ).all()
    return [to_event(event, tender) for event, tender in rows]


def counts_by_status(session: Session) -> dict[str, int]:
    """Public purchases that are planned, open to all for offers, and running by invitation
    only."""
    planned, opened, invitation = session.exec(select(
        func.count(case((_status_condition("planned"), 1))),
        func.count(case((_status_condition("open"), 1))),
        func.count(case((_status_condition("invitation"), 1))),
    ).where(is_public())).one()
    return {"planned": planned, "open": opened, "invitation": invitation}
