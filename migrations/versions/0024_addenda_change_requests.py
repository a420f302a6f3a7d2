"""changes: a 榜's deadline extensions and addenda (补充通知) and who viewed it, change requests
to a signed contract, and the contract's versions

Plain CREATE TABLEs on both databases; each enum column carries its named CHECK
(ck_<table>_<enum>) as the models declare it (migration 0013's convention).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 00:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'challenge_addenda',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('old_deadline_at', sa.DateTime(), nullable=True),
        sa.Column('new_deadline_at', sa.DateTime(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=False),
        sa.Column('notified', sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('extension', 'addendum')",
                           name=op.f('ck_challenge_addenda_addendumkind')),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                                name=op.f('fk_challenge_addenda_challenge_id_challenges')),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'],
                                name=op.f('fk_challenge_addenda_published_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_addenda')),
    )
    op.create_index(op.f('ix_challenge_addenda_challenge_id'), 'challenge_addenda',
                    ['challenge_id'], unique=False)
    op.create_table(
        'challenge_viewers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('first_viewed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                                name=op.f('fk_challenge_viewers_challenge_id_challenges')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_challenge_viewers_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_viewers')),
        sa.UniqueConstraint('challenge_id', 'user_id', name=op.f('uq_challenge_viewers_challenge_id')),
    )
    op.create_index(op.f('ix_challenge_viewers_challenge_id'), 'challenge_viewers',
                    ['challenge_id'], unique=False)
    op.create_table(
        'change_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('side', sa.String(length=24), nullable=False),
        sa.Column('state', sa.String(length=24), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('agreed_by_id', sa.Integer(), nullable=True),
        sa.Column('agreed_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint("side IN ('enterprise', 'solver', 'reviewer', 'admin')",
                           name=op.f('ck_change_requests_role')),
        sa.CheckConstraint("state IN ('proposed', 'agreed', 'approved', 'refused', 'withdrawn')",
                           name=op.f('ck_change_requests_changerequeststate')),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_change_requests_contract_id_contracts')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_change_requests_requested_by_id_users')),
        sa.ForeignKeyConstraint(['agreed_by_id'], ['users.id'],
                                name=op.f('fk_change_requests_agreed_by_id_users')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_change_requests_decided_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_change_requests')),
    )
    op.create_index(op.f('ix_change_requests_contract_id'), 'change_requests', ['contract_id'],
                    unique=False)
    op.create_table(
        'contract_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('change_request_id', sa.Integer(), nullable=True),
        sa.Column('terms', sa.JSON(), nullable=False),
        sa.Column('made_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_contract_versions_contract_id_contracts')),
        sa.ForeignKeyConstraint(['change_request_id'], ['change_requests.id'],
                                name=op.f('fk_contract_versions_change_request_id_change_requests')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_versions')),
        sa.UniqueConstraint('contract_id', 'number', name=op.f('uq_contract_versions_contract_id')),
    )
    op.create_index(op.f('ix_contract_versions_contract_id'), 'contract_versions', ['contract_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_contract_versions_contract_id'), table_name='contract_versions')
    op.drop_table('contract_versions')
    op.drop_index(op.f('ix_change_requests_contract_id'), table_name='change_requests')
    op.drop_table('change_requests')
    op.drop_index(op.f('ix_challenge_viewers_challenge_id'), table_name='challenge_viewers')
    op.drop_table('challenge_viewers')
    op.drop_index(op.f('ix_challenge_addenda_challenge_id'), table_name='challenge_addenda')
    op.drop_table('challenge_addenda')
