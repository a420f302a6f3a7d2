"""account security: confirmed e-mail, consent, session tokens, two-factor

Every existing account gets its own random session token (Flask-Login's id from now on, so
sessions and remember-me cookies issued before the upgrade end once) and counts as confirmed:
its address was accepted before confirmation existed. Columns are added and dropped with plain
ALTER TABLE (SQLite ≥ 3.35 drops columns natively), never a batch rebuild of `users`, which
other tables reference.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 09:40:00

"""
import secrets

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

def columns():
    return (
        sa.Column('session_token', sa.String(length=64), nullable=True),
        sa.Column('email_confirmed_at', sa.DateTime(), nullable=True),
        sa.Column('terms_version', sa.String(length=20), nullable=True),
        sa.Column('terms_accepted_at', sa.DateTime(), nullable=True),
        sa.Column('totp_secret', sa.String(length=64), nullable=True),
        sa.Column('totp_enabled_at', sa.DateTime(), nullable=True),
        sa.Column('totp_last_step', sa.Integer(), nullable=True),
    )


def upgrade():
    for column in columns():
        op.add_column('users', column)
    bind = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('created_at', sa.DateTime),
                     sa.column('session_token', sa.String),
                     sa.column('email_confirmed_at', sa.DateTime))
    for (user_id,) in bind.execute(sa.select(users.c.id)).all():
        bind.execute(users.update().where(users.c.id == user_id).values(
            session_token=secrets.token_urlsafe(32), email_confirmed_at=users.c.created_at))
    op.create_index('ix_users_session_token', 'users', ['session_token'], unique=True)
    if bind.dialect.name != 'sqlite':  # SQLite would need a table rebuild; the model fills it
        op.alter_column('users', 'session_token', existing_type=sa.String(length=64),
                        nullable=False)

    op.create_table(
        'recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_recovery_codes_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    )
    op.create_index(op.f('ix_recovery_codes_user_id'), 'recovery_codes', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_recovery_codes_user_id'), table_name='recovery_codes')
    op.drop_table('recovery_codes')
    op.drop_index('ix_users_session_token', table_name='users')
    for column in reversed(columns()):
        op.execute(f'ALTER TABLE users DROP COLUMN {column.name}')
