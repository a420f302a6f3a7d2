"""deadlines: a panel's due date, reminders sent to reviewers, the bureau's reviewer ratings

`challenges.review_due_on` is the panel's due date (a local day; NULL until the first seat or
the bureau sets it). `review_reminders` keeps one row per seat and kind ("before", "due") so a
reminder goes out once. `reviewer_ratings` is the bureau's rating of a reviewer per panel
(timeliness and quality, 1–5). Plain ADD COLUMN / CREATE TABLE on both databases.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 23:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('challenges', sa.Column('review_due_on', sa.Date(), nullable=True))
    op.create_table(
        'review_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                                name=op.f('fk_review_reminders_challenge_id_challenges')),
        sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'],
                                name=op.f('fk_review_reminders_reviewer_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_reminders')),
        sa.UniqueConstraint('challenge_id', 'reviewer_id', 'kind',
                            name=op.f('uq_review_reminders_challenge_id')),
    )
    op.create_index(op.f('ix_review_reminders_challenge_id'), 'review_reminders', ['challenge_id'])
    op.create_index(op.f('ix_review_reminders_reviewer_id'), 'review_reminders', ['reviewer_id'])
    op.create_table(
        'reviewer_ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('timeliness', sa.Integer(), nullable=False),
        sa.Column('quality', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('rated_by_id', sa.Integer(), nullable=False),
        sa.Column('rated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('timeliness BETWEEN 1 AND 5', name=op.f('ck_reviewer_ratings_timeliness_range')),
        sa.CheckConstraint('quality BETWEEN 1 AND 5', name=op.f('ck_reviewer_ratings_quality_range')),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                                name=op.f('fk_reviewer_ratings_challenge_id_challenges')),
        sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'],
                                name=op.f('fk_reviewer_ratings_reviewer_id_users')),
        sa.ForeignKeyConstraint(['rated_by_id'], ['users.id'],
                                name=op.f('fk_reviewer_ratings_rated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewer_ratings')),
        sa.UniqueConstraint('challenge_id', 'reviewer_id',
                            name=op.f('uq_reviewer_ratings_challenge_id')),
    )
    op.create_index(op.f('ix_reviewer_ratings_challenge_id'), 'reviewer_ratings', ['challenge_id'])
    op.create_index(op.f('ix_reviewer_ratings_reviewer_id'), 'reviewer_ratings', ['reviewer_id'])


def downgrade():
    op.drop_table('reviewer_ratings')
    op.drop_table('review_reminders')
    op.drop_column('challenges', 'review_due_on')
