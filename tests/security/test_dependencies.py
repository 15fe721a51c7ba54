"""What gets installed: only packages ourplan uses, each pinned with its hashes.

Issue 14, finding 12: `nh3` was a dependency nothing used (code nobody reviews, installed on
every server), and with no lock file two installs a month apart could differ. Reads
pyproject.toml, requirements.lock and the Makefile; installs nothing and needs no network.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "ourplan"

# Used without ourplan importing them, each for a reason a code search cannot see.
USED_WITHOUT_AN_IMPORT = {
    "gunicorn": "the production server, run as a command (docs/operations.md)",
    "psycopg": "Django's PostgreSQL driver, loaded by the database engine",
}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _requirements(group: str | None = None) -> list[Requirement]:
    project = _project()
    lines = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return [Requirement(line) for line in lines]


@cache
def _source_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in SOURCE.rglob("*.py"))


def _modules_of(distribution: str) -> set[str]:
    """The top-level modules an installed distribution provides (django-axes: axes)."""
    wanted = canonicalize_name(distribution)
    return {
        module
        for module, names in packages_distributions().items()
        if any(canonicalize_name(name) == wanted for name in names)
    }


def _used(module: str) -> bool:
    # An import, or a dotted path in settings ("axes", "csp.middleware.CSPMiddleware").
    pattern = rf"(^\s*(from|import)\s+{re.escape(module)}\b)|([\"']{re.escape(module)}[.\"'])"
    return re.search(pattern, _source_text(), re.M) is not None


def _locked() -> dict[str, tuple[str, list[str]]]:
    """Every package in requirements.lock: its pinned version and the hashes given for it."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    locked = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        first = block.split("\\", 1)[0].strip()
        if not first or first.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)(\[[^\]]*\])?==([^\s;]+)(\s*;.*)?", first)
        assert match, f"requirements.lock: not pinned with ==: {first!r}"
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
        locked[canonicalize_name(match.group(1))] = (match.group(3), hashes)
    return locked


def test_every_runtime_dependency_is_used_by_ourplan() -> None:
    unused = []
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        if name in USED_WITHOUT_AN_IMPORT:
            continue
        modules = _modules_of(requirement.name)
        assert modules, f"{requirement.name} is not installed: run make install"
        if not any(_used(module) for module in modules):
            unused.append(requirement.name)
    assert unused == [], f"dependencies nothing in src/ourplan uses: {unused}"


def test_the_usage_check_sees_a_dependency_nothing_uses() -> None:
    # The check above must be able to fail: nothing in ourplan names this module.
    assert not _used("nh3")
    assert _used("axes") and _used("whitenoise") and _used("scipy")


def test_every_locked_package_is_pinned_with_hashes() -> None:
    locked = _locked()
    assert len(locked) > 50
    unhashed = sorted(name for name, (_, hashes) in locked.items() if not hashes)
    assert unhashed == [], f"locked without a hash: {unhashed}"


def test_the_lock_holds_every_dependency_at_a_version_pyproject_allows() -> None:
    locked = _locked()
    problems = []
    for requirement in _requirements() + _requirements("dev"):
        name = canonicalize_name(requirement.name)
        if name not in locked:
            problems.append(f"{requirement.name}: not in requirements.lock")
        elif not requirement.specifier.contains(locked[name][0], prereleases=True):
            problems.append(
                f"{requirement.name}: locked {locked[name][0]}, wants {requirement.specifier}"
            )
    assert problems == []


def test_make_install_installs_from_the_lock_and_checks_the_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(
        r"(pip|\$\(PIP\)) install [^\n]*--require-hashes -r requirements\.lock", makefile
    )
    # ourplan itself goes on top without resolving anything the lock did not pin.
    assert "--no-deps" in makefile
