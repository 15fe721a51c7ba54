"""Drawing the report's charts and writing the report as HTML and PDF.

HTML is rendered with a standalone Django template engine (no settings needed), PDF with
WeasyPrint; both are imported only when used, as they are slow to import.
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ourplan.analysis.ancova import AdjustedMean
from ourplan.analysis.anova import GroupSummary
from ourplan.reports.charts import mean_ci_chart, mean_ci_text
from ourplan.reports.config import Measure, ReportConfig
from ourplan.reports.evaluation.formatting import list_words, plural
from ourplan.reports.evaluation.model import ChartPair, EvaluationReport, ScoreResult

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_NAME = "reports/evaluation.html"
# A wide table gets landscape pages above this many sites.
PORTRAIT_MAX_SITES = 6


# ----------------------------------------------------------------------------- charts


def wants_chart(config: ReportConfig, result: ScoreResult) -> bool:
    """Whether the config's ``charts`` option asks for a chart of this score."""
    if config.charts == "none" or result.anova is None:
        return False
    if config.charts == "all":
        return True
    return result.is_total or (config.charts == "significant" and result.significant)


def _chart_groups(
    means: Sequence[GroupSummary | AdjustedMean], sites: Sequence[str]
) -> list[dict[str, Any]]:
    """Each site's mean and 95% CI in site order, as :func:`mean_ci_chart` takes them."""
    by_site = {m.group: m for m in means}
    return [
        {"group": site, "mean": by_site[site].mean, "ci95": by_site[site].ci95}
        if site in by_site
        else {"group": site, "mean": None, "ci95": None}
        for site in sites
    ]


def _value_range(entries: Sequence[dict[str, Any]]) -> tuple[float, float] | None:
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


@dataclass(frozen=True)
class ChartJob:
    """What one score's chart pair shows: plain data, so it can be drawn in another process."""

    title: str
    unadjusted: dict[str, Any]  # keyword arguments of mean_ci_chart
    adjusted: dict[str, Any] | None


def score_chart_job(
    result: ScoreResult, measure: Measure, sites: Sequence[str], overall: float | None
) -> ChartJob | None:
    """The unadjusted and adjusted mean ± 95% CI charts of one score, on the same axis."""
    if result.anova is None:
        return None
    title = f"{measure.name}: {result.label}"
    scale_word = "total" if measure.scoring == "sum" else "mean item score"
    ylabel = f"{scale_word} ({result.range_text})" if result.range_text else scale_word
    unadjusted = _chart_groups(result.anova.table.groups, sites)
    adjusted = _chart_groups(result.ancova.adjusted_means, sites) if result.ancova else []
    options: dict[str, Any] = {
        "ylabel": ylabel,
        "reference": overall,
        "value_range": _value_range([*unadjusted, *adjusted]),
        "width_inches": 3.5,
    }
    first = {
        "groups": unadjusted,
        "title": "Unadjusted",
        "description": mean_ci_text(unadjusted, f"{title}, unadjusted", ylabel),
        **options,
    }
    second = None
    if adjusted:
        second = {
            "groups": adjusted,
            "title": "Adjusted for covariates",
            "description": mean_ci_text(adjusted, f"{title}, adjusted for covariates", ylabel),
            **options,
        }
    return ChartJob(title, first, second)


def _draw(chart: dict[str, Any]) -> str:
    return mean_ci_chart(**chart)


def draw_charts(jobs: Sequence[ChartJob], workers: int = 1) -> list[ChartPair]:
    """Draw every chart pair, in ``workers`` processes when that is worth it.

    Each chart takes Matplotlib about a tenth of a second, nearly all of it Python, so
    threads would not help; forked processes draw them side by side (the same SVG either
    way).  Only a caller that owns its process should ask for workers: the children are
    forked, so they must not inherit open database connections or other threads.
    """
    charts = [chart for job in jobs for chart in (job.unadjusted, job.adjusted) if chart]
    if workers > 1 and len(charts) >= 4 and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(charts)), mp_context=context) as pool:
            drawn = iter(list(pool.map(_draw, charts)))
    else:
        drawn = iter([_draw(chart) for chart in charts])
    pairs = []
    for job in jobs:
        svg = next(drawn)
        adjusted_svg = next(drawn) if job.adjusted else None
        pairs.append(
            ChartPair(
                job.title,
                svg,
                job.unadjusted["description"],
                adjusted_svg,
                job.adjusted["description"] if job.adjusted else None,
            )
        )
    return pairs


def score_chart(
    result: ScoreResult, measure: Measure, sites: Sequence[str], overall: float | None
) -> ChartPair | None:
    """Unadjusted and adjusted mean ± 95% CI charts of one score, on the same axis."""
    job = score_chart_job(result, measure, sites, overall)
    return None if job is None else draw_charts([job])[0]


# ----------------------------------------------------------------------------- HTML and PDF


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
        "sites_word": plural(config.site_label),
        "sites": list(zip(report.sites, report.site_n, strict=True)),
        "wide": len(report.sites) > PORTRAIT_MAX_SITES,
        "adjusted": bool(config.covariates),
        "covariate_labels": list_words([c.label for c in config.covariates]),
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

    from ourplan.core.pdf_fetcher import local_only_fetcher

    document = weasyprint.HTML(
        string=html, base_url=base_url or str(TEMPLATES_DIR), url_fetcher=local_only_fetcher()
    )
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
