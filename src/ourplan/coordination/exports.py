"""The team dashboard as a spreadsheet: CSV or XLSX, one row per care coordinator.

Figures only, never a person's details. Every text cell goes through
``core.spreadsheet_cells.spreadsheet_safe``, so a name that starts with = + - @, a tab or a
carriage return is shown as text, never run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from ourplan.coordination.queries import CoordinatorFigures, Dashboard
from ourplan.core.spreadsheet_cells import spreadsheet_safe


def header() -> list[str]:
    return [
        _("Care coordinator"),
        _("People"),
        _("Caseload counted against target"),
        _("Target"),
        _("Reviews overdue"),
        _("Plans unsigned"),
        _("People who may be stuck"),
        _("Supporters' messages to acknowledge"),
        _("No recent contact"),
        _("Identified carers"),
        _("Carers offered an assessment"),
        _("Face-to-face minutes, last 30 days"),
        _("Minutes with people, last 30 days"),
        _("Minutes recorded, last 30 days"),
        _("Share of recorded time with people (%)"),
        _("People whose coordinator changed in the last 12 months"),
        _("Median days with current coordinator"),
    ]


def _row(figure: CoordinatorFigures) -> list[Any]:
    return [
        figure.name,
        figure.people,
        figure.load if figure.staff else "",
        figure.target if figure.staff else "",
        figure.overdue_reviews,
        figure.unsigned,
        figure.stuck,
        figure.carer_messages,
        figure.no_contact,
        figure.carers,
        figure.carers_offered,
        figure.face_to_face_minutes,
        figure.with_people_minutes,
        figure.recorded_minutes,
        "" if figure.share_in_contact is None else figure.share_in_contact,
        figure.changed_coordinator,
        "" if figure.median_days_with_current is None else figure.median_days_with_current,
    ]


def rows(board: Dashboard) -> list[list[Any]]:
    table = [_row(figure) for figure in board.rows]
    totals = _row(board.totals)
    totals[0] = _("All")
    table.append(totals)
    return table


def _safe(row: Sequence[Any]) -> list[Any]:
    return [spreadsheet_safe(value) for value in row]


def dashboard_csv(board: Dashboard) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_safe(header()))
    for row in rows(board):
        writer.writerow(_safe(row))
    return buffer.getvalue()


def dashboard_xlsx(board: Dashboard) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Team dashboard")[:31]
    sheet.append(_safe([board.title]))
    sheet.append(_safe(header()))
    for row in rows(board):
        sheet.append(_safe(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
