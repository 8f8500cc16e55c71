"""KIA: the applying parent, and the card holder's NIK hash (the child's) that one-active-application-per-NIK uses

Revision ID: c5e2a9d4f1b3
Revises: a4c2375dc517
Create Date: 2026-12-03 07:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = 'c5e2a9d4f1b3'
down_revision = 'a4c2375dc517'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent', ektp_shared.db.EncryptedJSON(), nullable=True))
        batch_op.add_column(sa.Column('holder_hash', sa.String(length=64), nullable=True))
    # Every application so far is an e-KTP: its holder is the citizen who applied.
    op.execute("UPDATE applications SET holder_hash = nik_hash")
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.alter_column('holder_hash', existing_type=sa.String(length=64), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('holder_hash')
        batch_op.drop_column('parent')
