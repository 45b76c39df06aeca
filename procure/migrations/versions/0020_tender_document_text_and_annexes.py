"""the konkurransegrunnlag's own text (sections, internal notes, standard contract, price form)
and its annexes (issue 20)

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-14 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import procure.models

revision: str = '0020'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('tender_document_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('contract_standard', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('price_basis', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('price_lines', sa.JSON(), nullable=False),
    sa.Column('updated_at', procure.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'],
                            name=op.f('fk_tender_document_text_tender_id_tender'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'],
                            name=op.f('fk_tender_document_text_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_document_text')),
    sa.UniqueConstraint('tender_id', name=op.f('uq_tender_document_text_tender_id'))
    )
    op.create_table('tender_annex',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', procure.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'],
                            name=op.f('fk_tender_annex_tender_id_tender'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'],
                            name=op.f('fk_tender_annex_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_annex')),
    sa.UniqueConstraint('tender_id', 'sha256', name=op.f('uq_tender_annex_tender_id_sha256'))
    )
    with op.batch_alter_table('tender_annex', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_annex_tender_id'), ['tender_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tender_annex', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_annex_tender_id'))
    op.drop_table('tender_annex')
    op.drop_table('tender_document_text')
