"""A sample's answers as a spreadsheet or an SPSS file: one row per plan and reading.

Columns: study identifier, team, source (automatic, first auditor, second auditor), then
one column per template question, in the template's order. In XLSX the answers are words;
in SPSS .sav they are codes with value labels (Yes 1, No 2, Unclear 3, Not applicable 4;
contact frequency daily 1 to unclear 6) and each column carries its question as its label.
No names: plans are known by study identifier only.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any, cast

from ourplan.core.spreadsheet_cells import spreadsheet_safe
from ourplan.quality import queries
from ourplan.quality.models import AuditSample
from ourplan.quality.template import CONTENT_KEYS, FRONT_KEYS, ITEMS, Answer, Frequency

KEYS = (*FRONT_KEYS, *CONTENT_KEYS)
ANSWER_CODES = {Answer.YES: 1, Answer.NO: 2, Answer.UNCLEAR: 3, Answer.NOT_APPLICABLE: 4}
FREQUENCY_CODES = {value: i + 1 for i, value in enumerate(Frequency.values)}
SOURCES = {"automatic": 0, "first_auditor": 1, "second_auditor": 2}


def wide_rows(sample: AuditSample) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for study, team, source, item, answer, _note in queries.export_rows(sample):
        row = rows.setdefault((study, source), {"study_id": study, "team": team, "source": source})
        row[item] = answer
    return list(rows.values())


def to_xlsx(sample: AuditSample) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "answers"
    sheet.append(["study_id", "team", "source", *KEYS])
    for row in wide_rows(sample):
        sheet.append(
            [spreadsheet_safe(row.get(c, "")) for c in ("study_id", "team", "source", *KEYS)]
        )
    labels = book.create_sheet("questions")
    labels.append(["column", "question"])
    for key in KEYS:
        labels.append([key, spreadsheet_safe(str(ITEMS[key].label))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _code(key: str, answer: Any) -> float | None:
    codes = FREQUENCY_CODES if key == "contact_frequency" else ANSWER_CODES
    found = codes.get(answer)
    return float(found) if found is not None else None


def to_sav(sample: AuditSample) -> bytes:
    import pandas as pd
    import pyreadstat

    rows = wide_rows(sample)
    frame = pd.DataFrame(
        {
            "study_id": [r["study_id"] for r in rows],
            "team": [r["team"] for r in rows],
            "source": [float(SOURCES[r["source"]]) for r in rows],
            **{key: [_code(key, r.get(key)) for r in rows] for key in KEYS},
        }
    )
    answer_labels = {1.0: "Yes", 2.0: "No", 3.0: "Unclear", 4.0: "Not applicable"}
    frequency_labels = {float(code): str(value) for value, code in FREQUENCY_CODES.items()}
    value_labels: dict[str, dict[float, str]] = {
        key: frequency_labels if key == "contact_frequency" else answer_labels for key in KEYS
    }
    value_labels["source"] = {0.0: "automatic", 1.0: "first auditor", 2.0: "second auditor"}
    column_labels = {
        "study_id": "Study identifier",
        "team": "Team",
        "source": "Which reading",
        **{key: str(ITEMS[key].label) for key in KEYS},
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "audit.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=cast(dict[str, str | None], column_labels),
            variable_value_labels=value_labels,
        )
        return path.read_bytes()
