"""De-identified exports of collected responses: CSV and XLSX (formula-safe) and SPSS .sav
with variable labels, value labels and user-missing codes.

A row is one finished response: a respondent code (``R0001``, fresh in each export, so it
links a respondent's rows within one file and nowhere else), the team, the date and
occasion, each item's answer as a code (the definition's N/A and prefer-not codes kept as
codes, and declared missing in the .sav) and each score.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pandas as pd

from ourplan.core.spreadsheet_cells import spreadsheet_safe
from ourplan.measures.models import InstrumentVersion, Respondent, Response, Score, Status
from ourplan.measures.queries import min_cell
from ourplan.measures.scoring import Definition
from ourplan.people.models import Organisation

NOT_APPLICABLE = "na"
DECLINED = "declined"
BASE_COLUMNS = ("respondent", "team", "completed_on", "occasion", "mode")


@dataclass(frozen=True)
class ExportTable:
    definition: Definition
    frame: pd.DataFrame
    score_columns: tuple[str, ...]


def responses_for_export(
    organisation: Organisation,
    instrument_id: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Any:
    found = Response.objects.filter(
        organisation=organisation, instrument__instrument_id=instrument_id, status=Status.COMPLETE
    ).exclude(respondent=Respondent.CARER)
    if start:
        found = found.filter(completed_on__gte=start)
    if end:
        found = found.filter(completed_on__lte=end)
    return found.select_related("team").order_by("completed_on", "id")


def _code(definition: Definition, value: Any) -> float | None:
    if value == NOT_APPLICABLE:
        return (
            float(definition.scale.not_applicable[0]) if definition.scale.not_applicable else None
        )
    if value == DECLINED:
        code = definition.scale.prefer_not_to_answer
        return float(code) if code is not None else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _respondent_key(response: Response) -> tuple[str, Any]:
    if response.respondent == Respondent.PERSON:
        return ("p", response.person_id)
    return ("s", response.staff_id)


def export_table(version: InstrumentVersion, responses: Any) -> ExportTable:
    """The de-identified table of these responses (scores as currently stored)."""
    definition = version.parsed
    rows = list(responses)
    scores: dict[int, dict[str, float | None]] = {}
    for response_id, score_id, value in Score.objects.filter(
        response__in=responses.values("pk")
        if hasattr(responses, "values")
        else [r.pk for r in rows],
        superseded_at__isnull=True,
    ).values_list("response_id", "score_id", "value"):
        scores.setdefault(response_id, {})[score_id] = value
    codes: dict[Any, str] = {}
    records = []
    # A team with fewer respondents than the small-cell limit is not named: with the dates and
    # the answers, its name could point to the few people behind its rows.
    smallest = min_cell()
    respondents_by_team: dict[Any, set[Any]] = {}
    for response in rows:
        respondents_by_team.setdefault(response.team_id, set()).add(_respondent_key(response))
    hidden = f"a team with fewer than {smallest} respondents"
    for response in rows:
        key = _respondent_key(response)
        code = codes.setdefault(key, f"R{len(codes) + 1:04d}")
        named = response.team and len(respondents_by_team[response.team_id]) >= smallest
        record: dict[str, Any] = {
            "respondent": code,
            "team": response.team.name if named else (hidden if response.team else ""),
            "completed_on": response.completed_on.isoformat() if response.completed_on else "",
            "occasion": response.occasion,
            "mode": response.mode,
        }
        for item in definition.items:
            record[item.id] = _code(definition, response.answers.get(item.id))
        for rule in definition.scores:
            record[f"score_{rule.id}"] = scores.get(response.pk, {}).get(rule.id)
        records.append(record)
    columns = [*BASE_COLUMNS, *definition.item_ids, *(f"score_{r.id}" for r in definition.scores)]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return ExportTable(definition, frame, tuple(f"score_{r.id}" for r in definition.scores))


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return spreadsheet_safe(value)


def to_csv(table: ExportTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(table.frame.columns))
    for row in table.frame.itertuples(index=False):
        writer.writerow([_cell(v) for v in row])
    # A byte-order mark, so spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: ExportTable) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table.definition.id[:31]
    sheet.append(list(table.frame.columns))
    for row in table.frame.itertuples(index=False):
        sheet.append([_cell(v) for v in row])
    labels = book.create_sheet("variables")
    labels.append(["variable", "label"])
    for column, label in variable_labels(table).items():
        labels.append([column, spreadsheet_safe(label)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def variable_labels(table: ExportTable) -> dict[str, str]:
    definition = table.definition
    labels = {
        "respondent": "Respondent code (this export only)",
        "team": "Team",
        "completed_on": "Date completed",
        "occasion": "When it was asked for",
        "mode": "How it was answered",
    }
    for item in definition.items:
        labels[item.id] = f"{definition.short_name} {item.id}: {item.label}"
    for rule in definition.scores:
        labels[f"score_{rule.id}"] = f"{definition.short_name} {rule.name} ({rule.method})"
    return labels


def value_labels(definition: Definition) -> dict[float, str]:
    scale = definition.scale
    labels: dict[float, str] = {float(v): str(scale.labels.get(v, v)) for v in scale.values}
    for code in scale.not_applicable:
        labels[float(code)] = "Not applicable"
    if scale.prefer_not_to_answer is not None:
        labels[float(scale.prefer_not_to_answer)] = "Prefer not to answer"
    return labels


def to_sav(table: ExportTable) -> bytes:
    """SPSS .sav: variable labels, value labels on every item, N/A and prefer-not as user-missing."""
    import pyreadstat

    definition = table.definition
    frame = table.frame.copy()
    missing_codes: list[Any] = [float(c) for c in definition.scale.missing_codes]
    labels = value_labels(definition)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=cast(dict[str, str | None], variable_labels(table)),
            variable_value_labels=dict.fromkeys(definition.item_ids, labels),
            missing_ranges=dict.fromkeys(definition.item_ids, missing_codes)
            if missing_codes
            else None,
            variable_measure=dict.fromkeys(definition.item_ids, "ordinal"),
        )
        return path.read_bytes()


def to_fhir(
    version: InstrumentVersion, responses: Any, *, identify: bool = False
) -> dict[str, Any]:
    """A FHIR collection Bundle: the Questionnaire, each QuestionnaireResponse and its score
    Observations. Without ``identify`` subjects are respondent codes, as in the tables."""
    from ourplan.measures import fhir

    definition = version.parsed
    rows = list(responses)
    scores: dict[int, list[tuple[str, float | None, str]]] = {}
    for response_id, score_id, value, score_version in Score.objects.filter(
        response__in=responses.values("pk")
        if hasattr(responses, "values")
        else [r.pk for r in rows],
        superseded_at__isnull=True,
    ).values_list("response_id", "score_id", "value", "instrument__version"):
        scores.setdefault(response_id, []).append((score_id, value, score_version))
    resources: list[dict[str, Any]] = [fhir.questionnaire(definition)]
    codes: dict[Any, str] = {}
    for response in rows:
        if identify and response.person is not None:
            subject: dict[str, Any] = {
                "patient_id": str(response.person.pk),
                "nhs_number": response.person.nhs_number,
            }
        else:
            key = (
                ("p", response.person_id)
                if response.respondent == Respondent.PERSON
                else ("s", response.staff_id)
            )
            subject = {"code": codes.setdefault(key, f"R{len(codes) + 1:04d}")}
        authored = (response.completed_at or response.updated_at).isoformat()
        reference = f"qr-{response.pk}" if identify else f"qr-{len(resources)}"
        resources.append(
            fhir.questionnaire_response(
                definition,
                resource_id=reference,
                answers=response.answers,
                complete=response.status == Status.COMPLETE,
                authored=authored,
                subject=subject,
            )
        )
        known = {rule.id for rule in definition.scores}
        for score_id, value, score_version in scores.get(response.pk, []):
            if score_id not in known:
                continue
            resources.append(
                fhir.score_observation(
                    definition,
                    resource_id=f"{reference}-{score_id.replace('_', '-')}",
                    response_id=reference,
                    score_id=score_id,
                    value=value,
                    effective=(response.completed_on or response.started_at.date()).isoformat(),
                    subject=subject,
                    version=score_version,
                )
            )
    return fhir.bundle(resources)
