"""Cleaning and validating ``(values, groups)`` input shared by the grouped analyses.

Rules every grouped method in ``ourplan.analysis`` follows:

* **Missing values**: ``None``, NaN, ``pandas.NA``, empty/blank strings and the strings
  ``NA``, ``N/A``, ``NaN``, ``null`` and ``none`` (any case) are missing. A row whose value
  is missing is dropped (and counted); a row whose *group label* is missing is dropped too.
* **Values** must be real numbers: ints, floats, ``Decimal``, numeric NumPy/pandas data, or
  strings that parse as numbers. Anything else (``"abc"``, ``True``, ``inf``) raises
  :class:`~ourplan.analysis.errors.AnalysisError` naming the offending row (1-based).
* **Group labels** are converted to ``str``; a float label that is a whole number is written
  without ``.0`` (so ``2.0`` and ``2`` are the same group ``"2"``).
* **Order**: groups are always returned **sorted by label** (plain string order, so ``"10"``
  sorts before ``"2"``), whatever order they first appear in. Results are therefore
  independent of row order.
* **Groups with no usable value** (every value missing) are left out of the analysis; they
  are still reported by :func:`ourplan.analysis.descriptives.describe_by_group`.

Accuracy: values are stored as ``offset + centred`` where ``offset`` is a provisional centre
(an observed value near the median). Subtracting it early keeps later sums of squares
accurate when the data share a large constant part (e.g. ``1000000000000.4``). When values
arrive as decimal text or ``Decimal`` (as read from a CSV file) the subtraction is done
*exactly in decimal* before rounding to float64, which keeps digits that a float64 copy of
the raw values has already lost.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ourplan.analysis.errors import AnalysisError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: Strings (compared case-insensitively, after stripping) that mean "missing".
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none"})

__all__ = [
    "MISSING_TOKENS",
    "CenteredValues",
    "GroupedData",
    "clean_grouped",
    "group_data",
    "to_centered",
    "to_float_array",
    "to_labels",
]


@dataclass(frozen=True)
class CenteredValues:
    """Numeric column stored as ``offset + centred`` (NaN marks a missing value)."""

    centred: FloatArray
    offset: float

    @property
    def values(self) -> FloatArray:
        """The values themselves (rounded to float64)."""
        return self.centred + self.offset


@dataclass(frozen=True)
class GroupedData:
    """Cleaned grouped data: one row per usable observation, groups sorted by label.

    ``codes[i]`` indexes ``labels`` for observation ``i``; ``centred + offset`` are the values.
    """

    labels: tuple[str, ...]
    codes: IntArray
    centred: FloatArray
    offset: float
    counts: IntArray
    #: Rows whose group label is known but whose value is missing, per group in ``labels``.
    n_missing: IntArray
    #: Labels of groups whose every value is missing (not in ``labels``), sorted.
    empty_labels: tuple[str, ...]
    #: Rows dropped because the value or the group label was missing.
    n_dropped: int
    #: Missing-value counts of the groups in ``empty_labels`` (same order).
    empty_n_missing: tuple[int, ...] = ()

    @property
    def n(self) -> int:
        """Number of usable observations."""
        return int(self.codes.size)

    @property
    def k(self) -> int:
        """Number of groups with at least one usable value."""
        return len(self.labels)

    def split(self) -> dict[str, FloatArray]:
        """Values per group, keyed by label in sorted label order."""
        order = np.argsort(self.codes, kind="stable")
        values = (self.centred + self.offset)[order]
        bounds = np.cumsum(self.counts)[:-1]
        return dict(zip(self.labels, np.split(values, bounds), strict=True))


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _is_missing_scalar(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, Decimal):
        return value.is_nan()
    if isinstance(value, str | np.str_):
        return value.strip().lower() in MISSING_TOKENS
    return False


def _not_a_number(value: Any, row: int, what: str) -> AnalysisError:
    return AnalysisError(
        f"{_upper_first(what)} {value!r} in row {row} is not a number. "
        f"{_upper_first(what)}s must be numeric; leave a cell blank (or write NA) if it is missing."
    )


def _not_finite(row: int, what: str) -> AnalysisError:
    return AnalysisError(
        f"{_upper_first(what)} in row {row} is infinite. "
        f"{_upper_first(what)}s must be finite numbers; leave a cell blank if it is missing."
    )


def _check_finite(arr: FloatArray, what: str) -> None:
    bad = np.isinf(arr)
    if bad.any():
        raise _not_finite(int(np.argmax(bad)) + 1, what)


def _as_1d(data: Any, what: str) -> np.ndarray:
    """A 1-D NumPy view of ``data`` without coercing element types."""
    if isinstance(data, pd.Series | pd.Index):
        dtype = data.dtype
        if pd.api.types.is_bool_dtype(dtype):
            arr = data.to_numpy(dtype=object)
        elif pd.api.types.is_numeric_dtype(dtype):
            arr = data.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            arr = data.to_numpy(dtype=object)
    elif isinstance(data, np.ndarray):
        arr = data
    else:
        if isinstance(data, str | bytes) or not isinstance(data, Iterable):
            raise AnalysisError(
                f"{_upper_first(what)}s must be a sequence, not {type(data).__name__}."
            )
        seq = data if isinstance(data, Sequence) else list(data)
        arr = np.empty(len(seq), dtype=object)
        arr[:] = seq
    if arr.ndim != 1:
        raise AnalysisError(
            f"{_upper_first(what)}s must be one-dimensional (got shape {arr.shape})."
        )
    return arr


# Element types that convert to float64 exactly as Python's float() would, in bulk.
_PLAIN_NUMBER_TYPES = frozenset(
    {float, int, type(None), np.float64, np.float32, np.float16, np.int64, np.int32, np.int16}
    | {np.int8, np.uint64, np.uint32, np.uint16, np.uint8}
)


def _parse_object_values(arr: np.ndarray, what: str) -> tuple[FloatArray, list[Decimal | None]]:
    """Element-wise conversion; returns floats and, where given as text/Decimal, exact decimals.

    The decimal list is empty when no element was text or ``Decimal``.
    """
    items = arr.tolist()
    if set(map(type, items)) <= _PLAIN_NUMBER_TYPES:
        # Fast path for lists of plain numbers (None -> NaN): no per-element Python loop.
        floats = np.array(items, dtype=np.float64)
        _check_finite(floats, what)
        return floats, []
    out = np.empty(arr.size, dtype=np.float64)
    decimals: list[Decimal | None] = []
    any_decimal = False
    for i, value in enumerate(items):
        exact: Decimal | None = None
        if _is_missing_scalar(value):
            out[i] = np.nan
        elif isinstance(value, bool | np.bool_):
            raise _not_a_number(value, i + 1, what)
        elif isinstance(value, str | Decimal):
            try:
                exact = value if isinstance(value, Decimal) else Decimal(value.strip())
            except InvalidOperation:
                raise _not_a_number(value, i + 1, what) from None
            if not exact.is_finite():
                if exact.is_nan():
                    out[i] = np.nan
                    exact = None
                else:
                    raise _not_finite(i + 1, what)
            else:
                out[i] = float(exact)
                any_decimal = True
        elif isinstance(value, numbers.Real):
            out[i] = float(value)
            if math.isinf(out[i]):
                raise _not_finite(i + 1, what)
        else:
            raise _not_a_number(value, i + 1, what)
        decimals.append(exact)
    return out, decimals if any_decimal else []


def to_float_array(values: Any, *, what: str = "value") -> FloatArray:
    """Convert ``values`` to a float64 array with NaN for missing, or raise AnalysisError."""
    return to_centered(values, what=what, centre=False).values


# How many evenly spaced observations the provisional centre is taken from.
_CENTRE_SAMPLE = 2001


def _centre_index(floats: FloatArray) -> int | None:
    """Index of the observation used as provisional centre, or None if all are missing.

    It is the median of the non-missing values in an evenly strided sample of 2001–4001 rows
    (of all non-missing values when the sample holds none): robust to outliers like the full
    median, O(1) in the data size, and always an observed value, so that ``x - centre`` is
    exact (Sterbenz) for the many values within a factor of two of it.
    """
    # Stride over all rows, then drop the missing ones: no pass over the whole column.
    step = max(1, floats.size // _CENTRE_SAMPLE)
    strided = np.arange(0, floats.size, step)
    sample = strided[~np.isnan(floats[strided])]
    if sample.size == 0:
        present = np.flatnonzero(~np.isnan(floats))
        if present.size == 0:
            return None
        sample = present[:: max(1, present.size // _CENTRE_SAMPLE)]
    middle = sample.size // 2
    order = np.argpartition(floats[sample], middle)
    return int(sample[order[middle]])


def to_centered(values: Any, *, what: str = "value", centre: bool = True) -> CenteredValues:
    """Convert ``values`` to ``offset + centred`` float64 form (NaN for missing).

    The offset is a provisional centre (see :func:`_centre_index`). For numeric input it is
    subtracted in float64; for text/``Decimal`` input it is subtracted exactly in decimal
    arithmetic before rounding, which keeps digits a float64 copy of the raw values has lost.
    """
    arr = _as_1d(values, what)
    if arr.dtype.kind in "fiu":
        floats = arr.astype(np.float64, copy=False)
        _check_finite(floats, what)
        pick = _centre_index(floats) if centre else None
        if pick is None:
            return CenteredValues(floats, 0.0)
        offset = float(floats[pick])
        return CenteredValues(floats - offset, offset)
    if arr.dtype.kind == "b":
        raise AnalysisError(f"{_upper_first(what)}s are true/false flags, not numbers.")
    floats, decimals = _parse_object_values(arr.astype(object, copy=False), what)
    pick = _centre_index(floats) if centre else None
    if pick is None:
        return CenteredValues(floats, 0.0)
    if not decimals:
        offset = float(floats[pick])
        return CenteredValues(floats - offset, offset)
    picked = decimals[pick]
    anchor = picked if picked is not None else Decimal(float(floats[pick]))
    centred = np.empty_like(floats)
    # Enough precision that the decimal subtraction is exact for any realistic input.
    with localcontext() as ctx:
        ctx.prec = 200
        for i, (f, d) in enumerate(zip(floats.tolist(), decimals, strict=True)):
            if d is not None:
                centred[i] = float(d - anchor)
            elif math.isnan(f):
                centred[i] = np.nan
            else:
                centred[i] = float(Decimal(f) - anchor)
    return CenteredValues(centred, float(anchor))


def _label_str(label: Any) -> str | None:
    """Group label as text, or None when the label is missing."""
    if _is_missing_scalar(label):
        return None
    if isinstance(label, float | np.floating) and float(label).is_integer():
        return str(int(label))
    if isinstance(label, bytes):
        return label.decode()
    return str(label).strip() if isinstance(label, str) else str(label)


def to_labels(groups: Any) -> tuple[IntArray, tuple[str, ...]]:
    """Factorise group labels: (codes with -1 for missing, sorted distinct labels)."""
    arr = _as_1d(groups, "group label")
    if arr.dtype.kind not in "fiub":
        arr = arr.astype(object, copy=False)
    raw_codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    as_text = [_label_str(u) for u in uniques.tolist()]
    labels = tuple(sorted({t for t in as_text if t is not None}))
    position = {label: i for i, label in enumerate(labels)}
    # Map each raw unique to its text label's position; -1 (missing) stays -1 via the extra slot.
    remap = np.array([position[t] if t is not None else -1 for t in as_text] + [-1], dtype=np.intp)
    codes = remap[raw_codes]
    return codes, labels


def group_data(
    values: Any,
    groups: Any,
    *,
    min_groups: int = 2,
    min_group_size: int = 1,
    method: str = "this analysis",
) -> GroupedData:
    """Clean and validate grouped input (see the module docstring for the rules).

    Raises AnalysisError when the lengths differ, a value is not numeric, every value is
    missing, fewer than ``min_groups`` groups have data, or a group has fewer than
    ``min_group_size`` values.
    """
    cv = to_centered(values)
    codes, labels = to_labels(groups)
    if cv.centred.size != codes.size:
        raise AnalysisError(
            f"There are {cv.centred.size} values but {codes.size} group labels; "
            "each value needs exactly one group label."
        )
    value_ok = ~np.isnan(cv.centred)
    label_ok = codes >= 0
    keep = value_ok & label_ok
    k_all = len(labels)
    if keep.all():
        # Nothing missing (the usual case): skip two boolean selections of every row.
        n_missing = np.zeros(k_all, dtype=np.intp)
        counts_all = np.bincount(codes, minlength=k_all)
    else:
        n_missing = np.bincount(codes[label_ok & ~value_ok], minlength=k_all)
        counts_all = np.bincount(codes[keep], minlength=k_all)
    if not keep.any():
        raise AnalysisError(
            "All values are missing (or have no group label), so there is nothing to analyse."
        )
    present = counts_all > 0
    kept_labels = tuple(label for label, p in zip(labels, present, strict=True) if p)
    empty = tuple(label for label, p in zip(labels, present, strict=True) if not p)
    n_kept = int(counts_all.sum())
    if n_kept == keep.size and present.all():
        # Nothing to drop or renumber: skip two full-length copies.
        kept_codes, kept_values = codes.astype(np.intp, copy=False), cv.centred
    else:
        new_code = np.cumsum(present) - 1
        kept_codes = new_code[codes[keep]].astype(np.intp, copy=False)
        kept_values = cv.centred[keep]
    data = GroupedData(
        labels=kept_labels,
        codes=kept_codes,
        centred=kept_values,
        offset=cv.offset,
        counts=counts_all[present].astype(np.intp),
        n_missing=n_missing[present].astype(np.intp),
        empty_labels=empty,
        n_dropped=int(keep.size - n_kept),
        empty_n_missing=tuple(int(c) for c in n_missing[~present]),
    )
    _validate(data, min_groups=min_groups, min_group_size=min_group_size, method=method)
    return data


def _validate(data: GroupedData, *, min_groups: int, min_group_size: int, method: str) -> None:
    if data.k < min_groups:
        found = ", ".join(repr(label) for label in data.labels)
        raise AnalysisError(
            f"{_upper_first(method)} needs at least {min_groups} groups with data, "
            f"but only {data.k} {'was' if data.k == 1 else 'were'} found ({found})."
        )
    small = [(label, int(c)) for label, c in zip(data.labels, data.counts, strict=True)]
    small = [(label, c) for label, c in small if c < min_group_size]
    if small:
        label, c = small[0]
        raise AnalysisError(
            f"Group {label!r} has only {c} non-missing value{'s' if c != 1 else ''}; "
            f"{method} needs at least {min_group_size} values in every group."
        )


def clean_grouped(
    values: Any,
    groups: Any,
    *,
    min_groups: int = 2,
    min_group_size: int = 1,
    method: str = "this analysis",
) -> dict[str, FloatArray]:
    """Drop missing rows, validate, and split values by group label (sorted by label).

    Groups whose every value is missing are left out. See the module docstring for the
    missing-data, label and ordering rules.
    """
    data = group_data(
        values, groups, min_groups=min_groups, min_group_size=min_group_size, method=method
    )
    return data.split()
