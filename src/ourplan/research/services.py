"""Uploading de-identified data sets: validated in full before anything is saved.

An upload is refused, with a message that says what to change, when it is not a CSV file,
is larger than 10 MB, has more than 500 columns or 200,000 rows of data, contains a NUL
character, is not well-formed CSV, or still identifies people (see ``deidentification``).
The limits keep the worst accepted file under two seconds of processing
(``bench/bench_research_upload.py``) and every page about a data set small.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ourplan.analysis.errors import AnalysisError
from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.research.deidentification import Finding, first_finding
from ourplan.research.models import Dataset

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_COLUMNS = 500
MAX_ROWS = 200_000
MAX_COLUMN_NAME_LENGTH = 100
MIN_ROWS = 3

# What each kind of identifying data is called in a message.
_HOLDS = {
    "nhs_number": gettext_lazy("NHS numbers"),
    "email": gettext_lazy("email addresses"),
    "date_of_birth": gettext_lazy("dates of birth"),
    "name": gettext_lazy("names"),
    "postcode": gettext_lazy("postcodes"),
    "address": gettext_lazy("addresses"),
    "phone": gettext_lazy("phone numbers"),
}


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check: its text, column names and number of data rows."""

    text: str
    columns: list[str]
    row_count: int


def _records(text: str) -> Iterator[list[str]]:
    """The file's records; strict, so a stray quote is an error rather than a guess."""
    return csv.reader(io.StringIO(text), strict=True)


def _refuse_identifying(finding: Finding, columns: list[str]) -> ValidationError:
    if finding.row == 1:
        # The "column name" is itself the identifier, so the message names its position.
        return ValidationError(
            _(
                "This file looks like it identifies people: the first row seems to hold "
                "%(holds)s (column %(position)s). Perhaps the file has no row of column names. "
                "Remove them and upload the file again. Nothing has been saved."
            )
            % {"holds": _HOLDS[finding.kind], "position": columns.index(finding.column) + 1}
        )
    if finding.kind == "date":
        return ValidationError(
            _(
                "Column '%(column)s' holds dates (row %(row)s), which could be dates of birth. "
                "If they are dates of something in the study, give the column a name that says so, "
                "for example 'assessment date'; otherwise remove the column. Nothing has been saved."
            )
            % {"column": finding.column, "row": f"{finding.row:,}"}
        )
    if finding.row is None:
        return ValidationError(
            _(
                "This file looks like it identifies people: column '%(column)s' seems to hold "
                "%(holds)s. Remove that column and upload the file again. Nothing has been saved."
            )
            % {"column": finding.column, "holds": _HOLDS[finding.kind]}
        )
    return ValidationError(
        _(
            "This file looks like it identifies people: column '%(column)s' seems to hold "
            "%(holds)s (row %(row)s). Remove them and upload the file again. Nothing has been saved."
        )
        % {"column": finding.column, "holds": _HOLDS[finding.kind], "row": f"{finding.row:,}"}
    )


def _decoded(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again.")
        ) from error
    nul = text.find("\x00")
    if nul >= 0:
        # PostgreSQL cannot store NUL in text, and no CSV file needs one: a file that has one
        # is usually a spreadsheet or UTF-16 file renamed to .csv.
        raise ValidationError(
            _(
                "The file contains a NUL character (line %(line)s), so it is not a plain CSV file. "
                "Save it as 'CSV UTF-8' and try again."
            )
            % {"line": f"{text.count(chr(10), 0, nul) + 1:,}"}
        )
    return text


def _checked_header(header: list[str]) -> list[str]:
    if len(header) > MAX_COLUMNS:
        raise ValidationError(
            _(
                "The file has %(count)s columns; a data set can have at most %(most)s. "
                "Keep only the columns the analysis needs and upload it again."
            )
            % {"count": f"{len(header):,}", "most": MAX_COLUMNS}
        )
    columns = [c.strip() for c in header]
    if not columns or any(not c for c in columns):
        raise ValidationError(_("Every column needs a name in the first row."))
    if any(len(c) > MAX_COLUMN_NAME_LENGTH for c in columns):
        raise ValidationError(
            _("Column names can be at most %(most)s characters long. Shorten them and try again.")
            % {"most": MAX_COLUMN_NAME_LENGTH}
        )
    if len(set(columns)) != len(columns):
        raise ValidationError(_("Two columns have the same name. Give each column its own name."))
    return columns


