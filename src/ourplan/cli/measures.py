"""``ourplan measures score``: score a table of questionnaire answers with an instrument definition.

    ourplan measures score --instrument DEF.yaml RESPONSES.csv [--format json|csv]

The CSV has a ``respondent_id`` column and one column per item id of the definition. A blank
cell, or one of the definition's "not applicable" or "prefer not to answer" codes, is not
answered. JSON output is a contract (docs/measures.md)::

    {"instrument": id, "respondents": [{"respondent_id": ..., "scores": {score_id: value | null},
                                        "answered": {score_id: n}}]}

A score is null when fewer than its ``min_answered`` share of items were answered. Any
problem (an answer off the scale, an unknown item column, a malformed definition, a
repeated respondent) is one line on stderr, exit status 2, and nothing on stdout. No Django.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

EXIT_ERROR = 2
ID_COLUMN = "respondent_id"


class InputError(ValueError):
    """A problem with the command's input, worded for the person running it."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    measures = subparsers.add_parser(
        "measures",
        help="score questionnaires with an instrument definition",
        description="Work with questionnaire definitions (docs/measures.md).",
    )
    actions = measures.add_subparsers(dest="measures_command", metavar="ACTION", required=True)
    score = actions.add_parser(
        "score",
        help="score a CSV of answers with a definition (YAML)",
        description=(
            "Score every row of RESPONSES.csv (respondent_id, then one column per item id) "
            "with the definition's reverse keys, not-applicable codes and answered-share rule."
        ),
    )
    score.add_argument(
        "--instrument", required=True, metavar="DEF.yaml", help="the instrument definition"
    )
    score.add_argument(
        "responses", metavar="RESPONSES.csv", help="the answers, one row per respondent"
    )
    score.add_argument(
        "--format", choices=("json", "csv"), default="json", help="output format (default json)"
    )
    score.set_defaults(handler=handle_score)


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise InputError(f"No such file: {path}.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text.") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        raise InputError(
            f"{path.name} is empty: it needs a header row ({ID_COLUMN}, then item ids)."
        )
    return [h.strip() for h in rows[0]], rows[1:]


def score_file(definition_path: str, responses_path: str) -> dict[str, Any]:
    """The JSON contract for one definition and one CSV (raises InputError or a definition error)."""
    from ourplan.measures.scoring import (
        DefinitionError,
        ScoringError,
        load_definition,
        score_matrix,
    )

    try:
        definition = load_definition(definition_path)
    except DefinitionError as error:
        raise InputError(f"The definition cannot be used: {error}") from None
    header, rows = _read_rows(Path(responses_path))
    if ID_COLUMN not in header:
        raise InputError(
            f"The first row needs a {ID_COLUMN} column (found: {', '.join(header[:8])})."
        )
    known = set(definition.item_ids)
    seen_columns: set[str] = set()
    for column in header:
        if column in seen_columns:
            raise InputError(f"The column {column!r} appears twice.")
        seen_columns.add(column)
        if column != ID_COLUMN and column not in known:
            raise InputError(
                f"{column!r} is not an item of {definition.id}; its items are "
                f"{', '.join(definition.item_ids[:6])}{', …' if len(known) > 6 else ''}."
            )
    missing = [item for item in definition.item_ids if item not in seen_columns]
    if missing:
        raise InputError(
            f"The CSV has no column for {', '.join(missing[:6])}{', …' if len(missing) > 6 else ''}: "
            "add them (blank where not answered)."
        )
    id_at = header.index(ID_COLUMN)
    positions = [header.index(item) for item in definition.item_ids]
    ids: list[str] = []
    seen: set[str] = set()
    table: list[list[float]] = []
    for number, row in enumerate(rows, start=2):
        row = row + [""] * (len(header) - len(row))
        respondent = row[id_at].strip()
        if not respondent:
            raise InputError(f"Row {number} has no {ID_COLUMN}.")
        if respondent in seen:
            raise InputError(
                f"The respondent {respondent!r} appears twice (again in row {number})."
            )
        seen.add(respondent)
        ids.append(respondent)
        values = []
        for item, position in zip(definition.item_ids, positions, strict=True):
            cell = row[position].strip()
            if not cell:
                values.append(math.nan)
                continue
            try:
                value = float(cell)
            except ValueError:
                raise InputError(
                    f"{item} in row {number} is {cell!r}, which is not a number."
                ) from None
            if not math.isfinite(value):
                raise InputError(f"{item} in row {number} is {cell!r}, which is not a number.")
            values.append(value)
        table.append(values)
    try:
        scored = score_matrix(definition, table if table else _empty(len(definition.items)))
    except ScoringError as error:
        line = (error.row or 0) + 2
        raise InputError(
            f"{error.item} in row {line} (respondent {ids[error.row or 0]!r}) is off the scale: {error}"
        ) from None
    respondents = []
    for index, respondent in enumerate(ids):
        scores: dict[str, float | None] = {}
        answered: dict[str, int] = {}
        for score_id in scored.score_ids:
            value = float(scored.values[score_id][index])
            scores[score_id] = None if math.isnan(value) else value
            answered[score_id] = int(scored.answered[score_id][index])
        respondents.append({"respondent_id": respondent, "scores": scores, "answered": answered})
    return {"instrument": definition.id, "respondents": respondents}


def _empty(columns: int) -> Any:
    import numpy as np

    return np.empty((0, columns))


def _csv_text(result: dict[str, Any]) -> str:
    from ourplan.core.spreadsheet_cells import spreadsheet_safe

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    score_ids = list(result["respondents"][0]["scores"]) if result["respondents"] else []
    writer.writerow([ID_COLUMN, *score_ids, *(f"{s}_answered" for s in score_ids)])
    for row in result["respondents"]:
        writer.writerow(
            [
                spreadsheet_safe(row["respondent_id"]),
                *("" if row["scores"][s] is None else repr(row["scores"][s]) for s in score_ids),
                *(row["answered"][s] for s in score_ids),
            ]
        )
    return buffer.getvalue()


def handle_score(args: argparse.Namespace) -> int:
    try:
        result = score_file(args.instrument, args.responses)
    except InputError as error:
        print(f"ourplan measures score: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if args.format == "csv":
        sys.stdout.write(_csv_text(result))
    else:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0
