"""``ourplan backup PATH`` and ``ourplan restore PATH``: the database and the data folder.

A backup is one gzipped tar archive:

- ``manifest.json``: the ourplan version, the database kind, the applied migrations, and for
  every table its row count and a content hash; the SHA-256 of every other member;
- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite,
  copied with the online backup API, so the app can keep running);
- ``data/...``: the files in ``OURPLAN_DATA_DIR`` (uploads), without the SQLite database
  itself and without ``static/``, which ``collectstatic`` rebuilds.

The manifest describes exactly the data in the dump: on PostgreSQL the table hashes are read
in the same exported snapshot that ``pg_dump --snapshot`` dumps; on SQLite they are read from
the copy. Restore refuses a database that already has tables (or data files it would
overwrite) unless ``--force``, checks every member against the manifest before touching the
target, restores, compares every table's row count and hash with the manifest, and then runs
the migrations forward. Errors go to stderr with exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

EXIT_ERROR = 2
FORMAT = "ourplan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_PREFIX = "data/"
POSTGRES_MEMBER = "database.dump"
SQLITE_MEMBER = "database.sqlite3"
# Folders of OURPLAN_DATA_DIR that are rebuilt rather than backed up.
REBUILT_FOLDERS = ("static",)
HASH_MODULUS = 2**256
CHUNK = 1024 * 1024
# libpq connection keywords Django's OPTIONS may carry, and the environment variable
# pg_dump and pg_restore read each one from.
LIBPQ_ENVIRONMENT = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A problem the person running the command can act on; shown without a traceback."""


@dataclass(frozen=True)
class Target:
    """The configured database, as the backup and restore code needs it."""

    vendor: str  # "postgresql" or "sqlite"
    sqlite_path: Path | None
    libpq: dict[str, str]

    def describe(self) -> str:
        if self.sqlite_path is not None:
            return f"SQLite database {self.sqlite_path}"
        where = self.libpq.get("host", "local socket")
        return f"PostgreSQL database {self.libpq.get('dbname', '?')} on {where}"


