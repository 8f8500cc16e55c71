"""fees and payments: the per-regency fee table, its audit, and payment attempts (issue 16)

Revision ID: a4c2375dc517
Revises: b3e1f0c2a716
Create Date: 2026-12-03 04:08:17.779448
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = 'a4c2375dc517'
down_revision = 'b3e1f0c2a716'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fee_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('before', sa.Integer(), nullable=False),
    sa.Column('after', sa.Integer(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('at', ektp_shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_changes'))
    )
    with op.batch_alter_table('fee_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_changes_regency_code'), ['regency_code'], unique=False)

    op.create_table('fees',
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('rupiah', sa.Integer(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=True),
    sa.Column('updated_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('regency_code', 'kind', name=op.f('pk_fees'))
    )
    op.create_table('payments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('rupiah', sa.Integer(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('pay_url', sa.Text(), nullable=True),
    sa.Column('transaction_status', sa.String(length=20), nullable=True),
    sa.Column('transaction_id', sa.String(length=64), nullable=True),
    sa.Column('payment_type', sa.String(length=40), nullable=True),
    sa.Column('paid_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_payments_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_application_id'), ['application_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_application_id'))

    op.drop_table('payments')
    op.drop_table('fees')
    with op.batch_alter_table('fee_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_changes_regency_code'))
    op.drop_table('fee_changes')
