"""The `ourplan` console script, run as a person would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _ourplan(*args: str, data_dir: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OURPLAN_DATA_DIR": str(data_dir)}
    for name in ("DATABASE_URL", "OURPLAN_ENV", "OURPLAN_SECRET_KEY", "OURPLAN_DEBUG"):
        env.pop(name, None)  # these runs use their own SQLite file, in development mode
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "ourplan.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = _ourplan("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("serve", "migrate", "demo", "createsuperuser"):
        assert command in result.stdout


@pytest.mark.slow_subprocess
def test_migrate_then_demo_then_democode_on_a_fresh_data_dir(tmp_path: Path) -> None:
    assert _ourplan("migrate", "--verbosity", "0", data_dir=tmp_path).returncode == 0
    assert (tmp_path / "ourplan.sqlite3").exists()
    demo = _ourplan("demo", data_dir=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "coordinator" in demo.stdout
    code = _ourplan("democode", "manager", data_dir=tmp_path)
    assert code.returncode == 0 and code.stdout.strip().isdigit() and len(code.stdout.strip()) == 6
    refused = _ourplan("democode", "coordinator", data_dir=tmp_path)
    assert refused.returncode != 0


def test_dbrole_prints_sql_that_revokes_audit_changes(tmp_path: Path) -> None:
    result = _ourplan("dbrole", "ourplan_app", data_dir=tmp_path)
    assert result.returncode == 0
    assert 'REVOKE UPDATE, DELETE, TRUNCATE ON core_auditentry FROM "ourplan_app";' in result.stdout


def _users_in(data_dir: Path) -> int:
    import sqlite3

    with sqlite3.connect(data_dir / "ourplan.sqlite3") as database:
        return int(database.execute("SELECT COUNT(*) FROM accounts_user").fetchone()[0])


@pytest.mark.slow_subprocess
@pytest.mark.parametrize(
    "command", [("demo",), ("democode", "manager"), ("createsuperuser",)], ids=lambda c: c[0]
)
def test_commands_before_migrate_say_so_without_a_traceback(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    result = _ourplan(*command, data_dir=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "run `ourplan migrate` first" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def _production_env(data_dir: Path) -> dict[str, str]:
    return {
        "OURPLAN_ENV": "production",
        "OURPLAN_SECRET_KEY": "x" * 30 + "-production-secret-for-the-cli-test-0123456789",
        "OURPLAN_ALLOWED_HOSTS": "ourplan.example.nhs.uk",
        "OURPLAN_ALLOW_SQLITE_IN_PRODUCTION": "1",
    }


@pytest.mark.slow_subprocess
def test_demo_and_democode_refuse_to_run_in_production(tmp_path: Path) -> None:
    production = _production_env(tmp_path)
    migrated = _ourplan("migrate", "--verbosity", "0", data_dir=tmp_path, **production)
    assert migrated.returncode == 0, migrated.stderr
    demo = _ourplan("demo", data_dir=tmp_path, **production)
    assert demo.returncode == 2
    assert "never for a live service" in demo.stderr and "Traceback" not in demo.stderr
    assert _users_in(tmp_path) == 0, "no demo accounts with the published password"
    code = _ourplan("democode", "manager", data_dir=tmp_path, **production)
    assert code.returncode == 2 and code.stdout == ""
    assert "never for a live service" in code.stderr


@pytest.mark.slow_subprocess
def test_settings_that_refuse_to_load_are_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = _ourplan("demo", data_dir=tmp_path, OURPLAN_ENV="production")
    assert result.returncode == 2
    assert "OURPLAN_SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr
