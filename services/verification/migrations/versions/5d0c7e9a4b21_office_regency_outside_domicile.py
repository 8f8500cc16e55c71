"""office_regency: the office an outside_domicile applicant chose; interviews.reminded_at; interview_slots

Revision ID: 5d0c7e9a4b21
Revises: d9381c8a17f5
Create Date: 2026-12-02 23:05:00.000000
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = '5d0c7e9a4b21'
down_revision = 'd9381c8a17f5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_regency', sa.String(length=5), nullable=True))
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=True))
    op.create_table('interview_slots',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('officer', sa.String(length=120), nullable=False),
    sa.Column('starts_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('interview_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interview_slots')),
    sa.UniqueConstraint('interview_id', name=op.f('uq_interview_slots_interview_id')),
    sa.UniqueConstraint('officer', 'starts_at', name=op.f('uq_interview_slots_officer'))
    )
    with op.batch_alter_table('interview_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_slots_officer'), ['officer'], unique=False)
        batch_op.create_index(batch_op.f('ix_interview_slots_starts_at'), ['starts_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('interview_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_slots_starts_at'))
        batch_op.drop_index(batch_op.f('ix_interview_slots_officer'))
    op.drop_table('interview_slots')
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('office_regency')
