"""review integrity (part blind): the reviewer pledge and blind scoring per 榜

`review_pledges` holds one signed 评审承诺书 per panel seat, with the text as it was signed
(the bids and a confidential body open to the seat only after it). `challenges.blind_review`
is the bureau's 盲评 switch: while set, reviewers see neither bidding organisations nor team
names until every review is in. A CREATE TABLE and a plain ADD COLUMN on both databases.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 23:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('challenges', sa.Column('blind_review', sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
    op.create_table('review_pledges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seat_id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_review_pledges_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_review_pledges_reviewer_id_users')),
    sa.ForeignKeyConstraint(['seat_id'], ['review_assignments.id'], name=op.f('fk_review_pledges_seat_id_review_assignments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_pledges')),
    sa.UniqueConstraint('seat_id', name=op.f('uq_review_pledges_seat_id'))
    )
    with op.batch_alter_table('review_pledges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_pledges_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_pledges_reviewer_id'), ['reviewer_id'], unique=False)


def downgrade():
    op.drop_table('review_pledges')
    op.drop_column('challenges', 'blind_review')
