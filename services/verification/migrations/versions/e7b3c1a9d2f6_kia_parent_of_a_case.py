"""KIA: the applying parent of a child's card case

Revision ID: e7b3c1a9d2f6
Revises: 5d0c7e9a4b21
Create Date: 2026-12-03 07:05:00.000000
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = 'e7b3c1a9d2f6'
down_revision = '5d0c7e9a4b21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent', ektp_shared.db.EncryptedJSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('parent')
