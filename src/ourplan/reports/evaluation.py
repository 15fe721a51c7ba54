"""Build the service evaluation report from a config and its data, and render it.

Every statistic comes from :mod:`ourplan.analysis`; this module only scores the
questionnaires (the documented rule in :mod:`ourplan.reports.config`), calls the analyses,
formats their results for people, and writes HTML (standalone Django template engine, no
settings needed) and PDF (WeasyPrint).

Significance marks, used in every table: ``*`` p < .05, ``**`` p < .01, ``***`` p < .001.
They are fixed conventions; which pairs of sites are *listed* as differing follows the
config's ``alpha``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ourplan.analysis.ancova import ancova_report
from ourplan.analysis.anova import anova_report
from ourplan.analysis.correlation import correlate
from ourplan.analysis.descriptives import describe_by_group
from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.grouping import to_labels
from ourplan.analysis.ranking import top_items
from ourplan.analysis.tables import numeric_frame, read_table
from ourplan.reports.charts import mean_ci_chart, mean_ci_text
from ourplan.reports.config import (
    ConfigError,
    Measure,
    ReportConfig,
    ScoreRef,
    check_items_known,
    score_key,
)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "reports/evaluation.html"
DASH = "–"
# A wide table gets landscape pages above this many sites.
PORTRAIT_MAX_SITES = 6
_SCORE_PREFIX = "score:"


@dataclass(frozen=True)
class ChartPair:
    """The unadjusted chart of one score and, when covariates are used, the adjusted one."""

    title: str
    unadjusted_svg: str
    unadjusted_text: str
    adjusted_svg: str | None
    adjusted_text: str | None


@dataclass(frozen=True)
class PairRow:
    """Two sites that differ significantly in the unadjusted or the adjusted analysis.

    Differences are ``higher - lower`` as found unadjusted; an adjusted difference in the
    other direction is negative.
    """

    higher: str
    lower: str
    difference: str
    p: str
    significant: bool
    adjusted_difference: str
    adjusted_p: str
    adjusted_significant: bool


@dataclass(frozen=True)
class ScoreResult:
    """One row pair of a measure table: a subscale or the total, unadjusted and adjusted."""

    key: str
    label: str
    is_total: bool
    n_items: int
    range_text: str
    anova: dict[str, Any] | None
    ancova: dict[str, Any] | None
    cells: tuple[str, ...]
    adjusted_cells: tuple[str, ...]
    test_lines: tuple[str, ...]
    adjusted_test_lines: tuple[str, ...]
    significant: bool
    adjusted_significant: bool | None
    pairs: tuple[PairRow, ...]
    error: str | None
    adjusted_error: str | None


@dataclass(frozen=True)
class RankedCell:
    """One item in a site's top-items row."""

    item: str
    subscale: str
    mean: str


@dataclass(frozen=True)
class TopItemsRow:
    """A site's highest-rated items."""

    site: str
    n: int
    items: tuple[RankedCell, ...]


@dataclass(frozen=True)
class MeasureResult:
    """Everything the report says about one measure."""

    id: str
    name: str
    scoring_text: str
    items: tuple[str, ...]
    scores: tuple[ScoreResult, ...]
    charts: tuple[ChartPair, ...]
    top_items: tuple[TopItemsRow, ...]
    top_items_error: str | None

    @property
    def has_pairs(self) -> bool:
        """Whether any score lists a pair of sites that differ."""
        return any(s.pairs for s in self.scores)


@dataclass(frozen=True)
class CorrelationResult:
    """One correlation, overall and (optionally) within each site."""

    x_label: str
    y_label: str
    r: float | None
    p: float | None
    n: int
    ci95: tuple[float, float] | None
    size: str
    r_text: str
    ci_text: str
    p_text: str
    by_site: tuple[str, ...]
    error: str | None


@dataclass(frozen=True)
class SampleRow:
    """A row of the sample description table."""

    label: str
    cells: tuple[str, ...]
    is_heading: bool = False


