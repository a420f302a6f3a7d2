"""回避 from relationships: an expert's organisation history and declared relatives/students,
co-authors of a representative work, and the experts a bidding team asks to keep off the panel.

`expert_profiles.affiliations` and `.relations` hold the person's lines as typed ("2019–2023
某某大学", "张三：学生"), `expert_works.authors` the co-authors ("张三, 李四"),
`proposals.declared_conflicts` the team's "姓名：理由" lines; parsed in challenge/models. Plain
ADD COLUMNs with an empty default on both databases.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 23:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('expert_profiles', sa.Column('affiliations', sa.Text(), server_default='',
                                               nullable=False))
    op.add_column('expert_profiles', sa.Column('relations', sa.Text(), server_default='',
                                               nullable=False))
    op.add_column('expert_works', sa.Column('authors', sa.Text(), server_default='',
                                            nullable=False))
    op.add_column('proposals', sa.Column('declared_conflicts', sa.Text(), server_default='',
                                         nullable=False))


def downgrade():
    op.drop_column('proposals', 'declared_conflicts')
    op.drop_column('expert_works', 'authors')
    op.drop_column('expert_profiles', 'relations')
    op.drop_column('expert_profiles', 'affiliations')
