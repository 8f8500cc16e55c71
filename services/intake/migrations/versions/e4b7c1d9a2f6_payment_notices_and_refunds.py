"""payment notices and refunds: when the citizen was reminded of an unpaid fee, and the refund of a late payment

Revision ID: e4b7c1d9a2f6
Revises: c5e2a9d4f1b3
Create Date: 2026-12-03 10:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = 'e4b7c1d9a2f6'
down_revision = 'c5e2a9d4f1b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_reminded_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refund_state', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('refund_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('refund_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('refunded_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_payments_refund_state'), ['refund_state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_refund_state'))
        batch_op.drop_column('refunded_at')
        batch_op.drop_column('refund_error')
        batch_op.drop_column('refund_attempts')
        batch_op.drop_column('refund_state')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('payment_reminded_at')
