"""after a failure: diligence determinations, R&D spend receipts, integrity (失信) records and
their evidence files; the 榜's compensation cap; the ledger's new kind `compensation`

Four CREATE TABLEs and one ADD COLUMN on both databases. The ledger's kind CHECK
(ck_ledger_entries_entrykind, from 0013) must admit 'compensation': PostgreSQL drops and adds
it; SQLite can change a CHECK only by rebuilding the table, so, as 0013 does, its triggers (the
append-only guards) and partial indexes are read before the rebuild and put back as they were.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 00:00:00

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('payment', 'reversal', 'receivable', 'recovered', 'advance')"  # 0021
KINDS_AFTER = ("kind IN ('payment', 'reversal', 'receivable', 'recovered', 'advance', "
               "'compensation')")


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=24, create_constraint=True)


@contextmanager
def _sqlite_rebuild_keeping(bind, table):
    """Around a batch rebuild of *table* on SQLite: put back its triggers and partial indexes
    exactly as they were (0013's helper)."""
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


def _ledger_kinds(condition):
    bind = op.get_bind()
    name = op.f('ck_ledger_entries_entrykind')
    if bind.dialect.name == 'sqlite':
        with _sqlite_rebuild_keeping(bind, 'ledger_entries'):
            with op.batch_alter_table('ledger_entries', recreate='always') as batch_op:
                batch_op.drop_constraint(name, type_='check')
                batch_op.create_check_constraint(name, sa.text(condition))
    else:
        op.drop_constraint(name, 'ledger_entries', type_='check')
        op.create_check_constraint(name, 'ledger_entries', sa.text(condition))


def _file_columns():
    return [
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    ]


def upgrade():
    op.add_column('challenges', sa.Column('compensation_cap_fen', sa.BigInteger(), nullable=False,
                                          server_default='0'))
    op.create_table(
        'determinations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('verdict', _enum('diligence', 'diligent', 'negligent'), nullable=False),
        sa.Column('reasons', sa.Text(), nullable=False),
        sa.Column('determined_by', _enum('determinedby', 'expert_group', 'third_party'),
                  nullable=False),
        sa.Column('determiners', sa.String(length=500), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_determinations_contract_id_contracts')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_determinations_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_determinations')),
        sa.UniqueConstraint('contract_id', name=op.f('uq_determinations_contract_id')),
    )
    op.create_table(
        'spend_receipts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('spent_on', sa.Date(), nullable=False),
        *_file_columns(),
        sa.Column('verified_fen', sa.BigInteger(), nullable=True),
        sa.Column('verified_by_id', sa.Integer(), nullable=True),
        sa.Column('verified_at', sa.DateTime(), nullable=True),
        sa.Column('verify_note', sa.Text(), nullable=False),
        sa.CheckConstraint('amount_fen > 0', name=op.f('ck_spend_receipts_amount_positive')),
        sa.CheckConstraint('verified_fen IS NULL OR (verified_fen >= 0 AND verified_fen <= amount_fen)',
                           name=op.f('ck_spend_receipts_verified_within_claim')),
        sa.CheckConstraint('(verified_fen IS NULL) = (verified_at IS NULL)',
                           name=op.f('ck_spend_receipts_verified_stamped')),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_spend_receipts_contract_id_contracts')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_spend_receipts_uploaded_by_id_users')),
        sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'],
                                name=op.f('fk_spend_receipts_verified_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_spend_receipts')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_spend_receipts_stored_name')),
    )
    op.create_index(op.f('ix_spend_receipts_contract_id'), 'spend_receipts', ['contract_id'])
    op.create_table(
        'integrity_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('contract_id', sa.Integer(), nullable=True),
        sa.Column('grade', _enum('integritygrade', 'general', 'serious'), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=False),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('objection', sa.Text(), nullable=False),
        sa.Column('objected_by_id', sa.Integer(), nullable=True),
        sa.Column('objected_at', sa.DateTime(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('(organization_id IS NULL) != (user_id IS NULL)',
                           name=op.f('ck_integrity_records_one_party')),
        sa.CheckConstraint('expires_on > starts_on', name=op.f('ck_integrity_records_expires_after_start')),
        sa.CheckConstraint("(objection = '') = (objected_at IS NULL)",
                           name=op.f('ck_integrity_records_objection_stamped')),
        sa.CheckConstraint("(answer = '') = (answered_at IS NULL)",
                           name=op.f('ck_integrity_records_answer_stamped')),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_integrity_records_organization_id_organizations')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_integrity_records_user_id_users')),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_integrity_records_contract_id_contracts')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_integrity_records_recorded_by_id_users')),
        sa.ForeignKeyConstraint(['objected_by_id'], ['users.id'],
                                name=op.f('fk_integrity_records_objected_by_id_users')),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'],
                                name=op.f('fk_integrity_records_answered_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_integrity_records')),
    )
    op.create_index(op.f('ix_integrity_records_organization_id'), 'integrity_records',
                    ['organization_id'])
    op.create_index(op.f('ix_integrity_records_user_id'), 'integrity_records', ['user_id'])
    op.create_table(
        'diligence_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('determination_id', sa.Integer(), nullable=True),
        sa.Column('record_id', sa.Integer(), nullable=True),
        *_file_columns(),
        sa.CheckConstraint('(determination_id IS NULL) != (record_id IS NULL)',
                           name=op.f('ck_diligence_files_one_owner')),
        sa.ForeignKeyConstraint(['determination_id'], ['determinations.id'],
                                name=op.f('fk_diligence_files_determination_id_determinations')),
        sa.ForeignKeyConstraint(['record_id'], ['integrity_records.id'],
                                name=op.f('fk_diligence_files_record_id_integrity_records')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_diligence_files_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_diligence_files')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_diligence_files_stored_name')),
    )
    op.create_index(op.f('ix_diligence_files_determination_id'), 'diligence_files',
                    ['determination_id'])
    op.create_index(op.f('ix_diligence_files_record_id'), 'diligence_files', ['record_id'])
    _ledger_kinds(KINDS_AFTER)


def downgrade():
    _ledger_kinds(KINDS_BEFORE)  # stops on a compensation line: remove those first
    op.drop_table('diligence_files')
    op.drop_table('integrity_records')
    op.drop_table('spend_receipts')
    op.drop_table('determinations')
    op.drop_column('challenges', 'compensation_cap_fen')
