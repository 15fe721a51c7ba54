"""Every call the report makes to :mod:`ourplan.analysis`, and the report rows made from them.

The analyses' result dataclasses are read by attribute, as they are returned. One-way ANOVA
is wrapped in one place, :func:`compare_sites`: ``anova.anova_report`` returns only a
JSON-ready dict, so the report calls ``anova.analyse_one_way`` (the same computations,
from one preparation of the data) and keeps its results together as a
:class:`SiteComparison`.

Non-finite statistics (NaN, infinity) are treated as missing, as the JSON contracts do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ourplan.analysis.ancova import AdjustedMean, AncovaResult, ancova
from ourplan.analysis.anova import GroupSummary, analyse_one_way
from ourplan.analysis.correlation import correlate
from ourplan.analysis.descriptives import describe_by_group
from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.grouping import to_labels
from ourplan.analysis.ranking import top_items
from ourplan.reports.config import Measure, ReportConfig, ScoreRef, score_key
from ourplan.reports.evaluation.formatting import (
    DASH,
    bounded_text,
    format_p,
    is_number,
    number_text,
    range_text,
    stars,
)
from ourplan.reports.evaluation.model import (
    CorrelationResult,
    PairRow,
    RankedCell,
    SampleRow,
    ScoreResult,
    SiteComparison,
    TopItemsRow,
)

# Score columns in the analysis frame get a prefix so they never clash with a data column.
SCORE_PREFIX = "score:"


def analysis_frame(
    config: ReportConfig, site_values: pd.Series, data: pd.DataFrame, scores: pd.DataFrame
) -> pd.DataFrame:
    """The table every analysis reads: the site, the covariates and every score."""
    frame = pd.DataFrame({config.site_column: site_values})
    for covariate in config.covariates:
        frame[covariate.column] = data[covariate.column]
    for key in scores.columns:
        frame[SCORE_PREFIX + key] = scores[key].to_numpy()
    return frame


def compare_sites(values: Any, sites: Any) -> SiteComparison:
    """ANOVA with each site's summary, Welch's ANOVA and Tukey's pairs of one score.

    Raises AnalysisError, as ``anova_report`` does, when the ANOVA cannot be run; a Welch's
    ANOVA that cannot be run (a site with no variation) is recorded, not raised.
    """
    # One preparation of the data for the ANOVA table, Welch's ANOVA and Tukey's pairs.
    result = analyse_one_way(values, sites)
    return SiteComparison(result.anova, result.welch, result.welch_error, result.tukey)


def _adjusted_comparison(config: ReportConfig, frame: pd.DataFrame, column: str) -> AncovaResult:
    return ancova(
        frame,
        column,
        config.site_column,
        [c.column for c in config.covariates],
        categorical=[c.column for c in config.covariates if c.kind == "categorical"],
    )


def _mean_sem(group: GroupSummary | None) -> str:
    if group is None or not is_number(group.mean):
        return DASH
    return f"{number_text(group.mean)} ({number_text(group.sem)})"


def _mean_se(group: AdjustedMean | None) -> str:
    if group is None or not is_number(group.mean):
        return DASH
    return f"{number_text(group.mean)} ({number_text(group.se)})"


def _significant(p: float | None, alpha: float) -> bool:
    return is_number(p) and p < alpha


def _pair_rows(
    comparison: SiteComparison, adjusted: AncovaResult | None, alpha: float
) -> tuple[PairRow, ...]:
    """Pairs significant in either analysis, unadjusted (Tukey) and adjusted (Holm) together."""
    by_pair = {(c.group_a, c.group_b): c for c in (adjusted.pairwise if adjusted else ())}
    rows = []
    for pair in comparison.tukey:
        key = (pair.group_a, pair.group_b)
        other = by_pair.get(key)
        p, diff = pair.p_adj, pair.diff
        p_adj = other.p_adj if other else None
        hit = _significant(p, alpha)
        adjusted_hit = _significant(p_adj, alpha)
        if not is_number(diff) or not (hit or adjusted_hit):
            continue
        sign = 1.0 if diff > 0 else -1.0
        higher, lower = (key[1], key[0]) if sign > 0 else key
        low, high = (
            sorted(sign * v for v in pair.ci95)
            if all(is_number(v) for v in pair.ci95)
            else (None, None)
        )
        difference = f"{number_text(abs(diff))} ({number_text(low)} to {number_text(high)})"
        rows.append(
            PairRow(
                higher=higher,
                lower=lower,
                difference=difference,
                p=f"{format_p(p)}{stars(p)}",
                significant=hit,
                adjusted_difference=number_text(sign * other.diff) if other else DASH,
                adjusted_p=f"{format_p(p_adj)}{stars(p_adj)}" if other else DASH,
                adjusted_significant=adjusted_hit,
            )
        )
    return tuple(rows)


def _anova_lines(comparison: SiteComparison, welch: bool) -> tuple[str, ...]:
    a = comparison.table
    lines = [
        f"F({a.df_between}, {a.df_within}) = {number_text(a.F)}",
        f"{format_p(a.p)}{stars(a.p)}, η² = {bounded_text(a.eta_squared)}",
    ]
    if welch:
        w = comparison.welch
        if w is None or not is_number(w.F):
            lines.append("Welch: not available")
        else:
            lines.append(
                f"Welch F({number_text(w.df1, 0)}, {number_text(w.df2, 1)}) = {number_text(w.F)}, "
                f"{format_p(w.p)}{stars(w.p)}"
            )
    return tuple(lines)


def _ancova_lines(result: AncovaResult) -> tuple[str, ...]:
    f = result.factor
    return (
        f"F({f.df1}, {f.df2}) = {number_text(f.F)}",
        f"{format_p(f.p)}{stars(f.p)}, N = {result.n_used}",
    )


def score_result(
    config: ReportConfig,
    frame: pd.DataFrame,
    sites: Sequence[str],
    measure: Measure,
    subscale: str | None,
    n_items: int,
    notes: list[str],
) -> ScoreResult:
    """Compare the sites on one score, unadjusted and (with covariates) adjusted."""
    key = score_key(measure.id, subscale)
    column = SCORE_PREFIX + key
    label = subscale or "Total score"
    scale = measure.scale
    if scale is None:
        score_range = ""
    elif measure.scoring == "sum":
        score_range = range_text(scale[0] * n_items, scale[1] * n_items)
    else:
        score_range = range_text(*scale)
    comparison: SiteComparison | None = None
    error: str | None = None
    try:
        comparison = compare_sites(frame[column], frame[config.site_column])
    except AnalysisError as exc:
        error = str(exc)
        notes.append(f"{measure.name}, {label}: no comparison between sites. {exc}")
    adjusted: AncovaResult | None = None
    adjusted_error: str | None = None
    if config.covariates and comparison is not None:
        try:
            adjusted = _adjusted_comparison(config, frame, column)
        except AnalysisError as exc:
            adjusted_error = str(exc)
            notes.append(f"{measure.name}, {label}: no adjusted comparison. {exc}")
    groups = {g.group: g for g in comparison.table.groups} if comparison else {}
    adjusted_means = {m.group: m for m in adjusted.adjusted_means} if adjusted else {}
    return ScoreResult(
        key=key,
        label=label,
        is_total=subscale is None,
        n_items=n_items,
        range_text=score_range,
        anova=comparison,
        ancova=adjusted,
        cells=tuple(_mean_sem(groups.get(site)) for site in sites),
        adjusted_cells=tuple(_mean_se(adjusted_means.get(site)) for site in sites)
        if adjusted
        else (),
        test_lines=_anova_lines(comparison, config.welch) if comparison else ("not tested",),
        adjusted_test_lines=_ancova_lines(adjusted) if adjusted else ("not tested",),
        significant=_significant(comparison.table.p if comparison else None, config.alpha),
        adjusted_significant=_significant(adjusted.factor.p, config.alpha) if adjusted else None,
        pairs=_pair_rows(comparison, adjusted, config.alpha) if comparison else (),
        error=error,
        adjusted_error=adjusted_error,
    )


def top_items_rows(
    config: ReportConfig,
    measure: Measure,
    keyed: pd.DataFrame,
    items: Sequence[str],
    site_values: pd.Series,
) -> tuple[TopItemsRow, ...]:
    """Each site's highest-rated items of one measure (after reverse-keying)."""
    subscales: dict[str, list[str]] = {}
    for subscale in measure.subscales:
        for item in subscale.items:
            subscales.setdefault(item, []).append(subscale.name)
    frame = keyed.copy()
    frame[SCORE_PREFIX + "site"] = site_values
    k = config.top_items.k if config.top_items else 5
    rankings = top_items(
        frame,
        list(items),
        group=SCORE_PREFIX + "site",
        k=k,
        subscales={item: "; ".join(names) for item, names in subscales.items()},
    )
    return tuple(
        TopItemsRow(
            site=r.group,
            n=r.n,
            items=tuple(
                RankedCell(item=i.item, subscale=i.subscale or "", mean=number_text(i.mean))
                for i in r.items
            ),
        )
        for r in rankings
    )


