"""fingerprint verified at pickup: each check's result, and the handover's verdict

Revision ID: 5d8e3a7c2b19
Revises: ffa5b14b7f61
Create Date: 2026-12-03 07:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = '5d8e3a7c2b19'
down_revision = 'ffa5b14b7f61'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fingerprint_checks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('match', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.Float(), nullable=False),
    sa.Column('fmr', sa.Float(), nullable=False),
    sa.Column('target_fmr', sa.Float(), nullable=False),
    sa.Column('checked_by', sa.String(length=80), nullable=False),
    sa.Column('checked_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['cards.application_id'], name=op.f('fk_fingerprint_checks_application_id_cards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fingerprint_checks'))
    )
    with op.batch_alter_table('fingerprint_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fingerprint_checks_application_id'), ['application_id'], unique=False)

    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('fingerprint_override', ektp_shared.db.EncryptedText(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_column('fingerprint_override')
        batch_op.drop_column('fingerprint')

    with op.batch_alter_table('fingerprint_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fingerprint_checks_application_id'))

    op.drop_table('fingerprint_checks')
