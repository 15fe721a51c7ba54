"""Uploading de-identified data sets: validated in full before anything is saved."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.people.nhs_number import is_valid_nhs_number
from ourplan.research.models import Dataset

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MIN_ROWS = 3
# Column names that suggest a file still identifies people.
_IDENTIFYING_COLUMN = re.compile(
    r"^(nhs_?(number|no)?|name|first_?name|last_?name|surname|given_?name|family_?name|full_?name|"
    r"d\.?o\.?b|date_?of_?birth|birth_?date|post_?code|address|e_?mail|phone|telephone|mobile)$",
    re.IGNORECASE,
)
_TEN_DIGITS = re.compile(r"^\d{3}\s?\d{3}\s?\d{4}$")


def parse_upload(raw: bytes, filename: str) -> pd.DataFrame:
    """Read and check an uploaded CSV; raise ValidationError with a clear reason."""
    if not filename.lower().endswith(".csv"):
        raise ValidationError(_("Upload a CSV file (its name ends in .csv)."))
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than 10 MB. Split it or remove columns you do not need.")
        )
    if not raw.strip():
        raise ValidationError(_("The file is empty."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again.")
        ) from error
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ValidationError(
            _("The file could not be read as CSV: %(reason)s")
            % {"reason": str(error).splitlines()[0]}
        ) from error
    # pandas renames repeated headers ("a", "a.1"), so read the header row as written.
    header = next(csv.reader(io.StringIO(text)), [])
    columns = [c.strip() for c in header]
    if any(not c or c.startswith("Unnamed:") for c in columns):
        raise ValidationError(_("Every column needs a name in the first row."))
    if len(set(columns)) != len(columns):
        raise ValidationError(_("Two columns have the same name. Give each column its own name."))
    if len(frame) < MIN_ROWS:
        raise ValidationError(_("The file needs at least %(n)d rows of data.") % {"n": MIN_ROWS})
    identifying = [c for c in columns if _IDENTIFYING_COLUMN.match(c)]
    if identifying:
        raise ValidationError(
            _(
                "This file looks like it identifies people (column '%(column)s'). Remove identifying columns and upload it again."
            )
            % {"column": identifying[0]}
        )
    for column in frame.columns:
        values = frame[column].astype(str)
        if any(_TEN_DIGITS.match(v) and is_valid_nhs_number(v) for v in values.head(2000)):
            raise ValidationError(
                _(
                    "Column '%(column)s' seems to hold NHS numbers. Remove it and upload the file again."
                )
                % {"column": column}
            )
    frame.columns = columns
    return frame


@transaction.atomic
def dataset_upload(
    *, actor: Any, organisation: Any, name: str, filename: str, raw: bytes
) -> Dataset:
    frame = parse_upload(raw, filename)
    dataset = Dataset.objects.create(
        organisation=organisation,
        uploaded_by=actor,
        name=name.strip() or filename,
        original_filename=filename[:255],
        content=raw.decode("utf-8-sig"),
        row_count=len(frame),
        columns=list(frame.columns),
    )
    audit.record(
        actor=actor, action=AuditAction.CREATE, object_type="dataset", object_id=dataset.pk
    )
    return dataset


def dataset_frame(dataset: Dataset) -> pd.DataFrame:
    """The stored table, with every column as text; analyses convert what they need."""
    return pd.read_csv(io.StringIO(dataset.content), dtype=str, keep_default_na=False).replace(
        {"": None}
    )
