"""The data set page: results first, each column listed once, choices typed or suggested.

Finding 2 of "Reliability and security": the analysis form listed every column twice (as
checkboxes), so an 82-column file put the results some 9,000 px down and a 400,000-column
one built a 234 MB page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from ourplan.research.forms import CORRELATE_BOXES, COVARIATE_BOXES
from ourplan.research.models import Dataset


def _dataset(standing: Any, columns: list[str], rows: list[list[str]]) -> Dataset:
    lines = [",".join(columns)] + [",".join(row) for row in rows]
    return Dataset.objects.create(
        organisation=standing.organisation,
        uploaded_by=standing.researcher,
        name="Wide evaluation",
        original_filename="wide.csv",
        content="\n".join(lines) + "\n",
        row_count=len(rows),
        columns=columns,
    )


def _wide(standing: Any, width: int = 82) -> Dataset:
    columns = ["site"] + [f"item_{i:02d}" for i in range(1, width)]
    rows = [[f"S{r % 3}"] + [str((r * i) % 7) for i in range(1, width)] for r in range(12)]
    return _dataset(standing, columns, rows)


def test_finding_2_each_column_is_listed_once_on_the_page(standing: Any, client_for: Any) -> None:
    dataset = _wide(standing)
    page = client_for(standing.researcher).get(reverse("research:dataset", args=[dataset.pk]))
    body = page.content.decode()
    for column in dataset.columns:
        assert body.count(f'value="{column}"') == 1, column
    assert body.count("<datalist") == 1
    # Every column box suggests from that one list.
    boxes = re.findall(r'<input type="text"[^>]*list="dataset-columns"', body)
    assert len(boxes) == 2 + COVARIATE_BOXES + CORRELATE_BOXES
    assert 'type="checkbox"' not in body


def test_finding_2_results_come_before_the_form(standing: Any, client_for: Any) -> None:
    dataset = _wide(standing)
    page = client_for(standing.researcher).get(
        reverse("research:dataset", args=[dataset.pk]),
        {"analysis": "anova", "value": "item_05", "group": "site"},
    )
    body = page.content.decode()
    assert page.context["outcome"] is not None
    assert body.index('data-testid="anova-line"') < body.index('<form method="get"')


def test_finding_2_a_data_set_wider_than_the_limit_suggests_only_up_to_the_limit(
    standing: Any, client_for: Any
) -> None:
    # Uploaded before the column limit: the page still stays small.
    dataset = _wide(standing, width=5000)
    page = client_for(standing.researcher).get(reverse("research:dataset", args=[dataset.pk]))
    body = page.content.decode()
    suggestions = body[body.index("<datalist") : body.index("</datalist>")]
    assert suggestions.count("<option ") == 500
    assert len(body) < 150_000


def test_a_column_typed_in_another_case_is_accepted(standing: Any, client_for: Any) -> None:
    dataset = _wide(standing)
    page = client_for(standing.researcher).get(
        reverse("research:dataset", args=[dataset.pk]),
        {"analysis": "describe", "value": " ITEM_05 ", "group": "Site"},
    )
    assert page.context["outcome"] is not None
    assert page.context["form"].cleaned_data["value"] == "item_05"


def test_a_column_that_is_not_in_the_data_set_is_explained(standing: Any, client_for: Any) -> None:
    dataset = _wide(standing)
    page = client_for(standing.researcher).get(
        reverse("research:dataset", args=[dataset.pk]),
        {"analysis": "anova", "value": "weight", "group": "site"},
    )
    assert page.context["outcome"] is None
    assert "There is no column called ‘weight’ in this data set." in page.content.decode()


def test_correlations_use_the_columns_typed_in_the_boxes(standing: Any, client_for: Any) -> None:
    dataset = _wide(standing)
    page = client_for(standing.researcher).get(
        reverse("research:dataset", args=[dataset.pk]),
        {"analysis": "correlate", "columns": ["item_01", "item_02", "", "item_03"]},
    )
    pairs = page.context["outcome"]["result"]["pairs"]
    assert {(p["x"], p["y"]) for p in pairs} == {
        ("item_01", "item_02"),
        ("item_01", "item_03"),
        ("item_02", "item_03"),
    }
    # The boxes keep what was typed.
    assert 'value="item_03"' in page.content.decode()


def test_ancova_reads_covariates_from_their_boxes(standing: Any, client_for: Any) -> None:
    columns = ["site", "score", "baseline"]
    rows = [[f"S{r % 3}", str(10 + r % 5 + (r % 3)), str(r % 4)] for r in range(30)]
    dataset = _dataset(standing, columns, rows)
    page = client_for(standing.researcher).get(
        reverse("research:dataset", args=[dataset.pk]),
        {"analysis": "ancova", "value": "score", "group": "site", "covariates": ["baseline"]},
    )
    assert page.context["outcome"]["kind"] == "ancova"
    assert [c["name"] for c in page.context["outcome"]["result"]["covariates"]] == ["baseline"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"analysis": "ancova", "value": "score", "group": "site"}, "at least one covariate"),
        ({"analysis": "correlate", "columns": ["score"]}, "at least two columns"),
    ],
)
def test_missing_choices_are_explained(
    standing: Any, client_for: Any, query: dict[str, Any], message: str
) -> None:
    dataset = _dataset(standing, ["site", "score"], [[f"S{r % 2}", str(r)] for r in range(6)])
    page = client_for(standing.researcher).get(
        reverse("research:dataset", args=[dataset.pk]), query
    )
    assert page.context["outcome"] is None
    assert message in page.content.decode()


def test_only_the_columns_an_analysis_uses_are_read(standing: Any) -> None:
    from ourplan.research.services import dataset_frame

    dataset = _wide(standing)
    frame = dataset_frame(dataset, ["item_03", "site"])
    assert list(frame.columns) == ["item_03", "site"]
    assert len(frame) == 12
