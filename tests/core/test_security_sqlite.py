"""SQLite: concurrent requests never fail with "database is locked"; production refuses it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connections, transaction

ROOT = Path(__file__).resolve().parents[2]
TRIES = 50
WRITERS = 4
READERS = 2


@pytest.fixture
def file_database(tmp_path: Path, django_db_blocker: Any) -> Iterator[str]:
    """A SQLite database in a file (not in memory), opened with the app's SQLite options."""
    alias = "concurrency_file"
    config = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "concurrency.sqlite3"),
        "OPTIONS": dict(django_settings.SQLITE_OPTIONS),
    }
    configured = connections.configure_settings({"default": {}, alias: config})
    connections.settings[alias] = configured[alias]
    with django_db_blocker.unblock():
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
            cursor.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY, note TEXT NOT NULL)")
            cursor.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
        try:
            yield alias
        finally:
            connections[alias].close()
            del connections.settings[alias]


def _in_thread(alias: str, work: Any, start: threading.Barrier, errors: list[str]) -> Any:
    def run() -> None:
        try:
            start.wait()
            work(alias)
        except OperationalError as error:
            errors.append(str(error))
        finally:
            connections[alias].close()

    return threading.Thread(target=run)


def _write(alias: str) -> None:
    # Like a page that reads a record, then saves a change and its audit entry.
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SELECT n FROM counter WHERE id = 1")
        (n,) = cursor.fetchone()
        time.sleep(0.002)
        cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
        cursor.execute("INSERT INTO audit (note) VALUES (%s)", ["changed"])


def _read(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit")
        cursor.execute("SELECT n FROM counter WHERE id = 1")


def test_concurrent_writes_and_reads_on_a_file_database_never_find_it_locked(
    file_database: str,
) -> None:
    errors: list[str] = []
    for _ in range(TRIES):
        start = threading.Barrier(WRITERS + READERS)
        threads = [_in_thread(file_database, _write, start, errors) for _ in range(WRITERS)]
        threads += [_in_thread(file_database, _read, start, errors) for _ in range(READERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == [], f"{len(errors)} failures, e.g. {errors[0]}"
    with connections[file_database].cursor() as cursor:
        cursor.execute("SELECT n FROM counter WHERE id = 1")
        assert cursor.fetchone()[0] == TRIES * WRITERS  # and no write was lost


def _production(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "OURPLAN_ENV": "production",
        "OURPLAN_SECRET_KEY": "x" * 30 + "-production-secret-for-the-check-0123456789",
        "OURPLAN_ALLOWED_HOSTS": "ourplan.example.nhs.uk",
        "OURPLAN_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "ourplan.config.settings",
        **extra,
    }
    for name in ("DATABASE_URL", "OURPLAN_DEBUG", "OURPLAN_ALLOW_SQLITE_IN_PRODUCTION"):
        if name not in extra:
            env.pop(name, None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_on_sqlite(tmp_path: Path) -> None:
    result = _manage(_production(tmp_path), "check")
    assert result.returncode != 0
    assert "needs DATABASE_URL" in result.stderr
    assert "OURPLAN_ALLOW_SQLITE_IN_PRODUCTION" in result.stderr


def test_the_deploy_check_reports_sqlite_allowed_in_production(tmp_path: Path) -> None:
    env = _production(tmp_path, OURPLAN_ALLOW_SQLITE_IN_PRODUCTION="1")
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "ourplan.W001" in result.stdout + result.stderr
    assert "The database is SQLite" in result.stdout + result.stderr
