"""A small progress chart drawn as inline SVG: no JavaScript, no inline styles, with a text equivalent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD = 320, 140, 24


def progress_chart(ratings: Sequence[Any], goal_text: str) -> SafeString | None:
    """A line of 0–10 ratings over time; the table beside it carries the same numbers as text."""
    if not ratings:
        return None
    count = len(ratings)
    step = (WIDTH - 2 * PAD) / max(count - 1, 1)

    def y(score: int) -> float:
        return HEIGHT - PAD - score * (HEIGHT - 2 * PAD) / 10

    points = [(PAD + i * step, y(r.score)) for i, r in enumerate(ratings)]
    summary = _(
        "Progress on %(goal)s: from %(first)d to %(last)d out of 10 over %(n)d ratings."
    ) % {
        "goal": goal_text,
        "first": ratings[0].score,
        "last": ratings[-1].score,
        "n": count,
    }
    grid = "".join(
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#d8dde0" stroke-width="1"/>'
        f'<text x="{PAD - 6}" y="{y(v) + 4:.1f}" font-size="10" text-anchor="end" fill="#4c6272">{v}</text>'
        for v in (0, 5, 10)
    )
    line = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in points)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="4" fill="#005eb8"/>' for x, yy in points)
    svg = (
        f'<svg class="ourplan-progress-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(summary)}" focusable="false">'
        f"<title>{escape(summary)}</title>{grid}"
        f'<polyline points="{line}" fill="none" stroke="#005eb8" stroke-width="3"/>{dots}</svg>'
    )
    return mark_safe(svg)  # noqa: S308  (built from numbers and escaped text only)
