"""review panels: reviewer seats per 榜 and the panel size

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewers_required', sa.Integer(), server_default='3',
                                      nullable=False))
        batch_op.create_check_constraint('reviewers_required_positive', 'reviewers_required >= 1')

    op.create_table('review_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('assigned', 'declined', name='panelseatstate', native_enum=False, length=24), nullable=False),
    sa.Column('match_score', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.Column('declined_at', sa.DateTime(), nullable=True),
    sa.Column('conflict_note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_review_assignments_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_review_assignments_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_review_assignments_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_assignments')),
    sa.UniqueConstraint('challenge_id', 'reviewer_id', name=op.f('uq_review_assignments_challenge_id'))
    )
    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_assignments_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignments_reviewer_id'), ['reviewer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_assignments_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_review_assignments_challenge_id'))
    op.drop_table('review_assignments')
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_constraint('reviewers_required_positive', type_='check')
        batch_op.drop_column('reviewers_required')
