"""statistics

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 04:14:17.371289
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import procure.models

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Statistics (issue 7): imports, spend lines, awards, and the register fields of suppliers.
    op.create_table('spend_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('invoice_date', sa.Date(), nullable=False),
    sa.Column('supplier_orgnr', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('orgnr_valid', sa.Boolean(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('amount_ore', sa.BigInteger(), nullable=False),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('cpv_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('department', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spend_line')),
    sa.UniqueConstraint('invoice_id', 'line_no', name=op.f('uq_spend_line_invoice_id_line_no'))
    )
    op.create_table('import_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', procure.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('inserted', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_import_run_actor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_run'))
    )
    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('ocid', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('award_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('cpv_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('procedure', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('method_details', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('award_criteria', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('number_of_tenderers', sa.Integer(), nullable=True),
    sa.Column('tender_value_ore', sa.BigInteger(), nullable=True),
    sa.Column('value_ore', sa.BigInteger(), nullable=True),
    sa.Column('tender_deadline', sa.Date(), nullable=True),
    sa.Column('award_date', sa.Date(), nullable=True),
    sa.Column('decision_days', sa.Integer(), nullable=True),
    sa.Column('suitability_sme', sa.Boolean(), nullable=True),
    sa.Column('bids_known_size', sa.Integer(), nullable=True),
    sa.Column('sme_bids', sa.Integer(), nullable=True),
    sa.Column('tender_id', sa.Integer(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['import_run.id'], name=op.f('fk_award_import_id_import_run')),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_award_tender_id_tender')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award')),
    sa.UniqueConstraint('source', 'ocid', 'award_key', name=op.f('uq_award_source_ocid_award_key'))
    )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_award_date'), ['award_date'], unique=False)

    op.create_table('award_supplier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('party_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('supplier_orgnr', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('size_class', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.ForeignKeyConstraint(['award_id'], ['award.id'], name=op.f('fk_award_supplier_award_id_award'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_award_supplier_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_supplier')),
    sa.UniqueConstraint('award_id', 'party_key', name=op.f('uq_award_supplier_award_id_party_key'))
    )
    with op.batch_alter_table('award_supplier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_supplier_supplier_id'), ['supplier_id'], unique=False)

    with op.batch_alter_table('supplier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisasjonsform', sqlmodel.sql.sqltypes.AutoString(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('employees', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('turnover_nok', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('founded', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('nace_code', sqlmodel.sql.sqltypes.AutoString(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('size_basis', sqlmodel.sql.sqltypes.AutoString(length=30), server_default='', nullable=False))
        batch_op.add_column(sa.Column('import_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_supplier_import_id_import_run'), 'import_run', ['import_id'], ['id'])

    # ### end Alembic commands ###


def downgrade() -> None:
    with op.batch_alter_table('supplier', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_supplier_import_id_import_run'), type_='foreignkey')
        batch_op.drop_column('import_id')
        batch_op.drop_column('size_basis')
        batch_op.drop_column('nace_code')
        batch_op.drop_column('founded')
        batch_op.drop_column('turnover_nok')
        batch_op.drop_column('employees')
        batch_op.drop_column('organisasjonsform')

    with op.batch_alter_table('award_supplier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_supplier_supplier_id'))

    op.drop_table('award_supplier')
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_award_date'))

    op.drop_table('award')
    op.drop_table('import_run')
    op.drop_table('spend_line')
