"""organisation scoping: supplier contacts, interest registrations, imports, spend, awards,
import mappings and the spend summaries belong to an organisation (issue 19)

Revision ID: 0018
Revises: 0020
Create Date: 2026-12-12 10:00:00.000000

Existing rows go to the organisation there is (the first, as services.tenders.
default_organisation takes it, when there are several). A database with such rows and no
organisation at all is refused, saying how to create one first: the organisation is real data
(name, organisation number, kommune) that no migration can make up.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from procure.migrate import MigrationRefused

revision: str = '0018'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (foreign key to organisation, index on the column)
TABLES = {
    'supplier_contact': (True, True),
    'interest_registration': (True, True),
    'import_run': (True, True),
    'spend_line': (False, False),
    'award': (True, False),
    'import_mapping': (True, False),
    'spend_month': (False, False),
    'spend_month_dims': (False, False),
    'spend_month_department': (False, False),
}
# table -> (unique constraint, its columns before, its columns after); the award's takes the
# name the naming convention gives the new columns (AWARD_UNIQUE).
UNIQUE = {
    'spend_line': ('uq_spend_line_key', ['invoice_id', 'line_no', 'key_scope'],
                   ['invoice_id', 'line_no', 'key_scope', 'organisation_id']),
    'award': ('uq_award_source_ocid_award_key', ['source', 'ocid', 'award_key'],
              ['organisation_id', 'source', 'ocid', 'award_key']),
    'import_mapping': ('uq_import_mapping_key', ['kind', 'header_key'],
                       ['organisation_id', 'kind', 'header_key']),
    'spend_month': ('uq_spend_month_key',
                    ['month', 'supplier_orgnr', 'orgnr_valid', 'supplier_id'],
                    ['organisation_id', 'month', 'supplier_orgnr', 'orgnr_valid',
                     'supplier_id']),
    'spend_month_dims': ('uq_spend_month_dims_key',
                         ['month', 'department', 'category', 'cpv_division', 'size_class'],
                         ['organisation_id', 'month', 'department', 'category', 'cpv_division',
                          'size_class']),
    'spend_month_department': ('uq_spend_month_department_key',
                               ['department', 'month', 'supplier_orgnr', 'orgnr_valid',
                                'supplier_id'],
                               ['organisation_id', 'department', 'month', 'supplier_orgnr',
                                'orgnr_valid', 'supplier_id']),
}
AWARD_UNIQUE = 'uq_award_organisation_id_source_ocid_award_key'
# The tables whose keys could hold the same row twice once the organisation is left out.
KEYED = ('spend_line', 'award', 'import_mapping')


def _count(connection, table: str) -> int:
    return connection.execute(sa.text(f'SELECT count(*) FROM {table}')).scalar() or 0  # noqa: S608


def upgrade() -> None:
    connection = op.get_bind()
    organisation_id = connection.execute(sa.text('SELECT min(id) FROM organisation')).scalar()
    if organisation_id is None:
        waiting = [table for table in TABLES if _count(connection, table)]
        if waiting:
            raise MigrationRefused(
                'The database has rows that must belong to an organisation ('
                + ', '.join(waiting) + '), and there is no organisation yet. Create it first '
                'with `procure org create --name NAME --orgnr ORGNR --kommunenummer NNNN`, '
                'then run `procure db upgrade` again.')
    for table, (foreign_key, index) in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        if organisation_id is not None:
            connection.execute(sa.text(f'UPDATE {table} SET organisation_id = :id')  # noqa: S608
                               .bindparams(id=organisation_id))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('organisation_id', existing_type=sa.Integer(),
                                  nullable=False)
            if foreign_key:
                batch_op.create_foreign_key(
                    batch_op.f(f'fk_{table}_organisation_id_organisation'), 'organisation',
                    ['organisation_id'], ['id'])
            if index:
                batch_op.create_index(batch_op.f(f'ix_{table}_organisation_id'),
                                      ['organisation_id'], unique=False)
            if table in UNIQUE:
                name, _before, after = UNIQUE[table]
                batch_op.drop_constraint(batch_op.f(name), type_='unique')
                batch_op.create_unique_constraint(
                    batch_op.f(AWARD_UNIQUE if table == 'award' else name), after)


def downgrade() -> None:
    connection = op.get_bind()
    for table in KEYED:
        owners = connection.execute(sa.text(
            f'SELECT count(DISTINCT organisation_id) FROM {table}')).scalar() or 0  # noqa: S608
        if owners > 1:
            raise MigrationRefused(
                f'{table} holds the rows of {owners} organisations; below revision 0018 they '
                'would share one key. Delete all but one organisation\'s imports first.')
    for table, (foreign_key, index) in reversed(TABLES.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in UNIQUE:
                name, before, _after = UNIQUE[table]
                batch_op.drop_constraint(batch_op.f(AWARD_UNIQUE if table == 'award' else name),
                                         type_='unique')
                batch_op.create_unique_constraint(batch_op.f(name), before)
            if index:
                batch_op.drop_index(batch_op.f(f'ix_{table}_organisation_id'))
            if foreign_key:
                batch_op.drop_constraint(batch_op.f(f'fk_{table}_organisation_id_organisation'),
                                         type_='foreignkey')
            batch_op.drop_column('organisation_id')
