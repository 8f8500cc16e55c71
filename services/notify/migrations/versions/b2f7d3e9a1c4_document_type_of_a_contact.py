"""KIA: the document type of a contact's application (a child's card's messages are addressed to the parent)

Revision ID: b2f7d3e9a1c4
Revises: 11c18a7c270e
Create Date: 2026-12-03 07:15:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'b2f7d3e9a1c4'
down_revision = '11c18a7c270e'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_type', sa.String(length=10), server_default='ektp', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('document_type')
