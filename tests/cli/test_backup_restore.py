"""`ourplan backup` and `ourplan restore`, run as an operator would, on real databases.

Each test uses the database kind of the run: scratch SQLite files normally, scratch
PostgreSQL databases (created with unique names and dropped afterwards) when DATABASE_URL
points at PostgreSQL. The restored copy is compared with the original by this file's own
reading of every table (row count and a hash of the sorted rows), not by the manifest the
command wrote, so a bug in the command's own check cannot hide a bad restore.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))

pytestmark = pytest.mark.slow_subprocess

# Migrate and load every app's demo data, plus a research data set, in one process. Fast
# password hashing only to keep the test quick; the hashes are copied like any other value.
LOAD_DEMO = """
import os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplan.config.settings")
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from ourplan.core.demo_loaders import load_all_demo_data
load_all_demo_data()
from ourplan.accounts.models import User
from ourplan.research.services import dataset_upload
researcher = User.objects.get(username="researcher")
dataset_upload(
    actor=researcher,
    organisation=researcher.staff_member.organisation,
    name="Wellbeing survey, spring",
    filename="wellbeing.csv",
    raw=(
        "site,score,note\\nAberglas,31,\\"Llanfair, Môn\\"\\nNorthmoor,27,ok\\n"
        "Aberglas,35,\\nNorthmoor,22,\\"quoted \\"\\"word\\"\\"\\"\\n"
    ).encode(),
)
"""


KEEP_ORGANISATION = (
    "from ourplan.people.models import Organisation; "
    "Organisation.objects.create(name='Kept Trust', code='KEPT1', country='england')"
)


@dataclass
class Scratch:
    """One scratch database and data folder, and the environment that points ourplan at them."""

    data_dir: Path
    database_url: str | None

    @property
    def env(self) -> dict[str, str]:
        env = {**os.environ, "OURPLAN_DATA_DIR": str(self.data_dir)}
        env.pop("DATABASE_URL", None)
        if self.database_url is not None:
            env["DATABASE_URL"] = self.database_url
        return env

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "ourplan.sqlite3"


def _server_connection() -> Any:
    import psycopg

    return psycopg.connect(SERVER_URL, autocommit=True)


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Callable[[str], Scratch]]:
    """Make fresh, empty scratch databases; on PostgreSQL they are dropped at the end."""
    made: list[str] = []

    def make(label: str) -> Scratch:
        data_dir = tmp_path / label
        data_dir.mkdir()
        if not ON_POSTGRES:
            return Scratch(data_dir, None)
        name = f"ourplan_bk_{label}_{uuid.uuid4().hex[:10]}"
        with _server_connection() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        parts = urlsplit(SERVER_URL)
        return Scratch(data_dir, urlunsplit(parts._replace(path=f"/{name}")))

    yield make
    if made:
        with _server_connection() as conn:
            for name in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(
    scratch: Scratch, *args: str | Path, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *map(str, args)],
        env=scratch.env,
        cwd=scratch.data_dir,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def _ourplan(scratch: Scratch, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return _run(scratch, "-m", "ourplan.cli", *args)


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


def _refused(result: subprocess.CompletedProcess[str]) -> str:
    """The command failed cleanly: exit 2, one clear message, no traceback."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(("ourplan restore: error: ", "ourplan backup: error: "))
    return result.stderr


def _tables(scratch: Scratch) -> dict[str, tuple[int, str]]:
    """Every table's row count and the SHA-256 of its rows, sorted, read straight from the database."""
    if ON_POSTGRES:
        import psycopg

        assert scratch.database_url is not None
        with psycopg.connect(scratch.database_url) as conn:
            conn.execute("SET TIME ZONE 'UTC'")
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
            ]
            return {name: _digest(conn.execute(_select_all(name)).fetchall()) for name in names}
    conn = sqlite3.connect(scratch.sqlite_path)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {name: _digest(conn.execute(_select_all(name)).fetchall()) for name in names}
    finally:
        conn.close()


def _select_all(table: str) -> Any:
    # Table names come from the database's own catalogue.
    return f'SELECT * FROM "{table}"'  # noqa: S608


def _digest(rows: list[tuple[Any, ...]]) -> tuple[int, str]:
    lines = sorted(repr(tuple(row)) for row in rows)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _data_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and not path.name.startswith("ourplan.sqlite3")
    }


def _manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        stream = tar.extractfile("manifest.json")
        assert stream is not None
        return json.loads(stream.read())


