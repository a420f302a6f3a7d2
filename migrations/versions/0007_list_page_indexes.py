"""indexes for the list pages, the audit trail and the statistics at 100k 榜 / 1M audit events

Measured with bench/seed_big.py + bench/pages.py (see bench/README.md): each index serves a
page that sorted or scanned a large table without it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 18:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# name, table, columns
INDEXES = (
    # 榜单大厅 (newest first per state; kind counts and the field list read the index only),
    # the admin list's tabs and "all", the matcher's incremental sync (updated_at >= ...).
    ('ix_challenges_state_published', 'challenges', ['state', 'published_at']),
    ('ix_challenges_state_updated', 'challenges', ['state', 'updated_at']),
    ('ix_challenges_updated_at', 'challenges', ['updated_at']),
    ('ix_challenges_state_kind', 'challenges', ['state', 'kind', 'field', 'confidentiality']),
    # 结果公示 in 公示 order (the ids of a page come from the index alone).
    ('ix_challenges_state_publicity', 'challenges', ['state', 'publicity_ends_at', 'confidentiality']),
    # 审计日志: each filter with the trail's newest-first order.
    ('ix_audit_events_object_time', 'audit_events', ['object_type', 'object_id', 'occurred_at']),
    ('ix_audit_events_type_time', 'audit_events', ['object_type', 'occurred_at']),
    ('ix_audit_events_actor_time', 'audit_events', ['actor_id', 'occurred_at']),
    ('ix_audit_events_action_time', 'audit_events', ['action', 'occurred_at']),
    # Periods of the statistics and exports (bids counted from the index alone); the bids of a
    # 榜 in a state; a reviewer's reviews per 榜.
    ('ix_reviews_submitted_at', 'reviews', ['submitted_at']),
    ('ix_reviews_reviewer_challenge', 'reviews', ['reviewer_id', 'challenge_id']),
    ('ix_review_assignments_assigned_at', 'review_assignments', ['assigned_at']),
    ('ix_proposals_submitted_at', 'proposals', ['submitted_at', 'state', 'challenge_id']),
    ('ix_proposals_challenge_state', 'proposals', ['challenge_id', 'state']),
)


def upgrade():
    # Plain CREATE INDEX (no batch table rebuild), so the audit trail's triggers stay in place.
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