def _ref_label(config: ReportConfig, ref: ScoreRef) -> str:
    measure = config.measure(ref.measure)
    return f"{measure.name} ({ref.subscale or 'total score'})"


def correlation_result(
    config: ReportConfig,
    frame: pd.DataFrame,
    sites: Sequence[str],
    x: ScoreRef,
    y: ScoreRef,
    notes: list[str],
) -> CorrelationResult:
    """The correlation of two scores for all sites together and, if asked, within each."""
    assert config.correlations is not None
    method = config.correlations.method
    x_label, y_label = _ref_label(config, x), _ref_label(config, y)
    xs = frame[SCORE_PREFIX + x.key]
    ys = frame[SCORE_PREFIX + y.key]
    by_site: list[str] = []
    if config.correlations.by_site:
        site_column = frame[config.site_column]
        for site in sites:
            inside = site_column == site
            try:
                c = correlate(xs[inside], ys[inside], method, x_label, y_label)
                by_site.append(f"{bounded_text(c.r, 2)}{stars(c.p)} (N = {c.n})")
            except AnalysisError:
                by_site.append(DASH)
    try:
        c = correlate(xs, ys, method, x_label, y_label)
    except AnalysisError as exc:
        notes.append(f"Correlation of {x_label} with {y_label}: {exc}")
        return CorrelationResult(
            x_label, y_label, None, None, 0, None, "", DASH, DASH, DASH, tuple(by_site), str(exc)
        )
    return CorrelationResult(
        x_label=x_label,
        y_label=y_label,
        r=c.r,
        p=c.p,
        n=c.n,
        ci95=c.ci95,
        size=c.label,
        r_text=f"{bounded_text(c.r, 2)}{stars(c.p)}",
        ci_text=f"{bounded_text(c.ci95[0], 2)} to {bounded_text(c.ci95[1], 2)}",
        p_text=format_p(c.p),
        by_site=tuple(by_site),
        error=None,
    )


