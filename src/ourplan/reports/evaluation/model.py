"""The report's own dataclasses: formatted results plus the analysis results they came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ourplan.analysis.ancova import AncovaResult
from ourplan.analysis.anova import AnovaResult, PairwiseComparison, WelchResult
from ourplan.reports.config import ReportConfig


@dataclass(frozen=True)
class SiteComparison:
    """The unadjusted comparison of one score across sites, as :mod:`ourplan.analysis.anova`
    returns it: the ANOVA table with each site's summary, Welch's ANOVA (None, with the
    reason, when a site has no variation) and Tukey's pairs.
    """

    table: AnovaResult
    welch: WelchResult | None
    welch_error: str | None
    tukey: tuple[PairwiseComparison, ...]


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
    anova: SiteComparison | None
    ancova: AncovaResult | None
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
