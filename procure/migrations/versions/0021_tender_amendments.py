"""amendments (rettelser) after publication, and the notices sent about them

A new table, tender_amendment, and a column on supplier_message naming the amendment a notice
is about. Nothing existing changes: tenders published before this revision have no amendments.

Revision ID: 0021
Revises: 0023 (the chain is fixed on merge)
Create Date: 2026-12-08 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import procure.models

revision: str = '0021'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('tender_amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('document_changed', sa.Boolean(), nullable=False),
    sa.Column('made_at', procure.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['made_by_id'], ['user.id'], name=op.f('fk_tender_amendment_made_by_id_user')),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_tender_amendment_tender_id_tender'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_amendment')),
    sa.UniqueConstraint('tender_id', 'number', name=op.f('uq_tender_amendment_tender_id_number'))
    )
    with op.batch_alter_table('tender_amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_amendment_tender_id'), ['tender_id'], unique=False)

    with op.batch_alter_table('supplier_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amendment_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_supplier_message_amendment_id_tender_amendment'), 'tender_amendment', ['amendment_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('supplier_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_supplier_message_amendment_id_tender_amendment'), type_='foreignkey')
        batch_op.drop_column('amendment_id')

    with op.batch_alter_table('tender_amendment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_amendment_tender_id'))
    op.drop_table('tender_amendment')
