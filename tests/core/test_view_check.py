"""The view check (tools/check_views.py) fails on views that leave the one road to a record."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "tools" / "check_views.py"
FIXTURES = Path(__file__).parent / "fixtures"


def _run(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECK), str(path)], capture_output=True, text=True, check=False
    )


def _as_views_module(fixture: str, tmp_path: Path) -> Path:
    """The check reads only views modules, so the fixture is copied in as one."""
    target = tmp_path / "views.py"
    shutil.copy(FIXTURES / fixture, target)
    return tmp_path


def test_check_fails_on_a_deliberately_wrong_view(tmp_path: Path) -> None:
    result = _run(_as_views_module("wrong_views.py", tmp_path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    # Each shortcut in the fixture is named with its line.
    assert any(":12: query through" in line for line in lines)  # Goal.objects
    assert any(":13: the access function that fetched" in line for line in lines)  # record_read
    assert any(":18: the 403 handler writes the denied entry" in line for line in lines)
    assert any(":19: raise ourplan.core.refusal.Refused" in line for line in lines)
    assert any(":23: fetch records with the app's access_* function" in line for line in lines)
    assert any(
        ":24: raise ourplan.core.refusal.Refused, not HttpResponseForbidden" in line
        for line in lines
    )


def test_check_passes_a_view_on_the_one_road(tmp_path: Path) -> None:
    result = _run(_as_views_module("right_views.py", tmp_path))
    assert result.returncode == 0, result.stdout


def test_check_reads_views_packages_too(tmp_path: Path) -> None:
    package = tmp_path / "views"
    package.mkdir()
    shutil.copy(FIXTURES / "wrong_views.py", package / "goals.py")
    assert _run(tmp_path).returncode == 1


def test_check_ignores_modules_that_are_not_views(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "wrong_views.py", tmp_path / "queries.py")
    assert _run(tmp_path).returncode == 0


def test_every_view_in_the_project_is_on_the_one_road() -> None:
    result = _run(ROOT / "src" / "ourplan")
    assert result.returncode == 0, result.stdout
