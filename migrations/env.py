import logging
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import event

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging, leaving the loggers that already exist (the
# app's, when migrations run inside a process that serves or tests it) switched on.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    # Flask-SQLAlchemy 3: the engine property (get_engine() is deprecated).
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = dict(current_app.extensions['migrate'].configure_args)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        # Each migration in a transaction of its own, so a failing one is undone whole and the
        # schema stays at the revision before it (triggers included), on both databases.
        conf_args.setdefault("transaction_per_migration", True)
        with sqlite_transactional_ddl(connection, conf_args):
            context.configure(
                connection=connection,
                target_metadata=get_metadata(),
                **conf_args
            )

            with context.begin_transaction():
                context.run_migrations()


@contextmanager
def sqlite_transactional_ddl(connection, conf_args):
    """Make SQLite's DDL transactional for this migration connection only.

    Python's sqlite3 (legacy transaction mode) opens a transaction only before INSERT, UPDATE or
    DELETE, so CREATE / DROP / ALTER ran autocommitted and a migration failing half-way left its
    first steps done (e.g. the ledger's triggers dropped at 0006 while the version still said
    0006). Here the driver's implicit handling is switched off and every transaction begins with
    a real BEGIN (SQLAlchemy's documented pysqlite recipe). Foreign keys are off meanwhile, as
    SQLite's table-rebuild procedure asks (batch operations drop and rename tables); each
    migration ends with PRAGMA foreign_key_check so none is left broken. Restored afterwards:
    the connection returns to the app's pool as it was."""
    if connection.dialect.name != "sqlite":
        yield
        return
    dbapi = connection.connection.driver_connection
    isolation_level = dbapi.isolation_level
    foreign_keys = dbapi.execute("PRAGMA foreign_keys").fetchone()[0]
    dbapi.execute("PRAGMA foreign_keys=OFF")
    dbapi.isolation_level = None

    def begin(conn):
        conn.exec_driver_sql("BEGIN")

    def foreign_key_check(ctx, step, heads, run_args):
        broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"migration {step} leaves foreign keys broken: {broken[:5]}")

    event.listen(connection, "begin", begin)
    conf_args["transactional_ddl"] = True
    conf_args["on_version_apply"] = [*conf_args.get("on_version_apply", ()), foreign_key_check]
    try:
        yield
    finally:
        event.remove(connection, "begin", begin)
        if dbapi.in_transaction:
            dbapi.rollback()
        dbapi.isolation_level = isolation_level
        dbapi.execute(f"PRAGMA foreign_keys={int(foreign_keys)}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
