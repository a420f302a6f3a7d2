"""third-party professional bodies: the body role, appointments to a 榜, findings and their
indicator rows and test reports

`users.role` may now be 'body' (第三方专业机构): its CHECK (ck_users_role, migration 0013) is
dropped and created again with the new value; SQLite does that by rebuilding users (batch mode),
keeping its triggers and partial indexes as 0013 does. The four new tables are plain CREATE
TABLEs on both databases.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 00:10:00

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('enterprise', 'solver', 'reviewer', 'admin')"
ROLES_AFTER = "role IN ('enterprise', 'solver', 'reviewer', 'admin', 'body')"
PURPOSES = "purpose IN ('screening', 'acceptance', 'evaluation')"


@contextmanager
def _sqlite_rebuild_keeping(bind, table):
    """Around a batch rebuild of *table* on SQLite: put back its triggers and partial indexes
    exactly as they were (as migration 0013 does)."""
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


def _role_check(condition):
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        with _sqlite_rebuild_keeping(bind, 'users'):
            with op.batch_alter_table('users', recreate='always') as batch_op:
                batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
                batch_op.create_check_constraint(op.f('ck_users_role'), sa.text(condition))
    else:
        op.drop_constraint(op.f('ck_users_role'), 'users', type_='check')
        op.create_check_constraint(op.f('ck_users_role'), 'users', sa.text(condition))


def upgrade():
    _role_check(ROLES_AFTER)
    op.create_table(
        'body_appointments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        sa.Column('body_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=24), nullable=False),
        sa.Column('appointed_by_id', sa.Integer(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(PURPOSES, name=op.f('ck_body_appointments_bodypurpose')),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                                name=op.f('fk_body_appointments_challenge_id_challenges')),
        sa.ForeignKeyConstraint(['body_id'], ['users.id'],
                                name=op.f('fk_body_appointments_body_id_users')),
        sa.ForeignKeyConstraint(['appointed_by_id'], ['users.id'],
                                name=op.f('fk_body_appointments_appointed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_body_appointments')),
        sa.UniqueConstraint('challenge_id', 'body_id', 'purpose',
                            name=op.f('uq_body_appointments_challenge_id')),
    )
    op.create_index(op.f('ix_body_appointments_challenge_id'), 'body_appointments',
                    ['challenge_id'], unique=False)
    op.create_index(op.f('ix_body_appointments_body_id'), 'body_appointments', ['body_id'],
                    unique=False)
    op.create_table(
        'findings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=24), nullable=False),
        sa.Column('source', sa.String(length=24), nullable=False),
        sa.Column('body_id', sa.Integer(), nullable=True),
        sa.Column('panel_names', sa.String(length=300), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(length=24), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('final_passed', sa.Boolean(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(PURPOSES, name=op.f('ck_findings_bodypurpose')),
        sa.CheckConstraint("source IN ('body', 'panel')", name=op.f('ck_findings_findingsource')),
        sa.CheckConstraint("state IN ('submitted', 'adopted', 'overridden')",
                           name=op.f('ck_findings_findingstate')),
        sa.CheckConstraint("state NOT IN ('adopted', 'overridden') OR (decided_at IS NOT NULL)",
                           name=op.f('ck_findings_decided_stamped')),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                                name=op.f('fk_findings_challenge_id_challenges')),
        sa.ForeignKeyConstraint(['body_id'], ['users.id'], name=op.f('fk_findings_body_id_users')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_findings_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_findings')),
    )
    op.create_index(op.f('ix_findings_challenge_id'), 'findings', ['challenge_id'], unique=False)
    op.create_index(op.f('ix_findings_body_id'), 'findings', ['body_id'], unique=False)
    op.create_table(
        'finding_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('measured_value', sa.String(length=100), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], ondelete='CASCADE',
                                name=op.f('fk_finding_items_finding_id_findings')),
        sa.ForeignKeyConstraint(['indicator_id'], ['challenge_indicators.id'],
                                name=op.f('fk_finding_items_indicator_id_challenge_indicators')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_items')),
        sa.UniqueConstraint('finding_id', 'indicator_id',
                            name=op.f('uq_finding_items_finding_id')),
    )
    op.create_index(op.f('ix_finding_items_finding_id'), 'finding_items', ['finding_id'],
                    unique=False)
    op.create_table(
        'finding_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], ondelete='CASCADE',
                                name=op.f('fk_finding_files_finding_id_findings')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_finding_files_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_files')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_finding_files_stored_name')),
    )
    op.create_index(op.f('ix_finding_files_finding_id'), 'finding_files', ['finding_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_finding_files_finding_id'), table_name='finding_files')
    op.drop_table('finding_files')
    op.drop_index(op.f('ix_finding_items_finding_id'), table_name='finding_items')
    op.drop_table('finding_items')
    op.drop_index(op.f('ix_findings_body_id'), table_name='findings')
    op.drop_index(op.f('ix_findings_challenge_id'), table_name='findings')
    op.drop_table('findings')
    op.drop_index(op.f('ix_body_appointments_body_id'), table_name='body_appointments')
    op.drop_index(op.f('ix_body_appointments_challenge_id'), table_name='body_appointments')
    op.drop_table('body_appointments')
    n = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM users WHERE role = 'body'")).scalar()
    if n:  # which account to delete or turn into what is a judgement, not a migration's
        raise RuntimeError(f"downgrade stops: {n} body account(s) in users; remove them first")
    _role_check(ROLES_BEFORE)
