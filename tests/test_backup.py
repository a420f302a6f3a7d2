"""`flask backup` / `flask restore`: the demo data and some uploaded files go into an archive and
come back into a fresh database and an empty upload directory, table by table and row by row
(SQLite, or PostgreSQL through pg_dump/pg_restore when DATABASE_URL names one)."""

import json
import tarfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from challenge.extensions import db
from tests.conftest import USE_POSTGRES, _config, isolated_app

pytestmark = pytest.mark.slow  # each test seeds the demo data; the round trip dumps and restores it

FILES = {
    "proposals/3f9a.pdf": b"%PDF-1.4 proposal",
    "award/二期/验收报告.docx": b"PK\x03\x04 not really a docx",
    "imports/experts.xlsx": bytes(range(256)) * 40,
}


def table_rows(uri: str) -> dict[str, list]:
    """Every row of every table, ordered, read straight from the database."""
    engine = sa.create_engine(uri)
    try:
        with engine.connect() as conn:
            quote = conn.dialect.identifier_preparer.quote
            return {table: [tuple(row) for row in conn.execute(
                        sa.text(f"SELECT * FROM {quote(table)} ORDER BY 1"))]
                    for table in sa.inspect(conn).get_table_names()}
    finally:
        engine.dispose()


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def fresh_database(app, tmp_path):
    """The URI of a database that does not exist yet (SQLite) or was just created (PostgreSQL)."""
    if not USE_POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def source(app, tmp_path):
    """The test database with the demo data, and an upload directory with files in it."""
    uploads = tmp_path / "uploads"
    for name, data in FILES.items():
        (uploads / name).parent.mkdir(parents=True, exist_ok=True)
        (uploads / name).write_bytes(data)
    source_app = isolated_app(_config(app.config["SQLALCHEMY_DATABASE_URI"],
                                      UPLOAD_ROOT=str(uploads)))
    result = run(source_app, "seed-demo")
    assert result.exit_code == 0, result.output
    yield source_app
    with source_app.app_context():
        db.session.remove()
        db.engine.dispose()


def run(app, *args):
    """A CLI command in *app*'s own context (not the test's app's), its session closed after."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
    return result


def test_backup_and_restore_round_trip(source, fresh_database, tmp_path):
    archive = tmp_path / "out" / "backup.tar.gz"
    before = table_rows(source.config["SQLALCHEMY_DATABASE_URI"])
    assert sum(len(rows) for rows in before.values()) > 200  # the demo data is there
    uploaded = files_under(Path(source.config["UPLOAD_ROOT"]))
    assert FILES.items() <= uploaded.items()  # ours, and the demo's evidence files

    made = run(source, "backup", str(archive))
    assert made.exit_code == 0, made.output
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert manifest["database"] == ("postgresql" if USE_POSTGRES else "sqlite")
    assert {f"uploads/{name}" for name in uploaded} <= names
    assert manifest["rows"] == {table: len(rows) for table, rows in before.items()}

    target = isolated_app(_config(fresh_database, UPLOAD_ROOT=str(tmp_path / "restored")))
    try:
        restored = run(target, "restore", str(archive))
        assert restored.exit_code == 0, restored.output
        after = table_rows(fresh_database)
        assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
        assert after == before  # not only the counts: every row
        assert files_under(tmp_path / "restored") == uploaded
        verified = run(target, "audit", "verify")  # the audit hash chain survived the trip
        assert verified.exit_code == 0, verified.output
    finally:
        with target.app_context():
            db.engine.dispose()


def test_restore_refuses_a_database_with_data_unless_forced(source, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    assert run(source, "backup", str(archive)).exit_code == 0
    uri = source.config["SQLALCHEMY_DATABASE_URI"]
    before = table_rows(uri)
    uploaded = files_under(Path(source.config["UPLOAD_ROOT"]))

    refused = run(source, "restore", str(archive))
    assert refused.exit_code != 0 and "不是空的" in refused.output

    engine = sa.create_engine(uri)  # a change after the backup, which --force must undo
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET name = 'changed after the backup'"))
    engine.dispose()
    (Path(source.config["UPLOAD_ROOT"]) / "proposals" / "later.pdf").write_bytes(b"%PDF-later")
    forced = run(source, "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    assert table_rows(uri) == before
    assert files_under(Path(source.config["UPLOAD_ROOT"])) == uploaded


def test_restore_refuses_an_archive_that_is_not_a_backup(app, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        tar.add(__file__, arcname="hello.py")
    result = app.test_cli_runner().invoke(args=["restore", str(bogus)])
    assert result.exit_code != 0 and "不是本平台的备份" in result.output


def test_restore_refuses_a_damaged_archive_and_backup_an_unwritable_place(app, tmp_path):
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(b"\x1f\x8b\x08\x00 this is not gzip")
    result = app.test_cli_runner().invoke(args=["restore", str(damaged)])
    assert result.exit_code == 1 and "无法读取备份" in result.output
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = app.test_cli_runner().invoke(args=["backup", str(blocker / "backup.tar.gz")])
    assert result.exit_code == 1 and "无法写入备份" in result.output
