"""append-only tables hold against raw SQL; audit events hash-chained

Reserved in the chain so the trust work can proceed in parallel; filled in by its own commit.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 09:40:00

"""
from alembic import op  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
