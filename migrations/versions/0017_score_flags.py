"""score anomalies: when a reviewer first opened a bid's score page, and the bureau's
acknowledgements of the anomalies flagged on a 榜's decision page

`review_openings` gives a review's writing time a start (the review row is created at its first
save); `flag_acknowledgements` holds one reason per flag, which the decision waits for. Plain
CREATE TABLEs on both databases.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 23:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'review_openings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id']),
        sa.ForeignKeyConstraint(['reviewer_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('proposal_id', 'reviewer_id'),
    )
    op.create_index('ix_review_openings_proposal_id', 'review_openings', ['proposal_id'])
    op.create_index('ix_review_openings_reviewer_id', 'review_openings', ['reviewer_id'])
    op.create_table(
        'flag_acknowledgements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        sa.Column('flag_key', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('flag_text', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('acknowledged_by_id', sa.Integer(), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id']),
        sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('challenge_id', 'flag_key'),
    )
    op.create_index('ix_flag_acknowledgements_challenge_id', 'flag_acknowledgements',
                    ['challenge_id'])


def downgrade():
    op.drop_index('ix_flag_acknowledgements_challenge_id', table_name='flag_acknowledgements')
    op.drop_table('flag_acknowledgements')
    op.drop_index('ix_review_openings_reviewer_id', table_name='review_openings')
    op.drop_index('ix_review_openings_proposal_id', table_name='review_openings')
    op.drop_table('review_openings')
