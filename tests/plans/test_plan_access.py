"""Every plan page is reached one way: refused alike when missing, forbidden or in another plan; read once when allowed."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ourplan.core import record_words
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.plans import extensions as plan_extensions
from ourplan.plans import services
from ourplan.plans import urls as plans_urls
from ourplan.plans.models import AboutMe, Goal, GoalStep, SafetyItem, Strength
from tests.plans.plans_permissions import PLANS_MATRIX, PLANS_READS, plans_url_kwargs

PLANS_SOURCE = Path(__file__).resolve().parents[2] / "src" / "ourplan" / "plans"


@pytest.fixture
def extras(standing: Any) -> dict[str, Any]:
    return plans_url_kwargs(standing)


def _kwargs(name: str, standing: Any, extras: dict[str, Any]) -> dict[str, Any]:
    """The URL's parameters: the standing person, and the objects plans_url_kwargs made."""
    (pattern,) = [p for p in plans_urls.urlpatterns if f"plans:{p.name}" == name]
    converters = getattr(pattern.pattern, "converters", {})
    return {key: standing.person.pk if key == "person_id" else extras[key] for key in converters}


def _reads_of(standing: Any) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(action=AuditAction.READ, person=standing.person)
        .order_by("pk")
        .values_list("object_type", "object_id")
    )


def _allowed_get_roles(name: str) -> list[str]:
    return sorted(PLANS_MATRIX[name].get("GET", set()))


def test_every_plans_url_has_a_read_spec() -> None:
    assert set(PLANS_READS) == set(PLANS_MATRIX)


def test_every_allowed_get_of_every_plans_page_writes_exactly_its_read_entries(
    standing: Any, extras: dict[str, Any], client_for: Any
) -> None:
    users = standing.users()
    wrong: list[str] = []
    for name, spec in PLANS_READS.items():
        url = reverse(name, kwargs=_kwargs(name, standing, extras))
        for role in _allowed_get_roles(name):
            before = len(_reads_of(standing))
            response = client_for(users[role]).get(url)
            assert response.status_code in (200, 302), f"{name} as {role}: {response.status_code}"
            written = _reads_of(standing)[before:]
            expected = [] if isinstance(spec, str) else spec(standing, extras, role)
            if written != expected:
                wrong.append(f"GET {name} as {role}: wrote {written}, expected {expected}")
    assert wrong == []


@pytest.mark.parametrize(
    ("name", "object_type", "key"),
    [
        ("plans:safety_edit", "safety_item", "item_id"),
        ("plans:goal_new", "plan", "plan_id"),
        ("plans:step_new", "goal", "goal_id"),
        ("plans:strength_new", "plan", "plan_id"),
        ("plans:safety_new", "plan", "plan_id"),
    ],
)
def test_the_pages_that_were_read_unseen_now_write_their_read_entry(
    standing: Any, extras: dict[str, Any], client_for: Any, name: str, object_type: str, key: str
) -> None:
    response = client_for(standing.coordinator).get(
        reverse(name, kwargs=_kwargs(name, standing, extras))
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.READ, person=standing.person)
    assert (entry.object_type, entry.object_id) == (object_type, str(extras[key]))
    assert entry.actor == standing.coordinator


@pytest.fixture
def other_plan_objects(standing: Any) -> dict[str, Any]:
    """A goal, step, strength and safety item in the other person's plan."""
    plan = services.plan_start(actor=standing.other_team_coordinator, person=standing.other_person)
    area = services.life_areas_for(standing.organisation).first()
    goal = services.goal_add(
        actor=standing.other_team_coordinator, plan=plan, text="Theirs", life_area=area
    )
    return {
        "goal_id": goal.pk,
        "step_id": services.step_add(
            actor=standing.other_team_coordinator, goal=goal, text="Theirs", owner="me"
        ).pk,
        "strength_id": services.strength_add(
            actor=standing.other_team_coordinator, plan=plan, kind="skill", text="Theirs"
        ).pk,
        "item_id": services.safety_item_add(
            actor=standing.other_team_coordinator,
            plan=plan,
            kind="concern",
            description="Theirs",
            person_view="Theirs",
            review_on=timezone.localdate() + timedelta(days=30),
        ).pk,
    }