def test_backup_then_restore_into_a_fresh_database_matches_every_table_then_migrates(
    scratch: Callable[[str], Scratch], tmp_path: Path
) -> None:
    source = scratch("source")
    _ok(_run(source, "-c", LOAD_DEMO))
    uploads = source.data_dir / "uploads" / "research"
    uploads.mkdir(parents=True)
    (uploads / "consent form (signed).pdf").write_bytes(bytes(range(256)) * 40)
    (uploads / "nodyn-ôl.txt").write_text("Diolch yn fawr\n", encoding="utf-8")
    (source.data_dir / "static").mkdir()
    (source.data_dir / "static" / "rebuilt.css").write_text("body{}")
    archive = tmp_path / "ourplan-backup.tar.gz"

    backed_up = _ok(_ourplan(source, "backup", archive))
    assert f"Wrote {archive}" in backed_up.stdout

    original = _tables(source)
    # The demo's people (the plans' 40 and any other app's demo people) are all there.
    assert original["people_person"][0] >= 40
    assert original["plans_plan"][0] > 0
    assert original["research_dataset"][0] == 1
    assert original["core_auditentry"][0] > 0
    manifest = _manifest(archive)
    assert manifest["ourplan_version"] == "0.1.0"
    assert manifest["database"]["vendor"] == ("postgresql" if ON_POSTGRES else "sqlite")
    assert {name: entry["rows"] for name, entry in manifest["tables"].items()} == {
        name: rows for name, (rows, _) in original.items()
    }
    assert "0001_initial" in manifest["migrations"]["people"]
    assert "data/uploads/research/nodyn-ôl.txt" in manifest["members"]
    assert not any(name.startswith("data/static/") for name in manifest["members"])

    target = scratch("target")
    restored = _ok(_ourplan(target, "restore", archive))
    assert "every row count and content hash matches the manifest" in restored.stdout

    copy = _tables(target)
    assert sorted(copy) == sorted(original)
    different = [name for name in original if copy[name] != original[name]]
    assert different == [], f"tables that differ after the restore: {different}"
    source_files = _data_files(source.data_dir)
    source_files.pop("static/rebuilt.css")
    assert _data_files(target.data_dir) == source_files

    _ok(_ourplan(target, "migrate", "--verbosity", "0"))
    _ok(_run(target, str(ROOT / "manage.py"), "migrate", "--check"))
    applied = _tables(target)["django_migrations"][0]
    assert applied >= original["django_migrations"][0]


def test_restore_refuses_a_target_that_is_not_empty_unless_forced(
    scratch: Callable[[str], Scratch], tmp_path: Path
) -> None:
    source = scratch("source")
    _ok(_ourplan(source, "migrate", "--verbosity", "0"))
    (source.data_dir / "uploads").mkdir()
    (source.data_dir / "uploads" / "letter.txt").write_text("from the backup")
    archive = tmp_path / "backup.tar.gz"
    _ok(_ourplan(source, "backup", archive))

    again = _refused(_ourplan(source, "backup", archive))
    assert "already exists" in again and "--force" in again
    _ok(_ourplan(source, "backup", archive, "--force"))

    target = scratch("target")
    _ok(_ourplan(target, "migrate", "--verbosity", "0"))
    _ok(_run(target, str(ROOT / "manage.py"), "shell", "-c", KEEP_ORGANISATION))
    before = _tables(target)
    message = _refused(_ourplan(target, "restore", archive))
    assert "is not empty" in message and "--force" in message
    assert _tables(target) == before

    _ok(_ourplan(target, "restore", archive, "--force"))
    assert _tables(target) == _tables(source)

    files_only = scratch("files")
    (files_only.data_dir / "uploads").mkdir()
    (files_only.data_dir / "uploads" / "letter.txt").write_text("already here")
    message = _refused(_ourplan(files_only, "restore", archive))
    assert "already exist" in message and "uploads/letter.txt" in message
    assert (files_only.data_dir / "uploads" / "letter.txt").read_text() == "already here"


def _a_reversible_leaf_migration() -> tuple[str, str, str]:
    """An ourplan migration nothing depends on, and the one before it: (app, previous, leaf)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplan.config.settings")
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    for app, name in sorted(graph.leaf_nodes()):
        node = graph.node_map[(app, name)]
        parents = [parent for parent in node.parents if parent.key[0] == app]
        if app in {"core", "people", "plans", "consent", "studies", "research"} and parents:
            migration = graph.nodes[(app, name)]
            if all(operation.reversible for operation in migration.operations):
                return app, parents[0].key[1], name
    pytest.fail("no reversible leaf migration in ourplan's apps to roll back")


def test_restore_runs_the_migrations_forward_on_an_older_backup(
    scratch: Callable[[str], Scratch], tmp_path: Path
) -> None:
    app, previous, leaf = _a_reversible_leaf_migration()
    source = scratch("older")
    _ok(_ourplan(source, "migrate", "--verbosity", "0"))
    _ok(_run(source, str(ROOT / "manage.py"), "migrate", app, previous, "--verbosity", "0"))
    archive = tmp_path / "older.tar.gz"
    _ok(_ourplan(source, "backup", archive))
    assert leaf not in _manifest(archive)["migrations"][app]

    target = scratch("newer")
    restored = _ok(_ourplan(target, "restore", archive))
    assert f"{app}.{leaf}" in restored.stdout
    _ok(_run(target, str(ROOT / "manage.py"), "migrate", "--check"))


def test_a_damaged_or_foreign_archive_is_refused_before_the_target_is_touched(
    scratch: Callable[[str], Scratch], tmp_path: Path
) -> None:
    source = scratch("source")
    _ok(_ourplan(source, "migrate", "--verbosity", "0"))
    archive = tmp_path / "good.tar.gz"
    _ok(_ourplan(source, "backup", archive))
    target = scratch("target")

    message = _refused(_ourplan(target, "restore", tmp_path / "missing.tar.gz"))
    assert "there is no file" in message

    not_an_archive = tmp_path / "notes.txt"
    not_an_archive.write_text("not a backup")
    assert "cannot read" in _refused(_ourplan(target, "restore", not_an_archive))

    # Same members, but the database inside no longer matches the manifest's SHA-256.
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as original, tarfile.open(tampered, "w:gz") as out:
        for member in original.getmembers():
            payload = original.extractfile(member)
            assert payload is not None
            content = payload.read()
            if member.name.startswith("database."):
                middle = len(content) // 2
                flipped = bytes(byte ^ 0xFF for byte in content[middle : middle + 64])
                content = content[:middle] + flipped + content[middle + 64 :]
            out.addfile(member, io.BytesIO(content))
    assert "damaged" in _refused(_ourplan(target, "restore", tampered))
    assert _tables(target) == {}
