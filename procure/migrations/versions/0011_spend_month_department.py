"""spend summed per month, department and supplier

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('spend_month_department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('supplier_orgnr', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('orgnr_valid', sa.Boolean(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('amount_ore', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spend_month_department')),
    sa.UniqueConstraint('department', 'month', 'supplier_orgnr', 'orgnr_valid', 'supplier_id',
                        name='uq_spend_month_department_key')
    )
    # Sum the lines already imported (procure/services/spend_summary.py keeps it after this).
    if op.get_bind().dialect.name == "sqlite":
        month = "date(invoice_date, 'start of month')"
    else:
        month = "CAST(date_trunc('month', invoice_date) AS DATE)"
    op.execute(
        "INSERT INTO spend_month_department (department, month, supplier_orgnr, orgnr_valid, "  # noqa: S608, E501 (a fixed dialect expression)
        f"supplier_id, lines, amount_ore) SELECT department, {month}, supplier_orgnr, "
        "orgnr_valid, COALESCE(supplier_id, 0), COUNT(*), SUM(amount_ore) FROM spend_line "
        "GROUP BY 1, 2, 3, 4, 5")


def downgrade() -> None:
    op.drop_table('spend_month_department')
