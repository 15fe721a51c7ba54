"""Text cells a spreadsheet program would run as a formula, made safe (CSV injection).

The one place this rule lives: the study exports and ``ourplan analyse --format csv``
both use it. No Django here, so the analyse command can use it on a laptop.
"""

from __future__ import annotations

from typing import Any

# Excel, LibreOffice and Google Sheets treat a cell starting with any of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