# ---------------------------------------------------------------------------------------------
# The command line


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``backup`` and ``restore``."""
    backup = subparsers.add_parser(
        "backup",
        help="back up the database and the data folder into one archive with a manifest",
        description=(
            "Write the database (pg_dump custom format on PostgreSQL, the online backup API "
            "on SQLite) and the files in OURPLAN_DATA_DIR into one archive, with a manifest "
            "of every table's row count and content hash. The app can keep running. "
            "See docs/operations.md."
        ),
    )
    backup.add_argument("path", metavar="PATH", help="the archive to write, e.g. ourplan.tar.gz")
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    backup.set_defaults(handler=handle_backup)

    restore = subparsers.add_parser(
        "restore",
        help="restore a backup into an empty database, verify it, then migrate forward",
        description=(
            "Restore an archive written by 'ourplan backup' into the configured database "
            "(DATABASE_URL) and OURPLAN_DATA_DIR, check every table's row count and content "
            "hash against the manifest, then run the migrations forward. Refuses a database "
            "that already has tables unless --force. Stop the app first."
        ),
    )
    restore.add_argument("path", metavar="PATH", help="an archive written by 'ourplan backup'")
    restore.add_argument(
        "--force",
        action="store_true",
        help="replace the tables and data files already in the target",
    )
    restore.set_defaults(handler=handle_restore)


def _fail(command: str, message: str) -> int:
    print(f"ourplan {command}: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def handle_backup(args: argparse.Namespace) -> int:
    try:
        summary = run_backup(Path(args.path), force=args.force)
    except BackupError as error:
        return _fail("backup", str(error))
    print(summary)
    return 0


def handle_restore(args: argparse.Namespace) -> int:
    try:
        summary = run_restore(Path(args.path), force=args.force)
    except BackupError as error:
        return _fail("restore", str(error))
    print(summary)
    return 0


# ---------------------------------------------------------------------------------------------
# Backup


def run_backup(path: Path, *, force: bool) -> str:
    """Write the archive at ``path`` and return a one-paragraph summary."""
    settings = _django_settings()
    target = _target(settings)
    path = path.expanduser().resolve()
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the name of the archive file to write.")
    if path.exists() and not force:
        raise BackupError(f"{path} already exists: choose another name, or add --force.")
    if not path.parent.is_dir():
        raise BackupError(f"the folder {path.parent} does not exist.")
    data_dir = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix="ourplan-backup-") as scratch:
        work = Path(scratch)
        if target.vendor == "postgresql":
            member, tables, migrations, server = _dump_postgres(target, work / POSTGRES_MEMBER)
        else:
            member, tables, migrations, server = _copy_sqlite(target, work / SQLITE_MEMBER)
        files = dict(_data_files(data_dir, skip=_skipped_paths(target, path)))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "ourplan_version": _ourplan_version(),
            "database": {"vendor": target.vendor, "server_version": server, "member": member.name},
            "migrations": migrations,
            "tables": tables,
            "members": {
                member.name: _file_digest(member),
                **{DATA_PREFIX + name: _file_digest(source) for name, source in files.items()},
            },
        }
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
                archive.add(member, arcname=member.name, recursive=False)
                for name, source in sorted(files.items()):
                    archive.add(source, arcname=DATA_PREFIX + name, recursive=False)
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise BackupError(f"cannot write {path}: {error.strerror or error}") from None
    rows = sum(table["rows"] for table in tables.values())
    return (
        f"Backed up the {target.describe()}: {len(tables)} tables, {rows:,} rows, "
        f"{sum(len(names) for names in migrations.values())} migrations applied; "
        f"{_count(len(files), 'data file')}.\nWrote {path} ({_size(path.stat().st_size)})."
    )


def _skipped_paths(target: Target, archive: Path) -> set[Path]:
    skipped = {archive}
    if target.sqlite_path is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            skipped.add(Path(f"{target.sqlite_path}{suffix}").resolve())
    return skipped


def _data_files(data_dir: Path, *, skip: set[Path]) -> Iterator[tuple[str, Path]]:
    """Every regular file under the data folder to back up, by its path inside the folder."""
    if not data_dir.is_dir():
        return
    for folder, subfolders, names in os.walk(data_dir):
        here = Path(folder)
        if here == data_dir:
            subfolders[:] = [name for name in subfolders if name not in REBUILT_FOLDERS]
        subfolders.sort()
        for name in sorted(names):
            source = here / name
            if source.resolve() in skip or name.endswith(".partial") or not source.is_file():
                continue
            yield source.relative_to(data_dir).as_posix(), source


def _dump_postgres(
    target: Target, out: Path
) -> tuple[Path, dict[str, Any], dict[str, list[str]], str]:
    """Dump with pg_dump from one exported snapshot, and describe that same snapshot."""
    pg_dump = _client_program("pg_dump")
    psycopg = _psycopg()
    try:
        with psycopg.connect(**target.libpq, autocommit=True) as conn:
            conn.execute("SET TIME ZONE 'UTC'")
            conn.autocommit = False
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            row = conn.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server = row.fetchone()  # type: ignore[misc]
            completed = subprocess.run(  # noqa: S603  (a fixed program and arguments, no shell)
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={out}"],
                env=_libpq_environment(target),
                capture_output=True,
                text=True,
                check=False,
            )
            if completed.returncode != 0:
                raise BackupError(f"pg_dump failed: {_last_lines(completed.stderr)}")
            tables = _describe_tables(conn, _postgres_tables(conn), postgres=True)
            migrations = _applied_migrations(conn.cursor(), tables)
            conn.rollback()
    except psycopg.Error as error:
        raise BackupError(f"PostgreSQL: {_first_line(error)}") from None
    return out, tables, migrations, str(server)


def _copy_sqlite(
    target: Target, out: Path
) -> tuple[Path, dict[str, Any], dict[str, list[str]], str]:
    """Copy with SQLite's online backup API, then describe the copy (not the live file)."""
    assert target.sqlite_path is not None
    source_path = target.sqlite_path
    if not source_path.is_file():
        raise BackupError(
            f"there is no database at {source_path}: nothing to back up (is OURPLAN_DATA_DIR "
            "or DATABASE_URL set as the app has it?)."
        )
    try:
        source = sqlite3.connect(source_path, timeout=30)
        copy = sqlite3.connect(out)
        try:
            source.backup(copy)
            # One self-contained file: no write-ahead log beside it in the archive.
            copy.execute("PRAGMA journal_mode=DELETE")
            tables = _describe_tables(copy, _sqlite_tables(copy))
            migrations = _applied_migrations(copy.cursor(), tables)
        finally:
            copy.close()
            source.close()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite, reading {source_path}: {error}") from None
    return out, tables, migrations, sqlite3.sqlite_version


# ---------------------------------------------------------------------------------------------
# Restore


