"""tender chooser fields

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 03:38:08.041648
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import procure.models

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buyer_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default='municipality'))
        batch_op.add_column(sa.Column('planned_notice_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('value_estimate', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('innovation', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch_op.add_column(sa.Column('market', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch_op.add_column(sa.Column('needs_rnd', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('rules_version', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('recommendation', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('recommended_track', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('track', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('track_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('track_decided_at', procure.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('climate_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('climate_basis', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('climate_code', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.drop_column('climate_code')
        batch_op.drop_column('climate_basis')
        batch_op.drop_column('climate_status')
        batch_op.drop_column('track_decided_at')
        batch_op.drop_column('track_reason')
        batch_op.drop_column('track')
        batch_op.drop_column('recommended_track')
        batch_op.drop_column('recommendation')
        batch_op.drop_column('rules_version')
        batch_op.drop_column('needs_rnd')
        batch_op.drop_column('market')
        batch_op.drop_column('innovation')
        batch_op.drop_column('value_estimate')
        batch_op.drop_column('planned_notice_date')
        batch_op.drop_column('buyer_type')

