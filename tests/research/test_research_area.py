"""The research area: de-identified uploads, validated before anything is stored, and analyses."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ourplan.research.models import Dataset

# PlantGrowth (R datasets): weight by group. R: F = 4.846 on 2 and 27 df, p = 0.01591.
PLANT_GROWTH = {
    "ctrl": [4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14],
    "trt1": [4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69],
    "trt2": [6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26],
}


def _plant_growth_csv() -> bytes:
    rows = ["group,weight"] + [f"{g},{w}" for g, ws in PLANT_GROWTH.items() for w in ws]
    return ("\n".join(rows) + "\n").encode()


def _upload(client: Any, content: bytes, name: str = "data.csv") -> Any:
    return client.post(
        reverse("research:home"),
        {"name": "Plant growth trial", "file": SimpleUploadedFile(name, content, "text/csv")},
    )


def test_a_researcher_uploads_a_csv_and_runs_an_anova_matching_r(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.researcher)
    response = _upload(client, _plant_growth_csv())
    assert response.status_code == 302
    dataset = Dataset.objects.get()
    assert dataset.row_count == 30 and dataset.columns == ["group", "weight"]
    page = client.get(
        reverse("research:dataset", args=[dataset.pk]),
        {"analysis": "anova", "value": "weight", "group": "group"},
    )
    assert page.status_code == 200
    result = page.context["outcome"]["result"]
    assert result["anova"]["df_between"] == 2 and result["anova"]["df_within"] == 27
    assert result["anova"]["F"] == pytest.approx(4.846088, rel=1e-5)
    assert result["anova"]["p"] == pytest.approx(0.01591, abs=5e-6)
    html = page.content.decode()
    assert "F(2, 27) = 4.846" in html
    assert "data:image/svg+xml;base64," in html


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "empty"),
        (b"group,weight\nA,1\n", "short.csv", "at least 3 rows"),
        (
            b"name,score\nAnn,1\nBob,2\nCy,3\n",
            "names.csv",
            "identifies people: column 'name' seems to hold names",
        ),
        (
            b"id,score\n9434765919,1\n4010232137,2\n9000000009,3\n",
            "nhs.csv",
            "column 'id' seems to hold NHS numbers (row 2)",
        ),
        (b"a,a\n1,2\n3,4\n5,6\n", "dup.csv", "Two columns have the same name"),
        (b"\xff\xfe\x00g\x00r", "utf16.csv", "not UTF-8"),
        (b"group,weight\nA,1\n", "data.xlsx", "Upload a CSV file"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message_and_nothing_is_stored(
    standing: Any, client_for: Any, content: bytes, name: str, message: str
) -> None:
    response = _upload(client_for(standing.researcher), content, name)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert Dataset.objects.count() == 0


def test_a_non_numeric_measure_gives_a_clear_error_not_a_crash(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.researcher)
    _upload(client, b"site,score\nA,1\nA,two\nB,3\nB,4\n")
    dataset = Dataset.objects.get()
    page = client.get(
        reverse("research:dataset", args=[dataset.pk]),
        {"analysis": "anova", "value": "score", "group": "site"},
    )
    assert page.status_code == 200
    assert "not a number on row 3" in page.content.decode()
    assert page.context["outcome"] is None


def test_choosing_the_same_column_twice_is_explained(standing: Any, client_for: Any) -> None:
    client = client_for(standing.researcher)
    _upload(client, _plant_growth_csv())
    page = client.get(
        reverse("research:dataset", args=[Dataset.objects.get().pk]),
        {"analysis": "anova", "value": "weight", "group": "weight"},
    )
    assert "must be different from the measure" in page.content.decode()


def test_data_sets_are_visible_only_within_the_organisation(standing: Any, client_for: Any) -> None:
    from ourplan.people.models import Country, Organisation
    from tests.factories import make_staff

    client = client_for(standing.researcher)
    _upload(client, _plant_growth_csv())
    dataset = Dataset.objects.get()
    elsewhere = Organisation.objects.create(name="Elsewhere", code="ELS01", country=Country.WALES)
    outsider = make_staff("outsider", "researcher", elsewhere, None)
    assert (
        client_for(outsider).get(reverse("research:dataset", args=[dataset.pk])).status_code == 403
    )
    assert dataset.name not in client_for(outsider).get(reverse("research:home")).content.decode()
