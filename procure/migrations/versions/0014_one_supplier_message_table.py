"""one supplier message table for every track

The simplified competition and the innovation partnership kept their e-mails to suppliers in
competition_message, the market dialogue in dialogue_message. Both move into supplier_message,
each row as it was (its kind says what it is); the old tables go. Rows keep their order: the
competition's first, then the dialogue's, each by id. Downgrade moves them back (a row with a
dialogue participant to dialogue_message, the others to competition_message).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-10 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import procure.models

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def _text_columns() -> list[sa.Column]:
    return [
        sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('sent_at', procure.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('delivered_to', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('supplier_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('shared_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    *_text_columns(),
    sa.ForeignKeyConstraint(['meeting_id'], ['dialogue_meeting.id'], name=op.f('fk_supplier_message_meeting_id_dialogue_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['dialogue_participant.id'], name=op.f('fk_supplier_message_participant_id_dialogue_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['competition_question.id'], name=op.f('fk_supplier_message_question_id_competition_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shared_id'], ['dialogue_shared.id'], name=op.f('fk_supplier_message_shared_id_dialogue_shared'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_supplier_message_supplier_id_supplier')),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_supplier_message_tender_id_tender'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_message'))
    )
    with op.batch_alter_table('supplier_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_message_tender_id'), ['tender_id'], unique=False)

    op.execute(
        "INSERT INTO supplier_message (tender_id, kind, recipient, subject, body, sent_at, "
        "delivered_to, supplier_id, question_id) "
        "SELECT tender_id, kind, recipient, subject, body, sent_at, delivered_to, supplier_id, "
        "question_id FROM competition_message ORDER BY id")
    op.execute(
        "INSERT INTO supplier_message (tender_id, kind, recipient, subject, body, sent_at, "
        "delivered_to, participant_id, shared_id, meeting_id) "
        "SELECT tender_id, kind, recipient, subject, body, sent_at, delivered_to, "
        "participant_id, shared_id, meeting_id FROM dialogue_message ORDER BY id")

    with op.batch_alter_table('competition_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_message_tender_id'))
    op.drop_table('competition_message')
    with op.batch_alter_table('dialogue_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dialogue_message_tender_id'))
    op.drop_table('dialogue_message')


def downgrade() -> None:
    op.create_table('competition_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    *_text_columns(),
    sa.ForeignKeyConstraint(['question_id'], ['competition_question.id'], name=op.f('fk_competition_message_question_id_competition_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_competition_message_supplier_id_supplier')),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_competition_message_tender_id_tender'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_message'))
    )
    with op.batch_alter_table('competition_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_message_tender_id'), ['tender_id'], unique=False)
    op.create_table('dialogue_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('shared_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    *_text_columns(),
    sa.ForeignKeyConstraint(['meeting_id'], ['dialogue_meeting.id'], name=op.f('fk_dialogue_message_meeting_id_dialogue_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['dialogue_participant.id'], name=op.f('fk_dialogue_message_participant_id_dialogue_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shared_id'], ['dialogue_shared.id'], name=op.f('fk_dialogue_message_shared_id_dialogue_shared'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_dialogue_message_tender_id_tender'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dialogue_message'))
    )
    with op.batch_alter_table('dialogue_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogue_message_tender_id'), ['tender_id'], unique=False)

    op.execute(
        "INSERT INTO competition_message (tender_id, kind, recipient, subject, body, sent_at, "
        "delivered_to, supplier_id, question_id) "
        "SELECT tender_id, kind, recipient, subject, body, sent_at, delivered_to, supplier_id, "
        "question_id FROM supplier_message WHERE participant_id IS NULL ORDER BY id")
    op.execute(
        "INSERT INTO dialogue_message (tender_id, kind, recipient, subject, body, sent_at, "
        "delivered_to, participant_id, shared_id, meeting_id) "
        "SELECT tender_id, kind, recipient, subject, body, sent_at, delivered_to, "
        "participant_id, shared_id, meeting_id FROM supplier_message "
        "WHERE participant_id IS NOT NULL ORDER BY id")

    with op.batch_alter_table('supplier_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_message_tender_id'))
    op.drop_table('supplier_message')
