"""Reading questionnaire files: a table of responses (CSV or XLSX), a REDCap data export,
and a REDCap data dictionary (into a definition). Every problem is found before anything is
saved, and named by row and column; an import is all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.tables import read_table
from ourplan.measures.models import Occasion
from ourplan.measures.scoring import Definition, DefinitionError, parse_definition
from ourplan.measures.services import answer_from_code

NHS_COLUMN = "nhs_number"
DATE_COLUMN = "completed_on"
OCCASION_COLUMN = "occasion"
# Columns every REDCap export carries besides the fields themselves.
_REDCAP_COLUMNS = re.compile(r"^(record_id|redcap_.*|.*_complete|.*_timestamp)$")
MAX_ROWS = 50_000


class ImportProblem(ValueError):
    """A file that cannot be imported, with a message naming where (nothing was saved)."""


@dataclass(frozen=True)
class ParsedRow:
    row: int
    nhs_number: str
    completed_on: dt.date
    occasion: str
    answers: Mapping[str, Any]


def read_upload(name: str, content: bytes, *, text_columns: Sequence[str] = ()) -> pd.DataFrame:
    """An uploaded .csv or .xlsx as a table (read with the analysis library's rules)."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ImportProblem("The file must be a .csv or .xlsx file.")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            frame = read_table(path, text_columns=list(text_columns))
        except AnalysisError as error:
            raise ImportProblem(str(error)) from None
    if len(frame) > MAX_ROWS:
        raise ImportProblem(f"The file has {len(frame)} rows; import at most {MAX_ROWS} at a time.")
    return frame


def _date(value: Any, row: int) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text or text.lower() == "nan":
        raise ImportProblem(f"Row {row} has no {DATE_COLUMN}.")
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ImportProblem(
            f"Row {row}: {DATE_COLUMN} {text!r} is not a date written YYYY-MM-DD."
        ) from None


def _answer(definition: Definition, item: str, value: Any, row: int) -> Any:
    if value is None or (isinstance(value, float) and value != value) or str(value).strip() == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ImportProblem(f"Row {row}, {item}: {value!r} is not a number.") from None
    if not number.is_integer():
        raise ImportProblem(f"Row {row}, {item}: {value!r} is not a whole number.")
    code = int(number)
    scale = definition.scale
    if not (scale.low <= code <= scale.high or code in scale.missing_codes):
        raise ImportProblem(
            f"Row {row}, {item}: {code} is off the scale ({scale.low} to {scale.high}"
            + (
                f"; {', '.join(str(c) for c in scale.missing_codes)} mean not answered"
                if scale.missing_codes
                else ""
            )
            + ")."
        )
    return answer_from_code(definition, code)


def parse_responses(
    frame: pd.DataFrame, definition: Definition, *, redcap: bool = False
) -> list[ParsedRow]:
    """Check every row of a responses table against the definition."""
    columns = [str(c) for c in frame.columns]
    if NHS_COLUMN not in columns:
        raise ImportProblem(
            f"The file needs a {NHS_COLUMN} column naming whose answers each row holds."
        )
    date_column = DATE_COLUMN if DATE_COLUMN in columns else None
    if date_column is None and redcap:
        date_column = next((c for c in columns if c.endswith("_timestamp")), None)
    if date_column is None:
        raise ImportProblem(f"The file needs a {DATE_COLUMN} column (YYYY-MM-DD).")
    known = set(definition.item_ids)
    for column in columns:
        if column in (NHS_COLUMN, date_column, OCCASION_COLUMN) or column in known:
            continue
        if redcap and _REDCAP_COLUMNS.match(column):
            continue
        raise ImportProblem(
            f"{column!r} is not an item of {definition.name} ({definition.id}). Nothing was imported; "
            f"its items are {', '.join(definition.item_ids[:6])}{', …' if len(known) > 6 else ''}."
        )
    if not any(item in columns for item in definition.item_ids):
        raise ImportProblem(f"The file has no column for any item of {definition.id}.")
    occasions = {o.value for o in Occasion}
    parsed = []
    for position, record in enumerate(frame.to_dict(orient="records")):
        row = position + 2
        nhs = "".join(ch for ch in str(record.get(NHS_COLUMN) or "") if ch.isdigit())
        if len(nhs) != 10:
            raise ImportProblem(f"Row {row}: {NHS_COLUMN} must be a 10-digit NHS number.")
        occasion = str(record.get(OCCASION_COLUMN) or Occasion.OTHER).strip() or Occasion.OTHER
        if occasion not in occasions:
            raise ImportProblem(
                f"Row {row}: occasion must be one of {', '.join(sorted(occasions))}."
            )
        answers = {}
        for item in definition.item_ids:
            if item in record:
                value = _answer(definition, item, record[item], row)
                if value is not None:
                    answers[item] = value
        parsed.append(ParsedRow(row, nhs, _date(record.get(date_column), row), occasion, answers))
    if not parsed:
        raise ImportProblem("The file has no rows of answers.")
    return parsed


# ----------------------------------------------------------------------------- REDCap dictionary

_DICTIONARY_FIELD = "Variable / Field Name"
_DICTIONARY_TYPE = "Field Type"
_DICTIONARY_LABEL = "Field Label"
_DICTIONARY_CHOICES = "Choices, Calculations, OR Slider Labels"
_DICTIONARY_MATRIX = "Matrix Group Name"
_DICTIONARY_IDENTIFIER = "Identifier?"
_NOT_APPLICABLE_WORDS = re.compile(r"\b(n/?a|not applicable|don'?t know)\b", re.I)
_DECLINED_WORDS = re.compile(r"prefer not", re.I)


@dataclass(frozen=True)
class DictionaryImport:
    definition: Definition
    raw: dict[str, Any]
    wording: dict[str, Any]


def _choices(text: str, field: str) -> list[tuple[int, str]]:
    out = []
    for part in text.split("|"):
        code, _sep, label = part.strip().partition(",")
        try:
            out.append((int(code.strip()), label.strip()))
        except ValueError:
            raise ImportProblem(
                f"{field}: the choice {part.strip()!r} has no whole-number code."
            ) from None
    return out


def parse_redcap_dictionary(
    content: bytes, *, instrument_id: str, name: str, respondent: str
) -> DictionaryImport:
    """A REDCap data dictionary as a definition (one item per radio or dropdown field with
    numbered choices; a matrix group becomes a subscale), plus its field labels as the
    organisation's own wording. Scoring is the mean of the answered items, 50% rule."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportProblem("The data dictionary is not UTF-8 text.") from None
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or _DICTIONARY_FIELD not in rows[0]:
        raise ImportProblem(
            f"This is not a REDCap data dictionary: it has no {_DICTIONARY_FIELD!r} column."
        )
    items = []
    values: set[int] = set()
    not_applicable: set[int] = set()
    declined: set[int] = set()
    wording: dict[str, str] = {}
    labels: dict[int, str] = {}
    for row in rows:
        if row.get(_DICTIONARY_TYPE, "").strip() not in ("radio", "dropdown"):
            continue
        if row.get(_DICTIONARY_IDENTIFIER, "").strip().lower() == "y":
            continue
        field = row[_DICTIONARY_FIELD].strip()
        choices = _choices(row.get(_DICTIONARY_CHOICES, ""), field)
        for code, label in choices:
            if _DECLINED_WORDS.search(label):
                declined.add(code)
            elif _NOT_APPLICABLE_WORDS.search(label):
                not_applicable.add(code)
            else:
                values.add(code)
                labels.setdefault(code, label)
        group = row.get(_DICTIONARY_MATRIX, "").strip()
        item: dict[str, Any] = {
            "id": field,
            "label": field.replace("_", " "),
            "text_key": f"{instrument_id}.{field}",
        }
        if group:
            item["subscales"] = [re.sub(r"[^A-Za-z0-9_]", "_", group)]
        items.append(item)
        wording[f"{instrument_id}.{field}"] = (
            re.sub(r"<[^>]+>", "", row.get(_DICTIONARY_LABEL, field)).strip() or field
        )
    if not items:
        raise ImportProblem("The dictionary has no radio or dropdown fields with numbered choices.")
    if len(declined) > 1:
        raise ImportProblem("The dictionary uses more than one 'prefer not to answer' code.")
    low, high = min(values), max(values)
    if sorted(values) != list(range(low, high + 1)):
        raise ImportProblem(f"The answer codes {sorted(values)} are not one run of whole numbers.")
    subscales = sorted({s for item in items for s in item.get("subscales", [])})
    raw: dict[str, Any] = {
        "id": instrument_id,
        "name": name,
        "version": dt.date.today().isoformat(),
        "licence": "Imported from the organisation's REDCap data dictionary.",
        "source": "REDCap data dictionary uploaded by the organisation.",
        "respondent": respondent,
        "response_scale": {
            "min": low,
            "max": high,
            "labels": {code: label for code, label in labels.items() if label},
            "not_applicable": sorted(not_applicable),
            **({"prefer_not_to_answer": min(declined)} if declined else {}),
        },
        "items": items,
        "scores": [
            *({"id": s, "items": s, "method": "mean", "min_answered": 0.5} for s in subscales),
            {
                "id": "total",
                "name": "Total score",
                "items": "all",
                "method": "mean",
                "min_answered": 0.5,
            },
        ],
        "key_check": "Built from a REDCap data dictionary: no reverse keys; check the scoring before use.",
    }
    try:
        definition = parse_definition(raw, where="The data dictionary")
    except DefinitionError as error:
        raise ImportProblem(str(error)) from None
    return DictionaryImport(
        definition=definition,
        raw=raw,
        wording={
            "instrument": instrument_id,
            "language": "en-gb",
            "holder": "REDCap data dictionary",
            "items": wording,
        },
    )
