"""Read the report's data file and score the questionnaires.

The scoring rule is documented in :mod:`ourplan.reports.config` and docs/reports.md.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.tables import numeric_frame, read_table
from ourplan.reports.config import (
    ConfigError,
    Measure,
    ReportConfig,
    check_items_known,
    score_key,
)
from ourplan.reports.evaluation.formatting import range_text


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
class Scored:
    """Every respondent's scores and the item answers they were made from."""

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
                f"{row_pos + 1}, outside its scale {range_text(low, high)}. If that code means "
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


def score_measures(config: ReportConfig, frame: pd.DataFrame) -> Scored:
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
    return Scored(pd.DataFrame(scores, index=frame.index), keyed, resolved)
