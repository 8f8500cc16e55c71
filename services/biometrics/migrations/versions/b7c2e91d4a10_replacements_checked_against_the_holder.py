"""replacements checked 1:1 against the holder's enrolment (by NIK hash)

Revision ID: b7c2e91d4a10
Revises: 4e1cf18d51a4
Create Date: 2026-12-03 07:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = 'b7c2e91d4a10'
down_revision = '4e1cf18d51a4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Enrolments made before this revision have neither: a later replacement of theirs finds no earlier
    # enrolment and is searched 1:N in full, as a card issued before the platform is.
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nik_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_enrolments_nik_hash'), ['nik_hash'], unique=False)

    with op.batch_alter_table('captures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder_check', ektp_shared.db.EncryptedJSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('captures', schema=None) as batch_op:
        batch_op.drop_column('holder_check')

    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolments_nik_hash'))
        batch_op.drop_column('kind')
        batch_op.drop_column('nik_hash')
