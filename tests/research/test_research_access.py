"""The research area on the audited road: access functions refuse, the 403 handler logs.

Finding 5 of "Reliability and security": the research views raised bare PermissionDenied
and queried data sets themselves. Now they call ``research.access`` (built on
``ourplan.core.refusal``), and every refused GET leaves exactly one ``denied`` entry.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from ourplan.core.models import AuditAction, AuditEntry
from ourplan.core.refusal import Refused
from ourplan.research import access
from ourplan.research.models import Dataset

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dataset(standing: Any) -> Dataset:
    return Dataset.objects.create(
        organisation=standing.organisation,
        uploaded_by=standing.researcher,
        name="scores",
        original_filename="scores.csv",
        content="site,score\nA,1\nA,2\nB,3\nB,4\n",
        row_count=4,
        columns=["site", "score"],
    )


@pytest.fixture
def outsider(standing: Any) -> Any:
    from ourplan.people.models import Country, Organisation
    from tests.factories import make_staff

    elsewhere = Organisation.objects.create(name="Elsewhere", code="ELS02", country=Country.WALES)
    return make_staff("outsider", "researcher", elsewhere, None)


def _denied_after(before: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=before, action=AuditAction.DENIED))


def _last_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize(
    "role", ["coordinator", "clinician", "person", "supporter", "administrator"]
)
def test_a_refused_get_of_research_home_leaves_one_denied_entry(
    standing: Any, client_for: Any, role: str
) -> None:
    before = _last_id()
    response = client_for(standing.users()[role]).get(reverse("research:home"))
    assert response.status_code == 403
    denied = _denied_after(before)
    assert [(e.object_type, e.object_id) for e in denied] == [("page", "research:home")]


def test_finding_5_a_refused_get_of_another_organisations_data_set_leaves_one_denied_entry(
    standing: Any, client_for: Any, dataset: Dataset, outsider: Any
) -> None:
    before = _last_id()
    response = client_for(outsider).get(reverse("research:dataset", args=[dataset.pk]))
    assert response.status_code == 403
    denied = _denied_after(before)
    assert [(e.object_type, e.object_id) for e in denied] == [("dataset", str(dataset.pk))]


def test_finding_5_a_missing_data_set_is_refused_like_a_forbidden_one(
    standing: Any, client_for: Any
) -> None:
    missing = uuid.uuid4()
    before = _last_id()
    response = client_for(standing.researcher).get(reverse("research:dataset", args=[missing]))
    assert response.status_code == 403
    denied = _denied_after(before)
    assert [(e.object_type, e.object_id) for e in denied] == [("dataset", str(missing))]


def test_finding_5_a_refused_get_of_a_data_set_by_a_clinician_leaves_one_denied_entry(
    standing: Any, client_for: Any, dataset: Dataset
) -> None:
    before = _last_id()
    response = client_for(standing.coordinator).get(reverse("research:dataset", args=[dataset.pk]))
    assert response.status_code == 403
    assert len(_denied_after(before)) == 1


def test_an_allowed_get_writes_no_read_entry(
    standing: Any, client_for: Any, dataset: Dataset
) -> None:
    before = _last_id()
    for user in (standing.researcher, standing.manager):
        assert client_for(user).get(reverse("research:home")).status_code == 200
        page = client_for(user).get(reverse("research:dataset", args=[dataset.pk]))
        assert page.status_code == 200
    assert not AuditEntry.objects.filter(pk__gt=before, action=AuditAction.READ).exists()
    assert not _denied_after(before)


def test_access_dataset_refuses_outsiders_and_returns_the_data_set_to_insiders(
    standing: Any, dataset: Dataset, outsider: Any
) -> None:
    assert access.access_dataset(standing.researcher, dataset.pk) == dataset
    with pytest.raises(Refused) as refused:
        access.access_dataset(outsider, dataset.pk)
    assert (refused.value.object_type, refused.value.object_id) == ("dataset", str(dataset.pk))
    with pytest.raises(Refused):
        access.access_dataset(standing.researcher, "not-a-uuid")
    with pytest.raises(Refused):
        access.access_research_area(standing.clinician)
    assert access.access_research_area(standing.manager) == standing.organisation


def test_finding_5_the_research_views_are_on_the_one_road() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "check_views.py"),
            str(ROOT / "src" / "ourplan" / "research"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
