"""Run a chosen analysis on a stored data set and shape the results for the page."""

from __future__ import annotations

import base64
from dataclasses import asdict
from typing import Any

import pandas as pd

from ourplan.analysis.ancova import ancova_report
from ourplan.analysis.anova import anova_report
from ourplan.analysis.correlation import correlate_report
from ourplan.analysis.descriptives import describe_by_group
from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.nonparametric import kruskal_report


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    """Convert a text column to numbers, naming the first value that is not a number."""
    converted = pd.to_numeric(frame[column], errors="coerce")
    bad = frame[column].notna() & converted.isna()
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise AnalysisError(
            f"Column '{column}' has a value that is not a number on row {row + 2}: {frame[column].iloc[row]!r}."
        )
    return converted


def columns_used(options: dict[str, Any]) -> list[str]:
    """The columns an analysis reads, so only they are loaded from the stored table."""
    kind = options["analysis"]
    if kind == "correlate":
        return list(options["columns"])
    used = [options["value"], options["group"]]
    if kind == "ancova":
        used += list(options["covariates"])
    return list(dict.fromkeys(used))


def run_analysis(frame: pd.DataFrame, options: dict[str, Any]) -> dict[str, Any]:
    """Return {'kind': ..., 'result': ..., 'chart': svg or None}; raise AnalysisError on bad data."""
    kind = options["analysis"]
    if kind == "correlate":
        numeric = pd.DataFrame({c: _numeric(frame, c) for c in options["columns"]})
        return {
            "kind": kind,
            "result": correlate_report(
                numeric, list(options["columns"]), method=options.get("method") or "pearson"
            ),
            "chart": None,
        }
    values = _numeric(frame, options["value"])
    groups = frame[options["group"]].astype("string").fillna(pd.NA)
    if kind == "describe":
        rows = [asdict(d) for d in describe_by_group(values.tolist(), groups.tolist())]
        chart_rows = [r for r in rows if r.get("n", 0) > 1]
        return {
            "kind": kind,
            "result": {"groups": rows},
            "chart": _chart(chart_rows, options["value"]),
        }
    if kind == "anova":
        result = anova_report(values.tolist(), groups.tolist())
        return {"kind": kind, "result": result, "chart": _chart(result["groups"], options["value"])}
    if kind == "kruskal":
        return {
            "kind": kind,
            "result": kruskal_report(values.tolist(), groups.tolist()),
            "chart": None,
        }
    if kind == "ancova":
        covariates = list(options["covariates"])
        data = pd.DataFrame({options["value"]: values, options["group"]: groups})
        for column in covariates:
            converted = pd.to_numeric(frame[column], errors="coerce")
            # A covariate that is mostly text is categorical (e.g. gender); otherwise numeric.
            data[column] = (
                converted
                if converted.notna().sum() >= frame[column].notna().sum()
                else frame[column]
            )
        result = ancova_report(data, options["value"], options["group"], covariates)
        return {
            "kind": kind,
            "result": result,
            "chart": _chart(result["adjusted_means"], f"{options['value']} (adjusted)"),
        }
    raise AnalysisError(f"Unknown analysis: {kind}")


def _chart(groups: list[dict[str, Any]], label: str) -> dict[str, str] | None:
    """A mean ± 95% CI chart as a data URI (CSP allows data: images) with its text alternative."""
    if not groups:
        return None
    # Imported here: matplotlib is slow to import and only charts need it.
    from ourplan.reports.charts import mean_ci_figure

    chart = mean_ci_figure(groups, title=label, ylabel=label)
    return {
        "data_uri": "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode()).decode(),
        "alt": chart.text,
    }
