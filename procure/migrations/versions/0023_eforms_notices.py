"""imported eForms notices (issue 21): one row per notice id, its latest version

Revision ID: 0023
Revises: 0019
Create Date: 2026-12-08 00:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0023'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('eforms_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('subtype', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('procedure_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('buyer_orgnr', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('buyer_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('cpv_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('procedure', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('estimated_amount', sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column('tender_deadline', sa.Date(), nullable=True),
    sa.Column('suitability_sme', sa.Boolean(), nullable=True),
    sa.Column('climate_code', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_eforms_notice_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['import_id'], ['import_run.id'],
                            name=op.f('fk_eforms_notice_import_id_import_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eforms_notice')),
    sa.UniqueConstraint('organisation_id', 'notice_id',
                        name=op.f('uq_eforms_notice_organisation_id_notice_id'))
    )
    with op.batch_alter_table('eforms_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eforms_notice_procedure_id'), ['procedure_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_eforms_notice_organisation_id'),
                              ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('eforms_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eforms_notice_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_eforms_notice_procedure_id'))
    op.drop_table('eforms_notice')
