"""invariants: CHECK constraints on enum columns and on state <-> time-stamp pairs; unique
bid versions and indicator answers

Every enum column (stored as VARCHAR by value) gets a named CHECK that it holds one of the
enum's values (ck_<table>_<enum>), and a state that the door reaches only by stamping a time
gets a CHECK that the stamp is there (ck_<table>_<stamp>_stamped): a published 榜 has its
published_at and deadline_at, a submitted bid its submitted_at, a signed contract its signed_at,
an answered objection its answered_at, and so on (challenge.models, `stamped`).
proposal_versions(proposal_id, number) and indicator_responses(proposal_id, indicator_id)
become unique.

Rows already breaking one of these are not repaired or deduplicated: which duplicate answer or
version is the true one is a judgement, not a migration's. The upgrade counts them first and
stops with the table, the constraint and the number of rows, changing nothing.

SQLite adds a CHECK only by rebuilding the table (batch mode, foreign keys off as migrations/
env.py arranges); the rebuild of users also makes session_token NOT NULL there, as 0011 did on
PostgreSQL. A rebuild loses the table's triggers (the ledger's append-only guards) and
the WHERE of its partial indexes, so both are read from sqlite_master before and restored as
they were. PostgreSQL adds each constraint with ALTER TABLE.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 17:00:00

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

CHECKS = {
    'organizations': [
        ('ck_organizations_orgtype',
         "type IN ('enterprise', 'university', 'institute', 'other')"),
        ('ck_organizations_orgstate',
         "state IN ('pending', 'verified', 'returned')"),
        ('ck_organizations_verified_stamped',
         "state NOT IN ('verified') OR (verified_at IS NOT NULL)"),
    ],
    'users': [
        ('ck_users_role',
         "role IN ('enterprise', 'solver', 'reviewer', 'admin')"),
    ],
    'challenges': [
        ('ck_challenges_challengekind',
         "kind IN ('chokepoint', 'import_substitution', 'industry_shortage', 'other')"),
        ('ck_challenges_fundingmode',
         "funding_mode IN ('reward', 'milestone', 'horse_race', 'post_funding')"),
        ('ck_challenges_confidentiality',
         "confidentiality IN ('public', 'desensitized', 'directed')"),
        ('ck_challenges_challengestate',
         "state IN ('draft', 'screening', 'open', 'reviewing', 'publicity', 'contracted', 'accepted', 'awarded', 'closed', 'unclaimed', 'withdrawn', 'failed')"),
        ('ck_challenges_published_stamped',
         "state NOT IN ('open', 'reviewing', 'publicity', 'contracted', 'accepted', 'awarded', 'closed', 'unclaimed', 'failed') OR (published_at IS NOT NULL AND deadline_at IS NOT NULL)"),
        ('ck_challenges_submitted_stamped',
         "state NOT IN ('screening', 'open', 'reviewing', 'publicity', 'contracted', 'accepted', 'awarded', 'closed', 'unclaimed', 'failed') OR (submitted_at IS NOT NULL)"),
        ('ck_challenges_publicity_stamped',
         "state NOT IN ('publicity') OR (publicity_ends_at IS NOT NULL)"),
        ('ck_challenges_contracted_stamped',
         "state NOT IN ('contracted', 'accepted', 'awarded', 'closed') OR (contracted_at IS NOT NULL)"),
        ('ck_challenges_accepted_stamped',
         "state NOT IN ('accepted', 'awarded', 'closed') OR (accepted_at IS NOT NULL)"),
        ('ck_challenges_ended_stamped',
         "state NOT IN ('closed', 'failed') OR (ended_at IS NOT NULL)"),
    ],
    'org_join_requests': [
        ('ck_org_join_requests_joinstate',
         "state IN ('pending', 'approved', 'refused')"),
        ('ck_org_join_requests_decided_stamped',
         "state NOT IN ('approved', 'refused') OR (decided_at IS NOT NULL)"),
    ],
    'access_grants': [
        ('ck_access_grants_accessstate',
         "state IN ('requested', 'granted', 'refused')"),
        ('ck_access_grants_decided_stamped',
         "state NOT IN ('granted', 'refused') OR (decided_at IS NOT NULL)"),
    ],
    'expert_works': [
        ('ck_expert_works_workkind',
         "kind IN ('paper', 'patent', 'project', 'other')"),
    ],
    'objections': [
        ('ck_objections_objectionstate',
         "state IN ('open', 'upheld', 'dismissed')"),
        ('ck_objections_answered_stamped',
         "state NOT IN ('upheld', 'dismissed') OR (answered_at IS NOT NULL)"),
    ],
    'proposals': [
        ('ck_proposals_proposalstate',
         "state IN ('draft', 'submitted', 'qualified', 'disqualified', 'selected', 'not_selected', 'withdrawn')"),
        ('ck_proposals_submitted_stamped',
         "state NOT IN ('submitted', 'qualified', 'disqualified', 'selected', 'not_selected') OR (submitted_at IS NOT NULL)"),
    ],
    'review_assignments': [
        ('ck_review_assignments_panelseatstate',
         "state IN ('assigned', 'declined')"),
        ('ck_review_assignments_declined_stamped',
         "state NOT IN ('declined') OR (declined_at IS NOT NULL)"),
    ],
    'contracts': [
        ('ck_contracts_fundingmode',
         "funding_mode IN ('reward', 'milestone', 'horse_race', 'post_funding')"),
        ('ck_contracts_contractstate',
         "state IN ('draft', 'active', 'accepted', 'eliminated', 'failed')"),
        ('ck_contracts_failurerule',
         "failure_rule IN ('terminate', 'withhold', 'recover')"),
        ('ck_contracts_signed_stamped',
         "state NOT IN ('active', 'accepted', 'eliminated') OR (signed_at IS NOT NULL)"),
        ('ck_contracts_ended_stamped',
         "state NOT IN ('accepted', 'eliminated', 'failed') OR (ended_at IS NOT NULL)"),
    ],
    'reviews': [
        ('ck_reviews_reviewstate',
         "state IN ('draft', 'submitted')"),
        ('ck_reviews_submitted_stamped',
         "state NOT IN ('submitted') OR (submitted_at IS NOT NULL)"),
    ],
    'acceptances': [
        ('ck_acceptances_acceptancestate',
         "state IN ('draft', 'submitted', 'signed_off', 'passed', 'failed')"),
    ],
    'contract_milestones': [
        ('ck_contract_milestones_milestonestate',
         "state IN ('pending', 'reported', 'returned', 'confirmed', 'approved', 'cancelled')"),
    ],
    'ledger_entries': [
        ('ck_ledger_entries_entrykind',
         "kind IN ('payment', 'reversal', 'receivable', 'recovered')"),
        ('ck_ledger_entries_payer',
         "payer IN ('enterprise', 'government')"),
    ],
}

UNIQUES = {
    'proposal_versions': ('uq_proposal_versions_proposal_number', ['proposal_id', 'number']),
    'indicator_responses': ('uq_indicator_responses_proposal_indicator',
                            ['proposal_id', 'indicator_id']),
}


def _refuse_broken_rows(bind):
    """Stop before changing anything when a row already breaks a constraint to be added."""
    broken = []
    for table, checks in CHECKS.items():
        for name, condition in checks:
            n = bind.execute(sa.text(f"SELECT COUNT(*) FROM {table} WHERE NOT ({condition})")).scalar()
            if n:
                broken.append(f"{n} row(s) of {table} break {name} ({condition})")
    for table, (name, columns) in UNIQUES.items():
        listed = ", ".join(columns)
        n = bind.execute(sa.text(
            f"SELECT COUNT(*) FROM (SELECT {listed} FROM {table} GROUP BY {listed} "
            f"HAVING COUNT(*) > 1) AS duplicated")).scalar()
        if n:
            broken.append(f"{n} duplicated ({listed}) in {table} break {name}")
    if broken:
        raise RuntimeError("migration 0013 stops, nothing changed; fix these rows first:\n  "
                           + "\n  ".join(broken))


@contextmanager
def _sqlite_rebuild_keeping(bind, table):
    """Around a batch rebuild of *table* on SQLite: put back its triggers and partial indexes
    exactly as they were (a rebuild drops the triggers and may lose an index's WHERE)."""
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


def upgrade():
    bind = op.get_bind()
    _refuse_broken_rows(bind)
    sqlite = bind.dialect.name == 'sqlite'
    for table in [*CHECKS, *UNIQUES]:
        checks = CHECKS.get(table, [])
        unique = UNIQUES.get(table)
        if sqlite:
            with _sqlite_rebuild_keeping(bind, table):
                with op.batch_alter_table(table, recreate='always') as batch_op:
                    for name, condition in checks:
                        batch_op.create_check_constraint(op.f(name), sa.text(condition))
                    if unique:
                        batch_op.create_unique_constraint(op.f(unique[0]), unique[1])
                    if table == 'users':  # what 0011 left to this rebuild (PostgreSQL has it)
                        batch_op.alter_column('session_token', existing_type=sa.String(length=64),
                                              nullable=False)
        else:
            for name, condition in checks:
                op.create_check_constraint(op.f(name), table, sa.text(condition))
            if unique:
                op.create_unique_constraint(op.f(unique[0]), table, unique[1])


def downgrade():
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    for table in [*CHECKS, *UNIQUES]:
        names = [name for name, _condition in CHECKS.get(table, [])]
        unique = UNIQUES.get(table)
        if sqlite:
            with _sqlite_rebuild_keeping(bind, table):
                with op.batch_alter_table(table, recreate='always') as batch_op:
                    for name in names:
                        batch_op.drop_constraint(op.f(name), type_='check')
                    if unique:
                        batch_op.drop_constraint(op.f(unique[0]), type_='unique')
        else:
            for name in names:
                op.drop_constraint(op.f(name), table, type_='check')
            if unique:
                op.drop_constraint(op.f(unique[0]), table, type_='unique')
