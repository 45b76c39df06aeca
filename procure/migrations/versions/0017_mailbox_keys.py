"""mailbox keys on interest registrations and e-mailed links, so daily caps count per mailbox

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 23:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from procure.domain.mailbox import mailbox_key

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('interest_registration', 'interest_token')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('email_key', sa.String(length=254),
                                          server_default='', nullable=False))
            batch_op.create_index(batch_op.f(f'ix_{table}_email_key'), ['email_key'],
                                  unique=False)
        rows = sa.table(table, sa.column('id', sa.Integer), sa.column('email', sa.String),
                        sa.column('email_key', sa.String))
        connection = op.get_bind()
        for row_id, email in connection.execute(sa.select(rows.c.id, rows.c.email)).all():
            connection.execute(rows.update().where(rows.c.id == row_id)
                               .values(email_key=mailbox_key(email or '')))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_email_key'))
            batch_op.drop_column('email_key')
