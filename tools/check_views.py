"""Fail when a view reaches a record by any road other than its app's access functions.

Views (``views.py`` modules and ``views/`` packages) parse input, call an access function,
call a service and render. This check makes the unsafe shortcuts impossible to land:

- querying a model directly (``Model.objects``, ``_default_manager``, ``get_object_or_404``):
  a record must come from an ``access_*`` function, which checks and audits it;
- raising ``PermissionDenied`` or returning ``HttpResponseForbidden``: refusals are
  ``ourplan.core.refusal.Refused``, logged once by the 403 handler;
- writing ``read`` or ``denied`` audit entries: the access function writes the read, the
  403 handler writes the refusal, so no view can forget or double either.

Usage: ``python tools/check_views.py [PATH ...]`` (default ``src/ourplan``). Exit 1 on any finding.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

BANNED_NAMES = {
    "PermissionDenied": "raise ourplan.core.refusal.Refused (or call an access function), "
    "not PermissionDenied",
    "HttpResponseForbidden": "raise ourplan.core.refusal.Refused, not HttpResponseForbidden",
    "get_object_or_404": "fetch records with the app's access_* function",
    "get_list_or_404": "fetch records with the app's access_* function",
}
BANNED_ATTRIBUTES = {
    "objects": "query through the app's access.py or queries.py, not Model.objects",
    "_default_manager": "query through the app's access.py or queries.py, not _default_manager",
    "record_read": "the access function that fetched the record writes the read entry",
    "record_refusal": "the 403 handler writes the denied entry",
}


def is_view_module(path: Path) -> bool:
    return path.name == "views.py" or "views" in path.parent.parts[-1:]


def view_modules(roots: list[Path]) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
            continue
        for path in sorted(root.rglob("*.py")):
            if is_view_module(path) and "migrations" not in path.parts:
                yield path


def _writes_denied(call: ast.Call) -> bool:
    """An audit.record(..., action="denied" / AuditAction.DENIED) call."""
    for keyword in call.keywords:
        if keyword.arg != "action":
            continue
        value = keyword.value
        if isinstance(value, ast.Constant) and value.value == "denied":
            return True
        if isinstance(value, ast.Attribute) and value.attr == "DENIED":
            return True
    return False


def findings_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []

    def report(node: ast.AST, message: str) -> None:
        found.append(f"{path}:{getattr(node, 'lineno', 0)}: {message}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in BANNED_NAMES:
            report(node, BANNED_NAMES[node.id])
        elif isinstance(node, ast.Attribute) and node.attr in BANNED_NAMES:
            report(node, BANNED_NAMES[node.attr])
        elif isinstance(node, ast.Attribute) and node.attr in BANNED_ATTRIBUTES:
            report(node, BANNED_ATTRIBUTES[node.attr])
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in BANNED_NAMES or alias.name in BANNED_ATTRIBUTES:
                    report(
                        node,
                        f"imports {alias.name}: "
                        + BANNED_NAMES.get(alias.name, BANNED_ATTRIBUTES.get(alias.name, "")),
                    )
        elif isinstance(node, ast.Call) and _writes_denied(node):
            report(node, "the 403 handler writes the denied entry; raise Refused instead")
    return found


def main(argv: list[str]) -> int:
    roots = [Path(arg) for arg in argv] or [Path("src/ourplan")]
    findings = [line for path in view_modules(roots) for line in findings_in(path)]
    for line in findings:
        print(line)
    if findings:
        print(f"{len(findings)} view(s) reach records or refuse outside the one road.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
