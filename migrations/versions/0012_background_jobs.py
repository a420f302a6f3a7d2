"""jobs: periodic-job leases, background exports, outbox claims

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 13:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('slot', sa.BigInteger(), nullable=False),
        sa.Column('node', sa.String(length=120), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('result', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
        sa.UniqueConstraint('name', 'slot', name='uq_job_runs_name_slot'),
    )
    op.create_index(op.f('ix_job_runs_started_at'), 'job_runs', ['started_at'], unique=False)
    op.create_table(
        'export_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('table', sa.String(length=40), nullable=False),
        sa.Column('fmt', sa.String(length=8), nullable=False),
        sa.Column('args', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('fallback', sa.String(length=200), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_export_jobs_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs')),
    )
    op.create_index(op.f('ix_export_jobs_requested_by_id'), 'export_jobs', ['requested_by_id'],
                    unique=False)
    op.create_index(op.f('ix_export_jobs_created_at'), 'export_jobs', ['created_at'], unique=False)
    op.add_column('outbound_emails', sa.Column('claimed_at', sa.DateTime(), nullable=True))
    op.add_column('outbound_emails', sa.Column('claimed_by', sa.String(length=64), nullable=False,
                                               server_default=''))


def downgrade():
    op.execute('ALTER TABLE outbound_emails DROP COLUMN claimed_by')
    op.execute('ALTER TABLE outbound_emails DROP COLUMN claimed_at')
    op.drop_index(op.f('ix_export_jobs_created_at'), table_name='export_jobs')
    op.drop_index(op.f('ix_export_jobs_requested_by_id'), table_name='export_jobs')
    op.drop_table('export_jobs')
    op.drop_index(op.f('ix_job_runs_started_at'), table_name='job_runs')
    op.drop_table('job_runs')
