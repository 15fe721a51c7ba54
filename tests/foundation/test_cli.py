"""The `ourplan` console script, run as a person would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _ourplan(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OURPLAN_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)  # these runs use their own SQLite file
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
