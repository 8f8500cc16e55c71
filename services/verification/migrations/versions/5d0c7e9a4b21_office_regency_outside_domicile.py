"""office_regency: the office an outside_domicile applicant chose; interviews.reminded_at

Revision ID: 5d0c7e9a4b21
Revises: 11c53aeeec3a
Create Date: 2026-12-02 23:05:00.000000
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = '5d0c7e9a4b21'
down_revision = '11c53aeeec3a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_regency', sa.String(length=5), nullable=True))
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('office_regency')
