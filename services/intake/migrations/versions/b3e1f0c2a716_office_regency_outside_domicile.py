"""office_regency: the office an outside_domicile applicant chose

Revision ID: b3e1f0c2a716
Revises: 7a8c3dea2b90
Create Date: 2026-12-02 23:05:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'b3e1f0c2a716'
down_revision = '7a8c3dea2b90'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_regency', sa.String(length=5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('office_regency')
