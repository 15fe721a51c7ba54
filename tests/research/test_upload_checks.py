"""Regression tests for the research upload findings of "Reliability and security".

Each test names the finding it closes. Every refused upload must say which column (and
row) and store nothing. Run this file on SQLite and on PostgreSQL
(``DATABASE_URL=postgres://postgres@127.0.0.1:5432/test``): NUL bytes only failed there.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ourplan.research import services
from ourplan.research.models import Dataset


def _upload(client: Any, content: bytes, name: str = "data.csv") -> Any:
    return client.post(
        reverse("research:home"),
        {"name": "Evaluation", "file": SimpleUploadedFile(name, content, "text/csv")},
    )


def _refused(client: Any, content: bytes, name: str = "data.csv") -> str:
    """Upload, check it was refused with nothing stored, and return the page's text."""
    response = _upload(client, content, name)
    assert response.status_code == 400
    assert Dataset.objects.count() == 0
    return html.unescape(response.content.decode())


def _scores(rows: int = 5) -> list[str]:
    return [f"S{i % 3},{i % 27}" for i in range(rows)]


def _csv(header: str, lines: list[str]) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


# Finding 1: identifying data got through ------------------------------------------------


@pytest.mark.parametrize("column", ["Date of Birth", "First Name", "patient_name", "E-mail"])
def test_finding_1_identifying_column_names_are_refused(
    standing: Any, client_for: Any, column: str
) -> None:
    page = _refused(client_for(standing.researcher), _csv(f"site,{column}", _scores()))
    assert f"column '{column}' seems to hold" in page
    assert "Nothing has been saved" in page


@pytest.mark.parametrize(
    "written",
    [
        "943-476-5919",  # dashes
        " 9434765919",  # a leading space
        "9434765919.0",  # a trailing .0
        "943  476  5919",  # double spaces
        "NHS 9434765919",  # an NHS prefix
    ],
)
def test_finding_1_nhs_numbers_written_any_way_are_refused(
    standing: Any, client_for: Any, written: str
) -> None:
    lines = [f"S1,{i}" for i in range(4)] + [f'S2,"{written}"']
    page = _refused(client_for(standing.researcher), _csv("site,ref", lines))
    assert "column 'ref' seems to hold NHS numbers (row 6)" in page


def test_finding_1_an_nhs_number_after_row_2000_is_refused(standing: Any, client_for: Any) -> None:
    lines = _scores(2500)
    lines[2300] = "S1,9434765919"
    page = _refused(client_for(standing.researcher), _csv("site,score", lines))
    assert "column 'score' seems to hold NHS numbers (row 2,302)" in page


def test_finding_1_an_nhs_number_inside_free_text_is_refused(
    standing: Any, client_for: Any
) -> None:
    lines = [f'S{i},{i},"felt better this week"' for i in range(4)]
    lines.append('S1,3,"Discussed with GP, NHS no 943 476 5919, to review in May"')
    page = _refused(client_for(standing.researcher), _csv("site,score,comment", lines))
    assert "column 'comment' seems to hold NHS numbers (row 6)" in page


def test_a_file_without_column_names_is_refused_without_echoing_the_number(
    standing: Any, client_for: Any
) -> None:
    page = _refused(client_for(standing.researcher), _csv("S1,9434765919", _scores()))
    assert "the first row seems to hold NHS numbers (column 2)" in page
    assert "9434765919" not in page


@pytest.mark.parametrize(
    ("cell", "holds"),
    [
        ("ann.jones@example.org", "email addresses"),
        ("07700 900123", "phone numbers"),
        ("+44 20 7946 0018", "phone numbers"),
        ("CF10 3AT", "postcodes"),
        ("lives at SW1A 1AA", "postcodes"),
        ("born 12/03/1985", "dates of birth"),
    ],
)
def test_finding_1_identifying_values_in_any_cell_are_refused(
    standing: Any, client_for: Any, cell: str, holds: str
) -> None:
    lines = [f"S{i},ok" for i in range(4)] + [f"S9,{cell}"]
    page = _refused(client_for(standing.researcher), _csv("site,note", lines))
    assert f"column 'note' seems to hold {holds} (row 6)" in page


def test_finding_1_dates_in_a_column_not_named_for_them_are_refused(
    standing: Any, client_for: Any
) -> None:
    lines = [f"S{i},{i},{10 + i}/04/1961" for i in range(4)]
    page = _refused(client_for(standing.researcher), _csv("site,score,c3", lines))
    assert "Column 'c3' holds dates (row 2)" in page
    assert "for example 'assessment date'" in page


def test_dates_in_a_column_named_for_an_event_are_accepted(standing: Any, client_for: Any) -> None:
    lines = [f"S{i},{i},{10 + i}/04/2024" for i in range(4)]
    response = _upload(client_for(standing.researcher), _csv("site,score,assessment date", lines))
    assert response.status_code == 302
    assert Dataset.objects.get().row_count == 4


