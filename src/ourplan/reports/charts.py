"""Mean ± 95% confidence interval charts as accessible, self-contained SVG.

Shared by the evaluation report and the web research area, so it takes plain data and
never imports Django.  Charts are drawn with Matplotlib's object API (no ``pyplot`` state)
and the Agg-family SVG backend, so they are safe to draw from a web worker.

Accessibility: the SVG carries ``role="img"`` and a ``<title>`` holding the text
alternative that :func:`mean_ci_text` returns; text stays text (not paths) so it can be
searched, read aloud and copied.  One colour from the Okabe–Ito palette, which
is distinguishable under the common colour-vision deficiencies, with a distinct marker
shape; no meaning is carried by colour alone.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import textwrap
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

# Okabe & Ito (2008) blue and vermillion; black for the intervals.
POINT_COLOUR = "#0072B2"
REFERENCE_COLOUR = "#D55E00"
INTERVAL_COLOUR = "#1a1a1a"
# Vermillion is too light for small text (WCAG 4.5:1); a darker shade names the line.
REFERENCE_TEXT_COLOUR = "#a04000"
FONT_FAMILY = ["Liberation Sans", "Arial", "Helvetica", "DejaVu Sans", "sans-serif"]

# rcParams are global: serialise the short section that sets them while saving.
_SAVE_LOCK = threading.Lock()


@dataclass(frozen=True)
class ChartPoint:
    """One group's mean and 95% CI; ``mean`` is None when the group has no estimate."""

    group: str
    mean: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class MeanCIChart:
    """An SVG chart with its text alternative."""

    svg: str
    text: str


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _points(groups: Sequence[Mapping[str, Any]]) -> list[ChartPoint]:
    points = []
    for entry in groups:
        ci = entry.get("ci95") or (None, None)
        low, high = (_number(v) for v in ci) if len(ci) == 2 else (None, None)
        points.append(ChartPoint(str(entry["group"]), _number(entry.get("mean")), low, high))
    return points


def _fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def mean_ci_text(
    groups: Sequence[Mapping[str, Any]], title: str, ylabel: str, digits: int = 2
) -> str:
    """A plain-English description of the chart for people who cannot see it."""
    points = _points(groups)
    parts = []
    for p in points:
        if p.mean is None:
            parts.append(f"{p.group}: no estimate")
        elif p.low is None or p.high is None:
            parts.append(f"{p.group}: {_fmt(p.mean, digits)}")
        else:
            parts.append(
                f"{p.group}: {_fmt(p.mean, digits)} "
                f"(95% CI {_fmt(p.low, digits)} to {_fmt(p.high, digits)})"
            )
    estimated = [p for p in points if p.mean is not None]
    summary = ""
    if len(estimated) >= 2:
        top = max(estimated, key=lambda p: p.mean or 0.0)
        bottom = min(estimated, key=lambda p: p.mean or 0.0)
        summary = f" Highest: {top.group}; lowest: {bottom.group}."
    return (
        f"Chart: {title}. For each of {len(points)} groups, the mean ({ylabel}) with its "
        f"95% confidence interval.{summary} " + "; ".join(parts) + "."
    )


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width=width)) or label


def _label(text: str) -> str:
    """Text for Matplotlib: a ``$`` would otherwise start mathematical notation."""
    return text.replace("$", r"\$")


