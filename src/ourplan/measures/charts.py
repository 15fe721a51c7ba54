"""Small charts of one score over time, as inline SVG: no script, no inline styles, and
always beside a table holding the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD_X, PAD_Y = 320, 150, 34, 20
LINE = "#005eb8"
GRID = "#d8dde0"
TEXT = "#4c6272"
REFERENCE = "#212b32"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def score_over_time(
    points: Sequence[tuple[date, float]],
    *,
    low: float,
    high: float,
    name: str,
    reference: float | None = None,
) -> SafeString | None:
    """A line of one score's values in date order, on the score's whole range."""
    if not points:
        return None
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return HEIGHT - PAD_Y - (value - low) * (HEIGHT - 2 * PAD_Y) / span

    step = (WIDTH - 2 * PAD_X) / max(len(points) - 1, 1)
    xy = [(PAD_X + i * step, y(v)) for i, (_day, v) in enumerate(points)]
    first_day, first = points[0]
    last_day, last = points[-1]
    summary = _(
        "%(name)s: %(first)s on %(first_day)s, %(last)s on %(last_day)s, on a scale of %(low)s to %(high)s."
    ) % {
        "name": name,
        "first": _number(first),
        "first_day": date_format(first_day, "j M Y"),
        "last": _number(last),
        "last_day": date_format(last_day, "j M Y"),
        "low": _number(low),
        "high": _number(high),
    }
    if reference is not None:
        summary += " " + _("The dashed line is the published reference value, %(value)s.") % {
            "value": _number(reference)
        }
    grid = "".join(
        f'<line x1="{PAD_X}" x2="{WIDTH - PAD_X}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{GRID}" stroke-width="1"/>'
        f'<text x="{PAD_X - 6}" y="{y(v) + 4:.1f}" font-size="10" text-anchor="end" fill="{TEXT}">{_number(v)}</text>'
        for v in (low, (low + high) / 2, high)
    )
    ref = ""
    if reference is not None and low <= reference <= high:
        ref = (
            f'<line x1="{PAD_X}" x2="{WIDTH - PAD_X}" y1="{y(reference):.1f}" y2="{y(reference):.1f}" '
            f'stroke="{REFERENCE}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    line = " ".join(f"{a:.1f},{b:.1f}" for a, b in xy)
    dots = "".join(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="4" fill="{LINE}"/>' for a, b in xy)
    svg = (
        f'<svg class="ourplan-progress-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="{escape(summary)}" focusable="false">'
        f"<title>{escape(summary)}</title>{grid}{ref}"
        f'<polyline points="{line}" fill="none" stroke="{LINE}" stroke-width="3"/>{dots}</svg>'
    )
    return mark_safe(svg)  # noqa: S308  (built from numbers and escaped text only)


def distribution(counts: Sequence[tuple[str, int | None]], *, name: str) -> SafeString | None:
    """Horizontal bars of how many respondents fall in each band (None: suppressed)."""
    shown = [(label, n) for label, n in counts if n is not None]
    if not shown:
        return None
    most = max(n for _label, n in shown) or 1
    row = 26
    height = row * len(counts) + 10
    bars = []
    for i, (label, n) in enumerate(counts):
        top = 5 + i * row
        if n is None:
            bars.append(
                f'<text x="120" y="{top + 16}" font-size="11" fill="{TEXT}">{escape(_("fewer than 5"))}</text>'
            )
        else:
            width = 170 * n / most
            bars.append(
                f'<rect x="120" y="{top + 4}" width="{width:.1f}" height="16" fill="{LINE}"/>'
            )
            bars.append(
                f'<text x="{124 + width:.1f}" y="{top + 16}" font-size="11" fill="{TEXT}">{n}</text>'
            )
        bars.append(
            f'<text x="114" y="{top + 16}" font-size="11" text-anchor="end" fill="{TEXT}">{escape(label)}</text>'
        )
    summary = _("How many people scored in each range of %(name)s.") % {"name": name}
    svg = (
        f'<svg class="ourplan-progress-chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-label="{escape(summary)}" focusable="false">'
        f"<title>{escape(summary)}</title>{''.join(bars)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308  (built from numbers and escaped text only)
