"""The questionnaires app's rows of the permission and audit matrices, checked here the way
tests/foundation/test_permission_matrix.py checks every app's (the lead merges
MEASURES_MATRIX, MEASURES_READS and measures_url_kwargs into it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from measures_permissions import (
    MEASURES_MATRIX,
    MEASURES_READS,
    NO_PERSON_RECORD,
    measures_url_kwargs,
)

from ourplan.core.models import AuditAction, AuditEntry


def _measures_patterns() -> dict[str, Any]:
    found: dict[str, Any] = {}

    def walk(patterns: list[Any], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(
                    entry.url_patterns,
                    f"{namespace}{entry.namespace}:" if entry.namespace else namespace,
                )
            elif isinstance(entry, URLPattern) and namespace == "measures:":
                found[f"{namespace}{entry.name}"] = entry

    walk(get_resolver().url_patterns, "")
    return found


def test_every_measures_url_has_matrix_rows_and_a_read_spec() -> None:
    names = set(_measures_patterns())
    assert sorted(names - set(MEASURES_MATRIX)) == []
    assert sorted(set(MEASURES_MATRIX) - names) == []
    assert sorted(set(MEASURES_MATRIX) - set(MEASURES_READS)) == []


def _outcome(response: Any) -> str:
    if response.status_code in (403, 404, 405):
        return "denied"
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "denied"
    if response.status_code == 302 and reverse("accounts:two_factor") in response["Location"]:
        return "denied"
    return "allowed"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MEASURES_MATRIX))
def test_url_allows_refuses_and_audits_as_the_matrix_says(
    name: str, standing: Any, client_for: Any
) -> None:
    extras = measures_url_kwargs(standing)
    pattern = _measures_patterns()[name].pattern
    kwargs = {
        key: (standing.person.pk if key == "person_id" else extras[key])
        for key in getattr(pattern, "converters", {})
    }
    url = reverse(name, kwargs=kwargs)
    spec = MEASURES_READS[name]
    problems: list[str] = []
    for method in ("GET", "POST"):
        allowed = MEASURES_MATRIX[name].get(method, set())
        for role, user in standing.users().items():
            before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            client = client_for(user)
            response = client.get(url) if method == "GET" else client.post(url, {})
            outcome = _outcome(response)
            expected = "allowed" if role in allowed else "denied"
            if outcome != expected:
                problems.append(
                    f"{method} {name} as {role}: expected {expected}, got {response.status_code}"
                )
            if response.status_code == 403:
                denied = AuditEntry.objects.filter(pk__gt=before, action=AuditAction.DENIED).count()
                if denied != 1:
                    problems.append(f"{method} {name} as {role}: {denied} denied entries")
            if method == "GET" and outcome == expected == "allowed":
                written = sorted(
                    (e.object_type, e.object_id, e.person_id)
                    for e in AuditEntry.objects.filter(pk__gt=before, action=AuditAction.READ)
                )
                wanted = (
                    []
                    if spec == NO_PERSON_RECORD
                    else sorted(
                        (
                            entry[0],
                            str(entry[1]),
                            entry[2] if len(entry) > 2 else standing.person.pk,
                        )
                        for entry in spec(standing, extras, role)  # type: ignore[operator]
                    )
                )
                if written != wanted:
                    problems.append(f"GET {name} as {role}: reads {written}, expected {wanted}")
    assert problems == [], "\n".join(problems)
