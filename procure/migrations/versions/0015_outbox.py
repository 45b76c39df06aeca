"""outbox for e-mail delivered after commit

A new table and nothing else: mail sent before this revision went out at once and left no row.

Revision ID: 0015
Revises: 0013 (0014 is another branch's; the chain is fixed on merge)
Create Date: 2026-12-07 18:44:43.994831
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import procure.models

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', procure.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recipients', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('message', sa.LargeBinary(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', procure.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claim', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('claimed_at', procure.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', procure.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_to', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_status'))

    op.drop_table('outbox_message')