def _unreadable(row: int) -> ValidationError:
    # The csv module's own words ("field larger than field limit") mean nothing to a user.
    return ValidationError(
        _(
            "The file could not be read as CSV at row %(row)s (perhaps a quote that is "
            "never closed, or a very long value). Open it in a spreadsheet, save it as "
            "'CSV UTF-8' and try again."
        )
        % {"row": f"{row:,}"}
    )


def _data_rows(
    records: Iterator[list[str]], width: int
) -> tuple[list[list[str]], list[int] | None]:
    """The data rows, each padded to ``width``, and their rows of the file if blank lines
    were skipped (otherwise None: the rows are simply 2, 3, 4, ...)."""
    rows: list[list[str]] = []
    row_numbers: list[int] | None = None
    row = 1
    try:
        for record in records:
            row += 1
            if len(rows) == MAX_ROWS and record:  # stop reading: the file is refused anyway
                raise ValidationError(
                    _(
                        "The file has more than %(most)s rows of data. Split it into smaller "
                        "files and upload them one at a time."
                    )
                    % {"most": f"{MAX_ROWS:,}"}
                )
            if len(record) == width:
                rows.append(record)
                if row_numbers is not None:
                    row_numbers.append(row)
                continue
            if not record:  # a blank line
                if row_numbers is None:
                    row_numbers = list(range(2, len(rows) + 2))
                continue
            if len(record) > width:
                raise ValidationError(
                    _(
                        "Row %(row)s has %(found)s values, but the first row names %(width)s "
                        "columns. Check that row for a stray comma or quote."
                    )
                    % {"row": f"{row:,}", "found": len(record), "width": width}
                )
            record += [""] * (width - len(record))  # a spreadsheet may leave off empty cells
            rows.append(record)
            if row_numbers is not None:
                row_numbers.append(row)
    except csv.Error as error:
        raise _unreadable(row + 1) from error
    return rows, row_numbers


def check_upload(raw: bytes, filename: str) -> CheckedUpload:
    """Read and check an uploaded CSV; raise ValidationError with a clear reason.

    Rows are numbered as a spreadsheet shows them: the column names are row 1.
    """
    if not filename.lower().endswith(".csv"):
        raise ValidationError(_("Upload a CSV file (its name ends in .csv)."))
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than 10 MB. Split it or remove columns you do not need.")
        )
    if not raw.strip():
        raise ValidationError(_("The file is empty."))
    text = _decoded(raw)
    records = _records(text)
    try:
        header = next(records, [])
    except csv.Error as error:
        raise _unreadable(1) from error
    columns = _checked_header(header)
    rows, row_numbers = _data_rows(records, len(columns))
    if len(rows) < MIN_ROWS:
        raise ValidationError(_("The file needs at least %(n)d rows of data.") % {"n": MIN_ROWS})
    finding = first_finding(columns, rows, row_numbers=row_numbers)
    if finding is not None:
        raise _refuse_identifying(finding, columns)
    return CheckedUpload(text=text, columns=columns, row_count=len(rows))


def _printable_filename(filename: str) -> str:
    """The file's name without control characters (PostgreSQL refuses NUL in text)."""
    return "".join(c for c in filename if unicodedata.category(c) != "Cc")[:255]


@transaction.atomic
def dataset_upload(
    *, actor: Any, organisation: Any, name: str, filename: str, raw: bytes
) -> Dataset:
    filename = _printable_filename(filename)
    checked = check_upload(raw, filename)
    dataset = Dataset.objects.create(
        organisation=organisation,
        uploaded_by=actor,
        name=name.strip() or filename,
        original_filename=filename,
        content=checked.text,
        row_count=checked.row_count,
        columns=checked.columns,
    )
    audit.record(
        actor=actor, action=AuditAction.CREATE, object_type="dataset", object_id=dataset.pk
    )
    return dataset


def dataset_frame(dataset: Dataset, columns: Sequence[str]) -> pd.DataFrame:
    """The named columns of the stored table as text (empty cells as None).

    Read the way the upload was checked, and only the columns an analysis uses, so a wide
    data set costs no more to analyse than a narrow one.
    """
    positions = {name: dataset.columns.index(name) for name in dict.fromkeys(columns)}
    try:
        records = _records(dataset.content)
        next(records, None)
        rows = [record for record in records if record]
    except csv.Error as error:
        raise AnalysisError(
            _("This data set could not be read. Upload the file again to analyse it.")
        ) from error
    return pd.DataFrame(
        {
            name: [(record[i] or None) if i < len(record) else None for record in rows]
            for name, i in positions.items()
        },
        dtype=object,
    )
