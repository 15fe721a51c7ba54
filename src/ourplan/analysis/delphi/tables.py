"""Statement × group and statement × cluster tables with agreement labels.

The source study labelled each group's view of a statement ("Strong agreement",
"Weak agreement", "Neither agree / disagree", "Disagreement" …) without saying how.
Here the label comes from the median rating's position between the scale midpoint and
its ends: p = (median − mid) / (N − mid), mid = (N + 1) / 2, so p runs from −1 (all
rate 1) to +1 (all rate N).

==========  ==========================
p ≥ 0.75    Strong agreement
p ≥ 0.5     Moderate agreement
p > 0       Weak agreement
p = 0       Neither agree / disagree
p > −0.5    Weak disagreement
p > −0.75   Moderate disagreement
otherwise   Strong disagreement
==========  ==========================

On a 5-point scale: medians 4.5–5 strong, 4 moderate, 3.5 weak agreement, 3 neither.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ourplan.analysis.delphi.clustering import ClusteringResult
from ourplan.analysis.delphi.groups import GroupComparison
from ourplan.analysis.delphi.summary import RatingSummary

NO_RATINGS = "No ratings"


def agreement_label(median: float | None, scale: int) -> str:
    """The label for a median rating on a 1..scale scale (see module notes)."""
    if median is None or math.isnan(median):
        return NO_RATINGS
    mid = (scale + 1) / 2
    position = (median - mid) / (scale - mid)
    # Tiny tolerance: medians are halves of whole numbers, positions exact fractions.
    eps = 1e-9
    if position >= 0.75 - eps:
        return "Strong agreement"
    if position >= 0.5 - eps:
        return "Moderate agreement"
    if position > eps:
        return "Weak agreement"
    if position >= -eps:
        return "Neither agree / disagree"
    if position > -0.5 + eps:
        return "Weak disagreement"
    if position > -0.75 + eps:
        return "Moderate disagreement"
    return "Strong disagreement"


def group_table(
    summary: RatingSummary,
    comparisons: Sequence[GroupComparison],
    round_number: int,
    *,
    significant_only: bool = False,
) -> pd.DataFrame:
    """Statement × group agreement labels for one round, with the Kruskal–Wallis p.

    Columns: one per group (sorted), then ``p`` and ``differs`` (p < alpha).  Set
    ``significant_only`` for the source study's table of statements that differ.
    """
    rows = summary.by_group[summary.by_group["round"] == round_number]
    labels = rows.assign(
        label=[agreement_label(m, summary.scale) for m in rows["median"].tolist()]
    ).pivot(index="statement", columns="group", values="label")
    order = list(dict.fromkeys(rows["statement"].tolist()))
    table = labels.reindex(order)
    tests = {c.statement: c for c in comparisons if c.round == round_number}
    table["p"] = [tests[s].p if s in tests else None for s in order]
    table["differs"] = [bool(tests[s].significant) if s in tests else False for s in order]
    table.columns.name = None
    if significant_only:
        table = table[table["differs"]]
    return table


def cluster_table(
    clustering: ClusteringResult, scale: int, *, discriminating_only: bool = True
) -> pd.DataFrame:
    """Statement × cluster agreement labels (from each cluster's median) with the p."""
    typical = clustering.typical
    table = pd.DataFrame(
        {
            f"cluster {c}": [agreement_label(float(m), scale) for m in typical[c].tolist()]
            for c in typical.columns
        },
        index=typical.index,
    )
    tests = {t.statement: t for t in clustering.tests}
    table["p"] = [tests[s].p for s in table.index]
    if discriminating_only:
        keep = [s for s in table.index if tests[s].significant]
        table = table.loc[keep]
    return table


def render_text(table: pd.DataFrame, *, index_title: str = "statement") -> str:
    """A fixed-width plain-text rendering for terminals."""
    header = [index_title, *[str(c) for c in table.columns]]
    body = [
        [str(i), *[_cell(v) for v in row]]
        for i, row in zip(table.index, table.to_numpy(), strict=True)
    ]
    widths = [max(len(r[j]) for r in [header, *body]) for j in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in body
    )
    return "\n".join(line.rstrip() for line in lines)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else ""
    if isinstance(value, float | np.floating):
        return f"{value:.3g}" if value >= 0.001 else "<0.001"
    return str(value)


__all__ = [
    "agreement_label",
    "cluster_table",
    "group_table",
    "render_text",
]
