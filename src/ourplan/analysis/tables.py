"""Reading data files (CSV, Excel, SPSS) into DataFrames with clear errors.

Group columns must keep their labels exactly as written ("01" is not 1, and a group
coded 1, 2, 3 is three labels, not a number), so :func:`read_table` reads the columns
named in ``text_columns`` as text, and for SPSS files replaces their codes by the value
labels.  Other columns keep their codes: an SPSS item coded 1–5 with labels
"Strongly disagree" … stays numeric.  Numbers are checked only when a column is used as
numbers (:func:`numeric_column`), so the error can name the column, row and value.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.grouping import MISSING_TOKENS

SUPPORTED = {".csv": "CSV", ".xlsx": "Excel", ".sav": "SPSS"}


def _label_text(value: Any) -> str | None:
    """A cell as a group label: None when missing, whole floats without ".0"."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    return None if text.lower() in MISSING_TOKENS else text


def _as_text(series: pd.Series, labels: dict[Any, str] | None = None) -> pd.Series:
    """Cells as label text; SPSS value labels replace the codes they label."""
    mapping = labels or {}
    converted = [mapping[v] if v in mapping else _label_text(v) for v in series.tolist()]
    return pd.Series(converted, index=series.index, dtype=object, name=series.name)


def _read_csv(path: Path, text_columns: Sequence[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            path,
            dtype=dict.fromkeys(text_columns, str),
            skipinitialspace=True,
            encoding="utf-8-sig",  # spreadsheet exports often start with a BOM
        )
    except pd.errors.EmptyDataError:
        raise AnalysisError(f"The file {path.name} is empty.") from None
    except pd.errors.ParserError as error:
        raise AnalysisError(f"The file {path.name} is not valid CSV: {error}") from None
    except UnicodeDecodeError:
        raise AnalysisError(
            f"The file {path.name} is not UTF-8 text; save it as CSV UTF-8 and try again."
        ) from None
    return frame


def _read_xlsx(path: Path) -> pd.DataFrame:
    try:
        return pd.read_excel(path, engine="openpyxl")
    except ValueError as error:
        raise AnalysisError(f"The file {path.name} could not be read as Excel: {error}") from None
    except Exception as error:  # openpyxl raises zipfile/KeyError/etc. on damaged files
        raise AnalysisError(
            f"The file {path.name} could not be read as an Excel .xlsx workbook "
            f"({type(error).__name__})."
        ) from None


def _read_sav(path: Path) -> tuple[pd.DataFrame, dict[str, dict[Any, str]]]:
    import pyreadstat  # imported here: only SPSS files need it

    try:
        frame, meta = pyreadstat.read_sav(str(path))
    except pyreadstat.ReadstatError as error:
        raise AnalysisError(
            f"The file {path.name} could not be read as an SPSS .sav file ({error})."
        ) from None
    except Exception as error:  # pyreadstat raises bare errors for some damaged files
        raise AnalysisError(
            f"The file {path.name} could not be read as an SPSS .sav file "
            f"({type(error).__name__}: {error})."
        ) from None
    return frame, dict(meta.variable_value_labels or {})


def read_table(path: str | os.PathLike[str], text_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Read a CSV, XLSX or SPSS .sav file; ``text_columns`` come back as text labels.

    Missing cells are NaN (numbers) or None (text).  Raises :class:`AnalysisError` for a
    missing, empty, unreadable or unsupported file, or an unknown text column.
    """
    file = Path(path)
    kind = SUPPORTED.get(file.suffix.lower())
    if kind is None:
        known = ", ".join(SUPPORTED)
        raise AnalysisError(
            f"Cannot read {file.name}: unknown file type {file.suffix or '(none)'!r}; "
            f"use one of {known}."
        )
    if not file.is_file():
        raise AnalysisError(f"No such file: {file}.")
    if file.stat().st_size == 0:
        raise AnalysisError(f"The file {file.name} is empty.")
    value_labels: dict[str, dict[Any, str]] = {}
    if kind == "CSV":
        frame = _read_csv(file, text_columns)
    elif kind == "Excel":
        frame = _read_xlsx(file)
    else:
        frame, value_labels = _read_sav(file)
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.shape[1] == 0 or len(frame) == 0:
        raise AnalysisError(f"The file {file.name} has no data rows.")
    require_columns(frame, text_columns)
    for column in text_columns:
        frame[column] = _as_text(frame[column], value_labels.get(column))
    return frame


def require_columns(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise :class:`AnalysisError` naming any of ``columns`` missing from ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        available = ", ".join(str(c) for c in frame.columns)
        plural = "s" if len(missing) > 1 else ""
        raise AnalysisError(
            f"Unknown column{plural} {', '.join(repr(c) for c in missing)}. "
            f"The columns are: {available}."
        )


def numeric_column(frame: pd.DataFrame, column: str) -> NDArray[np.float64]:
    """A column as floats (NaN for missing), or an error naming the first bad cell."""
    require_columns(frame, [column])
    series = frame[column]
    if pd.api.types.is_bool_dtype(series.dtype):
        raise AnalysisError(f"Column {column!r} holds true/false values, not numbers.")
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
    else:
        raw = series.astype(object)
        text = raw.map(lambda v: v.strip() if isinstance(v, str) else v)
        missing = text.map(lambda v: v is None or _label_text(v) is None)
        coerced = pd.to_numeric(text.where(~missing, np.nan), errors="coerce")
        is_bool = text.map(lambda v: isinstance(v, bool | np.bool_))
        bad = (coerced.isna() & ~missing) | is_bool
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise AnalysisError(
                f"Column {column!r} must hold numbers, but row {row + 1} has "
                f"{raw.iloc[row]!r}. Leave a cell blank (or write NA) if it is missing."
            )
        values = coerced.to_numpy(dtype=float, na_value=np.nan)
    infinite = np.isinf(values)
    if infinite.any():
        row = int(np.flatnonzero(infinite)[0])
        raise AnalysisError(f"Column {column!r} row {row + 1} is infinite, not a number.")
    return values


def is_numeric_column(frame: pd.DataFrame, column: str) -> bool:
    """Whether every present value of ``column`` reads as a number."""
    try:
        values = numeric_column(frame, column)
    except AnalysisError:
        return False
    return bool(np.any(~np.isnan(values)))


def numeric_frame(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``columns`` of ``frame`` as float columns, checked with :func:`numeric_column`."""
    return pd.DataFrame({c: numeric_column(frame, c) for c in columns}, index=frame.index)


def read_subscales(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read an item → subscale mapping: a CSV of ``item,subscale`` rows.

    A first row reading ``item,subscale`` (any case) is taken as a header.
    """
    file = Path(path)
    if not file.is_file():
        raise AnalysisError(f"No such subscale file: {file}.")
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    except UnicodeDecodeError:
        raise AnalysisError(f"The subscale file {file.name} is not UTF-8 text.") from None
    if rows and [cell.strip().lower() for cell in rows[0][:2]] == ["item", "subscale"]:
        rows = rows[1:]
    if not rows:
        raise AnalysisError(f"The subscale file {file.name} has no item,subscale rows.")
    mapping: dict[str, str] = {}
    for line, row in enumerate(rows, start=1):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise AnalysisError(
                f"The subscale file {file.name} needs two columns, item and subscale; "
                f"row {line} is {','.join(row)!r}."
            )
        item = row[0].strip()
        if item in mapping and mapping[item] != row[1].strip():
            raise AnalysisError(f"Item {item!r} is given two subscales in {file.name}.")
        mapping[item] = row[1].strip()
    return mapping


__all__ = [
    "SUPPORTED",
    "is_numeric_column",
    "numeric_column",
    "numeric_frame",
    "read_subscales",
    "read_table",
    "require_columns",
]
