"""评估后前置兑现: a 榜's advance share and cap, and the ledger's `advance` lines

`challenges.advance_share_bp` / `advance_cap_fen` (plain ADD COLUMNs, 0 = no advance).
The ledger's kind CHECK (ck_ledger_entries_entrykind, migration 0013) is replaced by one that
also admits 'advance'. SQLite changes a CHECK only by rebuilding the table (batch mode); the
rebuild drops the ledger's append-only triggers, so they are read from sqlite_master before and
put back as they were (as 0013 does). PostgreSQL drops and adds the constraint.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 23:55:00

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('payment', 'reversal', 'receivable', 'recovered')"
KINDS_AFTER = "kind IN ('payment', 'reversal', 'receivable', 'recovered', 'advance')"
NAME = 'ck_ledger_entries_entrykind'


@contextmanager
def _sqlite_rebuild_keeping(bind, table):
    """Put back *table*'s triggers and indexes exactly as they were after a batch rebuild."""
    def schema():
        return {(kind, name): sql for kind, name, sql in bind.execute(sa.text(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = :t "
            "AND type IN ('index', 'trigger') AND sql IS NOT NULL"), {"t": table})}

    before = schema()
    yield
    after = schema()
    for (kind, name), sql in before.items():
        if after.get((kind, name)) == sql:
            continue
        if (kind, name) in after:
            bind.execute(sa.text(f"DROP {kind.upper()} {name}"))
        bind.execute(sa.text(sql))


def _replace_kind_check(condition):
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        with _sqlite_rebuild_keeping(bind, 'ledger_entries'):
            with op.batch_alter_table('ledger_entries', recreate='always') as batch_op:
                batch_op.drop_constraint(op.f(NAME), type_='check')
                batch_op.create_check_constraint(op.f(NAME), sa.text(condition))
    else:
        op.drop_constraint(op.f(NAME), 'ledger_entries', type_='check')
        op.create_check_constraint(op.f(NAME), 'ledger_entries', sa.text(condition))


def upgrade():
    op.add_column('challenges', sa.Column('advance_share_bp', sa.Integer(), server_default='0',
                                          nullable=False))
    op.add_column('challenges', sa.Column('advance_cap_fen', sa.BigInteger(), server_default='0',
                                          nullable=False))
    _replace_kind_check(KINDS_AFTER)


def downgrade():
    n = op.get_bind().execute(sa.text(
        "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'advance'")).scalar()
    if n:
        raise RuntimeError(f"migration 0018_advance stops: {n} advance line(s) in the ledger")
    _replace_kind_check(KINDS_BEFORE)
    op.drop_column('challenges', 'advance_cap_fen')
    op.drop_column('challenges', 'advance_share_bp')
