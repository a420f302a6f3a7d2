"""panel draws: the record of each random draw of a 榜's panel

One row per draw (challenge/reviewing/draw.py): the candidate pool in order with match scores,
the audit chain head the seed came from, the seed, the algorithm and who was drawn; it names the
audit event "draw" that carries the same values. A plain CREATE TABLE on both databases.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 23:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'panel_draws',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        sa.Column('drawn_by_id', sa.Integer(), nullable=False),
        sa.Column('drawn_at', sa.DateTime(), nullable=False),
        sa.Column('audit_event_id', sa.Integer(), nullable=False),
        sa.Column('algorithm', sa.String(length=40), nullable=False),
        sa.Column('chain_head', sa.String(length=64), nullable=False),
        sa.Column('seed', sa.String(length=64), nullable=False),
        sa.Column('pool_size', sa.Integer(), nullable=False),
        sa.Column('seats', sa.Integer(), nullable=False),
        sa.Column('candidates', sa.JSON(), nullable=False),
        sa.Column('drawn', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                                name=op.f('fk_panel_draws_challenge_id_challenges')),
        sa.ForeignKeyConstraint(['drawn_by_id'], ['users.id'],
                                name=op.f('fk_panel_draws_drawn_by_id_users')),
        sa.ForeignKeyConstraint(['audit_event_id'], ['audit_events.id'],
                                name=op.f('fk_panel_draws_audit_event_id_audit_events')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_draws')),
        sa.UniqueConstraint('audit_event_id', name=op.f('uq_panel_draws_audit_event_id')),
    )
    op.create_index(op.f('ix_panel_draws_challenge_id'), 'panel_draws', ['challenge_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_panel_draws_challenge_id'), table_name='panel_draws')
    op.drop_table('panel_draws')
