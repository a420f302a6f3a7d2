"""user locale: the language a user chose for the interface and their e-mails

`users.locale` holds "zh" or "en", or NULL (never chosen: the cookie or the browser's
Accept-Language decides, and e-mails go out in Chinese). A plain ADD COLUMN on both databases.

Revision ID: 0014_i18n
Revises: 0013
Create Date: 2026-12-04 20:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_i18n'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade():
    op.drop_column('users', 'locale')
