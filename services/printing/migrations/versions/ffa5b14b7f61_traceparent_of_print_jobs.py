"""traceparent of print jobs: a queued job is printed in the trace that queued it

Revision ID: ffa5b14b7f61
Revises: 3c7d2e8f1a55
Create Date: 2026-12-03 04:09:57.343921
"""
import sqlalchemy as sa
from alembic import op

revision = 'ffa5b14b7f61'
down_revision = '3c7d2e8f1a55'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('traceparent', sa.String(length=512), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.drop_column('traceparent')
