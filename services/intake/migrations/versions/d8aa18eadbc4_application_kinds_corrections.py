"""application kinds, corrections, idempotency, access log

Revision ID: d8aa18eadbc4
Revises: 0a9446898800
Create Date: 2026-11-27 22:27:05.945739
"""
import sqlalchemy as sa
from alembic import op

import ektp_shared.db

revision = 'd8aa18eadbc4'
down_revision = '0a9446898800'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('at', ektp_shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_application_id'), ['application_id'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', ektp_shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_idempotency_keys'))
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changes', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('active_nik', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('residence', ektp_shared.db.EncryptedJSON(), nullable=True))
        batch_op.add_column(sa.Column('correction_round', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('corrections', ektp_shared.db.EncryptedJSON(), nullable=True))
        batch_op.add_column(sa.Column('correction_baseline', ektp_shared.db.EncryptedJSON(), nullable=True))
        batch_op.add_column(sa.Column('appointment', ektp_shared.db.EncryptedJSON(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_applications_active_nik'), ['active_nik'])

    # Applications submitted before this revision and not yet final keep blocking a second one for their NIK.
    op.execute("UPDATE applications SET active_nik = nik_hash "
               "WHERE status NOT IN ('DRAFT', 'REJECTED', 'COLLECTED', 'EXPIRED')")


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_applications_active_nik'), type_='unique')
        batch_op.drop_column('appointment')
        batch_op.drop_column('correction_baseline')
        batch_op.drop_column('corrections')
        batch_op.drop_column('correction_round')
        batch_op.drop_column('residence')
        batch_op.drop_column('active_nik')
        batch_op.drop_column('changes')

    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_created_at'))

    op.drop_table('idempotency_keys')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_application_id'))

    op.drop_table('access_log')
