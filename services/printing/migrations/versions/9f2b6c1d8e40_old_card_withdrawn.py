"""cards.old_card and cards.withdrawn_at: a replacement withdraws the old card

Revision ID: 9f2b6c1d8e40
Revises: 21a7b6bb4c9a
Create Date: 2026-12-02 23:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = '9f2b6c1d8e40'
down_revision = '21a7b6bb4c9a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('old_card', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('old_card')
