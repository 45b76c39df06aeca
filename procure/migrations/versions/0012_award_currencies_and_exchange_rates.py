"""award currencies and exchange rates

Awards keep the amounts as published with their currency; `value_ore` stays the NOK value the
indicators read. Existing awards were all in NOK: they get currency NOK and their amount back
from the øre.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('exchange_rate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('nok_per_unit', sa.Numeric(24, 10), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['import_run.id'],
                            name=op.f('fk_exchange_rate_import_id_import_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rate')),
    sa.UniqueConstraint('currency', 'day', name=op.f('uq_exchange_rate_currency_day'))
    )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3),
                                      nullable=False, server_default='NOK'))
        batch_op.add_column(sa.Column('amount', sa.Numeric(20, 2), nullable=True))
        batch_op.add_column(sa.Column('tender_currency',
                                      sqlmodel.sql.sqltypes.AutoString(length=3),
                                      nullable=False, server_default='NOK'))
        batch_op.add_column(sa.Column('tender_amount', sa.Numeric(20, 2), nullable=True))
        batch_op.create_index(batch_op.f('ix_award_currency'), ['currency'], unique=False)
    op.execute("UPDATE award SET amount = value_ore / 100.0 WHERE value_ore IS NOT NULL")
    op.execute("UPDATE award SET tender_amount = tender_value_ore / 100.0 "
               "WHERE tender_value_ore IS NOT NULL")


def downgrade() -> None:
    # value_ore is NOK (or None) whatever the currency, so the awards keep their meaning.
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_currency'))
        batch_op.drop_column('tender_amount')
        batch_op.drop_column('tender_currency')
        batch_op.drop_column('amount')
        batch_op.drop_column('currency')
    op.drop_table('exchange_rate')
