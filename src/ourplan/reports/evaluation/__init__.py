"""Build the service evaluation report from a config and its data, and render it.

Every statistic comes from :mod:`ourplan.analysis`; this package only scores the
questionnaires (the documented rule in :mod:`ourplan.reports.config`), calls the analyses,
formats their results for people, and writes HTML and PDF. It is split along three lines:

* **data**: :mod:`.data` reads the data file and scores every measure and subscale;
  :mod:`.model` holds the report's own dataclasses.
* **analyses**: :mod:`.analyses` is the only module that calls the statistics, reading
  their result dataclasses by attribute, and turns them into the report's rows.
* **rendering**: :mod:`.formatting` writes numbers and p values, :mod:`.prose` the summary,
  scoring and methods text, :mod:`.render` the charts, the HTML page and the PDF.

:mod:`.build` puts them together in :func:`build_report`.

Significance marks, used in every table: ``*`` p < .05, ``**`` p < .01, ``***`` p < .001.
They are fixed conventions; which pairs of sites are *listed* as differing follows the
config's ``alpha``.
"""

from ourplan.reports.evaluation.build import build_report
from ourplan.reports.evaluation.data import Scored, load_data, score_measures
from ourplan.reports.evaluation.formatting import format_p, stars
from ourplan.reports.evaluation.model import (
    ChartPair,
    CorrelationResult,
    EvaluationReport,
    MeasureResult,
    PairRow,
    RankedCell,
    SampleRow,
    ScoreResult,
    SiteComparison,
    TopItemsRow,
)
from ourplan.reports.evaluation.prose import methods_text
from ourplan.reports.evaluation.render import (
    WrittenReport,
    render_html,
    render_pdf,
    write_report,
)

__all__ = [
    "ChartPair",
    "CorrelationResult",
    "EvaluationReport",
    "MeasureResult",
    "PairRow",
    "RankedCell",
    "SampleRow",
    "ScoreResult",
    "Scored",
    "SiteComparison",
    "TopItemsRow",
    "WrittenReport",
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
