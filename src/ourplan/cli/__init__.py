"""The `ourplan` command.

Each sub-command lives in its own module with a ``register(subparsers)``
function that adds its parser and sets ``handler`` to a callable taking the
parsed arguments and returning an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules that contribute sub-commands, in the order `ourplan --help` lists them.
COMMAND_MODULES = (
    "ourplan.cli.django_commands",
    "ourplan.cli.backup",
    "ourplan.cli.analyse",
    "ourplan.cli.report",
    "ourplan.cli.delphi",
    "ourplan.cli.measures",
    "ourplan.cli.audit",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="ourplan",
        description="ourplan: recovery-focused care planning and coordination.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