def run_restore(path: Path, *, force: bool) -> str:
    """Restore the archive at ``path`` into the configured database and data folder."""
    settings = _django_settings()
    target = _target(settings)
    path = path.expanduser().resolve()
    if not path.is_file():
        raise BackupError(f"there is no file at {path}.")
    data_dir = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix="ourplan-restore-") as scratch:
        work = Path(scratch)
        manifest = _unpack(path, work)
        vendor = manifest["database"]["vendor"]
        if vendor != target.vendor:
            raise BackupError(
                f"this backup is of a {_vendor_name(vendor)} database, but the target is "
                f"{_vendor_name(target.vendor)}: restore into the same kind of database."
            )
        _refuse_unknown_migrations(manifest["migrations"])
        data_names = sorted(
            name[len(DATA_PREFIX) :] for name in manifest["members"] if name.startswith(DATA_PREFIX)
        )
        _refuse_non_empty(target, data_dir, data_names, force=force)
        database_member = work / manifest["database"]["member"]
        if target.vendor == "postgresql":
            _restore_postgres(target, database_member, replace=force)
        else:
            _restore_sqlite(target, database_member)
        found = _read_target_tables(target)
        mismatches = _compare_tables(manifest["tables"], found)
        if mismatches:
            raise BackupError(
                "the restored database does not match the backup's manifest:\n  "
                + "\n  ".join(mismatches)
            )
        for name in data_names:
            destination = _inside(data_dir, name)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(_inside(work, DATA_PREFIX + name), destination)
            if _file_digest(destination) != manifest["members"][DATA_PREFIX + name]:
                raise BackupError(f"the restored file {destination} does not match the manifest.")
    applied = _migrate_forward()
    rows = sum(table["rows"] for table in manifest["tables"].values())
    grants = (
        "\nDatabase grants are not restored: run `ourplan dbrole ROLE | psql` as the owner."
        if target.vendor == "postgresql"
        else ""
    )
    return (
        f"Restored {path.name} (made {manifest['created_at']} by ourplan "
        f"{manifest['ourplan_version']}) into the {target.describe()}.\n"
        f"Verified {len(found)} tables, {rows:,} rows: every row count and content hash "
        f"matches the manifest. Restored {_count(len(data_names), 'data file')} into {data_dir}.\n"
        + (
            f"Migrated forward: {_count(len(applied), 'migration')} applied ({', '.join(applied)})."
            if applied
            else "Migrations: already up to date."
        )
        + grants
    )


def _unpack(path: Path, work: Path) -> dict[str, Any]:
    """Extract the archive's known members into ``work`` and check each against the manifest."""
    try:
        with tarfile.open(path, "r:*") as archive:
            manifest = _read_manifest(archive, path)
            expected = manifest["members"]
            seen: set[str] = set()
            for member in archive:
                if member.name == MANIFEST:
                    continue
                if member.name not in expected or not member.isfile():
                    raise BackupError(f"{path} holds {member.name!r}, which its manifest omits.")
                destination = _inside(work, member.name)
                destination.parent.mkdir(parents=True, exist_ok=True)
                stream = archive.extractfile(member)
                assert stream is not None
                with stream, destination.open("wb") as out:
                    shutil.copyfileobj(stream, out, CHUNK)
                if _file_digest(destination) != expected[member.name]:
                    raise BackupError(
                        f"{member.name} in {path} is damaged: its SHA-256 differs from the manifest."
                    )
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"cannot read {path} as an ourplan backup: {error}") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{path} is incomplete: missing {', '.join(missing)}.")
    return manifest


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict[str, Any]:
    try:
        stream = archive.extractfile(MANIFEST)
    except KeyError:
        stream = None
    if stream is None:
        raise BackupError(f"{path} has no {MANIFEST}: it was not written by 'ourplan backup'.")
    try:
        manifest = json.loads(stream.read())
    except ValueError:
        raise BackupError(f"the manifest in {path} is not valid JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} was not written by 'ourplan backup'.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is backup format {manifest.get('format_version')}; this ourplan reads "
            f"format {FORMAT_VERSION}."
        )
    for key in ("database", "migrations", "tables", "members", "created_at", "ourplan_version"):
        if key not in manifest:
            raise BackupError(f"the manifest in {path} has no {key!r}.")
    if manifest["database"].get("member") not in manifest["members"]:
        raise BackupError(f"the manifest in {path} names no database member.")
    return manifest


def _inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing names that would escape the folder."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise BackupError(f"the archive holds an unsafe path: {name!r}.")
    return folder.joinpath(*pure.parts)


