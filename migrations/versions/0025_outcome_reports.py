"""outcome reports: what came of an accepted contract, reported by the solver and the
enterprise 1 and 3 years after acceptance (issue 15 item 7). A plain CREATE TABLE.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 00:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outcome_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('party', sa.String(length=12), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('reminded_on', sa.Date(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('tech_contract_no', sa.String(length=60), nullable=False),
        sa.Column('tech_contract_fen', sa.BigInteger(), nullable=False),
        sa.Column('results_no', sa.String(length=60), nullable=False),
        sa.Column('patents_filed', sa.Integer(), nullable=False),
        sa.Column('patents_granted', sa.Integer(), nullable=False),
        sa.Column('products', sa.Text(), nullable=False),
        sa.Column('sales_fen', sa.BigInteger(), nullable=False),
        sa.Column('rd_spend_fen', sa.BigInteger(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("party IN ('solver', 'enterprise')", name='party_known'),
        sa.CheckConstraint('year IN (1, 3)', name='year_known'),
        sa.CheckConstraint('tech_contract_fen >= 0 AND sales_fen >= 0 AND rd_spend_fen >= 0',
                           name='money_nonnegative'),
        sa.CheckConstraint('patents_filed >= 0 AND patents_granted >= 0',
                           name='patents_nonnegative'),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id']),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id']),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('contract_id', 'party', 'year'),
    )
    for column in ('contract_id', 'organization_id', 'due_on', 'submitted_at'):
        op.create_index(f'ix_outcome_reports_{column}', 'outcome_reports', [column])


def downgrade():
    for column in ('contract_id', 'organization_id', 'due_on', 'submitted_at'):
        op.drop_index(f'ix_outcome_reports_{column}', table_name='outcome_reports')
    op.drop_table('outcome_reports')
