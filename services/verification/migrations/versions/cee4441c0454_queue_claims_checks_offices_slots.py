"""queue, claims, checks, offices, slots, interviews, adjudication

Revision ID: cee4441c0454
Revises: 2264f6dac4f4
Create Date: 2026-11-27 22:32:53.761942
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = 'cee4441c0454'
down_revision = '2264f6dac4f4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('appointment_slots',
    sa.Column('office_code', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('office_code', 'day', 'position', name=op.f('pk_appointment_slots')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_appointment_slots_appointment_id'))
    )
    op.create_table('offices',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('serves', sa.String(length=13), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('timezone', sa.String(length=40), nullable=False),
    sa.Column('daily_capacity', sa.Integer(), nullable=False),
    sa.Column('opens', sa.String(length=5), nullable=False),
    sa.Column('closes', sa.String(length=5), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_offices'))
    )
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offices_serves'), ['serves'], unique=False)

    op.create_table('case_flags',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_flags_case_id_cases')),
    sa.PrimaryKeyConstraint('case_id', 'code', name=op.f('pk_case_flags'))
    )
    with op.batch_alter_table('case_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_flags_code'), ['code'], unique=False)

    op.create_table('interviews',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('starts_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('contact', ektp_shared.db.EncryptedJSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('outcome_notes', ektp_shared.db.EncryptedJSON(), nullable=True),
    sa.Column('scheduled_by', sa.String(length=120), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=True),
    sa.Column('created_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_interviews_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interviews'))
    )
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interviews_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=20), nullable=False, server_default='SCHEDULED'))
        batch_op.add_column(sa.Column('replaces', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_appointments_state'), ['state'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changes', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('state_since', ektp_shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resume_state', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('residence', ektp_shared.db.EncryptedJSON(), nullable=True))
        batch_op.add_column(sa.Column('findings', ektp_shared.db.EncryptedJSON(), nullable=True))
        batch_op.add_column(sa.Column('queued_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('priority', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('lease_expires_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('correction_rounds', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('proposed_rejection', ektp_shared.db.EncryptedJSON(), nullable=True))
        batch_op.add_column(sa.Column('expires_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('biometric_reference', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('candidates', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_queued_at'), ['queued_at'], unique=False)

    # Cases opened before this revision entered their state and the queue when they were opened. (Their
    # appointments have no slot rows: the next bookings do not see them, which only matters for old test data.)
    op.execute("UPDATE cases SET state_since = opened_at, queued_at = opened_at")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.alter_column('state_since', existing_type=ektp_shared.db.UTCDateTime(timezone=True), nullable=False)
        batch_op.alter_column('queued_at', existing_type=ektp_shared.db.UTCDateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_queued_at'))
        batch_op.drop_index(batch_op.f('ix_cases_kind'))
        batch_op.drop_index(batch_op.f('ix_cases_expires_at'))
        batch_op.drop_column('candidates')
        batch_op.drop_column('biometric_reference')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('proposed_rejection')
        batch_op.drop_column('correction_rounds')
        batch_op.drop_column('lease_expires_at')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('priority')
        batch_op.drop_column('queued_at')
        batch_op.drop_column('findings')
        batch_op.drop_column('residence')
        batch_op.drop_column('resume_state')
        batch_op.drop_column('state_since')
        batch_op.drop_column('changes')

    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointments_state'))
        batch_op.drop_column('replaces')
        batch_op.drop_column('state')

    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interviews_case_id'))

    op.drop_table('interviews')
    with op.batch_alter_table('case_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_flags_code'))

    op.drop_table('case_flags')
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offices_serves'))

    op.drop_table('offices')
    op.drop_table('appointment_slots')
