"""tender criteria

Revision ID: 0003
Revises: 0006
Create Date: 2026-11-27 04:09:11.076326
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import procure.models

revision: str = '0003'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('tender_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('base_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('set_id', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('set_version', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('climate_environment', sa.Boolean(), nullable=False),
    sa.Column('weight', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('spec_requirement', sa.Boolean(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('pinned_at', procure.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('pinned_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['pinned_by_id'], ['user.id'], name=op.f('fk_tender_criterion_pinned_by_id_user')),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_tender_criterion_tender_id_tender'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_criterion')),
    sa.UniqueConstraint('tender_id', 'base_id', name=op.f('uq_tender_criterion_tender_id_base_id'))
    )
    with op.batch_alter_table('tender_criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_criterion_tender_id'), ['tender_id'], unique=False)

    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ambition_level', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch_op.add_column(sa.Column('weight_price', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column('weight_quality', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column('weight_climate', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column('weight_other', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column('climate_spec_justification', sqlmodel.sql.sqltypes.AutoString(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('climate_exemption', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True))
        batch_op.add_column(sa.Column('climate_exemption_justification', sqlmodel.sql.sqltypes.AutoString(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.drop_column('climate_exemption_justification')
        batch_op.drop_column('climate_exemption')
        batch_op.drop_column('climate_spec_justification')
        batch_op.drop_column('weight_other')
        batch_op.drop_column('weight_climate')
        batch_op.drop_column('weight_quality')
        batch_op.drop_column('weight_price')
        batch_op.drop_column('ambition_level')

    with op.batch_alter_table('tender_criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_criterion_tender_id'))

    op.drop_table('tender_criterion')