@dataclass(frozen=True)
class EvaluationReport:
    """The report model: formatted results plus the raw analysis output they came from."""

    config: ReportConfig
    generated_on: str
    data_name: str
    n_rows: int
    n_without_site: int
    sites: tuple[str, ...]
    site_n: tuple[int, ...]
    sample_rows: tuple[SampleRow, ...]
    measures: tuple[MeasureResult, ...]
    correlations: tuple[CorrelationResult, ...]
    summary: tuple[str, ...]
    methods: tuple[str, ...]
    notes: tuple[str, ...]
    scores: pd.DataFrame = field(repr=False, compare=False, hash=False)

    def score(self, key: str) -> ScoreResult:
        """The result row for a score key such as ``rsa`` or ``rsa/Life goals``."""
        for measure in self.measures:
            for result in measure.scores:
                if result.key == key:
                    return result
        raise KeyError(key)


# ----------------------------------------------------------------------------- formatting


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


def _num(value: float | None, digits: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return DASH
    return f"{value:.{digits}f}".replace("-", "−")


def _bare(value: float | None, digits: int = 3) -> str:
    """A statistic bounded by ±1 written without the leading zero (APA style)."""
    text = _num(value, digits)
    return text.replace("0.", ".", 1) if text.lstrip("−").startswith("0.") else text


def _list_words(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _plural(label: str) -> str:
    lower = label.lower()
    return lower if lower.endswith("s") else lower + "s"


def _share_text(share: float) -> str:
    return f"{share * 100:.0f}%"


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _range_text(low: float, high: float) -> str:
    return f"{low:g}–{high:g}"


# ----------------------------------------------------------------------------- data


def _check_column(frame: pd.DataFrame, column: str, what: str, data_name: str) -> None:
    """Raise a ConfigError starting with ``what`` when ``column`` is not in the data."""
    if column in frame.columns:
        return
    columns = [str(c) for c in frame.columns]
    close = difflib.get_close_matches(column, columns, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    shown = ", ".join(columns[:15]) + (", …" if len(columns) > 15 else "")
    raise ConfigError(f"{what} is not a column of {data_name}.{hint} Its columns are: {shown}.")


def load_data(config: ReportConfig) -> pd.DataFrame:
    """Read the data file named in the config and check the columns it names."""
    text_columns = [config.site_column] + [
        c.column for c in config.covariates if c.kind == "categorical"
    ]
    try:
        frame = read_table(config.data, text_columns=text_columns)
    except AnalysisError:
        # Read without label columns to tell which configured column is missing.
        frame = read_table(config.data)
        _check_columns(config, frame)
        raise
    _check_columns(config, frame)
    return frame


def _check_columns(config: ReportConfig, frame: pd.DataFrame) -> None:
    name = config.data.name
    _check_column(frame, config.site_column, f"The site column {config.site_column!r}", name)
    for covariate in config.covariates:
        _check_column(frame, covariate.column, f"The covariate {covariate.column!r}", name)
    for measure in config.measures:
        for item in measure.items:
            _check_column(frame, item, f"Item {item!r} of {measure.name!r}", name)


@dataclass(frozen=True)
class _Scored:
    scores: pd.DataFrame  # one column per score key
    keyed_items: dict[str, pd.DataFrame]  # measure id -> item answers after reverse-keying
    items: dict[str, tuple[str, ...]]


def _keyed_items(frame: pd.DataFrame, measure: Measure, items: Sequence[str]) -> pd.DataFrame:
    answers = numeric_frame(frame, list(items))
    if measure.missing_codes:
        answers = answers.mask(answers.isin(list(measure.missing_codes)))
    if measure.scale is not None:
        low, high = measure.scale
        outside = answers.notna() & ((answers < low) | (answers > high))
        if outside.to_numpy().any():
            row_pos, col_pos = (int(a[0]) for a in np.nonzero(outside.to_numpy()))
            item = str(answers.columns[col_pos])
            value = float(answers.to_numpy()[row_pos, col_pos])
            raise AnalysisError(
                f"Item {item} of {measure.name!r} has the answer {value:g} in data row "
                f"{row_pos + 1}, outside its scale {_range_text(low, high)}. If that code means "
                "'not answered', list it under missing_codes."
            )
        if measure.reverse:
            reverse = list(measure.reverse)
            answers[reverse] = low + high - answers[reverse]
    return answers


def _score(answers: pd.DataFrame, columns: Sequence[str], measure: Measure) -> pd.Series:
    block = answers[list(columns)]
    answered = block.notna().sum(axis=1)
    # The answered-share rule: a score from too few answers would mostly reflect which
    # items happened to be answered.
    enough = answered >= measure.min_answered * len(columns) - 1e-9
    mean = block.mean(axis=1, skipna=True)
    score = mean.where(enough & (answered > 0))
    if measure.scoring == "sum":
        score = score * len(columns)
    return score


def score_measures(config: ReportConfig, frame: pd.DataFrame) -> _Scored:
    """Score every measure and subscale for every respondent (see the config's rule)."""
    scores: dict[str, pd.Series] = {}
    keyed: dict[str, pd.DataFrame] = {}
    resolved: dict[str, tuple[str, ...]] = {}
    columns = [str(c) for c in frame.columns]
    for measure in config.measures:
        items = measure.resolve_items(columns)
        check_items_known(measure, items)
        answers = _keyed_items(frame, measure, items)
        keyed[measure.id] = answers
        resolved[measure.id] = items
        for subscale in measure.subscales:
            scores[score_key(measure.id, subscale.name)] = _score(answers, subscale.items, measure)
        scores[score_key(measure.id, None)] = _score(answers, items, measure)
    return _Scored(pd.DataFrame(scores, index=frame.index), keyed, resolved)


# ----------------------------------------------------------------------------- analyses


def _mean_sem(group: Mapping[str, Any] | None) -> str:
    if group is None or group.get("mean") is None:
        return DASH
    return f"{_num(group['mean'])} ({_num(group.get('sem'))})"


def _mean_se(group: Mapping[str, Any] | None) -> str:
    if group is None or group.get("mean") is None:
        return DASH
    return f"{_num(group['mean'])} ({_num(group.get('se'))})"


def _pair_rows(
    anova: Mapping[str, Any], ancova: Mapping[str, Any] | None, alpha: float
) -> tuple[PairRow, ...]:
    """Pairs significant in either analysis, unadjusted (Tukey) and adjusted (Holm) together."""
    adjusted = {(c["group_a"], c["group_b"]): c for c in (ancova or {}).get("pairwise", [])}
    rows = []
    for pair in anova["tukey"]:
        key = (pair["group_a"], pair["group_b"])
        other = adjusted.get(key)
        p, diff = pair["p_adj"], pair["diff"]
        p_adj = other["p_adj"] if other else None
        hit = p is not None and p < alpha
        adjusted_hit = p_adj is not None and p_adj < alpha
        if diff is None or not (hit or adjusted_hit):
            continue
        sign = 1.0 if diff > 0 else -1.0
        higher, lower = (key[1], key[0]) if sign > 0 else key
        low, high = (
            sorted(sign * v for v in pair["ci95"]) if None not in pair["ci95"] else (None, None)
        )
        difference = f"{_num(abs(diff))} ({_num(low)} to {_num(high)})"
        rows.append(
            PairRow(
                higher=higher,
                lower=lower,
                difference=difference,
                p=f"{format_p(p)}{stars(p)}",
                significant=hit,
                adjusted_difference=_num(sign * other["diff"]) if other else DASH,
                adjusted_p=f"{format_p(p_adj)}{stars(p_adj)}" if other else DASH,
                adjusted_significant=adjusted_hit,
            )
        )
    return tuple(rows)


def _anova_lines(report: Mapping[str, Any], welch: bool) -> tuple[str, ...]:
    a = report["anova"]
    lines = [
        f"F({a['df_between']}, {a['df_within']}) = {_num(a['F'])}",
        f"{format_p(a['p'])}{stars(a['p'])}, η² = {_bare(a['eta_squared'])}",
    ]
    if welch:
        w = report["welch"]
        if w.get("F") is None:
            lines.append("Welch: not available")
        else:
            lines.append(
                f"Welch F({_num(w['df1'], 0)}, {_num(w['df2'], 1)}) = {_num(w['F'])}, "
                f"{format_p(w['p'])}{stars(w['p'])}"
            )
    return tuple(lines)


def _ancova_lines(report: Mapping[str, Any]) -> tuple[str, ...]:
    f = report["factor"]
    return (
        f"F({f['df1']}, {f['df2']}) = {_num(f['F'])}",
        f"{format_p(f['p'])}{stars(f['p'])}, N = {report['n_used']}",
    )


def _by_group(entries: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(e["group"]): e for e in entries}


def _score_result(
    config: ReportConfig,
    analysis_frame: pd.DataFrame,
    sites: Sequence[str],
    measure: Measure,
    subscale: str | None,
    n_items: int,
    notes: list[str],
) -> ScoreResult:
    key = score_key(measure.id, subscale)
    column = _SCORE_PREFIX + key
    label = subscale or "Total score"
    scale = measure.scale
    if scale is None:
        range_text = ""
    elif measure.scoring == "sum":
        range_text = _range_text(scale[0] * n_items, scale[1] * n_items)
    else:
        range_text = _range_text(*scale)
    anova: dict[str, Any] | None = None
    error: str | None = None
    try:
        anova = anova_report(analysis_frame[column], analysis_frame[config.site_column])
    except AnalysisError as exc:
        error = str(exc)
        notes.append(f"{measure.name}, {label}: no comparison between sites. {exc}")
    ancova: dict[str, Any] | None = None
    adjusted_error: str | None = None
    if config.covariates and anova is not None:
        try:
            ancova = ancova_report(
                analysis_frame,
                column,
                config.site_column,
                [c.column for c in config.covariates],
                categorical=[c.column for c in config.covariates if c.kind == "categorical"],
            )
        except AnalysisError as exc:
            adjusted_error = str(exc)
            notes.append(f"{measure.name}, {label}: no adjusted comparison. {exc}")
    groups = _by_group(anova["groups"]) if anova else {}
    adjusted = _by_group(ancova["adjusted_means"]) if ancova else {}
    p = anova["anova"]["p"] if anova else None
    adjusted_p = ancova["factor"]["p"] if ancova else None
    return ScoreResult(
        key=key,
        label=label,
        is_total=subscale is None,
        n_items=n_items,
        range_text=range_text,
        anova=anova,
        ancova=ancova,
        cells=tuple(_mean_sem(groups.get(site)) for site in sites),
        adjusted_cells=tuple(_mean_se(adjusted.get(site)) for site in sites) if ancova else (),
        test_lines=_anova_lines(anova, config.welch) if anova else ("not tested",),
        adjusted_test_lines=_ancova_lines(ancova) if ancova else ("not tested",),
        significant=p is not None and p < config.alpha,
        adjusted_significant=(adjusted_p is not None and adjusted_p < config.alpha)
        if ancova
        else None,
        pairs=_pair_rows(anova, ancova, config.alpha) if anova else (),
        error=error,
        adjusted_error=adjusted_error,
    )


def _value_range(entries: Sequence[Mapping[str, Any]]) -> tuple[float, float] | None:
    bounds = [
        float(v)
        for e in entries
        for v in (e.get("ci95") or [])
        if v is not None and math.isfinite(float(v))
    ]
    if not bounds:
        return None
    low, high = min(bounds), max(bounds)
    pad = (high - low) * 0.12 or 0.5
    return (low - pad, high + pad)


def _chart(
    result: ScoreResult, measure: Measure, sites: Sequence[str], overall: float | None
) -> ChartPair | None:
    if result.anova is None:
        return None
    title = f"{measure.name}: {result.label}"
    scale_word = "total" if measure.scoring == "sum" else "mean item score"
    ylabel = f"{scale_word} ({result.range_text})" if result.range_text else scale_word
    unadjusted = _ordered(result.anova["groups"], sites)
    adjusted = _ordered(result.ancova["adjusted_means"], sites) if result.ancova else []
    value_range = _value_range([*unadjusted, *adjusted])
    options: dict[str, Any] = {
        "reference": overall,
        "value_range": value_range,
        "width_inches": 3.5,
    }
    text = mean_ci_text(unadjusted, f"{title}, unadjusted", ylabel)
    svg = mean_ci_chart(unadjusted, "Unadjusted", ylabel, description=text, **options)
    adjusted_svg = adjusted_text = None
    if adjusted:
        adjusted_text = mean_ci_text(adjusted, f"{title}, adjusted for covariates", ylabel)
        adjusted_svg = mean_ci_chart(
            adjusted, "Adjusted for covariates", ylabel, description=adjusted_text, **options
        )
    return ChartPair(title, svg, text, adjusted_svg, adjusted_text)


def _ordered(entries: Sequence[Mapping[str, Any]], sites: Sequence[str]) -> list[Mapping[str, Any]]:
    by = _by_group(entries)
    return [by.get(site, {"group": site, "mean": None, "ci95": None}) for site in sites]


def _wants_chart(config: ReportConfig, result: ScoreResult) -> bool:
    if config.charts == "none" or result.anova is None:
        return False
    if config.charts == "all":
        return True
    return result.is_total or (config.charts == "significant" and result.significant)


def _top_items_rows(
    config: ReportConfig,
    measure: Measure,
    keyed: pd.DataFrame,
    items: Sequence[str],
    site_values: pd.Series,
) -> tuple[TopItemsRow, ...]:
    subscales: dict[str, list[str]] = {}
    for subscale in measure.subscales:
        for item in subscale.items:
            subscales.setdefault(item, []).append(subscale.name)
    frame = keyed.copy()
    frame[_SCORE_PREFIX + "site"] = site_values
    k = config.top_items.k if config.top_items else 5
    rankings = top_items(
        frame,
        list(items),
        group=_SCORE_PREFIX + "site",
        k=k,
        subscales={item: "; ".join(names) for item, names in subscales.items()},
    )
    return tuple(
        TopItemsRow(
            site=r.group,
            n=r.n,
            items=tuple(
                RankedCell(item=i.item, subscale=i.subscale or "", mean=_num(i.mean))
                for i in r.items
            ),
        )
        for r in rankings
    )


def _ref_label(config: ReportConfig, ref: ScoreRef) -> str:
    measure = config.measure(ref.measure)
    return f"{measure.name} ({ref.subscale or 'total score'})"


def _correlation(
    config: ReportConfig,
    analysis_frame: pd.DataFrame,
    sites: Sequence[str],
    x: ScoreRef,
    y: ScoreRef,
    notes: list[str],
) -> CorrelationResult:
    assert config.correlations is not None
    method = config.correlations.method
    x_label, y_label = _ref_label(config, x), _ref_label(config, y)
    xs = analysis_frame[_SCORE_PREFIX + x.key]
    ys = analysis_frame[_SCORE_PREFIX + y.key]
    by_site: list[str] = []
    if config.correlations.by_site:
        site_column = analysis_frame[config.site_column]
        for site in sites:
            inside = site_column == site
            try:
                c = correlate(xs[inside], ys[inside], method, x_label, y_label)
                by_site.append(f"{_bare(c.r, 2)}{stars(c.p)} (N = {c.n})")
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
        r_text=f"{_bare(c.r, 2)}{stars(c.p)}",
        ci_text=f"{_bare(c.ci95[0], 2)} to {_bare(c.ci95[1], 2)}",
        p_text=format_p(c.p),
        by_site=tuple(by_site),
        error=None,
    )


def _sample_rows(
    config: ReportConfig, frame: pd.DataFrame, sites: Sequence[str], notes: list[str]
) -> tuple[SampleRow, ...]:
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
                    f"{_num(d.mean, 1)} ({_num(d.sd, 1)})" if d is not None and d.n else DASH
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


# ----------------------------------------------------------------------------- text


def _measure_scoring_text(measure: Measure, n_items: int) -> str:
    scale = f", answers {_range_text(*measure.scale)}" if measure.scale else ""
    if measure.scoring == "sum":
        rule = "total of the items, prorated for missing answers"
    else:
        rule = "mean of the answered items"
    reverse = (
        f"; {len(measure.reverse)} reverse-keyed item{'s' if len(measure.reverse) != 1 else ''}"
        if measure.reverse
        else ""
    )
    return (
        f"{n_items} items{scale}. Score: {rule}, when at least "
        f"{_share_text(measure.min_answered)} of the items are answered{reverse}. "
        "Higher scores are more favourable."
    )


def methods_text(
    config: ReportConfig,
    items: Mapping[str, Sequence[str]],
    n_rows: int,
    n_without_site: int,
    n_sites: int,
) -> tuple[str, ...]:
    """The methods section, written from the options this report used."""
    sites = _plural(config.site_label)
    paragraphs = []

    first = (
        f"This report analyses {n_rows} responses from {n_sites} {sites} "
        f"(data file {config.data.name})."
    )
    if n_without_site:
        first += (
            f" {n_without_site} row{'s' if n_without_site != 1 else ''} without a "
            f"{config.site_label.lower()} {'were' if n_without_site != 1 else 'was'} left out."
        )
    scoring = []
    for rule in ("mean", "sum"):
        named = [
            f"{m.name} ({len(items[m.id])} item{'s' if len(items[m.id]) != 1 else ''}"
            + (f", answered {_range_text(*m.scale)})" if m.scale else ")")
            for m in config.measures
            if m.scoring == rule
        ]
        if not named:
            continue
        verb = "was" if len(named) == 1 else "were"
        how = (
            "the mean of the answered items"
            if rule == "mean"
            else "the total of the items, taken as the mean of the answered items multiplied "
            "by the number of items so that a missing answer does not lower the total"
        )
        scoring.append(f"{_list_words(named)} {verb} scored as {how}.")
    if any(m.subscales for m in config.measures):
        scoring.append("Subscales were scored in the same way as the measure they belong to.")
    shares = {m.min_answered for m in config.measures}
    if len(shares) == 1:
        scoring.append(
            f"A score was calculated only when at least {_share_text(shares.pop())} of its "
            "items were answered, and was otherwise treated as missing."
        )
    else:
        each = _list_words([f"{_share_text(m.min_answered)} for {m.name}" for m in config.measures])
        scoring.append(
            f"A score was calculated only when enough of its items were answered ({each}), "
            "and was otherwise treated as missing."
        )
    for measure in config.measures:
        if measure.reverse:
            low, high = measure.scale or (0.0, 0.0)
            scoring.append(
                f"{measure.name} items {_list_words(list(measure.reverse))} were reverse-keyed "
                f"(an answer x became {low + high:g} − x) so that higher scores are always more "
                "favourable."
            )
        if measure.missing_codes:
            codes = _list_words([f"{c:g}" for c in measure.missing_codes])
            scoring.append(f"{measure.name} answers coded {codes} were treated as not answered.")
    paragraphs.append(" ".join([first, *scoring]))

    compare = (
        f"Each score was compared across {sites} with a one-way analysis of variance (ANOVA). "
        f"The tables give each {config.site_label.lower()}'s mean with its standard error (SEM), "
        "the F statistic with its degrees of freedom, the p value and eta squared (η², the "
        f"share of the variation in the score that lies between {sites}). Pairs of {sites} "
        "were compared with Tukey's honestly significant difference test, which allows for "
        "the number of pairs compared."
    )
    if config.welch:
        compare += (
            " Welch's ANOVA, which does not assume that the spread of scores is the same in "
            "every group, is given as a check."
        )
    compare += " Each analysis used every respondent with the score it needed (available cases)."
    paragraphs.append(compare)

    if config.covariates:
        labels = [c.label for c in config.covariates]
        categorical = [c.label for c in config.covariates if c.kind == "categorical"]
        adjust = (
            f"To see whether differences in case mix explain differences between {sites}, "
            "each score was also analysed with an analysis of covariance (ANCOVA) adjusting "
            f"for {_list_words(labels)}."
        )
        if categorical:
            adjust += f" {_list_words(categorical).capitalize()} entered the model as categories."
        adjust += (
            f" The {config.site_label.lower()} effect was tested with Type III sums of squares. "
            f"Adjusted means are the model's estimate for each {config.site_label.lower()} with "
            "the covariates held at their sample averages, shown with their standard errors. "
            "Only respondents with every covariate recorded were included (complete cases), so "
            "the adjusted analyses can use fewer respondents than the unadjusted ones; N is "
            f"given for each. Pairs of {sites} were compared on the adjusted means with t tests "
            "and Holm's correction for the number of pairs."
        )
    else:
        adjust = (
            "No covariates were named, so the comparisons are not adjusted for differences in "
            f"case mix (such as age) between {sites}."
        )
    paragraphs.append(adjust)

    if config.correlations is not None:
        c = config.correlations
        name = "Pearson's" if c.method == "pearson" else "Spearman's rank"
        count = len(c.pairs)
        text = (
            f"{name} correlation measured the association between the {count} pair"
            f"{'s' if count != 1 else ''} of scores in the correlation table, using every "
            "respondent with both scores (pairwise deletion)"
        )
        text += (
            f", for all {sites} together and within each {config.site_label.lower()}."
            if (c.by_site)
            else f", for all {sites} together."
        )
        text += (
            " Sizes follow Cohen's conventions: below 0.1 negligible, 0.1 to below 0.3 small, "
            "0.3 to below 0.5 medium and 0.5 or more large."
        )
        paragraphs.append(text)

    if config.top_items is not None:
        names = _list_words([config.measure(m).name for m in config.top_items.measures])
        paragraphs.append(
            f"For {names}, each {config.site_label.lower()}'s {config.top_items.k} items with "
            "the highest mean answer are listed (after reverse-keying, so a high mean is always "
            "favourable; equal means keep questionnaire order). Items are named by identifier "
            "only."
        )

    paragraphs.append(
        f"Results were treated as statistically significant when p < {config.alpha:g}. In the "
        "tables * marks p < .05, ** p < .01 and *** p < .001. Many tests are reported, so a "
        "single significant result should be read with caution, and differences between "
        f"{sites} describe the respondents, not the quality of care as a whole."
    )
    return tuple(paragraphs)


def _summary(
    config: ReportConfig,
    measures: Sequence[MeasureResult],
    correlations: Sequence[CorrelationResult],
) -> tuple[str, ...]:
    sites = _plural(config.site_label)
    lines = []
    for measure in measures:
        differing = [s for s in measure.scores if s.significant]
        tested = [s for s in measure.scores if s.anova is not None]
        if not tested:
            continue
        if not differing:
            lines.append(f"{measure.name}: no significant difference between {sites} on any score.")
            continue
        parts = []
        for s in differing:
            a = s.anova["anova"] if s.anova else {}
            p = format_p(a.get("p"), leading_zero=True)
            text = f"{s.label.lower() if s.is_total else s.label} ({p}"
            if s.adjusted_significant is True:
                text += ", still significant after adjustment"
            elif s.adjusted_significant is False:
                text += ", not significant after adjustment"
            parts.append(text + ")")
        lines.append(f"{measure.name}: {sites} differed on {_list_words(parts)}.")
    for c in correlations:
        if c.r is not None:
            lines.append(
                f"{c.x_label} and {c.y_label}: {c.size} correlation "
                f"(r = {_num(c.r)}, N = {c.n}, {format_p(c.p, leading_zero=True)})."
            )
    return tuple(lines)


# ----------------------------------------------------------------------------- build


def build_report(
    config: ReportConfig,
    frame: pd.DataFrame | None = None,
    generated_on: dt.date | None = None,
) -> EvaluationReport:
    """Score the data, run every analysis the config asks for and format the results."""
    data = load_data(config) if frame is None else frame
    site_codes, site_labels = to_labels(data[config.site_column])
    if len(site_labels) < 2:
        raise ConfigError(
            f"The site column {config.site_column!r} has {len(site_labels)} distinct value"
            f"{'s' if len(site_labels) != 1 else ''}; a comparison needs at least two."
        )
    has_site = site_codes >= 0
    n_without_site = int((~has_site).sum())
    data = data.loc[has_site].reset_index(drop=True)
    # Labels exactly as the analysis functions will see them (text, whole floats unchanged).
    site_values = pd.Series([site_labels[c] for c in site_codes[has_site]], name=config.site_column)
    sites = tuple(site_labels)
    scored = score_measures(config, data)
    analysis_frame = pd.DataFrame({config.site_column: site_values})
    for covariate in config.covariates:
        analysis_frame[covariate.column] = data[covariate.column]
    for key in scored.scores.columns:
        analysis_frame[_SCORE_PREFIX + key] = scored.scores[key].to_numpy()

    notes: list[str] = []
    measures = []
    for measure in config.measures:
        items = scored.items[measure.id]
        results = [
            _score_result(config, analysis_frame, sites, measure, s.name, len(s.items), notes)
            for s in measure.subscales
        ]
        results.append(
            _score_result(config, analysis_frame, sites, measure, None, len(items), notes)
        )
        charts = []
        for result in results:
            if _wants_chart(config, result):
                overall = scored.scores[result.key].mean(skipna=True)
                chart = _chart(
                    result, measure, sites, float(overall) if pd.notna(overall) else None
                )
                if chart is not None:
                    charts.append(chart)
        ranked: tuple[TopItemsRow, ...] = ()
        ranked_error = None
        if config.top_items is not None and measure.id in config.top_items.measures:
            try:
                ranked = _top_items_rows(
                    config, measure, scored.keyed_items[measure.id], items, site_values
                )
            except AnalysisError as exc:
                ranked_error = str(exc)
                notes.append(f"{measure.name}, highest-rated items: {exc}")
        measures.append(
            MeasureResult(
                id=measure.id,
                name=measure.name,
                scoring_text=_measure_scoring_text(measure, len(items)),
                items=items,
                scores=tuple(results),
                charts=tuple(charts),
                top_items=ranked,
                top_items_error=ranked_error,
            )
        )

    correlations: list[CorrelationResult] = []
    if config.correlations is not None:
        correlations = [
            _correlation(config, analysis_frame, sites, x, y, notes)
            for x, y in config.correlations.pairs
        ]
    sample_rows = _sample_rows(
        config, data.assign(**{config.site_column: site_values}), sites, notes
    )
    return EvaluationReport(
        config=config,
        generated_on=_long_date(generated_on or dt.date.today()),
        data_name=config.data.name,
        n_rows=len(data),
        n_without_site=n_without_site,
        sites=sites,
        site_n=tuple(int((site_values == s).sum()) for s in sites),
        sample_rows=sample_rows,
        measures=tuple(measures),
        correlations=tuple(correlations),
        summary=_summary(config, measures, correlations),
        methods=methods_text(config, scored.items, len(data), n_without_site, len(sites)),
        notes=tuple(notes),
        scores=scored.scores.assign(**{config.site_column: site_values}),
    )


# ----------------------------------------------------------------------------- render


def render_html(report: EvaluationReport) -> str:
    """The report as a complete HTML page (every value escaped by the template engine)."""
    from django.template import Context, Engine

    engine = Engine(dirs=[str(TEMPLATES_DIR)], autoescape=True, debug=False)
    template = engine.get_template(TEMPLATE_NAME)
    config = report.config
    context = {
        "report": report,
        "config": config,
        "site_label": config.site_label,
        "sites_word": _plural(config.site_label),
        "sites": list(zip(report.sites, report.site_n, strict=True)),
        "wide": len(report.sites) > PORTRAIT_MAX_SITES,
        "adjusted": bool(config.covariates),
        "covariate_labels": _list_words([c.label for c in config.covariates]),
        "alpha": f"{config.alpha:g}",
        "correlation_name": (
            "Pearson's r"
            if config.correlations is None or config.correlations.method == "pearson"
            else "Spearman's rho"
        ),
        "by_site": bool(config.correlations and config.correlations.by_site),
        "top_k": config.top_items.k if config.top_items else 0,
        "ranks": list(range(1, (config.top_items.k if config.top_items else 0) + 1)),
        "has_top_items": any(m.top_items for m in report.measures),
    }
    return template.render(Context(context, autoescape=True, use_l10n=False))


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render report HTML to a tagged A4 PDF with WeasyPrint."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=base_url or str(TEMPLATES_DIR))
    pdf = document.write_pdf(pdf_tags=True)
    assert pdf is not None
    return bytes(pdf)


@dataclass(frozen=True)
class WrittenReport:
    """Files written by :func:`write_report`."""

    html: Path | None
    pdf: Path | None


def write_report(
    report: EvaluationReport,
    out_dir: str | Path,
    formats: Sequence[str] = ("html", "pdf"),
    stem: str = "evaluation",
) -> WrittenReport:
    """Write the report as ``evaluation.html`` and/or ``evaluation.pdf`` into ``out_dir``."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    html = render_html(report)
    html_path = pdf_path = None
    if "html" in formats:
        html_path = folder / f"{stem}.html"
        html_path.write_text(html, encoding="utf-8")
    if "pdf" in formats:
        pdf_path = folder / f"{stem}.pdf"
        pdf_path.write_bytes(render_pdf(html))
    return WrittenReport(html=html_path, pdf=pdf_path)


__all__ = [
    "ChartPair",
    "CorrelationResult",
    "EvaluationReport",
    "MeasureResult",
    "ScoreResult",
    "build_report",
    "format_p",
    "load_data",
    "methods_text",
    "render_html",
    "render_pdf",
    "score_measures",
    "stars",
    "write_report",
]
