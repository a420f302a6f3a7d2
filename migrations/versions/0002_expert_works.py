"""expert pool: representative results as rows (expert_works); contact and source on profiles

The free-text `expert_profiles.results` column becomes `expert_works` rows: each non-empty line
becomes one work of kind "other", in the same order. Profiles without an account are marked as
imported. The downgrade joins the works back into lines.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 14:31:47.806436

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

profiles = sa.table(
    'expert_profiles',
    sa.column('id', sa.Integer()), sa.column('user_id', sa.Integer()),
    sa.column('results', sa.Text()), sa.column('source', sa.String(20)),
)
works = sa.table(
    'expert_works',
    sa.column('id', sa.Integer()), sa.column('profile_id', sa.Integer()),
    sa.column('kind', sa.String(24)), sa.column('title', sa.String(300)),
    sa.column('abstract', sa.Text()), sa.column('year', sa.Integer()),
    sa.column('position', sa.Integer()),
)


def upgrade():
    conn = op.get_bind()
    # Read the old text first: on SQLite, dropping the column rebuilds expert_profiles, and with
    # foreign keys on, rebuilding a table that expert_works already points at would cascade.
    old_results = conn.execute(sa.select(profiles.c.id, profiles.c.results)).all()

    with op.batch_alter_table('expert_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=20), server_default='self', nullable=False))
        batch_op.create_check_constraint(op.f('ck_expert_profiles_source_known'), "source IN ('self', 'import', 'admin')")
        batch_op.drop_column('results')

    op.create_table('expert_works',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('paper', 'patent', 'project', 'other', name='workkind', native_enum=False, length=24), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('abstract', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('year IS NULL OR year BETWEEN 1900 AND 2100', name=op.f('ck_expert_works_year_plausible')),
    sa.ForeignKeyConstraint(['profile_id'], ['expert_profiles.id'], name=op.f('fk_expert_works_profile_id_expert_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_works'))
    )
    with op.batch_alter_table('expert_works', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_works_profile_id'), ['profile_id'], unique=False)

    rows = [
        {'profile_id': profile_id, 'kind': 'other', 'title': line[:300], 'abstract': '',
         'year': None, 'position': position}
        for profile_id, text in old_results
        for position, line in enumerate(line.strip() for line in (text or '').splitlines()
                                        if line.strip())
    ]
    if rows:
        op.bulk_insert(works, rows)
    op.execute(profiles.update().where(profiles.c.user_id.is_(None)).values(source='import'))


def downgrade():
    conn = op.get_bind()
    old_works = conn.execute(
        sa.select(works.c.profile_id, works.c.title, works.c.abstract, works.c.year)
        .order_by(works.c.profile_id, works.c.position, works.c.id)).all()

    with op.batch_alter_table('expert_works', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_works_profile_id'))
    op.drop_table('expert_works')

    with op.batch_alter_table('expert_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results', sa.Text(), server_default='', nullable=False))
        batch_op.drop_constraint(op.f('ck_expert_profiles_source_known'), type_='check')
        batch_op.drop_column('source')
        batch_op.drop_column('phone')
        batch_op.drop_column('email')

    lines: dict[int, list[str]] = {}
    for profile_id, title, abstract, year in old_works:
        text = title + (f'（{year}）' if year else '') + (f'：{abstract}' if abstract else '')
        lines.setdefault(profile_id, []).append(' '.join(text.split()))
    for profile_id, texts in lines.items():
        op.execute(profiles.update().where(profiles.c.id == profile_id)
                   .values(results='\n'.join(texts)))
