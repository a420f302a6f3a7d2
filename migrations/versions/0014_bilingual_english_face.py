"""bilingual 榜: the English face (title_en, summary_en, each indicator's name_en) and the
面向全球发布 flag (worldwide)

All optional: existing rows get empty English text and are not worldwide. The English face is
part of the public face (title, summary); an indicator's English name is shown wherever its
Chinese name is (the body of a confidential 榜 stays the body).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 20:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (SQLite too): no table rebuild, so triggers and partial indexes stay.
    op.add_column('challenges', sa.Column('title_en', sa.String(length=200), nullable=False,
                                          server_default=''))
    op.add_column('challenges', sa.Column('summary_en', sa.Text(), nullable=False,
                                          server_default=''))
    op.add_column('challenges', sa.Column('worldwide', sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
    op.add_column('challenge_indicators', sa.Column('name_en', sa.String(length=200),
                                                    nullable=False, server_default=''))


def downgrade():
    op.drop_column('challenge_indicators', 'name_en')
    op.drop_column('challenges', 'worldwide')
    op.drop_column('challenges', 'summary_en')
    op.drop_column('challenges', 'title_en')
