"""Build the report: load and score the data, run the analyses, and write the prose."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.grouping import to_labels
from ourplan.reports.config import ConfigError, ReportConfig
from ourplan.reports.evaluation.analyses import (
    analysis_frame,
    correlation_result,
    sample_rows,
    score_result,
    top_items_rows,
)
from ourplan.reports.evaluation.data import load_data, score_measures
from ourplan.reports.evaluation.formatting import long_date
from ourplan.reports.evaluation.model import (
    CorrelationResult,
    EvaluationReport,
    MeasureResult,
    TopItemsRow,
)
from ourplan.reports.evaluation.prose import measure_scoring_text, methods_text, summary_lines
from ourplan.reports.evaluation.render import ChartJob, draw_charts, score_chart_job, wants_chart


def build_report(
    config: ReportConfig,
    frame: pd.DataFrame | None = None,
    generated_on: dt.date | None = None,
    *,
    chart_workers: int = 1,
) -> EvaluationReport:
    """Score the data, run every analysis the config asks for and format the results.

    ``chart_workers`` > 1 draws the charts in that many forked processes: only for a caller
    that owns its process (the command line), never inside a web or task worker.
    """
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
    frame_for_analyses = analysis_frame(config, site_values, data, scored.scores)

    notes: list[str] = []
    measures = []
    chart_jobs: list[list[ChartJob]] = []
    for measure in config.measures:
        items = scored.items[measure.id]
        results = [
            score_result(config, frame_for_analyses, sites, measure, s.name, len(s.items), notes)
            for s in measure.subscales
        ]
        results.append(
            score_result(config, frame_for_analyses, sites, measure, None, len(items), notes)
        )
        jobs: list[ChartJob] = []
        for result in results:
            if wants_chart(config, result):
                overall = scored.scores[result.key].mean(skipna=True)
                job = score_chart_job(
                    result, measure, sites, float(overall) if pd.notna(overall) else None
                )
                if job is not None:
                    jobs.append(job)
        chart_jobs.append(jobs)
        ranked: tuple[TopItemsRow, ...] = ()
        ranked_error = None
        if config.top_items is not None and measure.id in config.top_items.measures:
            try:
                ranked = top_items_rows(
                    config, measure, scored.keyed_items[measure.id], items, site_values
                )
            except AnalysisError as exc:
                ranked_error = str(exc)
                notes.append(f"{measure.name}, highest-rated items: {exc}")
        measures.append(
            MeasureResult(
                id=measure.id,
                name=measure.name,
                scoring_text=measure_scoring_text(measure, len(items)),
                items=items,
                scores=tuple(results),
                charts=(),
                top_items=ranked,
                top_items_error=ranked_error,
            )
        )

    # Every chart at once, so that they can be drawn side by side.
    drawn = iter(draw_charts([job for jobs in chart_jobs for job in jobs], chart_workers))
    measures = [
        dataclasses.replace(m, charts=tuple(next(drawn) for _ in jobs))
        for m, jobs in zip(measures, chart_jobs, strict=True)
    ]
    correlations: list[CorrelationResult] = []
    if config.correlations is not None:
        correlations = [
            correlation_result(config, frame_for_analyses, sites, x, y, notes)
            for x, y in config.correlations.pairs
        ]
    respondents = sample_rows(
        config, data.assign(**{config.site_column: site_values}), sites, notes
    )
    return EvaluationReport(
        config=config,
        generated_on=long_date(generated_on or dt.date.today()),
        data_name=config.data.name,
        n_rows=len(data),
        n_without_site=n_without_site,
        sites=sites,
        site_n=tuple(int((site_values == s).sum()) for s in sites),
        sample_rows=respondents,
        measures=tuple(measures),
        correlations=tuple(correlations),
        summary=summary_lines(config, measures, correlations),
        methods=methods_text(config, scored.items, len(data), n_without_site, len(sites)),
        notes=tuple(notes),
        scores=scored.scores.assign(**{config.site_column: site_values}),
    )
