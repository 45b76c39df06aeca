"""All table models. The naming convention is set before any model is defined (Alembic needs it)."""

# No "from __future__ import annotations" here: SQLModel resolves Relationship types at runtime.


import secrets
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    LargeBinary,
    Numeric,
    Table,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Field, Relationship, SQLModel

from procure import clock
from procure.domain.lifecycle import TenderTimestamps, tender_status

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC on every backend; SQLite otherwise hands back naive datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The clock's now (procure/clock.py), for column defaults."""
    return clock.now()


def ts_field(**kwargs) -> datetime | None:
    return Field(default=None, sa_type=UTCDateTime, nullable=True, **kwargs)


def created_field(**kwargs) -> datetime:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, **kwargs)


def new_session_nonce() -> str:
    return secrets.token_hex(16)


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def stored_id(row: _Row) -> int:
    """The primary key of a row that has been flushed. Models type `id` as optional, since a
    new row has none until the database gives it one."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: add and flush it first")
    return row.id


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Table (its `__table__`, which SQLModel does not declare)."""
    table = sa_inspect(model).local_table
    assert isinstance(table, Table)
    return table


class Organisation(SQLModel, table=True):
    """A buyer: a municipality, or an innkjøpssamarbeid of several. Its tenders, users,
    supplier contacts, interest registrations, imports and statistics are its own; the
    supplier register's public facts (the Brønnøysund data) are shared (issue 19)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    orgnr: str = Field(max_length=9, unique=True)
    kommunenummer: str = Field(max_length=4)


def organisation_field() -> int:
    """The organisation a row belongs to (issue 19): a foreign key, indexed."""
    return Field(foreign_key="organisation.id", index=True)


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    role_id: int = Field(foreign_key="role.id", primary_key=True, ondelete="CASCADE")


class Role(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=20, unique=True)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=255)
    active: bool = Field(default=True)
    # Part of the session cookie (get_id): a new nonce ends every session of the user (sign-out,
    # password change, deactivation).
    session_nonce: str = Field(default_factory=new_session_nonce, max_length=32)
    last_login_at: datetime | None = ts_field()
    created_at: datetime = created_field()
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    roles: list[Role] = Relationship(link_model=UserRole)

    @property
    def role_names(self) -> set[str]:
        return {role.name for role in self.roles}

    # Flask-Login's user protocol, written out so the model needs no Flask import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"


class Supplier(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    orgnr: str = Field(max_length=9, unique=True)
    name: str = Field(max_length=300)
    address: str = Field(default="", max_length=300)
    postal_code: str = Field(default="", max_length=4)
    kommunenummer: str = Field(default="", max_length=4)
    size_class: str = Field(default="unknown", max_length=10)
    created_at: datetime = created_field()
    # Statistics (issue 7): Brønnøysund fields and how the size class was decided.
    organisasjonsform: str = Field(default="", max_length=10,
                                   sa_column_kwargs={"server_default": ""})
    employees: int | None = None
    turnover_nok: int | None = Field(default=None, sa_type=BigInteger)
    founded: date | None = None
    nace_code: str = Field(default="", max_length=10, sa_column_kwargs={"server_default": ""})
    size_basis: str = Field(default="", max_length=30, sa_column_kwargs={"server_default": ""})
    import_id: int | None = Field(default=None, foreign_key="import_run.id")


# --- Statistics (issue 7): imports, spend lines, contract awards -------------------------------


class ImportRun(SQLModel, table=True):
    """One import, accepted or rejected; a rejected one keeps its row-level report."""

    __tablename__ = "import_run"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = organisation_field()
    kind: str = Field(max_length=20)  # suppliers | spend | ocds | tenders | rates
    filename: str = Field(default="", max_length=255)
    status: str = Field(max_length=10)  # imported | rejected
    created_at: datetime = created_field()
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    rows_read: int = Field(default=0)
    inserted: int = Field(default=0)
    updated: int = Field(default=0)
    unchanged: int = Field(default=0)
    error_count: int = Field(default=0)
    # [[row, field, msgid, params], ...] (capped; error_count has the full number)
    errors: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SpendLine(SQLModel, table=True):
    """A ledger or invoice line; (key_scope, invoice_id, line_no) is the natural key, as the
    source identifies a line: an invoice file's lines by supplier, invoice number and line
    (key_scope "org:<orgnr>"), a ledger's by year, voucher number and line ("year:<yyyy>": voucher
    series restart every year). invoice_id holds the invoice or the voucher number. Amounts in
    øre."""

    __tablename__ = "spend_line"
    # The scope last: lines arrive in invoice or voucher order, and so reach the unique index
    # near its end (with the scope first, a million lines went to 5,000 places in it and the
    # import took twice as long, bench/).
    # The organisation after the scope, for the same reason: one organisation's lines share
    # the value, and two organisations may use the same voucher numbers.
    __table_args__ = (UniqueConstraint("invoice_id", "line_no", "key_scope", "organisation_id",
                                       name="uq_spend_line_key"),)
    id: int | None = Field(default=None, primary_key=True)
    # No foreign key, as for the supplier and the import below: the import sets it from the
    # import run's organisation.
    organisation_id: int
    # "" only for lines written by hand without a scope (the server default).
    key_scope: str = Field(default="", max_length=30, sa_column_kwargs={"server_default": ""})
    invoice_id: str = Field(max_length=60)
    line_no: int = Field(default=1)
    # A fact table written a million rows at a time: no index on the date or the supplier (the
    # statistics scan a year of lines, faster than fetching most rows through an index) and no
    # foreign keys (SQLite checks each one per row). supplier_id and import_id are set by the
    # import from ids it has just read. See bench/.
    invoice_date: date
    supplier_orgnr: str = Field(default="", max_length=20)
    orgnr_valid: bool = Field(default=False)
    supplier_id: int | None = None
    amount_ore: int = Field(sa_type=BigInteger)
    account: str = Field(default="", max_length=40)
    category: str = Field(default="", max_length=100)
    cpv_code: str = Field(default="", max_length=10)
    department: str = Field(default="", max_length=100)
    import_id: int | None = None


class Award(SQLModel, table=True):
    """An awarded contract (OCDS award or a procure tender); amounts in øre."""

    __table_args__ = (UniqueConstraint("organisation_id", "source", "ocid", "award_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")  # first in the unique key
    source: str = Field(max_length=10)  # ocds | procure
    ocid: str = Field(max_length=120)
    award_key: str = Field(max_length=120)
    title: str = Field(default="", max_length=300)
    cpv_code: str = Field(default="", max_length=10)
    procedure: str = Field(default="", max_length=60)
    method_details: str = Field(default="", max_length=200)
    award_criteria: str | None = Field(default=None, max_length=30)
    number_of_tenderers: int | None = None
    # The NOK values the indicators read, in øre; None when the amount is unknown, or is in
    # another currency and no exchange rate is known for the award date.
    tender_value_ore: int | None = Field(default=None, sa_type=BigInteger)
    value_ore: int | None = Field(default=None, sa_type=BigInteger)
    # The amounts as published, in their own currency (ISO 4217).
    currency: str = Field(default="NOK", max_length=3, index=True)
    amount: Decimal | None = Field(default=None, sa_column=Column(Numeric(20, 2), nullable=True))
    tender_currency: str = Field(default="NOK", max_length=3)
    tender_amount: Decimal | None = Field(default=None,
                                          sa_column=Column(Numeric(20, 2), nullable=True))
    tender_deadline: date | None = None
    award_date: date | None = Field(default=None, index=True)
    decision_days: int | None = None
    suitability_sme: bool | None = None
    bids_known_size: int | None = None
    sme_bids: int | None = None
    tender_id: int | None = Field(default=None, foreign_key="tender.id")
    import_id: int | None = Field(default=None, foreign_key="import_run.id")


class EformsNotice(SQLModel, table=True):
    """An imported eForms notice (competition: E3, 16; result: E4, 29), its latest version.

    Its facts feed the statistics: a result notice's contracts are awards (source "eforms",
    ocid = notice id, award key = contract id); a competition notice gives the procedure's
    deadline, SME suitability, estimated value and § 7-9 code (`climate_code`)."""

    __tablename__ = "eforms_notice"
    __table_args__ = (UniqueConstraint("organisation_id", "notice_id"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    notice_id: str = Field(max_length=64)  # BT-701, the same across versions
    version: str = Field(max_length=10)  # BT-757
    subtype: str = Field(max_length=10)
    form: str = Field(max_length=12)  # competition | result
    procedure_id: str = Field(default="", max_length=120, index=True)  # BT-04
    issue_date: date | None = None
    buyer_orgnr: str = Field(default="", max_length=20)
    buyer_name: str = Field(default="", max_length=300)
    title: str = Field(default="", max_length=300)
    cpv_code: str = Field(default="", max_length=10)
    procedure: str = Field(default="", max_length=60)
    currency: str = Field(default="NOK", max_length=3)
    estimated_amount: Decimal | None = Field(default=None,
                                             sa_column=Column(Numeric(20, 2), nullable=True))
    tender_deadline: date | None = None
    suitability_sme: bool | None = None
    climate_code: str = Field(default="", max_length=60)
    import_id: int | None = Field(default=None, foreign_key="import_run.id")


class ExchangeRate(SQLModel, table=True):
    """NOK per one unit of a currency on a day (Norges Bank's rates, or a file of them)."""

    __tablename__ = "exchange_rate"
    __table_args__ = (UniqueConstraint("currency", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    currency: str = Field(max_length=3)
    day: date
    nok_per_unit: Decimal = Field(sa_column=Column(Numeric(24, 10), nullable=False))
    import_id: int | None = Field(default=None, foreign_key="import_run.id")


class AwardSupplier(SQLModel, table=True):
    """A winning supplier of an award, with the size stated in the award where given."""

    __tablename__ = "award_supplier"
    __table_args__ = (UniqueConstraint("award_id", "party_key"),)
    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", ondelete="CASCADE")
    party_key: str = Field(max_length=120)
    name: str = Field(default="", max_length=300)
    supplier_orgnr: str = Field(default="", max_length=20)
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id", index=True)
    size_class: str = Field(default="unknown", max_length=10)


class ImportMapping(SQLModel, table=True):
    """The columns a controller chose for one layout of file (its set of header names): which
    column is the amount, the date, ... Used again for every file with the same headers."""

    __tablename__ = "import_mapping"
    __table_args__ = (UniqueConstraint("organisation_id", "kind", "header_key",
                                       name="uq_import_mapping_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    kind: str = Field(max_length=20)  # spend
    header_key: str = Field(max_length=64)  # sha256 of the normalised header names, sorted
    header: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # field -> the header as written in the file, or "" for a field deliberately left out
    columns: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = created_field()
    actor_id: int | None = Field(default=None, foreign_key="user.id")


class SpendMonth(SQLModel, table=True):
    """Spend lines summed per month and supplier: the statistics read this instead of the lines
    when the period is whole months. Kept equal to spend_line in the same transaction by every
    writer (the spend import, the supplier relink, and any ORM flush of spend lines); see
    procure/services/spend_summary.py."""

    __tablename__ = "spend_month"
    __table_args__ = (UniqueConstraint("organisation_id", "month", "supplier_orgnr",
                                       "orgnr_valid", "supplier_id", name="uq_spend_month_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int  # the spend lines', so no foreign key either
    month: date  # the first day of the month
    supplier_orgnr: str = Field(max_length=20)
    orgnr_valid: bool
    supplier_id: int = Field(default=0)  # 0 for none, so that the unique key matches
    # The supplier's size class when these lines were summed into spend_month_dims; "mixed" once
    # lines were added under two different sizes. Any difference from the register means
    # spend_month_dims is out of date for the month, and the statistics read the lines.
    size_class: str = Field(max_length=10)
    lines: int
    amount_ore: int = Field(sa_type=BigInteger)


class SpendMonthDims(SQLModel, table=True):
    """Spend lines summed per month, department, category, CPV division and supplier size."""

    __tablename__ = "spend_month_dims"
    __table_args__ = (UniqueConstraint("organisation_id", "month", "department", "category",
                                       "cpv_division", "size_class",
                                       name="uq_spend_month_dims_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int
    month: date
    department: str = Field(max_length=100)
    category: str = Field(max_length=100)
    cpv_division: str = Field(max_length=2)
    size_class: str = Field(max_length=10)
    lines: int
    amount_ore: int = Field(sa_type=BigInteger)


class SpendMonthDepartment(SQLModel, table=True):
    """Spend lines summed per month, department and supplier: what `spend_month` is for the
    whole organisation, for one department (the statistics read it when a department filter
    is set, so a department's page costs what the whole one does)."""

    __tablename__ = "spend_month_department"
    __table_args__ = (UniqueConstraint("organisation_id", "department", "month",
                                       "supplier_orgnr", "orgnr_valid", "supplier_id",
                                       name="uq_spend_month_department_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int
    department: str = Field(max_length=100)
    month: date
    supplier_orgnr: str = Field(max_length=20)
    orgnr_valid: bool
    supplier_id: int = Field(default=0)
    lines: int
    amount_ore: int = Field(sa_type=BigInteger)


# --- end of statistics ---------------------------------------------------------------------------


class Tender(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organisation_id", "reference"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    reference: str = Field(max_length=40)
    title: str = Field(max_length=300)
    description: str = Field(default="")
    # Bumped by every edit; an edit based on an older version is refused as a conflict.
    version: int = Field(default=1)
    contract_type: str | None = Field(default=None, max_length=30)
    cpv_code: str | None = Field(default=None, max_length=10)
    estimated_value: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(16, 2), nullable=True)
    )
    procedure: str | None = Field(default=None, max_length=40)
    tender_deadline: date | None = None
    # Procedure chooser inputs (issue 3). The estimate's working is kept for the protocol.
    buyer_type: str = Field(default="municipality", max_length=20)
    planned_notice_date: date | None = None
    value_estimate: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    innovation: str | None = Field(default=None, max_length=10)
    market: str | None = Field(default=None, max_length=10)
    needs_rnd: bool | None = None
    # The recommendation as computed, with the rule-set version, so it can be reproduced.
    rules_version: str | None = Field(default=None, max_length=40)
    recommendation: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    recommended_track: str | None = Field(default=None, max_length=40)
    track: str | None = Field(default=None, max_length=40)
    track_reason: str = Field(default="")
    track_decided_at: datetime | None = ts_field()
    # § 7-9 result, kept in columns so statistics can group by it in SQL.
    climate_status: str | None = Field(default=None, max_length=20)
    climate_basis: str | None = Field(default=None, max_length=40)
    climate_code: str | None = Field(default=None, max_length=60)
    # Green criteria and § 7-9 inputs (issue 4). Award weights in percent; all None until set.
    ambition_level: str | None = Field(default=None, max_length=10)
    weight_price: Decimal | None = Field(default=None, sa_column=Column(Numeric(5, 2)))
    weight_quality: Decimal | None = Field(default=None, sa_column=Column(Numeric(5, 2)))
    weight_climate: Decimal | None = Field(default=None, sa_column=Column(Numeric(5, 2)))
    weight_other: Decimal | None = Field(default=None, sa_column=Column(Numeric(5, 2)))
    climate_spec_justification: str = Field(default="", sa_column_kwargs={"server_default": ""})
    climate_exemption: str | None = Field(default=None, max_length=30)
    climate_exemption_justification: str = Field(
        default="", sa_column_kwargs={"server_default": ""})
    # Public portal (issue 8): public contact, value confidentiality, and what the public
    # pages and feeds use to search and to tell what changed (kept by the flush hook below).
    value_confidential: bool = Field(default=False,
                                     sa_column_kwargs={"server_default": sa_false()})
    contact_name: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    contact_email: str = Field(default="", max_length=254,
                               sa_column_kwargs={"server_default": ""})
    search_text: str = Field(default="", sa_column_kwargs={"server_default": ""})
    public_fingerprint: str = Field(default="", max_length=64,
                                    sa_column_kwargs={"server_default": ""})
    public_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    public_updated_at: datetime | None = ts_field(index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_field()
    planned_at: datetime | None = ts_field()
    opened_at: datetime | None = ts_field()
    evaluation_at: datetime | None = ts_field()
    awarded_at: datetime | None = ts_field()
    cancelled_at: datetime | None = ts_field()
    closed_at: datetime | None = ts_field()

    @property
    def status(self) -> str:
        return tender_status(
            TenderTimestamps(
                planned_at=self.planned_at,
                opened_at=self.opened_at,
                evaluation_at=self.evaluation_at,
                awarded_at=self.awarded_at,
                cancelled_at=self.cancelled_at,
                closed_at=self.closed_at,
            )
        )


class TenderCriterion(SQLModel, table=True):
    """A criterion pinned to a tender: its exact id:version, content hash and a snapshot of the
    content, so later changes to the criteria files never alter the tender (issue 4)."""

    __tablename__ = "tender_criterion"
    __table_args__ = (UniqueConstraint("tender_id", "base_id"),)
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    criterion_id: str = Field(max_length=80)  # with version suffix: 'veh-ev-01:2'
    base_id: str = Field(max_length=80)
    version: int
    content_hash: str = Field(max_length=64)
    set_id: str = Field(max_length=60)
    set_version: str = Field(max_length=20)
    type: str = Field(max_length=20)
    level: str = Field(max_length=10)
    climate_environment: bool = Field(default=False)
    snapshot: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    pinned_at: datetime = created_field()
    pinned_by_id: int | None = Field(default=None, foreign_key="user.id")


class TenderRequirement(SQLModel, table=True):
    """One requirement of the tender document (issue 20): the officer's own, or a library
    criterion copied in (then `criterion_pin_id` names the pin that keeps its id:version and
    content hash, and the text is the pinned text). Weights are on award criteria and their
    sub-criteria only; the tender's weight_* totals and § 7-9 result are worked out from them.
    """

    __tablename__ = "tender_requirement"
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=20)  # procure.domain.requirements.KINDS
    title: str = Field(max_length=300)
    text: str = Field(default="")
    documentation: str = Field(default="")  # what the supplier must hand in to show it
    position: int = Field(default=0)  # the order within its kind (and parent)
    parent_id: int | None = Field(default=None, foreign_key="tender_requirement.id",
                                  ondelete="CASCADE", index=True)
    weight: Decimal | None = Field(default=None, sa_column=Column(Numeric(5, 2)))
    award_group: str | None = Field(default=None, max_length=10)  # price, quality, other
    climate_environment: bool = Field(default=False)
    criterion_pin_id: int | None = Field(default=None, foreign_key="tender_criterion.id",
                                         ondelete="CASCADE", unique=True)
    created_at: datetime = created_field()
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class TenderAmendment(SQLModel, table=True):
    """A change to what suppliers see after the tender is published or the invitations are
    sent (a rettelse): numbered per tender, the officer's description of the change, each
    changed field's old and new value, and whether the tender document changed. Shown to
    suppliers on the public page and e-mailed to the invited and interested businesses."""

    __tablename__ = "tender_amendment"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    number: int
    description: str
    # {field: [old, new]} of the tender's public fields, as text (dates in ISO form)
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    document_changed: bool = Field(default=False)
    made_at: datetime = created_field()
    made_by_id: int | None = Field(default=None, foreign_key="user.id")


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins for one e-mail address from one client address (issue 19).

    The e-mail address is stored as a keyed hash, so addresses typed by attackers (real or
    not) are not kept; the client address is kept so an administrator can see where the
    attempts came from. Unknown addresses are counted exactly like real accounts.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("account_key", "address", name="uq_login_throttle_key"),)
    id: int | None = Field(default=None, primary_key=True)
    account_key: str = Field(max_length=64, index=True)
    address: str = Field(max_length=64)
    failures: int = Field(default=0)
    locks: int = Field(default=0)
    locked_until: datetime | None = ts_field()
    last_failure_at: datetime = created_field()


class PasswordReset(SQLModel, table=True):
    """A one-time password link: only the token's SHA-256 is stored."""

    __tablename__ = "password_reset"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = ts_field()


class RateLimitCounter(SQLModel, table=True):
    """Fixed-window counters of the rate limiter when its storage is the database."""

    __tablename__ = "rate_limit_counter"
    name: str = Field(max_length=255, primary_key=True)
    hits: int = Field(default=0)
    expires_at: float = Field(index=True)


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = created_field(index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=60)
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=40)
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# --- Public portal (issue 8): dialogue conferences, interest registrations, alerts -------------


class DialogueEvent(SQLModel, table=True):
    """A dialogue conference (market dialogue) on a tender; times in UTC, shown in Oslo."""

    __tablename__ = "dialogue_event"
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="")
    starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    ends_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    place: str = Field(default="", max_length=300)
    link: str = Field(default="", max_length=500)
    registration_deadline: date | None = None
    # Bumped on every change: the iCal SEQUENCE, so calendars replace the old copy.
    version: int = Field(default=1)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class InterestRegistration(SQLModel, table=True):
    """A business's interest: categories (CPV divisions), optionally one purchase or dialogue
    conference. Pending until the e-mail link is followed (double opt-in). It belongs to the
    tender's organisation, or (a registration for categories only) to the public site's
    (services.tenders.default_organisation): only that organisation's officers see it."""

    __tablename__ = "interest_registration"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = organisation_field()
    orgnr: str = Field(max_length=9, index=True)
    business_name: str = Field(max_length=300)
    email: str = Field(max_length=254, index=True)
    # procure.domain.mailbox.mailbox_key(email): daily caps count per mailbox, not per spelling.
    email_key: str = Field(default="", max_length=254, index=True,
                           sa_column_kwargs={"server_default": ""})
    divisions: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    alerts: bool = Field(default=True)
    tender_id: int | None = Field(default=None, foreign_key="tender.id", ondelete="CASCADE",
                                  index=True)
    dialogue_event_id: int | None = Field(default=None, foreign_key="dialogue_event.id",
                                          ondelete="SET NULL")
    locale: str = Field(default="nb", max_length=5)
    # A capability for the unsubscribe link in every e-mail; random, never shown elsewhere.
    unsubscribe_token: str = Field(max_length=64, unique=True)
    created_at: datetime = created_field()
    confirmed_at: datetime | None = ts_field()


class InterestToken(SQLModel, table=True):
    """A one-time e-mailed link (confirm a registration, erase an address's data); only the
    SHA-256 of the token is stored."""

    __tablename__ = "interest_token"
    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=20)  # confirm | erase
    token_hash: str = Field(max_length=64, unique=True)
    registration_id: int | None = Field(default=None, foreign_key="interest_registration.id",
                                        ondelete="CASCADE")
    email: str = Field(max_length=254, index=True)
    # procure.domain.mailbox.mailbox_key(email): daily caps count per mailbox, not per spelling.
    email_key: str = Field(default="", max_length=254, index=True,
                           sa_column_kwargs={"server_default": ""})
    created_at: datetime = created_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = ts_field()


class AlertDelivery(SQLModel, table=True):
    """One purchase, in one public version, sent to one address: never sent twice."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("email", "tender_id", "public_version"),)
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    public_version: int
    sent_at: datetime = created_field()


PUBLIC_STATUSES = ("planned", "open")  # as services.public.is_public() says in SQL


def _public_tender_content(tender: Tender) -> dict[str, object]:
    """What the public pages and feeds show of a tender's own columns (children aside).
    Of a tender the public cannot see, only its status: editing a draft changes no public
    page, so it must not empty the public caches or wake the alerts."""
    from procure.domain.purchases import value_band

    if tender.status not in PUBLIC_STATUSES:
        return {"status": tender.status}
    return {
        "reference": tender.reference, "title": tender.title,
        "description": tender.description, "status": tender.status,
        "contract_type": tender.contract_type, "cpv_code": tender.cpv_code,
        "band": value_band(tender.estimated_value),
        "value": None if tender.value_confidential else tender.estimated_value,
        "procedure": tender.procedure or tender.track,
        "deadline": tender.tender_deadline, "notice": tender.planned_notice_date,
        "contact": [tender.contact_name, tender.contact_email],
        "climate": [tender.climate_status, tender.climate_basis],
    }


# Rows whose change alters a tender's public page: the tender is marked updated with them.
PUBLIC_CHILDREN = (DialogueEvent, TenderCriterion, TenderAmendment)


def _track_public_changes(session, _context, _instances) -> None:
    """Keep each tender's search text and public version current on every flush, whoever
    changes it: the feeds' 'updated', the ETags and the alerts all rely on it."""
    from procure.domain.purchases import cpv_labels, fingerprint, search_text

    tenders = {id(obj): obj for obj in (*session.new, *session.dirty) if isinstance(obj, Tender)}
    bumped: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, PUBLIC_CHILDREN) and obj.tender_id is not None:
            with session.no_autoflush:
                tender = session.get(Tender, obj.tender_id)
            if tender is not None:
                tenders[id(tender)] = tender
                bumped.add(id(tender))
    for key, tender in tenders.items():
        tender.search_text = search_text(tender.reference, tender.title, tender.description,
                                         *cpv_labels(tender.cpv_code))
        content = fingerprint(_public_tender_content(tender))
        # A tender the public neither sees now nor saw before (a new or edited draft) keeps
        # its public version and time: they drive the feeds' ETag and Last-Modified, which
        # must not tell anyone polling when an internal draft was made (issue 19).
        seen = tender.status in PUBLIC_STATUSES or _was_public(tender.public_fingerprint)
        if content != tender.public_fingerprint or (
                key in bumped and tender.status in PUBLIC_STATUSES):
            tender.public_fingerprint = content
            if seen:
                tender.public_version = (tender.public_version or 0) + 1
                tender.public_updated_at = clock.now()


def _was_public(previous: str | None) -> bool:
    """True when a tender's stored fingerprint is of public content (not just a status)."""
    from procure.domain.lifecycle import STATUSES
    from procure.domain.purchases import fingerprint

    return bool(previous) and previous not in {
        fingerprint({"status": status}) for status in STATUSES if status not in PUBLIC_STATUSES}


# Session hooks, registered by procure.db.register_hooks (create_app calls it), not on import.
ORM_HOOKS = (("before_flush", _track_public_changes),)


# --- end of public portal ----------------------------------------------------------------------


# --- Supplier contacts and the simplified competition (issue 5) -------------------------------


class SupplierContact(SQLModel, table=True):
    """A person at a supplier, as one organisation knows them: invitations and letters go to
    the first one of the tender's organisation with an e-mail. Other organisations neither see
    nor change it (issue 19); the supplier itself is shared."""

    __tablename__ = "supplier_contact"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = organisation_field()
    supplier_id: int = Field(foreign_key="supplier.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    role: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    created_at: datetime = created_field()


class Competition(SQLModel, table=True):
    """A tender's simplified competition: when invitations went out, why the warnings were
    accepted, the award decision and when the letters were sent."""

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", unique=True)
    invitations_sent_at: datetime | None = ts_field()
    warning_reason: str = Field(default="")
    winner_supplier_id: int | None = Field(default=None, foreign_key="supplier.id")
    award_justification: str = Field(default="")
    decided_at: datetime | None = ts_field()
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    letters_sent_at: datetime | None = ts_field()


class CompetitionInvitation(SQLModel, table=True):
    """A supplier invited to a simplified competition, and the address it is written to."""

    __tablename__ = "competition_invitation"
    __table_args__ = (UniqueConstraint("tender_id", "supplier_id"),)
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    supplier_id: int = Field(foreign_key="supplier.id")
    email: str = Field(max_length=254)
    contact_name: str = Field(default="", max_length=200)
    source: str = Field(default="register", max_length=10)  # register | interest
    added_at: datetime = created_field()
    added_by_id: int | None = Field(default=None, foreign_key="user.id")
    sent_at: datetime | None = ts_field()


class CompetitionQuestion(SQLModel, table=True):
    """A supplier's question; the answer goes to every invited supplier at once, without
    naming who asked."""

    __tablename__ = "competition_question"
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    number: int
    question: str
    asked_by_id: int | None = Field(default=None, foreign_key="supplier.id")
    received_at: datetime = created_field()
    answer: str = Field(default="")
    answered_at: datetime | None = ts_field()
    answered_by_id: int | None = Field(default=None, foreign_key="user.id")


class CompetitionOffer(SQLModel, table=True):
    """An offer received: price, and a score from 0 to 10 per award criterion (the price score
    is computed). A rejected offer keeps its reason and takes no part in the ranking."""

    __tablename__ = "competition_offer"
    __table_args__ = (UniqueConstraint("tender_id", "supplier_id"),)
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    supplier_id: int = Field(foreign_key="supplier.id")
    price: Decimal = Field(sa_column=Column(Numeric(16, 2), nullable=False))
    received_on: date
    scores: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    rejected_reason: str = Field(default="")
    note: str = Field(default="")
    recorded_at: datetime = created_field()
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")


# --- end of supplier contacts and simplified competition ---------------------------------------


# --- LUP-style market dialogue (issue 5, item 4) -----------------------------------------------


class MarketDialogue(SQLModel, table=True):
    """A tender's market dialogue: anchoring, the needs description (functions and outcomes),
    the one-to-one slot length, the PIN, and the competition it became."""

    __tablename__ = "market_dialogue"
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", unique=True)
    anchoring: str = Field(default="")
    anchored_at: datetime | None = ts_field()
    needs_functions: str = Field(default="")
    needs_outcomes: str = Field(default="")
    needs_at: datetime | None = ts_field()
    slot_minutes: int | None = None
    pin_published_at: datetime | None = ts_field()
    converted_to: str | None = Field(default=None, max_length=40)
    converted_at: datetime | None = ts_field()
    follow_up: str = Field(default="")
    followed_up_at: datetime | None = ts_field()


class DialogueParticipant(SQLModel, table=True):
    """A business taking part in the dialogue (registered for a conference, or added)."""

    __tablename__ = "dialogue_participant"
    __table_args__ = (UniqueConstraint("tender_id", "orgnr"),)
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    orgnr: str = Field(max_length=9)
    name: str = Field(max_length=300)
    email: str = Field(max_length=254)
    source: str = Field(default="manual", max_length=10)  # manual | interest
    added_at: datetime = created_field()
    added_by_id: int | None = Field(default=None, foreign_key="user.id")


class DialogueMeeting(SQLModel, table=True):
    """A one-to-one meeting slot offered to one participant, and its minutes."""

    __tablename__ = "dialogue_meeting"
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    participant_id: int = Field(foreign_key="dialogue_participant.id", ondelete="CASCADE")
    starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    ends_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    offered_at: datetime = created_field()
    minutes: str = Field(default="")
    minuted_at: datetime | None = ts_field()


class DialogueShared(SQLModel, table=True):
    """Information shared with every participant at once: a question and answer, or a
    document (title, text and an optional link)."""

    __tablename__ = "dialogue_shared"
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=10)  # qa | document
    title: str = Field(max_length=300)
    body: str = Field(default="")
    link: str = Field(default="", max_length=500)
    published_at: datetime = created_field()
    published_by_id: int | None = Field(default=None, foreign_key="user.id")


# --- end of market dialogue --------------------------------------------------------------------


# --- Innovation partnership (issue 5, item 5) --------------------------------------------------


class InnovationPartnership(SQLModel, table=True):
    """A tender's innovation partnership: the qualification requirements, the cap on
    candidates in the negotiation, the purchase-option conditions and the IPR terms."""

    __tablename__ = "innovation_partnership"
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", unique=True)
    rnd_requirements: str = Field(default="")
    implementation_requirements: str = Field(default="")
    requests_deadline: date | None = None
    # None: every qualified candidate is invited to negotiate.
    negotiation_cap: int | None = None
    # The rule set's minimum in the negotiation when the candidates were invited, as applied.
    negotiation_minimum: int | None = None
    negotiation_reason: str = Field(default="")
    negotiation_invited_at: datetime | None = ts_field()
    purchase_targets: str = Field(default="")
    purchase_max_cost: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(16, 2), nullable=True))
    ipr_ownership: str | None = Field(default=None, max_length=20)
    ipr_licence: str | None = Field(default=None, max_length=30)
    ipr_terms: str = Field(default="")
    partners_reason: str = Field(default="")
    partners_selected_at: datetime | None = ts_field()
    partners_selected_by_id: int | None = Field(default=None, foreign_key="user.id")


class PartnershipCandidate(SQLModel, table=True):
    """A supplier asking to take part: the prequalification decision, whether it was invited
    to negotiate, became a partner, and the phase after which it left."""

    __tablename__ = "partnership_candidate"
    __table_args__ = (UniqueConstraint("tender_id", "supplier_id"),)
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    supplier_id: int = Field(foreign_key="supplier.id")
    source: str = Field(default="register", max_length=10)  # register | dialogue | interest
    added_at: datetime = created_field()
    added_by_id: int | None = Field(default=None, foreign_key="user.id")
    decision: str | None = Field(default=None, max_length=10)  # qualified | rejected
    decision_reason: str = Field(default="")
    decided_at: datetime | None = ts_field()
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    invited_at: datetime | None = ts_field()
    partner_since: datetime | None = ts_field()
    left_after_phase: int | None = None


class NegotiationRound(SQLModel, table=True):
    """One round of negotiation with the candidates invited: when, what was negotiated and
    what came of it."""

    __tablename__ = "negotiation_round"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    number: int
    held_on: date
    topics: str
    outcome: str = Field(default="")
    recorded_at: datetime = created_field()
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")


class PartnershipPhase(SQLModel, table=True):
    """A phase of the partnership (concept, prototype, pilot...): its interim targets and
    maximum cost, and the decision taken after it."""

    __tablename__ = "partnership_phase"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    number: int
    name: str = Field(max_length=200)
    interim_targets: str
    max_cost: Decimal = Field(sa_column=Column(Numeric(16, 2), nullable=False))
    decision: str | None = Field(default=None, max_length=10)  # continue | reduce | stop
    decision_reason: str = Field(default="")
    targets_met: bool | None = None
    decided_at: datetime | None = ts_field()
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")


# --- end of innovation partnership -------------------------------------------------------------


# --- Outgoing e-mail (issue 17) ----------------------------------------------------------------


class OutboxMessage(SQLModel, table=True):
    """One composed e-mail, written in the transaction that decided to send it and delivered
    after that transaction commits (procure.outbox); a rollback takes it away unsent."""

    __tablename__ = "outbox_message"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = created_field()
    recipients: str = Field(max_length=1000)  # To, Cc and Bcc as written, for the listing
    subject: str = Field(default="", max_length=300)
    message: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # RFC 5322, LF ends
    status: str = Field(default="pending", max_length=10, index=True)  # pending | sending |
    attempts: int = Field(default=0)  # sent | failed (given up after MAX_ATTEMPTS)
    next_attempt_at: datetime = created_field()
    claim: str = Field(default="", max_length=32)  # the delivering worker's token
    claimed_at: datetime | None = ts_field()
    sent_at: datetime | None = ts_field()
    delivered_to: str = Field(default="", max_length=500)  # a file path or smtp:host
    last_error: str = Field(default="")


# --- Messages to suppliers, on every track (issue 17) -------------------------------------------


class SupplierMessage(SQLModel, table=True):
    """One e-mail to one supplier about a tender, on any track; `kind` says what it is:
    - simplified competition: invitation | answer | award | rejection;
    - innovation partnership: ip-invited | ip-not-invited | ip-rejected | ip-partner |
      ip-not-partner (the letters after prequalification and after the choice of partners);
    - market dialogue: slot (a one-to-one meeting offered) | shared (an item shared with all);
    - every track: amendment (the notice of a change after publication, amendment_id).
    The supplier is one in the register (supplier_id) or a dialogue participant
    (participant_id); what the message is about is named by question_id, shared_id or
    meeting_id, and the message goes with it."""

    __tablename__ = "supplier_message"
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=20)
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id")
    participant_id: int | None = Field(default=None, foreign_key="dialogue_participant.id",
                                       ondelete="CASCADE")
    question_id: int | None = Field(default=None, foreign_key="competition_question.id",
                                    ondelete="CASCADE")
    shared_id: int | None = Field(default=None, foreign_key="dialogue_shared.id",
                                  ondelete="CASCADE")
    meeting_id: int | None = Field(default=None, foreign_key="dialogue_meeting.id",
                                   ondelete="CASCADE")
    amendment_id: int | None = Field(default=None, foreign_key="tender_amendment.id",
                                     ondelete="CASCADE")
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body: str
    sent_at: datetime = created_field()
    delivered_to: str = Field(default="", max_length=500)


# --- end of messages to suppliers ----------------------------------------------------------------


# --- The konkurransegrunnlag's own text and annexes (issue 20) -------------------------------


class TenderDocumentText(SQLModel, table=True):
    """What the officer wrote for a tender's konkurransegrunnlag: each section's Markdown (a
    section not in `sections` shows its default text), internal notes per section (never in the
    document: the officer's pages and the protocol only), the standard contract, whether prices
    are given per unit, and the price form's lines ([{lot, item, unit, quantity}])."""

    __tablename__ = "tender_document_text"
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", unique=True)
    sections: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    notes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    contract_standard: str = Field(default="", max_length=20)
    price_basis: str = Field(default="total", max_length=10)  # total | unit
    price_lines: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = created_field()
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class TenderAnnex(SQLModel, table=True):
    """A file annexed to the konkurransegrunnlag. The content is kept in the database, so the
    backups (procure/backup.py) hold it; its SHA-256 is the one the document lists."""

    __tablename__ = "tender_annex"
    __table_args__ = (UniqueConstraint("tender_id", "sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", ondelete="CASCADE", index=True)
    filename: str = Field(max_length=160)
    kind: str = Field(max_length=10)  # pdf | docx | xlsx | odt | png | jpeg
    media_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_at: datetime = created_field()
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")


# --- end of the konkurransegrunnlag's text and annexes -----------------------------------------
