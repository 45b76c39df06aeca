"""All table models. The naming convention is set before any model is defined (Alembic needs it)."""

# No "from __future__ import annotations" here: SQLModel resolves Relationship types at runtime.


from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, DateTime, Numeric, TypeDecorator, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

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
    return datetime.now(UTC)


def ts_field(**kwargs) -> datetime | None:
    return Field(default=None, sa_type=UTCDateTime, nullable=True, **kwargs)


def created_field(**kwargs) -> datetime:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, **kwargs)


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    orgnr: str = Field(max_length=9, unique=True)
    kommunenummer: str = Field(max_length=4)


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
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = ts_field()
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
        return str(self.id)


class Supplier(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    orgnr: str = Field(max_length=9, unique=True)
    name: str = Field(max_length=300)
    address: str = Field(default="", max_length=300)
    postal_code: str = Field(default="", max_length=4)
    kommunenummer: str = Field(default="", max_length=4)
    size_class: str = Field(default="unknown", max_length=10)
    created_at: datetime = created_field()


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


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = created_field(index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=60)
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=40)
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
