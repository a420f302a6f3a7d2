"""`flask backup FILE` and `flask restore FILE`: the database and the upload directory in one
.tar.gz archive.

- SQLite: a consistent copy taken while the site runs (sqlite3's online backup API), then the
  files under UPLOAD_ROOT.
- PostgreSQL: `pg_dump --format=custom` from an exported snapshot, so the row counts recorded
  in the manifest are those of the dump; `pg_restore` puts it back into an empty database.
  pg_dump / pg_restore must be at least the server's major version (PG_BIN_DIR names their
  folder when they are not on PATH).

The archive holds manifest.json (format, database kind, schema revision, rows per table, files),
the database (database.sqlite or database.pgdump) and uploads/. A restore checks the rows per
table against the manifest and refuses a database or upload directory that is not empty unless
--force is given (which replaces both).
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from .extensions import db

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(click.ClickException):
    pass


@click.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(archive: Path) -> None:
    """Write the database and the upload directory to ARCHIVE (.tar.gz)."""
    try:
        manifest = backup(archive)
    except OSError as exc:
        raise BackupError(f"无法写入备份 {archive}：{exc.strerror or exc}") from None
    click.echo(f"已备份到 {archive}：{sum(manifest['rows'].values())} 行数据"
               f"（{len(manifest['rows'])} 张表），{len(manifest['files'])} 个上传文件。")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="替换现有数据库和上传目录（默认只恢复到空数据库）。")
@with_appcontext
def restore_command(archive: Path, force: bool) -> None:
    """Restore the database and the upload directory from ARCHIVE."""
    try:
        manifest = restore(archive, force=force)
    except (OSError, EOFError, tarfile.TarError) as exc:
        raise BackupError(f"无法读取备份 {archive}：{exc}") from None
    click.echo(f"已从 {archive} 恢复：{sum(manifest['rows'].values())} 行数据，"
               f"{len(manifest['files'])} 个上传文件；各表行数与备份一致。")


def register(app) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


# -- backup --------------------------------------------------------------------------------

def backup(archive: Path) -> dict:
    url = db.engine.url
    db.session.remove()
    with tempfile.TemporaryDirectory(prefix="challenge-backup-") as scratch:
        scratch = Path(scratch)
        if url.get_backend_name() == "sqlite":
            dump = scratch / "database.sqlite"
            _sqlite_copy(Path(url.database), dump)
            engine = sa.create_engine(f"sqlite:///{dump}")
            with engine.connect() as conn:
                rows, revision = _counts(conn), _revision(conn)
            engine.dispose()
            kind = "sqlite"
        elif url.get_backend_name() == "postgresql":
            dump = scratch / "database.pgdump"
            rows, revision = _pg_dump(url, dump)
            kind = "postgresql"
        else:
            raise BackupError(f"不支持备份 {url.get_backend_name()} 数据库。")
        uploads = Path(current_app.config["UPLOAD_ROOT"])
        files = _file_list(uploads)
        manifest = {"format": FORMAT, "database": kind, "revision": revision, "rows": rows,
                    "files": files, "created_at": datetime.now(UTC).isoformat(timespec="seconds")}
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            for name in files:
                tar.add(uploads / name, arcname=f"uploads/{name}")
        partial.replace(archive)  # never a half-written archive under the final name
    return manifest


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of the site's database while other connections read and write."""
    if not source.is_file():
        raise BackupError(f"数据库文件不存在：{source}")
    _sqlite_backup(source, target)


def _sqlite_backup(source: Path, target: Path) -> None:
    """sqlite3's online backup API from *source* (opened read-only) into *target*."""
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _tables(conn) -> list[str]:
    return sorted(sa.inspect(conn).get_table_names())


def _counts(conn) -> dict[str, int]:
    preparer = conn.dialect.identifier_preparer
    return {table: conn.execute(sa.text(f"SELECT count(*) FROM {preparer.quote(table)}")).scalar()
            for table in _tables(conn)}


def _revision(conn) -> str | None:
    if "alembic_version" not in _tables(conn):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _file_list(root: Path) -> dict[str, str]:
    """Every file under the upload directory (relative path → sha256)."""
    if not root.is_dir():
        return {}
    return {path.relative_to(root).as_posix(): _sha256(path)
            for path in sorted(root.rglob("*")) if path.is_file()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- PostgreSQL ----------------------------------------------------------------------------

def _pg_tool(name: str) -> str:
    folder = current_app.config.get("PG_BIN_DIR")
    tool = str(Path(folder) / name) if folder else shutil.which(name)
    if not tool or not Path(tool).exists():
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（apt-get install "
                          f"postgresql-client），或用 PG_BIN_DIR 指明其目录。")
    return tool


