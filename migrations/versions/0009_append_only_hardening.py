"""append-only tables hold against raw SQL; audit events hash-chained

Each append-only table (the audit trail, the payments ledger and now the access log) gets the
full set of guards, whoever connects:
- UPDATE and DELETE refused (as since 0001 / 0006);
- SQLite: an INSERT whose key (primary key or any unique key) already exists is refused, because
  INSERT OR REPLACE / REPLACE INTO / UPSERT would otherwise delete the old row without firing the
  DELETE trigger (SQLite runs REPLACE's delete through triggers only with recursive_triggers);
- PostgreSQL: TRUNCATE refused (row triggers do not see it), also when it cascades from a parent.

Audit events gain prev_hash and hash (see AuditEvent, link_hash): the events already stored are
chained in id order, so an existing database verifies (`flask audit verify`).

The whole migration is one transaction on both databases (migrations/env.py), so it is never
left half-done with the guards dropped.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 09:40:00

"""
import sqlalchemy as sa
from alembic import op

from challenge.models.audit import GENESIS_HASH, link_hash
from challenge.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# Each append-only table and what a refusal says (the ORM guards say the same).
APPEND_ONLY = {
    "audit_events": "audit events are append-only",
    "ledger_entries": "the payments ledger is append-only",
    "access_logs": "the access log is append-only",
}
# The guards 0008 had: UPDATE and DELETE refused on these two (0001, 0006).
GUARDED_BEFORE = ("audit_events", "ledger_entries")
CHUNK = 5000


def upgrade():
    for table in GUARDED_BEFORE:
        drop_guards(table)  # the backfill below updates audit events; all come back at the end
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    chain_existing_events()
    # SQLite rebuilds the table here (NOT NULL, unique): its triggers are created after it.
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_prev_hash'), ['prev_hash'])
    for table in APPEND_ONLY:
        create_guards(table)


def downgrade():
    for table in APPEND_ONLY:
        drop_guards(table)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_prev_hash'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
    for table in GUARDED_BEFORE:
        create_guards(table, replace_and_truncate=False)


def chain_existing_events():
    """prev_hash and hash for every stored event, in id order, as `record` computes them."""
    events = sa.table(
        'audit_events', sa.column('id', sa.Integer), sa.column('occurred_at', UTCDateTime),
        sa.column('actor_id', sa.Integer), sa.column('object_type', sa.String),
        sa.column('object_id', sa.Integer), sa.column('action', sa.String),
        sa.column('from_state', sa.String), sa.column('to_state', sa.String),
        sa.column('reason', sa.Text), sa.column('changes', sa.JSON),
        sa.column('prev_hash', sa.String), sa.column('hash', sa.String))
    content = [c for c in events.c if c.name not in ('prev_hash', 'hash')]
    fill = (events.update().where(events.c.id == sa.bindparam('event_id'))
            .values(prev_hash=sa.bindparam('link_prev'), hash=sa.bindparam('link_hash')))
    bind = op.get_bind()
    prev_hash, last_id = GENESIS_HASH, None
    while True:
        query = sa.select(*content).order_by(events.c.id).limit(CHUNK)
        if last_id is not None:
            query = query.where(events.c.id > last_id)
        rows = bind.execute(query).mappings().all()
        if not rows:
            return
        links = []
        for row in rows:
            this_hash = link_hash(prev_hash, row)
            links.append({'event_id': row['id'], 'link_prev': prev_hash, 'link_hash': this_hash})
            prev_hash = this_hash
        bind.execute(fill, links)
        last_id = rows[-1]['id']


def create_guards(table, replace_and_truncate=True):
    message = APPEND_ONLY[table]
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{message}';
            END;
            $$ LANGUAGE plpgsql
        """)
        op.execute(f"""
            CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only()
        """)
        if replace_and_truncate:
            op.execute(f"""
                CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()
            """)
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"""
            CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
            BEGIN SELECT RAISE(ABORT, '{message}'); END
        """)
    if replace_and_truncate:
        clash = " OR ".join("(" + " AND ".join(f"{column} = NEW.{column}" for column in key) + ")"
                            for key in unique_keys(table))
        op.execute(f"""
            CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
            WHEN EXISTS (SELECT 1 FROM {table} WHERE {clash})
            BEGIN SELECT RAISE(ABORT, '{message}'); END
        """)


def drop_guards(table):
    if op.get_bind().dialect.name == "postgresql":
        for trigger in ("no_change", "no_truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    else:
        for trigger in ("no_update", "no_delete", "no_replace"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")


def unique_keys(table):
    """Every key a REPLACE could collide on: the primary key, unique constraints and indexes."""
    inspector = sa.inspect(op.get_bind())
    keys = [inspector.get_pk_constraint(table)['constrained_columns']]
    keys += [u['column_names'] for u in inspector.get_unique_constraints(table)]
    keys += [i['column_names'] for i in inspector.get_indexes(table) if i['unique']]
    return [key for n, key in enumerate(keys) if key and key not in keys[:n]]
