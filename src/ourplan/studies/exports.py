"""Study exports: CSV, XLSX and SPSS .sav, and the PDF report.

Every text cell written to CSV or XLSX goes through :func:`spreadsheet_safe`, so a cell a
participant or organiser typed that starts with = + - @, a tab or a carriage return is
shown as text by spreadsheet programs instead of being run as a formula.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from ourplan.core.spreadsheet_cells import spreadsheet_safe
from ourplan.studies.models import Rating, Study
from ourplan.studies.queries import attrition, codebook_rows, ratings_frame
from ourplan.studies.queries.coding import CODEBOOK_COLUMNS
from ourplan.studies.results import StudyResults, describe_definition
from ourplan.studies.scale import scale_labels


def _clean(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return spreadsheet_safe(value)


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_clean(h) for h in header])
    for row in rows:
        writer.writerow([_clean(v) for v in row])
    return buffer.getvalue()


def codebook_csv(study: Study) -> str:
    """The codebook in the columns its import reads back: code, name, description."""
    return _csv(CODEBOOK_COLUMNS, codebook_rows(study))


def responses_table(study: Study) -> tuple[list[str], list[list[Any]]]:
    """The submitted ratings in the wide layout the CLI reads (whole numbers, blank = skipped)."""
    frame = ratings_frame(study)
    header = [str(c) for c in frame.columns]
    rows: list[list[Any]] = []
    for record in frame.itertuples(index=False):
        values = list(record)
        rows.append(values[:3] + [None if v != v or v is None else int(v) for v in values[3:]])
    return header, rows


def responses_csv(study: Study) -> str:
    header, rows = responses_table(study)
    return _csv(header, rows)


RESULT_HEADER = [
    "statement",
    "topic",
    "text",
    "round",
    "group",
    "n",
    "median",
    "q1",
    "q3",
    "iqr",
    "pct_agree",
    "pct_neutral",
    "pct_disagree",
    "consensus",
    "kruskal_H",
    "kruskal_df",
    "kruskal_p",
]


def results_rows(study: Study, results: StudyResults) -> list[list[Any]]:
    """One row per statement, round and group (group 'all' is the whole panel)."""
    texts = {s.code: s for s in study.statements.all()}
    rows: list[list[Any]] = []
    for entry in results.data["statements"]:
        statement = texts.get(entry["id"])
        base = [
            entry["id"],
            statement.topic if statement else "",
            statement.text if statement else "",
        ]
        kruskal = entry["kruskal"]
        rows.append(
            [
                *base,
                entry["round"],
                "all",
                *[entry[k] for k in ("n", "median", "q1", "q3", "iqr")],
                *[entry[k] for k in ("pct_agree", "pct_neutral", "pct_disagree")],
                entry["consensus"],
                kruskal["H"],
                kruskal["df"],
                kruskal["p"],
            ]
        )
        for group, stats in entry["by_group"].items():
            rows.append(
                [
                    *base,
                    entry["round"],
                    group,
                    *[stats.get(k) for k in ("n", "median", "q1", "q3", "iqr")],
                    *[stats.get(k) for k in ("pct_agree", "pct_neutral", "pct_disagree")],
                    "",
                    None,
                    None,
                    None,
                ]
            )
    return rows


def results_csv(study: Study, results: StudyResults) -> str:
    return _csv(RESULT_HEADER, results_rows(study, results))


def comments_rows(study: Study) -> list[list[Any]]:
    """Submitted comments with the pseudonym, group, round and statement code."""
    found = (
        Rating.objects.filter(response__round__study=study, response__submitted_at__isnull=False)
        .exclude(comment="")
        .order_by("response__round__number", "statement__position", "pk")
        .values_list(
            "response__participant__pseudonym",
            "response__participant__panel__name",
            "response__round__number",
            "statement__code",
            "comment",
        )
    )
    return [list(row) for row in found]


def xlsx_bytes(study: Study, results: StudyResults | None) -> bytes:
    """A workbook: definition, participation, results, tables, clusters, responses, comments."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Study"
    for row in (
        ["Title", study.title],
        ["Purpose", study.purpose],
        ["Scale", study.scale],
        ["Scale labels", "; ".join(scale_labels(study))],
        ["Consensus definition", describe_definition(study)],
        ["Groups merged in the analysis", "; ".join(study.merge_groups)],
    ):
        sheet.append([_clean(v) for v in row])

    def add(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        ws = book.create_sheet(title)
        ws.append([_clean(h) for h in header])
        for row in rows:
            ws.append([_clean(v) for v in row])

    numbers, attrition_rows = attrition(study)
    add(
        "Attrition",
        ["group", "invited", "consented", "withdrawn", *[f"round {n} answered" for n in numbers]],
        [
            [r.group or "all", r.invited, r.consented, r.withdrawn, *r.responded]
            for r in attrition_rows
        ],
    )
    if results is not None:
        add(
            "Response rates",
            ["round", "n", "response_rate", *[f"n {g}" for g in results.groups]],
            [
                [
                    p["round"],
                    p["n"],
                    p["response_rate"],
                    *[p["n_by_group"][g] for g in results.groups],
                ]
                for p in results.participation
            ],
        )
        add("Results", RESULT_HEADER, results_rows(study, results))
        add(
            f"Groups round {results.round}",
            ["statement", "text", *results.groups, "kruskal_p", "differs (p<0.05)"],
            [
                [
                    r.code,
                    r.text,
                    *[g["label_text"] for g in r.groups],
                    r.kruskal["p"],
                    "yes" if r.kruskal["significant"] else "no",
                ]
                for r in results.statements
            ],
        )
        if results.clusters is not None:
            clusters = results.clusters
            add(
                "Clusters",
                ["statement", "text", *[f"cluster {c}" for c in range(1, clusters.k + 1)], "p"],
                [[t["code"], t["text"], *t["labels"], t["p"]] for t in clusters.typical],
            )
            add(
                "Cluster composition",
                ["cluster", *results.groups, "total"],
                [[c, *counts, total] for c, counts, total in clusters.composition],
            )
    header, rows = responses_table(study)
    add("Responses", header, rows)
    add(
        "Comments",
        ["respondent_id", "group", "round", "statement", "comment"],
        comments_rows(study),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sav_bytes(study: Study) -> bytes:
    """The submitted ratings as an SPSS file with variable and value labels."""
    import pyreadstat

    header, rows = responses_table(study)
    frame = pd.DataFrame(rows, columns=header)
    panels = list(study.panels.values_list("name", flat=True))
    group_codes = {name: i + 1 for i, name in enumerate(panels)}
    frame["group"] = [group_codes.get(g) for g in frame["group"]]
    statements = list(study.statements.all())
    for statement in statements:
        frame[statement.code] = pd.to_numeric(frame[statement.code], errors="coerce").astype(float)
    frame["group"] = pd.to_numeric(frame["group"], errors="coerce").astype(float)
    frame["round"] = pd.to_numeric(frame["round"], errors="coerce").astype(float)
    frame["respondent_id"] = frame["respondent_id"].astype(str)
    labels = scale_labels(study)
    value_labels: dict[str, dict[float, str]] = {
        "group": {float(code): name for name, code in group_codes.items()}
    }
    column_labels = {
        "respondent_id": "Pseudonymous respondent id",
        "group": "Stakeholder group",
        "round": "Delphi round",
    }
    for statement in statements:
        value_labels[statement.code] = {float(i + 1): label for i, label in enumerate(labels)}
        column_labels[statement.code] = statement.text[:250]
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        pyreadstat.write_sav(
            frame,
            path,
            column_labels=[column_labels.get(c, c) for c in frame.columns],
            variable_value_labels=value_labels,
            variable_measure={
                **{s.code: "ordinal" for s in statements},
                "group": "nominal",
                "round": "ordinal",
            },
        )
        with open(path, "rb") as handle_file:
            return handle_file.read()
    finally:
        os.unlink(path)


def pdf_bytes(html: str) -> bytes:
    """Render the report's HTML to PDF. Images are data: URIs; nothing else is fetched."""
    from weasyprint import HTML

    from ourplan.core.pdf_fetcher import local_only_fetcher

    return HTML(string=html, url_fetcher=local_only_fetcher()).write_pdf() or b""
