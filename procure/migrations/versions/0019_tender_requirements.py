"""tender requirements: the officer's own requirements and the library criteria copied in, with
the award weights on the criteria themselves

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-14 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import procure.models

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A pinned criterion of each type becomes a requirement of this kind; a pin the officer had
# marked as "stated in the specification" becomes a must requirement of the specification.
KIND_OF_TYPE = {"qualification": "qualification", "specification": "spec-must",
                "award": "award", "contract-clause": "contract-clause"}
TYPE_ORDER = ("qualification", "specification", "award", "contract-clause")

PIN = sa.table(
    'tender_criterion', sa.column('id', sa.Integer()), sa.column('tender_id', sa.Integer()),
    sa.column('base_id', sa.String()), sa.column('type', sa.String()),
    sa.column('climate_environment', sa.Boolean()), sa.column('weight', sa.Numeric(5, 2)),
    sa.column('spec_requirement', sa.Boolean()), sa.column('snapshot', sa.JSON()),
    sa.column('pinned_at', procure.models.UTCDateTime(timezone=True)),
    sa.column('pinned_by_id', sa.Integer()))
REQUIREMENT = sa.table(
    'tender_requirement', sa.column('tender_id', sa.Integer()), sa.column('kind', sa.String()),
    sa.column('title', sa.String()), sa.column('text', sa.String()),
    sa.column('documentation', sa.String()), sa.column('position', sa.Integer()),
    sa.column('weight', sa.Numeric(5, 2)), sa.column('award_group', sa.String()),
    sa.column('climate_environment', sa.Boolean()), sa.column('criterion_pin_id', sa.Integer()),
    sa.column('created_at', procure.models.UTCDateTime(timezone=True)),
    sa.column('created_by_id', sa.Integer()))


def upgrade() -> None:
    # Read the pins first: SQLite rebuilds tender_criterion to drop its columns, and rows that
    # referred to the old table would go with it.
    connection = op.get_bind()
    pins = connection.execute(sa.select(PIN).order_by(PIN.c.tender_id, PIN.c.base_id)).all()
    # The weight and the specification mark now live on the requirement.
    with op.batch_alter_table('tender_criterion', schema=None) as batch_op:
        batch_op.drop_column('spec_requirement')
        batch_op.drop_column('weight')

    op.create_table('tender_requirement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('documentation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('weight', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('award_group', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('climate_environment', sa.Boolean(), nullable=False),
    sa.Column('criterion_pin_id', sa.Integer(), nullable=True),
    sa.Column('created_at', procure.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_tender_requirement_created_by_id_user')),
    sa.ForeignKeyConstraint(['criterion_pin_id'], ['tender_criterion.id'], name=op.f('fk_tender_requirement_criterion_pin_id_tender_criterion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['tender_requirement.id'], name=op.f('fk_tender_requirement_parent_id_tender_requirement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_tender_requirement_tender_id_tender'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_requirement')),
    sa.UniqueConstraint('criterion_pin_id', name=op.f('uq_tender_requirement_criterion_pin_id'))
    )
    with op.batch_alter_table('tender_requirement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_requirement_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tender_requirement_tender_id'), ['tender_id'], unique=False)

    # Every pinned criterion becomes a requirement that names its pin, in the order the
    # document showed them (by type, then id), with the weight it had.
    pins = sorted(pins, key=lambda p: (p.tender_id, TYPE_ORDER.index(p.type)
                                       if p.type in TYPE_ORDER else 9, p.base_id))
    positions: dict[tuple[int, str], int] = {}
    for pin in pins:
        kind = KIND_OF_TYPE.get(pin.type, "spec-must")
        if kind != "award" and pin.spec_requirement:
            kind = "spec-must"
        content = (pin.snapshot or {}).get("content", {})
        position = positions[pin.tender_id, kind] = positions.get((pin.tender_id, kind), 0) + 1
        connection.execute(REQUIREMENT.insert().values(
            tender_id=pin.tender_id, kind=kind, title=str(content.get("title") or "")[:300],
            text=str(content.get("text") or ""),
            documentation=str(content.get("verification") or ""), position=position,
            weight=pin.weight if kind == "award" else None,
            award_group="quality" if kind == "award" else None,
            climate_environment=bool(pin.climate_environment), criterion_pin_id=pin.id,
            created_at=pin.pinned_at, created_by_id=pin.pinned_by_id))


def downgrade() -> None:
    # The requirements go first (the pins' table is rebuilt below); the weight and the
    # specification mark of the library criteria go back onto their pins.
    connection = op.get_bind()
    requirement = sa.table('tender_requirement', sa.column('criterion_pin_id', sa.Integer()),
                           sa.column('kind', sa.String()), sa.column('weight', sa.Numeric(5, 2)))
    linked = [tuple(row) for row in connection.execute(sa.select(
        requirement.c.criterion_pin_id, requirement.c.kind, requirement.c.weight)
        .where(requirement.c.criterion_pin_id.is_not(None))).all()]
    with op.batch_alter_table('tender_requirement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_requirement_tender_id'))
        batch_op.drop_index(batch_op.f('ix_tender_requirement_parent_id'))
    op.drop_table('tender_requirement')
    with op.batch_alter_table('tender_criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weight', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column('spec_requirement', sa.Boolean(), server_default=sa.false(), nullable=False))
    for pin_id, kind, weight in linked:
        connection.execute(PIN.update().where(PIN.c.id == pin_id).values(
            weight=weight if kind == "award" else None, spec_requirement=kind == "spec-must"))
    with op.batch_alter_table('tender_criterion', schema=None) as batch_op:
        batch_op.alter_column('spec_requirement', server_default=None)
