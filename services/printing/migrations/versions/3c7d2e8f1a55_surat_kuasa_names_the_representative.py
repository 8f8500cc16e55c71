"""powers_of_attorney: the representative the surat kuasa names

Revision ID: 3c7d2e8f1a55
Revises: 9f2b6c1d8e40
Create Date: 2026-12-02 23:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = '3c7d2e8f1a55'
down_revision = '9f2b6c1d8e40'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('powers_of_attorney', schema=None) as batch_op:
        batch_op.add_column(sa.Column('representative_nik_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('representative', ektp_shared.db.EncryptedJSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('powers_of_attorney', schema=None) as batch_op:
        batch_op.drop_column('representative')
        batch_op.drop_column('representative_nik_hash')