def mean_ci_chart(
    groups: Sequence[Mapping[str, Any]],
    title: str,
    ylabel: str,
    *,
    reference: float | None = None,
    reference_label: str = "Overall mean",
    value_range: tuple[float, float] | None = None,
    description: str | None = None,
    width_inches: float = 6.0,
    height_inches: float | None = None,
) -> str:
    """Draw group means with 95% CI whiskers and return an inline-ready SVG string.

    ``groups`` are dicts with ``group``, ``mean`` and ``ci95`` (low, high), e.g. the
    ``groups`` of :func:`ourplan.analysis.anova.anova_report`, drawn top to bottom in the
    order given; a missing mean is shown as "no estimate".  Groups run down the chart so
    long names stay readable, so ``ylabel`` names the *value* axis (drawn across).
    ``reference`` draws a dashed line (e.g. the overall mean), labelled directly;
    ``value_range`` fixes the value axis so several charts can be compared; ``description``
    replaces the generated text alternative.  The height grows with the number of groups
    unless ``height_inches`` is given.

    The SVG's ``<title>`` holds the text alternative (browsers and WeasyPrint's tagged PDF
    both read it as the image's name).  The SVG has no XML prologue, and its element ids are
    unique to this chart's content, so several charts can sit in one HTML page.
    """
    points = _points(groups)
    if not points:
        raise ValueError("A chart needs at least one group.")
    text = description or mean_ci_text(groups, title, ylabel)
    count = len(points)
    reference = reference if reference is not None and math.isfinite(reference) else None
    has_reference = reference is not None
    height = height_inches or 0.8 + 0.26 * (count + (0.6 if has_reference else 0.0))
    figure = Figure(figsize=(width_inches, height))
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    rows = list(range(count))
    estimated = [(i, p) for i, p in zip(rows, points, strict=True) if p.mean is not None]
    bounded = [(i, p.low, p.high) for i, p in estimated if p.low is not None and p.high is not None]
    if bounded:
        # Every interval and its end caps as two collections: far fewer artists to draw.
        rows_, lows, highs = (list(column) for column in zip(*bounded, strict=True))
        axes.hlines(rows_, lows, highs, colors=INTERVAL_COLOUR, linewidth=1.4)
        caps = [y for y in rows_ for _ in (0, 1)]
        ends = [x for low, high in zip(lows, highs, strict=True) for x in (low, high)]
        axes.vlines(
            ends,
            [y - 0.18 for y in caps],
            [y + 0.18 for y in caps],
            colors=INTERVAL_COLOUR,
            linewidth=1.4,
        )
    axes.plot(
        [p.mean or 0.0 for _, p in estimated],
        [i for i, _ in estimated],
        linestyle="none",
        marker="D",
        markersize=6,
        color=POINT_COLOUR,
        zorder=3,
    )
    bottom = count - 0.4
    if reference is not None:
        # Label the line directly in an extra row below the groups: nothing to decode in a
        # legend, and nothing to collide with the title.
        bottom += 0.7
        axes.axvline(reference, color=REFERENCE_COLOUR, linestyle="--", linewidth=1.1, zorder=1)
        axes.annotate(
            _label(reference_label),
            xy=(reference, count - 0.05),
            xytext=(3, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=7,
            color=REFERENCE_TEXT_COLOUR,
        )
    for i, p in zip(rows, points, strict=True):
        if p.mean is None:
            axes.annotate(
                "no estimate",
                (0.5, i),
                xycoords=("axes fraction", "data"),
                ha="center",
                va="center",
                fontsize=8,
                color="#4c4c4c",
            )
    axes.set_yticks(rows)
    axes.set_yticklabels([_label(_wrap(p.group, 28)) for p in points], fontsize=8)
    axes.set_ylim(bottom, -0.6)  # first group at the top
    if value_range is not None:
        axes.set_xlim(*value_range)
    axes.set_xlabel(_label(ylabel), fontsize=8)
    axes.set_title(_label(title), fontsize=9.5, loc="left")
    axes.tick_params(axis="x", labelsize=8)
    axes.tick_params(axis="y", length=0)
    axes.grid(axis="x", color="#d8dde0", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    figure.tight_layout(pad=0.4)
    return _accessible_svg(_save_svg(figure), text)


def mean_ci_figure(
    groups: Sequence[Mapping[str, Any]], title: str, ylabel: str, **options: Any
) -> MeanCIChart:
    """The chart and its text alternative together."""
    return MeanCIChart(
        svg=mean_ci_chart(groups, title, ylabel, **options),
        text=mean_ci_text(groups, title, ylabel),
    )


def _save_svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with (
        _SAVE_LOCK,
        matplotlib.rc_context(
            {
                "svg.fonttype": "none",  # real text: searchable and readable by screen readers
                "svg.hashsalt": "ourplan",  # stable ids, so the same data give the same SVG
                "font.family": "sans-serif",
                "font.sans-serif": FONT_FAMILY,
            }
        ),
    ):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_ID_REF = re.compile(r'(\bid="|url\(#|xlink:href="#|href="#)([^")]+)')


def _accessible_svg(svg: str, text: str) -> str:
    """Drop the XML prologue and metadata, make ids unique, add role and a title."""
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _METADATA.sub("", svg, count=1)
    prefix = "c" + hashlib.sha1(svg.encode(), usedforsecurity=False).hexdigest()[:8]
    svg = _ID_REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    title_id = f"{prefix}-title"
    svg = svg.replace(
        "<svg ", f'<svg role="img" aria-labelledby="{title_id}" focusable="false" ', 1
    )
    head = f'<title id="{title_id}">{escape(text)}</title>'
    return re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + head, svg, count=1)


__all__ = ["ChartPoint", "MeanCIChart", "mean_ci_chart", "mean_ci_figure", "mean_ci_text"]
