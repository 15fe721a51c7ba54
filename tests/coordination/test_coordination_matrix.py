"""Every coordination URL × method × standing user, against COORDINATION_MATRIX, with the
read entries COORDINATION_READS declares: the same three checks as the project's matrix
(tests/foundation/test_permission_matrix.py, which merges these rows), run here on their own."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from coordination_permissions import (
    COORDINATION_MATRIX,
    COORDINATION_READS,
    coordination_url_kwargs,
)
from django.urls import reverse

from ourplan.core.models import AuditAction, AuditEntry

_spec = importlib.util.spec_from_file_location(
    "project_matrix", Path(__file__).parents[1] / "foundation" / "test_permission_matrix.py"
)
assert _spec is not None and _spec.loader is not None
project_matrix = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(project_matrix)


def test_every_coordination_url_has_a_row_and_a_read_spec() -> None:
    names = {n for n in project_matrix.all_url_names() if n.startswith("coordination:")}
    assert names == set(COORDINATION_MATRIX)
    assert names == set(COORDINATION_READS)


@pytest.fixture
def extras(standing: Any) -> dict[str, Any]:
    return coordination_url_kwargs(standing)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(COORDINATION_MATRIX))
def test_url_allows_refuses_and_audits_as_the_matrix_says(
    name: str, standing: Any, extras: dict[str, Any], client_for: Any
) -> None:
    rules = COORDINATION_MATRIX[name]
    spec = COORDINATION_READS[name]
    url = reverse(name, kwargs=project_matrix._kwargs_for(name, standing, extras))
    problems: list[str] = []
    for method in ("GET", "POST"):
        for role, user in standing.users().items():
            before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            client = client_for(user)
            response = client.get(url) if method == "GET" else client.post(url, {})
            outcome = project_matrix._outcome(response)
            expected = "allowed" if role in rules.get(method, set()) else "denied"
            if outcome != expected:
                problems.append(
                    f"{method} as {role}: expected {expected}, got {response.status_code}"
                )
            if response.status_code == 403:
                denied = AuditEntry.objects.filter(pk__gt=before, action=AuditAction.DENIED).count()
                if denied != 1:
                    problems.append(f"{method} as {role}: {denied} denied entries")
            if method == "GET" and expected == outcome == "allowed":
                written = sorted(
                    (e.object_type, e.object_id, e.person_id)
                    for e in AuditEntry.objects.filter(pk__gt=before, action=AuditAction.READ)
                )
                wanted = (
                    []
                    if spec == "no person record"
                    else project_matrix._wanted(spec(standing, extras, role), standing)
                )
                if written != wanted:
                    problems.append(f"GET as {role}: reads {written}, expected {wanted}")
    assert problems == [], "\n".join(problems)
