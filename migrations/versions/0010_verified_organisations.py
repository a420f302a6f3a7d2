"""verified organisations and granted membership

Organisations get a verification state (pending / verified / returned, with the licence and
who verified when), users an org-admin flag, and two tables: join requests and e-mailed
invitations. Existing organisations were already trusted, so they become verified; the
earliest enterprise or solver account of each becomes its org admin.

Plain ADD COLUMN / CREATE TABLE only (no batch rebuild of organizations or users), so the
foreign keys and triggers of other tables are never touched.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 09:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ORG_COLUMNS = (
    sa.Column('state', sa.Enum('pending', 'verified', 'returned', name='orgstate', native_enum=False,
                               length=24, create_constraint=False),
              nullable=False, server_default='pending'),
    sa.Column('licence_name', sa.String(length=255), nullable=False, server_default=''),
    sa.Column('licence_stored', sa.String(length=64), nullable=False, server_default=''),
    sa.Column('licence_type', sa.String(length=120), nullable=False, server_default=''),
    sa.Column('licence_size', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('licence_uploaded_at', sa.DateTime(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=False, server_default=''),
)


def upgrade():
    for column in ORG_COLUMNS:
        op.add_column('organizations', column)
    op.create_index(op.f('ix_organizations_state'), 'organizations', ['state'], unique=False)
    op.add_column('users', sa.Column('org_admin', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))

    op.create_table('org_join_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'approved', 'refused', name='joinstate', native_enum=False, length=24), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_org_join_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_org_join_requests_organization_id_organizations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_org_join_requests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_join_requests'))
    )
    op.create_index(op.f('ix_org_join_requests_organization_id'), 'org_join_requests', ['organization_id'], unique=False)
    op.create_index(op.f('ix_org_join_requests_user_id'), 'org_join_requests', ['user_id'], unique=False)
    op.create_index('uq_org_join_requests_pending_user', 'org_join_requests', ['user_id'], unique=True,
                    sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))

    op.create_table('org_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=120), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_org_invitations_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_org_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_org_invitations_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_invitations')),
    sa.UniqueConstraint('nonce', name=op.f('uq_org_invitations_nonce'))
    )
    op.create_index(op.f('ix_org_invitations_email'), 'org_invitations', ['email'], unique=False)
    op.create_index(op.f('ix_org_invitations_organization_id'), 'org_invitations', ['organization_id'], unique=False)

    # Existing organisations were trusted before verification existed.
    op.execute("UPDATE organizations SET state = 'verified', verified_at = CURRENT_TIMESTAMP")
    # The earliest enterprise or solver account of each organisation administers it.
    op.execute(
        "UPDATE users SET org_admin = TRUE WHERE id IN ("
        " SELECT MIN(id) FROM users WHERE organization_id IS NOT NULL"
        " AND role IN ('enterprise', 'solver') GROUP BY organization_id)")


def downgrade():
    op.drop_index(op.f('ix_org_invitations_organization_id'), table_name='org_invitations')
    op.drop_index(op.f('ix_org_invitations_email'), table_name='org_invitations')
    op.drop_table('org_invitations')
    op.drop_index('uq_org_join_requests_pending_user', table_name='org_join_requests',
                  sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))
    op.drop_index(op.f('ix_org_join_requests_user_id'), table_name='org_join_requests')
    op.drop_index(op.f('ix_org_join_requests_organization_id'), table_name='org_join_requests')
    op.drop_table('org_join_requests')
    # A member waiting for approval has no organisation, so dropping the state loses nothing
    # another part relies on; dropping columns needs SQLite >= 3.35 (plain ALTER, no rebuild).
    op.drop_column('users', 'org_admin')
    op.drop_index(op.f('ix_organizations_state'), table_name='organizations')
    for column in reversed(ORG_COLUMNS):
        op.drop_column('organizations', column.name)