def _libpq(url) -> tuple[str, dict]:
    """The libpq address (without the password) and an environment carrying the password."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    address = url.set(drivername="postgresql", password=None)
    return address.render_as_string(hide_password=False), env


def _pg_dump(url, target: Path) -> tuple[dict[str, int], str | None]:
    """Count the rows in a repeatable-read snapshot and dump that same snapshot."""
    address, env = _libpq(url)
    engine = sa.create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar()
            rows, revision = _counts(conn), _revision(conn)
            done = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner",
                                   "--no-privileges", f"--snapshot={snapshot}",
                                   f"--file={target}", address],
                                  env=env, capture_output=True, text=True)
            conn.rollback()
    finally:
        engine.dispose()
    if done.returncode != 0:
        raise BackupError(f"pg_dump 失败：{done.stderr.strip()}")
    return rows, revision


def _pg_restore(url, dump: Path, replace: bool) -> None:
    address, env = _libpq(url)
    command = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
               "--single-transaction", f"--dbname={address}"]
    if replace:
        command += ["--clean", "--if-exists"]
    # A connection still open on the database (an app node, a worker) would make --clean wait
    # for ever; fail after a minute with the reason instead.
    env["PGOPTIONS"] = "-c lock_timeout=60s"
    done = subprocess.run([*command, str(dump)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore 失败：{done.stderr.strip()}")


# -- restore -------------------------------------------------------------------------------

def restore(archive: Path, force: bool = False) -> dict:
    url = db.engine.url
    kind = url.get_backend_name()
    uploads = Path(current_app.config["UPLOAD_ROOT"])
    with tarfile.open(archive, "r:gz") as tar, \
            tempfile.TemporaryDirectory(prefix="challenge-restore-") as scratch:
        scratch = Path(scratch)
        try:
            manifest = json.load(tar.extractfile(MANIFEST))
        except (KeyError, ValueError, AttributeError) as exc:
            raise BackupError(f"{archive} 不是本平台的备份（缺少 {MANIFEST}）。") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"不认识的备份格式：{manifest.get('format')}")
        if manifest["database"] != kind:
            raise BackupError(f"备份来自 {manifest['database']} 数据库，不能恢复到 {kind}。"
                              "（跨数据库迁移请用导出/导入工具。）")
        if not force:
            _refuse_unless_empty(kind, uploads)
        tar.extractall(scratch, filter="data")  # refuses absolute paths, .., links out
        db.session.remove()
        if kind == "sqlite":
            _sqlite_restore(scratch / "database.sqlite", Path(url.database))
        else:
            _pg_restore(url, scratch / "database.pgdump", replace=force)
        if force and uploads.exists():
            shutil.rmtree(uploads)
        uploads.mkdir(parents=True, exist_ok=True)
        restored = scratch / "uploads"
        if restored.is_dir():
            shutil.copytree(restored, uploads, dirs_exist_ok=True)
    db.engine.dispose()  # pooled connections still see the old file / catalogue
    with db.engine.connect() as conn:
        rows = _counts(conn)
    if rows != manifest["rows"]:
        differing = sorted(t for t in set(rows) | set(manifest["rows"])
                           if rows.get(t) != manifest["rows"].get(t))
        raise BackupError(f"恢复后的行数与备份不一致：{', '.join(differing)}")
    if _file_list(uploads) != manifest["files"]:
        raise BackupError("恢复后的上传文件与备份不一致。")
    return manifest


def _refuse_unless_empty(kind: str, uploads: Path) -> None:
    """SQLite: no rows (the file is replaced whole). PostgreSQL: no tables at all, since
    pg_restore creates them (a database made with createdb and nothing else)."""
    with db.engine.connect() as conn:
        counts = _counts(conn)
    filled = sorted(counts) if kind == "postgresql" else [
        table for table, count in counts.items() if count and table != "alembic_version"]
    if filled:
        raise BackupError(f"目标数据库不是空的（{', '.join(filled[:5])} 等表）。"
                          "请恢复到新建的空数据库，或加 --force 覆盖。")
    if uploads.is_dir() and any(path.is_file() for path in uploads.rglob("*")):
        raise BackupError(f"上传目录 {uploads} 不是空的。请换一个空目录，或加 --force 覆盖。")


def _sqlite_restore(source: Path, target: Path) -> None:
    """Copy the backup into the target file through the backup API (the target's own locks
    apply; a running site sees the old or the new database, never a mix)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _sqlite_backup(source, target)
