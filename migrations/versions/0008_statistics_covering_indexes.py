"""covering indexes for the statistics dashboard's period scans

Each period figure starts from the stamp that puts a row in the period and needs a few more
columns (type, field, issuer, amounts, state, reviewer). With those columns in the index the
scan never visits the wide table rows (a 榜's description, a review's comments): measured with
bench/pages.py at 100k 榜 / 300k bids / 620k reviews, the dashboard's SQL for this year went
from ~430 ms to ~200 ms on SQLite. The single-column indexes they extend are dropped: every
query that used one can use the wider index the same way (same leading column).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 20:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# name, table, columns
NEW = (
    # 征集 by state; 发布 and 签约 (with amounts) by type / field / issuer; days to contract and
    # to acceptance.
    ('ix_challenges_submitted_state', 'challenges', ['submitted_at', 'state']),
    ('ix_challenges_published_scope', 'challenges', ['published_at', 'kind', 'field', 'issuer_org_id']),
    ('ix_challenges_contracted_scope', 'challenges',
     ['contracted_at', 'kind', 'field', 'issuer_org_id', 'bounty_fen', 'investment_fen', 'published_at']),
    ('ix_challenges_accepted_contracted', 'challenges', ['accepted_at', 'contracted_at']),
    # Reviews and seats of a period (drill-down lists, exports); reviewer workload, counted per
    # account inside its own index range; money paid in the period.
    ('ix_reviews_submitted_state', 'reviews', ['submitted_at', 'state', 'reviewer_id', 'challenge_id']),
    ('ix_review_assignments_assigned_state', 'review_assignments',
     ['assigned_at', 'state', 'reviewer_id', 'challenge_id']),
    ('ix_reviews_reviewer_state_time', 'reviews', ['reviewer_id', 'state', 'submitted_at', 'challenge_id']),
    ('ix_review_assignments_reviewer_state_time', 'review_assignments',
     ['reviewer_id', 'state', 'assigned_at', 'challenge_id']),
    ('ix_ledger_entries_paid_on_kind', 'ledger_entries', ['paid_on', 'kind', 'payer', 'amount_fen', 'contract_id']),
)
OLD = (
    ('ix_challenges_published_at', 'challenges', ['published_at']),
    ('ix_challenges_contracted_at', 'challenges', ['contracted_at']),
    ('ix_challenges_accepted_at', 'challenges', ['accepted_at']),
    ('ix_reviews_submitted_at', 'reviews', ['submitted_at']),
    ('ix_review_assignments_assigned_at', 'review_assignments', ['assigned_at']),
    ('ix_ledger_entries_paid_on', 'ledger_entries', ['paid_on']),
)


def upgrade():
    # Plain CREATE / DROP INDEX (no batch table rebuild), so the ledger's triggers stay in place.
    for name, table, columns in NEW:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns in OLD:
        op.drop_index(name, table_name=table)


def downgrade():
    for name, table, columns in OLD:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns in reversed(NEW):
        op.drop_index(name, table_name=table)