ANOTHER_PLANS_OBJECT = [
    ("GET", "plans:goal", "goal_id"),
    ("GET", "plans:goal_edit", "goal_id"),
    ("POST", "plans:goal_edit", "goal_id"),
    ("GET", "plans:step_new", "goal_id"),
    ("POST", "plans:step_new", "goal_id"),
    ("POST", "plans:goal_rate", "goal_id"),
    ("POST", "plans:goal_achieve", "goal_id"),
    ("GET", "plans:step_edit", "step_id"),
    ("POST", "plans:step_edit", "step_id"),
    ("POST", "plans:step_status", "step_id"),
    ("GET", "plans:strength_edit", "strength_id"),
    ("POST", "plans:strength_edit", "strength_id"),
    ("GET", "plans:safety_edit", "item_id"),
    ("POST", "plans:safety_edit", "item_id"),
]


@pytest.mark.parametrize(("method", "name", "key"), ANOTHER_PLANS_OBJECT)
def test_an_object_of_another_persons_plan_is_refused_through_this_persons_url(
    standing: Any,
    other_plan_objects: dict[str, Any],
    client_for: Any,
    method: str,
    name: str,
    key: str,
) -> None:
    """The person's own editor, at the person's own URL, naming a record in someone else's plan."""
    services.plan_start(actor=standing.coordinator, person=standing.person)
    url = reverse(name, kwargs={"person_id": standing.person.pk, key: other_plan_objects[key]})
    client = client_for(standing.coordinator)
    before = AuditEntry.objects.count()
    form = {"revision": 1, "text": "hijack", "score": 5, "status": "done", "owner": "me"}
    response = client.get(url) if method == "GET" else client.post(url, form)
    assert response.status_code == 403
    written = list(AuditEntry.objects.order_by("pk")[before:])
    # One entry, the refusal: nothing of either plan is read or changed.
    assert [(e.action, e.actor) for e in written] == [(AuditAction.DENIED, standing.coordinator)]
    assert not GoalStep.objects.filter(text="hijack").exists()
    assert not Strength.objects.filter(text="hijack").exists()
    assert not Goal.objects.filter(text="hijack").exists()


def _without_url_and_token(response: Any, goal_id: int) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return page.replace(f"/goals/{goal_id}/", "/goals/ID/")


def test_a_missing_record_and_a_forbidden_one_are_refused_alike(
    standing: Any, extras: dict[str, Any], client_for: Any
) -> None:
    stranger = client_for(standing.other_team_coordinator)
    forbidden = stranger.get(reverse("plans:goal", args=[standing.person.pk, extras["goal_id"]]))
    missing = stranger.get(reverse("plans:goal", args=[standing.person.pk, 999999]))
    assert forbidden.status_code == missing.status_code == 403
    # Nothing says whether the goal exists: the pages differ only in the URL and the CSRF token.
    assert _without_url_and_token(forbidden, extras["goal_id"]) == _without_url_and_token(
        missing, 999999
    )
    coordinator = client_for(standing.coordinator)
    missing_version = coordinator.get(reverse("plans:version", args=[standing.person.pk, 99]))
    assert missing_version.status_code == 403
    assert AuditEntry.objects.filter(action=AuditAction.DENIED).count() == 3


def test_a_person_with_no_plan_yet_is_refused_every_plan_part_but_the_plan_page(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.coordinator)
    assert client.get(reverse("plans:about_me", args=[standing.person.pk])).status_code == 403
    home = client.get(reverse("plans:plan", args=[standing.person.pk]))
    assert home.status_code == 200 and home.context["can_start"]
    entry = AuditEntry.objects.get(action=AuditAction.READ)
    assert (entry.object_type, entry.object_id) == ("person", str(standing.person.pk))


