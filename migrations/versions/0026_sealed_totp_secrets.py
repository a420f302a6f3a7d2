"""two-factor secrets sealed at rest: users.totp_secret widens from VARCHAR(64) to VARCHAR(255)
and every plain base32 secret in it is encrypted in place with Fernet, under the key the app
uses (challenge/auth/totp_keys.py: TOTP_ENCRYPTION_KEYS, else a key derived from SECRET_KEY).
The downgrade opens them again and narrows the column; it stops, changing nothing, if a secret
opens with none of the keys.

SQLite widens the column by rebuilding users (batch mode), keeping its triggers and partial
indexes as 0013 does; PostgreSQL alters the column's type.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 03:45:00

"""
import os
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

TOKEN_PREFIX = 'gAAAAA'  # a Fernet token; anything else in the column is a plain secret
users = sa.table('users', sa.column('id', sa.Integer), sa.column('totp_secret', sa.String))


@contextmanager
def _sqlite_rebuild_keeping(bind, table):
    """Around a batch rebuild of *table* on SQLite: put back its triggers and partial indexes
    exactly as they were (as migration 0013 does)."""
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


def _column_length(length, before):
    bind = op.get_bind()
    kwargs = dict(existing_type=sa.String(length=before), type_=sa.String(length=length),
                  existing_nullable=True)
    if bind.dialect.name == 'sqlite':
        with _sqlite_rebuild_keeping(bind, 'users'):
            with op.batch_alter_table('users', recreate='always') as batch_op:
                batch_op.alter_column('totp_secret', **kwargs)
    else:
        op.alter_column('users', 'totp_secret', **kwargs)


def _fernet():
    """The app's keys: its configuration under `flask db upgrade`, else the environment."""
    from challenge.auth.totp_keys import SETTING, fernet_for

    try:
        from flask import current_app

        config = current_app.config
        setting, secret_key = config.get(SETTING), config.get('SECRET_KEY')
    except RuntimeError:  # outside an app context
        setting, secret_key = os.environ.get(SETTING), os.environ.get('SECRET_KEY')
    if not setting and not secret_key:
        raise RuntimeError(f'0026: neither {SETTING} nor SECRET_KEY is set; '
                           'the two-factor secrets cannot be sealed')
    return fernet_for(setting, secret_key)


def _secrets(bind):
    return bind.execute(sa.select(users.c.id, users.c.totp_secret)
                        .where(users.c.totp_secret.is_not(None))
                        .order_by(users.c.id)).all()


def upgrade():
    _column_length(255, before=64)
    bind = op.get_bind()
    rows = [(i, s) for i, s in _secrets(bind) if not s.startswith(TOKEN_PREFIX)]
    if not rows:
        return
    fernet = _fernet()
    for user_id, secret in rows:
        bind.execute(users.update().where(users.c.id == user_id)
                     .values(totp_secret=fernet.encrypt(secret.encode()).decode()))


def downgrade():
    from cryptography.fernet import InvalidToken

    bind = op.get_bind()
    rows = [(i, s) for i, s in _secrets(bind) if s.startswith(TOKEN_PREFIX)]
    if rows:
        fernet = _fernet()
        plain, unreadable = [], []
        for user_id, token in rows:
            try:
                plain.append((user_id, fernet.decrypt(token.encode()).decode()))
            except InvalidToken:
                unreadable.append(user_id)
        if unreadable:
            raise RuntimeError(f'0026 downgrade: no key opens the two-factor secret of users '
                               f'{unreadable}; put the key back in TOTP_ENCRYPTION_KEYS')
        for user_id, secret in plain:
            bind.execute(users.update().where(users.c.id == user_id).values(totp_secret=secret))
    _column_length(64, before=255)
