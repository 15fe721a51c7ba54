"""People pages reach records only through people.access: each refusal is logged once, each
allowed page writes its one read, and people never imports the apps built on it."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from ourplan.accounts.models import Invitation
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.core.record_words import describe_objects, is_registered

pytestmark = pytest.mark.django_db

PEOPLE_SOURCE = Path(__file__).resolve().parents[2] / "src" / "ourplan" / "people"


def _entries_after(before: int, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=before, action=action).order_by("pk"))


def _last_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# (url name, the standing user refused it, the denied entry's (object_type, object_id))
REFUSALS = [
    ("people:caseload", "person", ("page", "people:caseload")),
    ("people:caseload", "supporter", ("page", "people:caseload")),
    ("people:my_home", "coordinator", ("page", "people:my_home")),
    ("people:my_details", "supporter", ("page", "people:my_details")),
    ("people:team_overview", "coordinator", ("page", "people:team_overview")),
    ("people:organisation", "manager", ("page", "people:organisation")),
    ("people:person_new", "clinician", ("page", "people:person_new")),
    ("consent:supporter_home", "person", ("page", "consent:supporter_home")),
    ("consent:contribution_policy", "coordinator", ("page", "consent:contribution_policy")),
]


@pytest.mark.parametrize(("name", "role", "named"), REFUSALS)
def test_a_refused_page_leaves_exactly_one_denied_entry(
    standing: Any, client_for: Any, name: str, role: str, named: tuple[str, str]
) -> None:
    user = standing.users()[role]
    before = _last_id()
    response = client_for(user).get(reverse(name))
    assert response.status_code == 403
    denied = _entries_after(before, AuditAction.DENIED)
    assert [(e.object_type, e.object_id, e.actor_id) for e in denied] == [(*named, user.pk)]
    assert _entries_after(before, AuditAction.READ) == []


def test_a_person_id_that_does_not_exist_is_refused_and_logged_like_a_forbidden_one(
    standing: Any, client_for: Any
) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    client = client_for(standing.coordinator)
    for person_id in (missing, standing.other_person.pk):
        before = _last_id()
        response = client.get(reverse("people:person", args=[person_id]))
        assert response.status_code == 403
        denied = _entries_after(before, AuditAction.DENIED)
        assert [(e.object_type, e.object_id) for e in denied] == [("person", str(person_id))]


def test_adding_a_supporter_reads_the_person_once(standing: Any, client_for: Any) -> None:
    before = _last_id()
    response = client_for(standing.coordinator).get(
        reverse("people:supporter_new", args=[standing.person.pk])
    )
    assert response.status_code == 200
    reads = _entries_after(before, AuditAction.READ)
    assert [(e.object_type, e.object_id, e.person_id) for e in reads] == [
        ("person", str(standing.person.pk), standing.person.pk)
    ]


def test_inviting_someone_elses_supporter_is_refused_naming_the_supporter(
    standing: Any, client_for: Any
) -> None:
    from ourplan.people.models import Supporter, SupporterKind

    stranger = Supporter.objects.create(
        person=standing.other_person, given_name="Zed", kind=SupporterKind.FRIEND, relationship="x"
    )
    before = _last_id()
    response = client_for(standing.coordinator).post(
        reverse("people:invite", args=[standing.person.pk]), {"supporter": str(stranger.pk)}
    )
    assert response.status_code == 403
    denied = _entries_after(before, AuditAction.DENIED)
    assert [(e.object_type, e.object_id) for e in denied] == [("supporter", str(stranger.pk))]
    assert not Invitation.objects.filter(supporter=stranger).exists()


def test_the_person_reading_their_own_page_is_sent_home_without_a_second_read(
    standing: Any, client_for: Any
) -> None:
    before = _last_id()
    response = client_for(standing.person_user).get(
        reverse("people:person", args=[standing.person.pk])
    )
    assert response.status_code == 302 and response.url == reverse("people:my_home")
    assert _entries_after(before, AuditAction.READ) == []


def test_every_object_type_people_audits_has_words(standing: Any) -> None:
    for object_type in ("person", "supporter", "care_team", "care_team_membership", "caseload"):
        assert is_registered(object_type), object_type
    supporter = standing.supporter_record
    words = describe_objects([("supporter", str(supporter.pk)), ("supporter", "not-a-uuid")])
    assert words[("supporter", str(supporter.pk))] == "Supporter: Mo Example"
    assert words[("supporter", "not-a-uuid")]  # an unknown id still reads as something


def test_people_never_imports_the_apps_built_on_it() -> None:
    """Consent and plans build on people; people must not reach up to them."""
    reaching_up = []
    for path in PEOPLE_SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith(("ourplan.consent", "ourplan.plans")):
                    reaching_up.append(f"{path.name}: {name}")
    assert reaching_up == []
