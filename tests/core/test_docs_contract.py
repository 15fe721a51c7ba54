"""Every command and setting is documented."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ourplan.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


def _subcommands(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def test_every_cli_command_is_documented() -> None:
    documented = (ROOT / "docs" / "cli.md").read_text()
    commands = _subcommands(build_parser())
    assert {"serve", "migrate", "demo", "createsuperuser"} <= set(commands)
    missing = [name for name in commands if f"`ourplan {name}" not in documented]
    assert missing == [], f"Commands missing from docs/cli.md: {missing}"


def test_every_environment_variable_is_documented() -> None:
    settings_source = (ROOT / "src" / "ourplan" / "config" / "settings.py").read_text()
    read = set(re.findall(r'"((?:OURPLAN|DATABASE)_[A-Z_]+)"', settings_source))
    read |= {"OURPLAN_ADMIN_PASSWORD"}
    documented = (ROOT / "docs" / "operations.md").read_text()
    missing = sorted(name for name in read if f"`{name}`" not in documented)
    assert read, "no settings found: the pattern above is out of date"
    assert missing == [], f"Settings missing from docs/operations.md: {missing}"


def test_the_readme_shows_the_two_commands_and_the_demo_logins() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    from ourplan.people.demo import DEMO_PASSWORD, ORGANISATIONS

    assert DEMO_PASSWORD in readme
    for spec in ORGANISATIONS:
        for username, *_ in spec.staff:
            if username in {
                "coordinator",
                "manager",
                "admin",
                "researcher",
                "cydlynydd",
                "rheolwr",
            }:
                assert f"`{username}`" in readme