def _refuse_unknown_migrations(applied: dict[str, list[str]]) -> None:
    """A backup from a newer ourplan has migrations this code cannot know about."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, names in applied.items() for name in names)
    unknown = [label for label in unknown if tuple(label.split(".", 1)) not in known]
    if unknown:
        raise BackupError(
            "this backup was made by a newer ourplan: it has migrations this version does "
            f"not know ({', '.join(unknown[:5])}{', ...' if len(unknown) > 5 else ''}). "
            "Install that version (or later) to restore it."
        )


def _refuse_non_empty(
    target: Target, data_dir: Path, data_names: list[str], *, force: bool
) -> None:
    if force:
        return
    tables = _target_table_names(target)
    if tables:
        raise BackupError(
            f"the {target.describe()} is not empty ({len(tables)} tables, e.g. "
            f"{', '.join(sorted(tables)[:3])}). Restore into a new, empty database, or add "
            "--force to replace what is there."
        )
    clashing = [name for name in data_names if (data_dir / name).exists()]
    if clashing:
        raise BackupError(
            f"{len(clashing)} files the backup would restore already exist in {data_dir} "
            f"(e.g. {clashing[0]}). Restore into an empty data folder, or add --force."
        )


def _restore_postgres(target: Target, dump: Path, *, replace: bool) -> None:
    pg_restore = _client_program("pg_restore")
    psycopg = _psycopg()
    if replace:
        try:
            with psycopg.connect(**target.libpq) as conn:
                for table in _postgres_tables(conn):
                    conn.execute(f"DROP TABLE IF EXISTS {_quoted(table)} CASCADE")
        except psycopg.Error as error:
            raise BackupError(f"PostgreSQL, clearing the target: {_first_line(error)}") from None
    completed = subprocess.run(  # noqa: S603  (a fixed program and arguments, no shell)
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={target.libpq.get('dbname', '')}",
            str(dump),
        ],
        env=_libpq_environment(target),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BackupError(
            f"pg_restore failed, nothing was restored: {_last_lines(completed.stderr)}"
        )


def _restore_sqlite(target: Target, copy: Path) -> None:
    assert target.sqlite_path is not None
    target.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = sqlite3.connect(copy)
        destination = sqlite3.connect(target.sqlite_path, timeout=30)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite, writing {target.sqlite_path}: {error}") from None


def _target_table_names(target: Target) -> list[str]:
    if target.sqlite_path is not None:
        if not target.sqlite_path.exists():
            return []
        try:
            with _closing(sqlite3.connect(target.sqlite_path, timeout=30)) as conn:
                return _sqlite_tables(conn)
        except sqlite3.Error as error:
            raise BackupError(f"SQLite, reading {target.sqlite_path}: {error}") from None
    psycopg = _psycopg()
    try:
        with psycopg.connect(**target.libpq) as conn:
            return _postgres_tables(conn)
    except psycopg.Error as error:
        raise BackupError(f"PostgreSQL: {_first_line(error)}") from None


def _read_target_tables(target: Target) -> dict[str, Any]:
    if target.sqlite_path is not None:
        with _closing(sqlite3.connect(target.sqlite_path, timeout=30)) as conn:
            return _describe_tables(conn, _sqlite_tables(conn))
    psycopg = _psycopg()
    try:
        with psycopg.connect(**target.libpq, autocommit=True) as conn:
            conn.execute("SET TIME ZONE 'UTC'")
            conn.autocommit = False
            return _describe_tables(conn, _postgres_tables(conn), postgres=True)
    except psycopg.Error as error:
        raise BackupError(f"PostgreSQL, checking the restore: {_first_line(error)}") from None


def _compare_tables(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    problems = [f"table {name} is missing" for name in sorted(set(expected) - set(found))]
    problems += [
        f"table {name} is not in the backup" for name in sorted(set(found) - set(expected))
    ]
    for name in sorted(set(expected) & set(found)):
        want, got = expected[name], found[name]
        if want["rows"] != got["rows"]:
            problems.append(f"{name}: {got['rows']} rows, the backup had {want['rows']}")
        elif want["sha256"] != got["sha256"]:
            problems.append(f"{name}: the content hash differs from the backup's")
    return problems


def _migrate_forward() -> list[str]:
    """Run the migrations on the restored database; return the ones that were applied."""
    from django.core.management import call_command
    from django.db import DatabaseError, connection
    from django.db.migrations.recorder import MigrationRecorder

    try:
        before = set(MigrationRecorder(connection).applied_migrations())
        call_command("migrate", interactive=False, verbosity=0)
        after = set(MigrationRecorder(connection).applied_migrations())
    except DatabaseError as error:
        raise BackupError(
            f"the data was restored and verified, but migrating it failed: {_first_line(error)}"
        ) from None
    return [f"{app}.{name}" for app, name in sorted(after - before)]


# ---------------------------------------------------------------------------------------------
# Describing tables: row counts and an order-free content hash


def _describe_tables(conn: Any, tables: list[str], *, postgres: bool = False) -> dict[str, Any]:
    """Each table's row count and content hash.

    The hash is the sum, modulo 2**256, of the SHA-256 of every row written canonically: it
    does not depend on the order rows come back in (so no ORDER BY, whose text collation could
    differ between servers), and unlike XOR two equal rows do not cancel out.
    """
    described: dict[str, Any] = {}
    for table in tables:
        if postgres:
            # A server-side cursor, so a table of millions of rows is not held in memory.
            rows_cursor = conn.cursor(name=f"ourplan_backup_{uuid.uuid4().hex[:12]}")
        else:
            rows_cursor = conn.cursor()
        # The name comes from the database's own catalogue, quoted as an identifier.
        rows_cursor.execute(f"SELECT * FROM {_quoted(table)}")  # noqa: S608
        count, total = 0, 0
        for row in _rows(rows_cursor):
            encoded = json.dumps(
                [_canonical(value) for value in row],
                separators=(",", ":"),
                ensure_ascii=False,
                sort_keys=True,
            ).encode()
            total = (total + int.from_bytes(hashlib.sha256(encoded).digest(), "big")) % HASH_MODULUS
            count += 1
        rows_cursor.close()
        described[table] = {"rows": count, "sha256": f"{total:064x}"}
    return described


def _rows(cursor: Any) -> Iterable[tuple[Any, ...]]:
    while True:
        batch = cursor.fetchmany(5000)
        if not batch:
            return
        yield from batch


def _canonical(value: Any) -> Any:
    """A JSON-ready form of one column value that is the same wherever the row is read."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | dt.timedelta):
        return str(value)
    if isinstance(value, dict | list):
        return {"json": json.dumps(value, sort_keys=True, default=str)}
    return repr(value)


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _postgres_tables(conn: Any) -> list[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
    ).fetchall()
    return [row[0] for row in rows]


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [row[0] for row in rows]


