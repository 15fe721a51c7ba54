"""How numbers, p values and lists are written in the report (shared by every part of it).

Significance marks, used in every table: ``*`` p < .05, ``**`` p < .01, ``***`` p < .001.
They are fixed conventions; which pairs of sites are *listed* as differing follows the
config's ``alpha``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TypeGuard

DASH = "–"


def stars(p: float | None) -> str:
    """``***`` p < .001, ``**`` p < .01, ``*`` p < .05, else empty."""
    if p is None or not math.isfinite(p):
        return ""
    if p < 0.001:
        return "***"
    if p < 0.01:
        return "**"
    if p < 0.05:
        return "*"
    return ""


def format_p(p: float | None, leading_zero: bool = False) -> str:
    """``p < .001`` or ``p = .034`` (APA style: p cannot exceed 1, so no leading zero).

    ``leading_zero`` gives ``p = 0.034`` for running text, which also keeps a line from
    breaking between the point and the digits.
    """
    if p is None or not math.isfinite(p):
        return f"p {DASH}"
    zero = "0" if leading_zero else ""
    if p < 0.001:
        return f"p < {zero}.001"
    return "p = " + zero + f"{p:.3f}".removeprefix("0")


def is_number(value: float | None) -> TypeGuard[float]:
    """Whether a statistic has a value to show (not missing, NaN or infinite)."""
    return value is not None and math.isfinite(value)


def number_text(value: float | None, digits: int = 2) -> str:
    """A value to ``digits`` decimals with a true minus sign, or a dash when there is none."""
    if value is None or not math.isfinite(value):
        return DASH
    return f"{value:.{digits}f}".replace("-", "−")


def bounded_text(value: float | None, digits: int = 3) -> str:
    """A statistic bounded by ±1 written without the leading zero (APA style)."""
    text = number_text(value, digits)
    return text.replace("0.", ".", 1) if text.lstrip("−").startswith("0.") else text


def list_words(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def plural(label: str) -> str:
    """The lower-case plural of a group's name: ``Site`` → ``sites``."""
    lower = label.lower()
    return lower if lower.endswith("s") else lower + "s"


def share_text(share: float) -> str:
    """A share as a whole percentage: 0.5 → ``50%``."""
    return f"{share * 100:.0f}%"


def long_date(day: dt.date) -> str:
    """``14 March 2025``."""
    return f"{day.day} {day:%B %Y}"


def range_text(low: float, high: float) -> str:
    """A scale's range: ``1–5``."""
    return f"{low:g}–{high:g}"
