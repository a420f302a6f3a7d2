"""user locale: the language a user chose for the interface and their e-mails; an export's

`users.locale` holds "zh" or "en", or NULL (never chosen: the cookie or the browser's
Accept-Language decides, and e-mails go out in Chinese). `export_jobs.locale` is the language
of the page that asked for a background export (NULL: Chinese, as every earlier job was
written). Plain ADD COLUMNs on both databases.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 20:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('locale', sa.String(length=8), nullable=True))
    op.add_column('export_jobs', sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade():
    op.drop_column('export_jobs', 'locale')
    op.drop_column('users', 'locale')