def _applied_migrations(cursor: Any, tables: dict[str, Any]) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


# ---------------------------------------------------------------------------------------------
# Settings, programs and small helpers


def _django_settings() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplan.config.settings")
    import django
    from django.conf import settings

    django.setup()
    return settings


def _target(settings: Any) -> Target:
    database = settings.DATABASES["default"]
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        name = str(database["NAME"])
        if name in {"", ":memory:"} or name.startswith("file:"):
            raise BackupError(f"the SQLite database {name!r} is not a file on disk.")
        return Target("sqlite", Path(name).expanduser().resolve(), {})
    if "postgresql" in engine:
        libpq = {
            "dbname": database.get("NAME") or "",
            "user": database.get("USER") or "",
            "password": database.get("PASSWORD") or "",
            "host": database.get("HOST") or "",
            "port": str(database.get("PORT") or ""),
        }
        for key, value in (database.get("OPTIONS") or {}).items():
            if key in LIBPQ_ENVIRONMENT and value not in (None, ""):
                libpq[key] = str(value)
        return Target("postgresql", None, {key: value for key, value in libpq.items() if value})
    raise BackupError(f"backups support PostgreSQL and SQLite, not {engine}.")


def _libpq_environment(target: Target) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for key, value in target.libpq.items():
        env[LIBPQ_ENVIRONMENT[key]] = value
    return env


def _client_program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client programs (the same major "
            "version as the server, or newer), e.g. `apt-get install postgresql-client`."
        )
    return found


def _psycopg() -> Any:
    import psycopg

    return psycopg


class _closing:
    """``with`` for a sqlite3 connection that closes it (its own ``with`` only commits)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def _add_bytes(archive: tarfile.TarFile, name: str, payload: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(payload))


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _ourplan_version() -> str:
    from ourplan import __version__

    return __version__


def _vendor_name(vendor: str) -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(vendor, vendor)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _size(octets: int) -> str:
    size = float(octets)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{octets} bytes"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _last_lines(text: str, count: int = 3) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " / ".join(lines[-count:]) if lines else "no message"