def sample_rows(
    config: ReportConfig, frame: pd.DataFrame, sites: Sequence[str], notes: list[str]
) -> tuple[SampleRow, ...]:
    """The respondents table: the number per site and the case mix of each covariate."""
    site_values = frame[config.site_column]
    rows = [SampleRow("Respondents", tuple(str(int((site_values == s).sum())) for s in sites))]
    for covariate in config.covariates:
        series = frame[covariate.column]
        numeric = covariate.kind == "numeric" or (
            covariate.kind == "auto" and pd.api.types.is_numeric_dtype(series.dtype)
        )
        if numeric:
            try:
                described = {d.group: d for d in describe_by_group(series, site_values)}
            except AnalysisError as exc:
                notes.append(f"Sample description of {covariate.label}: {exc}")
                continue
            cells = []
            for site in sites:
                d = described.get(site)
                cells.append(
                    f"{number_text(d.mean, 1)} ({number_text(d.sd, 1)})"
                    if d is not None and d.n
                    else DASH
                )
            rows.append(SampleRow(f"{covariate.label.capitalize()}: mean (SD)", tuple(cells)))
            continue
        codes, labels = to_labels(series)
        rows.append(SampleRow(f"{covariate.label.capitalize()}: % of those recorded", (), True))
        for code, category in enumerate(labels):
            cells = []
            for site in sites:
                inside = (site_values == site).to_numpy()
                known = int(np.sum(codes[inside] >= 0))
                count = int(np.sum(codes[inside] == code))
                cells.append(f"{count / known * 100:.0f}%" if known else DASH)
            rows.append(SampleRow(category, tuple(cells)))
    for covariate in config.covariates:
        missing = frame[covariate.column].isna()
        if missing.any():
            rows.append(
                SampleRow(
                    f"{covariate.label.capitalize()} not recorded",
                    tuple(str(int((missing & (site_values == s)).sum())) for s in sites),
                )
            )
    return tuple(rows)
