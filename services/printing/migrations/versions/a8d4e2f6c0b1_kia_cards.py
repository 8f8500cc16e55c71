"""KIA: the document type of a card, the applying parent (named on the card, who collects it) and the child's photo

Revision ID: a8d4e2f6c0b1
Revises: 5d8e3a7c2b19
Create Date: 2026-12-03 07:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = 'a8d4e2f6c0b1'
down_revision = '5d8e3a7c2b19'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_type', sa.String(length=10), server_default='ektp', nullable=False))
        batch_op.add_column(sa.Column('parent', ektp_shared.db.EncryptedJSON(), nullable=True))
        batch_op.add_column(sa.Column('parent_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('photo', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_column('photo')
        batch_op.drop_column('parent_hash')
        batch_op.drop_column('parent')
        batch_op.drop_column('document_type')
