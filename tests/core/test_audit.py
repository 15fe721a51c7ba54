"""The audit trail: reads and writes leave append-only entries the person can see."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from ourplan.core.models import AppendOnlyError, AuditAction, AuditEntry


def test_opening_a_person_page_writes_an_audit_row_the_person_then_sees(
    standing: Any, client_for: Any
) -> None:
    before = AuditEntry.objects.filter(person=standing.person, action=AuditAction.READ).count()
    response = client_for(standing.coordinator).get(
        reverse("people:person", args=[standing.person.pk])
    )
    assert response.status_code == 200
    reads = AuditEntry.objects.filter(
        person=standing.person, action=AuditAction.READ, actor=standing.coordinator
    )
    assert reads.count() == before + 1
    entry = reads.latest("at")
    assert entry.object_type == "person"
    assert entry.actor_role == "care_coordinator"
    assert entry.request_id == response["X-Request-ID"]

    seen = client_for(standing.person_user).get(reverse("record_access:mine"))
    assert seen.status_code == 200
    groups = seen.context["result"].groups
    assert any(group.actor_id == standing.coordinator.pk for group in groups)
    assert standing.coordinator.display_name in seen.content.decode()
    assert "Care coordinator" in seen.content.decode()


def test_the_persons_own_views_are_not_listed_as_someone_else_seeing_their_record(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.person_user)
    client.get(reverse("people:my_home"))
    groups = client.get(reverse("record_access:mine")).context["result"].groups
    assert all(group.actor_id != standing.person_user.pk for group in groups)


def test_an_outsider_is_refused_and_the_refusal_is_logged_without_showing_anything(
    standing: Any, client_for: Any
) -> None:
    response = client_for(standing.other_team_coordinator).get(
        reverse("people:person", args=[standing.person.pk])
    )
    assert response.status_code == 403
    assert standing.person.family_name not in response.content.decode()
    assert AuditEntry.objects.filter(
        actor=standing.other_team_coordinator, action=AuditAction.DENIED
    ).exists()


def test_audit_entries_cannot_be_changed_or_removed_through_the_app(standing: Any) -> None:
    entry = AuditEntry.objects.create(
        actor=standing.coordinator, action=AuditAction.READ, object_type="person"
    )
    entry.object_type = "something else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_type="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_type == "person"


def test_audit_entries_hold_no_clinical_content(standing: Any, client_for: Any) -> None:
    client = client_for(standing.coordinator)
    client.post(
        reverse("people:person_edit", args=[standing.person.pk]),
        {
            "given_name": "Ada",
            "family_name": "Example",
            "date_of_birth": "1980-05-17",
            "nhs_number": standing.person.nhs_number,
            "preferred_language": "en-gb",
            "communication_needs": "Secret clinical detail XYZZY",
        },
    )
    stored = " ".join(
        f"{e.actor_role} {e.action} {e.object_type} {e.object_id} {e.request_id}"
        for e in AuditEntry.objects.all()
    )
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, person=standing.person).exists()
    assert "XYZZY" not in stored


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles are a PostgreSQL feature"
)
def test_the_app_database_role_cannot_update_or_delete_audit_rows(standing: Any) -> None:
    from django.db import transaction
    from django.db.utils import ProgrammingError

    from ourplan.core.database_role import app_role_sql

    entry = AuditEntry.objects.create(
        actor=standing.coordinator, action=AuditAction.READ, object_type="person"
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP ROLE IF EXISTS ourplan_app_test")
        for statement in app_role_sql("ourplan_app_test", login=False):
            cursor.execute(statement)
        cursor.execute("SET ROLE ourplan_app_test")
        try:
            cursor.execute(
                "INSERT INTO core_auditentry (at, actor_role, action, object_type, object_id, request_id) VALUES (now(), '', 'read', 'person', '', '')"
            )
            cursor.execute("SELECT count(*) FROM core_auditentry")
            assert cursor.fetchone()[0] >= 2
            for forbidden in (
                "UPDATE core_auditentry SET object_type = 'x' WHERE id = %s",
                "DELETE FROM core_auditentry WHERE id = %s",
            ):
                with (
                    pytest.raises(ProgrammingError, match="permission denied"),
                    transaction.atomic(),
                ):
                    cursor.execute(forbidden, [entry.pk])
        finally:
            cursor.execute("RESET ROLE")
    assert AuditEntry.objects.get(pk=entry.pk).object_type == "person"