# Finding 2: wide files tied up the server --------------------------------------------


def test_finding_2_a_file_with_too_many_columns_is_refused(standing: Any, client_for: Any) -> None:
    # The review's file: 400,000 columns in 5.5 MB.
    header = ",".join(f"c{i}" for i in range(400_000))
    row = ",".join("1" for _ in range(400_000))
    raw = ("\n".join([header, row, row, row]) + "\n").encode()
    page = _refused(client_for(standing.researcher), raw)
    assert "The file has 400,000 columns; a data set can have at most 500." in page


def test_the_column_limit_is_500(standing: Any, client_for: Any) -> None:
    client = client_for(standing.researcher)
    for width, accepted in ((services.MAX_COLUMNS + 1, False), (services.MAX_COLUMNS, True)):
        header = ",".join(f"q{i}" for i in range(width))
        raw = _csv(header, [",".join("3" for _ in range(width))] * 3)
        assert (_upload(client, raw).status_code == 302) is accepted
    assert Dataset.objects.get().columns[-1] == "q499"


def test_finding_2_a_file_with_too_many_rows_is_refused(standing: Any, client_for: Any) -> None:
    client = client_for(standing.researcher)
    too_many = _csv("score", ["1"] * (services.MAX_ROWS + 1))
    page = _refused(client, too_many)
    assert "more than 200,000 rows of data" in page
    assert _upload(client, _csv("score", ["1"] * services.MAX_ROWS)).status_code == 302


def test_a_file_over_10_mb_is_refused(standing: Any, client_for: Any) -> None:
    raw = _csv("site,score", ["S1,1"] * 3) + b"#" * services.MAX_UPLOAD_BYTES
    assert "larger than 10 MB" in _refused(client_for(standing.researcher), raw)


def test_very_long_column_names_are_refused(standing: Any, client_for: Any) -> None:
    page = _refused(client_for(standing.researcher), _csv("site," + "x" * 101, _scores()))
    assert "at most 100 characters" in page


# Finding 3: NUL bytes gave a 500 on PostgreSQL -----------------------------------------


def test_finding_3_a_nul_byte_is_refused_with_a_clear_message(
    standing: Any, client_for: Any
) -> None:
    raw = b"site,score\nS1,1\nS2,2\x00\nS3,3\n"
    page = _refused(client_for(standing.researcher), raw)
    assert "contains a NUL character (line 3)" in page


def test_finding_3_a_nul_in_the_file_name_is_not_stored(standing: Any) -> None:
    dataset = services.dataset_upload(
        actor=standing.researcher,
        organisation=standing.organisation,
        name="",
        filename="scores\x00.csv",
        raw=_csv("site,score", _scores()),
    )
    dataset.refresh_from_db()
    assert dataset.original_filename == "scores.csv" and dataset.name == "scores.csv"


def test_a_nul_in_the_data_set_name_is_refused_by_the_form(standing: Any, client_for: Any) -> None:
    response = client_for(standing.researcher).post(
        reverse("research:home"),
        {
            "name": "bad\x00name",
            "file": SimpleUploadedFile("d.csv", _csv("site,score", _scores()), "text/csv"),
        },
    )
    assert response.status_code == 400
    assert Dataset.objects.count() == 0


# Finding 4: pandas's own words reached users -------------------------------------------


def test_finding_4_a_broken_csv_gets_a_plain_message(standing: Any, client_for: Any) -> None:
    raw = b"site,score\nS1,1\nS2,2,7\nS3,3\n"
    page = _refused(client_for(standing.researcher), raw)
    assert "Row 3 has 3 values, but the first row names 2 columns." in page
    assert "C error" not in page and "tokenizing" not in page


def test_an_unclosed_quote_gets_a_plain_message(standing: Any, client_for: Any) -> None:
    raw = b'site,score\nS1,1\nS2,"2\nS3,3\n'
    page = _refused(client_for(standing.researcher), raw)
    assert "could not be read as CSV at row 3" in page
    assert "unexpected end of data" not in page


def test_short_rows_and_blank_lines_are_read_as_a_spreadsheet_would(
    standing: Any, client_for: Any
) -> None:
    raw = b"site,score,note\nS1,1\n\nS2,2,fine\nS3,3\n"
    client = client_for(standing.researcher)
    assert _upload(client, raw).status_code == 302
    assert Dataset.objects.get().row_count == 3
    # A finding after the blank line is on the file's row (as a spreadsheet numbers it).
    Dataset.objects.all().delete()
    page = _refused(client, b"site,score\nS1,1\n\nS2,2\nS3,ann@example.org\n")
    assert "seems to hold email addresses (row 5)" in page
