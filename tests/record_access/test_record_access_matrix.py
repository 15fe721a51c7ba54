"""Every record_access URL × method × standing user: allowed or refused, and what it audits.

The same three checks as tests/foundation/test_permission_matrix.py, over this app's rows
(until they are merged there): the permission, the `read` entries each allowed GET leaves,
and one `denied` entry for each refusal.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from record_access_permissions import (
    NO_PERSON_RECORD,
    RECORD_ACCESS_MATRIX,
    RECORD_ACCESS_READS,
    record_access_url_kwargs,
)

from ourplan.core.models import AuditAction, AuditEntry

KWARGS = {
    "record_access:ask": ("entry_id",),
    "record_access:question": ("question_id",),
    "record_access:lead_remove": ("lead_id",),
}


def _outcome(response: Any) -> str:
    if response.status_code in (403, 404, 405):
        return "denied"
    if response.status_code == 302 and reverse("accounts:login") in response["Location"]:
        return "denied"
    if response.status_code == 302 and reverse("accounts:two_factor") in response["Location"]:
        return "denied"
    return "allowed"


def test_every_record_access_url_is_in_the_matrix_and_says_what_it_audits() -> None:
    from django.urls import get_resolver

    names = {
        f"record_access:{name}"
        for name in get_resolver().namespace_dict["record_access"][1].reverse_dict
        if isinstance(name, str)
    }
    assert names == set(RECORD_ACCESS_MATRIX) == set(RECORD_ACCESS_READS)


@pytest.mark.parametrize("name", sorted(RECORD_ACCESS_MATRIX))
def test_url_allows_refuses_and_audits_as_the_matrix_says(
    name: str, standing: Any, client_for: Any
) -> None:
    extras = record_access_url_kwargs(standing)
    url = reverse(name, kwargs={key: extras[key] for key in KWARGS.get(name, ())})
    spec = RECORD_ACCESS_READS[name]
    people = {"other_person": standing.other_person}
    problems: list[str] = []
    for method in ("GET", "POST"):
        allowed = RECORD_ACCESS_MATRIX[name].get(method, set())
        for role, user in standing.users().items():
            before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            client = client_for(user)
            response = client.get(url) if method == "GET" else client.post(url, {})
            outcome = _outcome(response)
            expected = "allowed" if role in allowed else "denied"
            if outcome != expected:
                problems.append(f"{method} {role}: {outcome} ({response.status_code})")
            after = AuditEntry.objects.filter(pk__gt=before)
            if response.status_code == 403 and after.filter(action=AuditAction.DENIED).count() != 1:
                problems.append(f"{method} {role}: refused without exactly one denied entry")
            if method == "GET" and outcome == expected == "allowed":
                person = people.get(role, standing.person)
                written = sorted(
                    (e.object_type, e.object_id, e.person_id)
                    for e in after.filter(action=AuditAction.READ)
                )
                wanted = (
                    []
                    if spec == NO_PERSON_RECORD
                    else sorted(
                        (object_type, str(object_id), person.pk)
                        for object_type, object_id in spec(standing, extras, role)  # type: ignore[operator]
                    )
                )
                if written != wanted:
                    problems.append(f"GET {role}: reads {written}, expected {wanted}")
    assert problems == []
