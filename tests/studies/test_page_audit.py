"""What study pages leave in the audit log: no `read` entries (no page shows a person's
record), and words for every object type the studies app audits."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ourplan.core import record_words
from ourplan.core.models import AuditEntry
from tests.studies.studies_permissions import (
    NO_PERSON_RECORD,
    STUDIES_MATRIX,
    STUDIES_READS,
    studies_url_kwargs,
)


def test_every_study_url_says_what_its_pages_read() -> None:
    assert set(STUDIES_READS) == set(STUDIES_MATRIX)
    assert set(STUDIES_READS.values()) == {NO_PERSON_RECORD}


def _kwargs(name: str, extras: dict[str, Any]) -> dict[str, Any]:
    from django.urls import get_resolver

    for pattern in get_resolver().url_patterns:
        for entry in getattr(pattern, "url_patterns", []):
            if getattr(pattern, "namespace", None) == "studies" and entry.name == name[8:]:
                return {key: extras[key] for key in entry.pattern.converters}
    raise AssertionError(name)


@pytest.mark.django_db
def test_no_study_page_writes_a_read_entry_and_every_audited_type_has_words(
    standing: Any, client_for: Any
) -> None:
    extras = studies_url_kwargs(standing)
    users = standing.users()
    visited = 0
    for name, rules in STUDIES_MATRIX.items():
        url = reverse(name, kwargs=_kwargs(name, extras))
        for role in sorted(rules.get("GET", set())):
            before = AuditEntry.objects.count()
            response = client_for(users[role]).get(url)
            assert response.status_code in (200, 302), f"{name} as {role}"
            written = AuditEntry.objects.order_by("pk")[before:]
            assert [e for e in written if e.action == "read"] == [], f"{name} as {role}"
            assert all(e.person_id is None for e in written), f"{name} as {role}"
            visited += 1
    assert visited > len(STUDIES_MATRIX)
    study_types = set(
        AuditEntry.objects.filter(object_type__startswith="study").values_list(
            "object_type", flat=True
        )
    )
    assert {"study", "study_participant", "study_xlsx", "study_report_pdf"} <= study_types
    assert sorted(t for t in study_types if not record_words.is_registered(t)) == []


@pytest.mark.django_db
def test_a_study_is_described_by_its_title(standing: Any) -> None:
    from tests.studies.study_builders import build_study

    study = build_study(standing, title="What recovery means")
    words = record_words.describe_objects([("study", str(study.pk)), ("study", "not-a-uuid")])
    assert words[("study", str(study.pk))] == "Delphi study: ‘What recovery means’"
    assert words[("study", "not-a-uuid")] == "Delphi study"
