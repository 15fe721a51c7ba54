"""Load and validate Delphi responses in the wide layout.

One row per respondent and round: ``respondent_id, group, round`` and one column per
statement id holding a whole-number rating on a 1..N scale; a blank cell is a missing
rating.  Validation collects every problem it finds (up to a limit) so a person can fix
a file in one pass, and raises :class:`AnalysisError` before anything is analysed.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ourplan.analysis.errors import AnalysisError

ID_COLUMNS: tuple[str, str, str] = ("respondent_id", "group", "round")
STATEMENT_COLUMNS: tuple[str, str, str] = ("id", "topic", "text")
# Scales from a three-point to a 100-point rating; the CLI offers 5, 7 and 9.
MIN_SCALE = 3
MAX_SCALE = 100
# Enough problems to show the pattern without flooding the terminal.
MAX_REPORTED_PROBLEMS = 8

CsvSource = str | Path | IO[str]


@dataclass(frozen=True)
class Statement:
    """A Delphi statement as shown to participants."""

    id: str
    topic: str
    text: str


@dataclass(frozen=True, eq=False)
class DelphiResponses:
    """Validated responses: treat ``frame`` as read-only.

    ``frame`` has ``respondent_id`` (str), ``group`` (str), ``round`` (int) and one
    float column per statement (NaN = missing), sorted by round then respondent.
    """

    frame: pd.DataFrame
    statement_ids: tuple[str, ...]
    scale: int

    @property
    def rounds(self) -> tuple[int, ...]:
        """Rounds present, ascending."""
        return tuple(sorted(int(r) for r in self.frame["round"].unique()))

    @property
    def groups(self) -> tuple[str, ...]:
        """Groups present, sorted."""
        return tuple(sorted(str(g) for g in self.frame["group"].unique()))

    def round_frame(self, round_number: int) -> pd.DataFrame:
        """Rows of one round; raise if the round has no responses."""
        rows = self.frame[self.frame["round"] == round_number]
        if rows.empty:
            present = ", ".join(str(r) for r in self.rounds)
            raise AnalysisError(
                f"Round {round_number} has no responses; rounds present: {present}."
            )
        return rows

    def ratings(self, round_number: int) -> NDArray[np.float64]:
        """Respondents × statements ratings of one round (NaN = missing)."""
        rows = self.round_frame(round_number)
        return rows[list(self.statement_ids)].to_numpy(dtype=float, na_value=np.nan)

    def with_groups(self, groups: Sequence[str]) -> DelphiResponses:
        """The same responses with the group column replaced (e.g. after merging)."""
        frame = self.frame.copy()
        frame["group"] = pd.Series(list(groups), index=frame.index, dtype=object)
        return DelphiResponses(frame=frame, statement_ids=self.statement_ids, scale=self.scale)


class _Problems:
    """Collects validation problems and raises them together."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.items: list[str] = []
        self.total = 0

    def add(self, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_REPORTED_PROBLEMS:
            self.items.append(message)

    def raise_if_any(self) -> None:
        if not self.total:
            return
        lines = [f"{self.what} has {self.total} problem(s):", *(f"  - {i}" for i in self.items)]
        if self.total > len(self.items):
            lines.append(f"  … and {self.total - len(self.items)} more.")
        raise AnalysisError("\n".join(lines))


def check_scale(scale: int) -> int:
    """Return ``scale`` if it is a usable number of rating points."""
    if isinstance(scale, bool) or not isinstance(scale, int | np.integer):
        raise AnalysisError(f"The rating scale must be a whole number of points, not {scale!r}.")
    if not MIN_SCALE <= int(scale) <= MAX_SCALE:
        raise AnalysisError(
            f"The rating scale must have {MIN_SCALE} to {MAX_SCALE} points; got {scale}."
        )
    return int(scale)


def _blank_mask(text: pd.Series) -> NDArray[np.bool_]:
    return np.asarray(text.isna() | (text == ""), dtype=bool)


def _as_text(column: pd.Series) -> pd.Series:
    """Cells as stripped text with missing kept as NA, whatever the input dtype."""
    return column.astype("string").str.strip()


def _parse_ratings(column: pd.Series) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Ratings as floats (NaN = blank) and a mask of cells that are not numbers."""
    if pd.api.types.is_bool_dtype(column):
        return np.full(len(column), np.nan), np.ones(len(column), dtype=bool)
    if pd.api.types.is_numeric_dtype(column):
        return column.to_numpy(dtype=float, na_value=np.nan), np.zeros(len(column), dtype=bool)
    # to_numeric ignores surrounding spaces; only cells it cannot read need a closer look.
    numbers = pd.to_numeric(column.astype(object), errors="coerce")
    values = np.asarray(numbers.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    unread = np.flatnonzero(np.isnan(values))
    not_number = np.zeros(len(column), dtype=bool)
    if unread.size:
        text = _as_text(column.iloc[unread])
        not_number[unread] = ~_blank_mask(text)
    return values, not_number


def _row_label(position: int, line_offset: int | None) -> str:
    if line_offset is None:
        return f"row {position + 1}"
    return f"line {position + line_offset}"


def responses_from_frame(
    frame: pd.DataFrame,
    scale: int,
    statement_ids: Iterable[str] | None = None,
    *,
    known_statements: Iterable[str] | None = None,
    line_offset: int | None = None,
) -> DelphiResponses:
    """Validate a wide DataFrame and return :class:`DelphiResponses`.

    ``statement_ids`` picks the statement columns (default: every column after the
    three id columns, in order).  ``known_statements``, when given, is the list from the
    statements file: a statement column not in it is an error.  ``line_offset`` turns row
    positions into file line numbers in messages (2 for a CSV with a header line).
    """
    scale = check_scale(scale)
    problems = _Problems("The responses")
    columns = [str(c) for c in frame.columns]
    missing = [c for c in ID_COLUMNS if c not in columns]
    if missing:
        raise AnalysisError(
            "The responses need the columns respondent_id, group and round; missing: "
            + ", ".join(missing)
            + "."
        )
    ids = (
        tuple(str(s) for s in statement_ids)
        if statement_ids is not None
        else tuple(c for c in columns if c not in ID_COLUMNS)
    )
    if not ids:
        raise AnalysisError("The responses have no statement columns to analyse.")
    for sid in ids:
        if sid not in columns:
            problems.add(f"statement column {sid!r} is not in the responses")
        if sid.strip() == "" or sid.startswith("Unnamed:"):
            problems.add("a statement column has no name in the header")
    duplicated = sorted({c for c in ids if ids.count(c) > 1})
    for sid in duplicated:
        problems.add(f"statement column {sid!r} appears more than once")
    if known_statements is not None:
        known = {str(s) for s in known_statements}
        for sid in ids:
            if sid not in known and sid in columns:
                problems.add(f"column {sid!r} is not a statement id in the statements file")
    problems.raise_if_any()
    if frame.empty:
        raise AnalysisError("The responses have no rows.")

    respondent = _as_text(frame["respondent_id"])
    group = _as_text(frame["group"])
    round_text = _as_text(frame["round"])
    round_numbers = pd.to_numeric(round_text, errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    blank_id = _blank_mask(respondent)
    blank_group = _blank_mask(group)
    bad_round = ~np.isfinite(round_numbers) | (round_numbers < 1)
    bad_round[~bad_round] = round_numbers[~bad_round] != np.floor(round_numbers[~bad_round])
    for pos in np.flatnonzero(blank_id | blank_group | bad_round).tolist():
        where = _row_label(int(pos), line_offset)
        if blank_id[pos]:
            problems.add(f"{where}: respondent_id is blank")
        if blank_group[pos]:
            problems.add(f"{where}: group is blank")
        if bad_round[pos]:
            problems.add(f"{where}: round {round_text.iat[pos]!r} is not a whole number ≥ 1")
    problems.raise_if_any()

    ratings: dict[str, NDArray[np.float64]] = {}
    for sid in ids:
        values, not_number = _parse_ratings(frame[sid])
        cells = frame[sid]
        for pos in np.flatnonzero(not_number).tolist():
            where = _row_label(int(pos), line_offset)
            problems.add(
                f"{where}: rating {str(cells.iat[pos]).strip()!r} for {sid} is not a number"
            )
        present = ~np.isnan(values)
        fractional = present & (values != np.round(values))
        for pos in np.flatnonzero(fractional).tolist():
            where = _row_label(int(pos), line_offset)
            problems.add(f"{where}: rating {values[pos]:g} for {sid} is not a whole number")
        outside = present & ~fractional & ((values < 1) | (values > scale))
        for pos in np.flatnonzero(outside).tolist():
            where = _row_label(int(pos), line_offset)
            problems.add(
                f"{where}: rating {values[pos]:g} for {sid} is outside the 1–{scale} scale"
            )
        ratings[sid] = values
    problems.raise_if_any()

    clean = pd.DataFrame(
        {
            "respondent_id": respondent.astype(object).to_numpy(),
            "group": group.astype(object).to_numpy(),
            "round": round_numbers.astype(np.int64),
        }
    )
    for sid in ids:
        clean[sid] = ratings[sid]

    keys = clean[["respondent_id", "round"]]
    for pos in np.flatnonzero(keys.duplicated(keep="first").to_numpy()).tolist():
        rid, rnd = str(clean.at[pos, "respondent_id"]), str(clean.at[pos, "round"])
        where = _row_label(pos, line_offset)
        problems.add(f"{where}: respondent {rid!r} appears more than once in round {rnd}")
    group_counts = clean.groupby("respondent_id")["group"].nunique()
    for rid in group_counts[group_counts > 1].index:
        seen = sorted(clean.loc[clean["respondent_id"] == rid, "group"].unique())
        problems.add(f"respondent {rid!r} is in different groups across rounds: {seen}")
    problems.raise_if_any()

    clean = clean.sort_values(["round", "respondent_id"], kind="mergesort").reset_index(drop=True)
    return DelphiResponses(frame=clean, statement_ids=ids, scale=scale)


def _read_text(source: CsvSource) -> str:
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            # utf-8-sig: spreadsheets often save a byte-order mark.
            return path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise AnalysisError(f"File not found: {path}") from None
        except IsADirectoryError:
            raise AnalysisError(f"{path} is a folder, not a CSV file.") from None
        except UnicodeDecodeError:
            raise AnalysisError(f"{path} is not UTF-8 text; save it as CSV UTF-8.") from None
        except OSError as error:
            raise AnalysisError(f"Cannot read {path}: {error.strerror}") from None
    return source.read().lstrip("\ufeff")


def _read_csv_text(
    text: str, what: str, *, numbers: bool = False
) -> tuple[list[str], pd.DataFrame]:
    """Header (unmangled, so duplicates can be reported) and the cells.

    Every cell is text unless ``numbers``: then the id columns are text and the C parser
    reads the others as numbers where it can (much faster on large panels); a column
    with any other text stays text and is checked cell by cell.
    """
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as error:
        raise AnalysisError(f"{what} is not a valid CSV file: {error}") from None
    if not header:
        raise AnalysisError(f"{what} is empty.")
    try:
        # keep_default_na=False: only a blank cell is missing; "NA" text is reported.
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=dict.fromkeys(ID_COLUMNS, str) if numbers else str,
            keep_default_na=False,
            na_values=[""] if numbers else [],
        )
    except (pd.errors.ParserError, csv.Error, ValueError) as error:
        raise AnalysisError(f"{what} is not a valid CSV file: {error}") from None
    return [h.strip() for h in header], frame


def read_statements_csv(source: CsvSource) -> tuple[Statement, ...]:
    """Read a statements file with columns ``id, topic, text`` (topic may be blank)."""
    header, frame = _read_csv_text(_read_text(source), "The statements file")
    if "id" not in header or "text" not in header:
        raise AnalysisError("The statements file needs the columns id, topic and text.")
    frame.columns = pd.Index(header)
    problems = _Problems("The statements file")
    statements: list[Statement] = []
    seen: set[str] = set()
    for pos, row in enumerate(frame.itertuples(index=False)):
        record = dict(zip(header, row, strict=True))
        sid = str(record.get("id") or "").strip()
        text = str(record.get("text") or "").strip()
        topic = str(record.get("topic") or "").strip()
        if not sid:
            problems.add(f"line {pos + 2}: id is blank")
            continue
        if sid in seen:
            problems.add(f"line {pos + 2}: statement id {sid!r} appears more than once")
        if not text:
            problems.add(f"line {pos + 2}: statement {sid!r} has no text")
        seen.add(sid)
        statements.append(Statement(id=sid, topic=topic, text=text))
    problems.raise_if_any()
    if not statements:
        raise AnalysisError("The statements file has no statements.")
    return tuple(statements)


def read_responses_csv(
    source: CsvSource,
    scale: int,
    statements: Sequence[Statement] | None = None,
) -> DelphiResponses:
    """Read and validate a wide responses CSV (blank cell = missing rating)."""
    header, frame = _read_csv_text(_read_text(source), "The responses file", numbers=True)
    repeated = sorted(name for name, count in Counter(header).items() if count > 1)
    if repeated:
        raise AnalysisError(
            "The responses file has repeated column names: " + ", ".join(repeated) + "."
        )
    frame.columns = pd.Index(header)
    ids = [h for h in header if h not in ID_COLUMNS]
    return responses_from_frame(
        frame,
        scale,
        ids,
        known_statements=None if statements is None else [s.id for s in statements],
        line_offset=2,
    )


__all__ = [
    "ID_COLUMNS",
    "DelphiResponses",
    "Statement",
    "check_scale",
    "read_responses_csv",
    "read_statements_csv",
    "responses_from_frame",
]