def test_comparing_two_versions_is_one_read_naming_both(
    standing: Any, extras: dict[str, Any], client_for: Any
) -> None:
    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    second = services.version_create(actor=standing.coordinator, plan=plan)
    response = client_for(standing.clinician).get(
        reverse("plans:version_compare", args=[standing.person.pk]), {"older": 1, "newer": 2}
    )
    assert response.status_code == 200
    comparison = f"{extras['version_id']}:{second.pk}"
    assert _reads_of(standing) == [("plan_version_comparison", comparison)]
    words = record_words.describe_objects([("plan_version_comparison", comparison)])
    assert words[("plan_version_comparison", comparison)] == "Versions 1 and 2, compared"


def test_a_pdf_is_read_once_and_exported_once(
    standing: Any, extras: dict[str, Any], client_for: Any
) -> None:
    response = client_for(standing.person_user).get(
        reverse("plans:statutory_pdf", args=[standing.person.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    entries = AuditEntry.objects.filter(person=standing.person, actor=standing.person_user)
    assert sorted(entries.values_list("action", "object_type", "object_id")) == [
        ("export", "statutory_document", str(extras["plan_id"])),
        ("read", "statutory_document", str(extras["plan_id"])),
    ]


# -- One conflict helper for every edit ---------------------------------------------------


def _other_saves(standing: Any, kind: str, extras: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Someone else saves the record first; returns it and a stale form from revision 1."""
    person = standing.person_user
    if kind == "about_me":
        part = AboutMe.objects.get(pk=extras["about_me_id"])
        services.save_part(
            actor=person,
            part=part,
            fields={"what_matters": "My dog"},
            revision=1,
            person=standing.person,
        )
        return part, {"revision": 1, "what_matters": "My job"}
    if kind == "goal":
        area = services.life_areas_for(standing.organisation).first()
        part = Goal.objects.get(pk=extras["goal_id"])
        services.save_part(
            actor=person,
            part=part,
            fields={"text": "My dog"},
            revision=1,
            person=standing.person,
        )
        return part, {"revision": 1, "text": "My job", "life_area": area.pk}
    if kind == "strength":
        part = Strength.objects.get(pk=extras["strength_id"])
        services.strength_update(
            actor=person,
            strength=part,
            revision=1,
            text="My dog",
            kind="skill",
            set_aside=False,
            goals=[],
        )
        return part, {"revision": 1, "text": "My job", "kind": "skill"}
    if kind == "step":
        part = GoalStep.objects.get(pk=extras["step_id"])
        services.step_update(actor=person, step=part, revision=1, text="My dog", owner="me")
        return part, {"revision": 1, "text": "My job", "owner": "me"}
    part = SafetyItem.objects.get(pk=extras["item_id"])
    services.safety_item_update(
        actor=person, item=part, fields={"description": "My dog"}, revision=1
    )
    return part, {
        "revision": 1,
        "kind": "concern",
        "description": "My job",
        "person_view": part.person_view,
        "review_on": part.review_on.isoformat(),
    }


EDITS = [
    ("about_me", "plans:about_me", {}, "what_matters"),
    ("goal", "plans:goal_edit", {"goal_id": "goal_id"}, "text"),
    ("strength", "plans:strength_edit", {"strength_id": "strength_id"}, "text"),
    ("step", "plans:step_edit", {"step_id": "step_id"}, "text"),
    ("safety item", "plans:safety_edit", {"item_id": "item_id"}, "description"),
]


@pytest.mark.parametrize(("kind", "name", "params", "field"), EDITS)
def test_every_kind_of_edit_refuses_a_stale_save_with_409_showing_theirs_and_keeping_mine(
    standing: Any,
    extras: dict[str, Any],
    client_for: Any,
    kind: str,
    name: str,
    params: dict[str, str],
    field: str,
) -> None:
    url = reverse(
        name,
        kwargs={"person_id": standing.person.pk} | {k: extras[v] for k, v in params.items()},
    )
    part, stale_form = _other_saves(standing, kind, extras)
    coordinator = client_for(standing.coordinator)
    stale = coordinator.post(url, stale_form)
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Someone else saved changes while you were writing" in page
    theirs = [row["theirs"] for row in stale.context["conflict"]]
    assert "My dog" in theirs  # what the other person saved, shown
    assert "My job" in page  # the user's own text, kept in the form
    assert stale.context["form"].data[field] == "My job"
    assert stale.context["form"].data["revision"] == "2"  # the next save builds on theirs
    part.refresh_from_db()
    assert getattr(part, field) == "My dog" and part.revision == 2
    # Saving again from the new revision goes through.
    merged = coordinator.post(url, stale_form | {"revision": 2, field: "My dog and my job"})
    assert merged.status_code == 302
    part.refresh_from_db()
    assert getattr(part, field) == "My dog and my job" and part.revision == 3


# -- Words for the person's access log; layers ----------------------------------------------


def test_every_object_type_plans_audits_has_words(
    standing: Any, extras: dict[str, Any], client_for: Any
) -> None:
    for name in PLANS_READS:
        if "GET" in PLANS_MATRIX[name]:
            client_for(standing.coordinator).get(
                reverse(name, kwargs=_kwargs(name, standing, extras))
            )
    types = set(
        AuditEntry.objects.filter(person=standing.person).values_list("object_type", flat=True)
    )
    assert {"plan", "goal", "goal_step", "strength", "safety_item", "plan_version"} <= types
    assert [t for t in sorted(types - {"person"}) if not record_words.is_registered(t)] == []
    words = record_words.describe_objects(
        [
            ("goal", str(extras["goal_id"])),
            ("goal_step", str(extras["step_id"])),
            ("strength", str(extras["strength_id"])),
            ("plan_version", str(extras["version_id"])),
            ("crisis_plan", str(extras["crisis_plan_id"])),
            ("statutory_document", str(extras["plan_id"])),
        ]
    )
    assert words[("goal", str(extras["goal_id"]))] == "Goal: ‘Walk to the park’"
    assert words[("goal_step", str(extras["step_id"]))] == "Step: ‘Buy boots’"
    assert words[("strength", str(extras["strength_id"]))] == "Strength: ‘Good with maps’"
    assert words[("plan_version", str(extras["version_id"]))] == "Version 1"
    assert words[("crisis_plan", str(extras["crisis_plan_id"]))] == "Crisis plan"
    assert (
        words[("statutory_document", str(extras["plan_id"]))]
        == "Personalised care and support plan document"
    )


def test_the_review_page_shows_what_apps_above_plans_register(
    standing: Any, extras: dict[str, Any], client_for: Any
) -> None:
    from django.utils.html import format_html

    def prompt(request: Any, person: Any) -> str:
        return format_html('<p data-testid="registered-prompt">{}</p>', person.called)

    def plain(request: Any, person: Any) -> str:
        return "<b>escaped</b>"

    plan_extensions.register_review_prompt(prompt)
    plan_extensions.register_review_prompt(plain)
    try:
        page = client_for(standing.coordinator).get(
            reverse("plans:review", args=[standing.person.pk])
        )
    finally:
        plan_extensions._pieces["review"].remove(prompt)
        plan_extensions._pieces["review"].remove(plain)
    text = page.content.decode()
    assert f'<p data-testid="registered-prompt">{standing.person.called}</p>' in text
    assert "&lt;b&gt;escaped&lt;/b&gt;" in text


def test_the_plan_page_shows_the_sections_apps_above_plans_register(
    standing: Any, client_for: Any
) -> None:
    from django.utils.html import format_html

    from ourplan.plans import services

    def section(request: Any, person: Any) -> str:
        return format_html('<p data-testid="registered-section">{}</p>', person.called)

    services.plan_start(actor=standing.coordinator, person=standing.person)
    plan_extensions.register_plan_section(section)
    try:
        page = client_for(standing.coordinator).get(
            reverse("plans:plan", args=[standing.person.pk])
        )
    finally:
        plan_extensions._pieces["plan"].remove(section)
    assert (
        f'<p data-testid="registered-section">{standing.person.called}</p>' in page.content.decode()
    )


def test_plans_imports_nothing_from_the_apps_above_it() -> None:
    above = (
        "ourplan.consent",
        "ourplan.studies",
        "ourplan.research",
        "ourplan.reports",
        "ourplan.site",
    )
    found = []
    for path in PLANS_SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [f"{path.name}: {n}" for n in names if n.startswith(above)]
    assert found == []
