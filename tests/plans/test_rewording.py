"""Strengths and steps can be reworded in the room, without anyone's changes being lost."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from ourplan.core.models import AuditAction, AuditEntry
from ourplan.plans import services
from ourplan.plans.models import Goal, GoalStep, Strength


@pytest.fixture
def plan(standing: Any) -> Any:
    return services.plan_start(actor=standing.coordinator, person=standing.person)


@pytest.fixture
def goal(standing: Any, plan: Any) -> Goal:
    area = services.life_areas_for(standing.organisation).get(code="physical_health")
    return services.goal_add(
        actor=standing.person_user, plan=plan, text="Swim twice a week", life_area=area
    )


@pytest.fixture
def strength(standing: Any, plan: Any) -> Strength:
    return services.strength_add(
        actor=standing.person_user, plan=plan, kind="quality", text="I keep going"
    )


@pytest.fixture
def step(standing: Any, goal: Goal) -> GoalStep:
    return services.step_add(actor=standing.person_user, goal=goal, text="Buy goggles", owner="me")


def _strength_url(standing: Any, strength: Strength) -> str:
    return reverse("plans:strength_edit", args=[standing.person.pk, strength.pk])


def _step_url(standing: Any, step: GoalStep) -> str:
    return reverse("plans:step_edit", args=[standing.person.pk, step.pk])


def _strength_form(strength: Strength, shown: list[Goal], **fields: Any) -> dict[str, Any]:
    return {
        "revision": strength.revision,
        "text": strength.text,
        "kind": strength.kind,
        "goals_shown": [g.pk for g in shown],
        **fields,
    }


def _step_form(step: GoalStep, **fields: Any) -> dict[str, Any]:
    return {"revision": step.revision, "text": step.text, "owner": step.owner, **fields}


def _updates(standing: Any, object_type: str) -> int:
    return AuditEntry.objects.filter(
        person=standing.person, action=AuditAction.UPDATE, object_type=object_type
    ).count()


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_the_person_rewords_a_strength_changes_its_kind_and_links_it_to_a_goal(
    standing: Any, strength: Strength, goal: Goal, client_for: Any
) -> None:
    client = client_for(standing.person_user)
    url = _strength_url(standing, strength)
    opened = client.get(url)
    assert opened.status_code == 200
    assert AuditEntry.objects.filter(
        action=AuditAction.READ, object_type="strength", object_id=str(strength.pk)
    ).exists()
    saved = client.post(
        url,
        _strength_form(
            strength, [goal], text="I keep going when it is hard", kind="skill", goals=[goal.pk]
        ),
    )
    assert saved.status_code == 302
    strength.refresh_from_db()
    assert strength.text == "I keep going when it is hard"
    assert strength.kind == "skill"
    assert strength.revision == 2
    assert strength.updated_by == standing.person_user
    assert list(strength.goals.all()) == [goal]
    assert strength.archived_at is None
    entry = AuditEntry.objects.get(
        action=AuditAction.UPDATE, object_type="strength", object_id=str(strength.pk)
    )
    assert entry.actor == standing.person_user and entry.person == standing.person
    history = list(strength.history.order_by("history_date"))
    assert [h.text for h in history] == ["I keep going", "I keep going when it is hard"]
    assert history[-1].history_user == standing.person_user
    # The new link is in the goal's own history, with who made it.
    link_change = goal.history.order_by("-history_date").first()
    assert link_change is not None
    assert link_change.history_type == "~" and link_change.history_user == standing.person_user
    assert [s.strength_id for s in link_change.strengths.all()] == [strength.pk]


def test_a_strength_can_be_unlinked_from_a_goal(
    standing: Any, plan: Any, goal: Goal, client_for: Any
) -> None:
    strength = services.strength_add(
        actor=standing.coordinator, plan=plan, kind="person", text="My sister"
    )
    goal.strengths.add(strength)
    response = client_for(standing.coordinator).post(
        _strength_url(standing, strength), _strength_form(strength, [goal])
    )
    assert response.status_code == 302
    assert not strength.goals.exists()


def test_a_coordinator_rewords_a_step_and_gives_it_to_a_named_supporter_by_a_new_date(
    standing: Any, step: GoalStep, client_for: Any
) -> None:
    client = client_for(standing.coordinator)
    url = _step_url(standing, step)
    assert client.get(url).status_code == 200
    due = timezone.localdate() + timedelta(days=14)
    saved = client.post(
        url,
        _step_form(
            step,
            text="Buy goggles at the market",
            owner="supporter",
            supporter=standing.supporter_record.pk,
            due_on=due.isoformat(),
        ),
    )
    assert saved.status_code == 302
    assert saved["Location"] == reverse("plans:goal", args=[standing.person.pk, step.goal_id])
    step.refresh_from_db()
    assert step.text == "Buy goggles at the market"
    assert step.owner == "supporter" and step.supporter == standing.supporter_record
    assert step.due_on == due
    assert step.revision == 2 and step.updated_by == standing.coordinator
    assert _updates(standing, "goal_step") == 1
    assert [h.text for h in step.history.order_by("history_date")] == [
        "Buy goggles",
        "Buy goggles at the market",
    ]
    assert AuditEntry.objects.filter(
        action=AuditAction.READ, object_type="goal_step", object_id=str(step.pk)
    ).exists()


def test_changing_a_step_to_another_service_keeps_only_the_service(
    standing: Any, goal: Goal
) -> None:
    step = services.step_add(
        actor=standing.coordinator,
        goal=goal,
        text="Lift to the pool",
        owner="supporter",
        supporter=standing.supporter_record,
    )
    services.step_update(
        actor=standing.coordinator,
        step=step,
        revision=step.revision,
        text="Lift to the pool",
        owner="service",
        supporter=standing.supporter_record,
        service=" Community transport ",
    )
    step.refresh_from_db()
    assert step.owner == "service" and step.service == "Community transport"
    assert step.supporter is None


def test_change_links_show_beside_each_strength_and_step_for_the_people_who_can_edit(
    standing: Any, strength: Strength, step: GoalStep, client_for: Any
) -> None:
    plan_url = reverse("plans:plan", args=[standing.person.pk])
    goal_url = reverse("plans:goal", args=[standing.person.pk, step.goal_id])
    editor = client_for(standing.person_user)
    assert f'href="{_strength_url(standing, strength)}"' in editor.get(plan_url).content.decode()
    assert f'href="{_step_url(standing, step)}"' in editor.get(goal_url).content.decode()
    viewer = client_for(standing.clinician)
    assert (
        f'href="{_strength_url(standing, strength)}"' not in viewer.get(plan_url).content.decode()
    )
    assert f'href="{_step_url(standing, step)}"' not in viewer.get(goal_url).content.decode()


def test_a_person_cannot_open_or_change_someone_elses_strength_or_step(
    standing: Any, strength: Strength, step: GoalStep, client_for: Any
) -> None:
    other = client_for(standing.other_person_user)
    assert other.get(_strength_url(standing, strength)).status_code == 403
    assert other.get(_step_url(standing, step)).status_code == 403
    hijack_strength = other.post(
        _strength_url(standing, strength), _strength_form(strength, [], text="hijack")
    )
    hijack_step = other.post(_step_url(standing, step), _step_form(step, text="hijack"))
    assert hijack_strength.status_code == 403 and hijack_step.status_code == 403
    strength.refresh_from_db()
    step.refresh_from_db()
    assert strength.text == "I keep going" and strength.revision == 1
    assert step.text == "Buy goggles" and step.revision == 1
    assert AuditEntry.objects.filter(
        actor=standing.other_person_user, action=AuditAction.DENIED
    ).exists()


def test_a_strength_or_step_from_another_plan_cannot_be_reached_through_your_own_plan(
    standing: Any, plan: Any, client_for: Any
) -> None:
    other_plan = services.plan_start(
        actor=standing.other_team_coordinator, person=standing.other_person
    )
    area = services.life_areas_for(standing.organisation).first()
    other_goal = services.goal_add(
        actor=standing.other_team_coordinator, plan=other_plan, text="Theirs", life_area=area
    )
    other_strength = services.strength_add(
        actor=standing.other_team_coordinator, plan=other_plan, kind="skill", text="Theirs"
    )
    other_step = services.step_add(
        actor=standing.other_team_coordinator, goal=other_goal, text="Theirs", owner="me"
    )
    client = client_for(standing.person_user)
    strength_url = reverse("plans:strength_edit", args=[standing.person.pk, other_strength.pk])
    step_url = reverse("plans:step_edit", args=[standing.person.pk, other_step.pk])
    assert client.get(strength_url).status_code == 403
    assert client.get(step_url).status_code == 403
    assert client.post(strength_url, _strength_form(other_strength, [], text="x")).status_code == (
        403
    )
    assert client.post(step_url, _step_form(other_step, text="x")).status_code == 403
    other_strength.refresh_from_db()
    other_step.refresh_from_db()
    assert other_strength.text == "Theirs" and other_step.text == "Theirs"


def test_a_stale_strength_save_changes_nothing_keeps_the_users_text_and_shows_the_other_change(
    standing: Any, strength: Strength, goal: Goal, client_for: Any
) -> None:
    url = _strength_url(standing, strength)
    person = client_for(standing.person_user)
    coordinator = client_for(standing.coordinator)
    first = person.post(
        url, _strength_form(strength, [goal], text="I never give up", goals=[goal.pk])
    )
    assert first.status_code == 302
    stale = coordinator.post(url, _strength_form(strength, [goal], text="Determined", kind="skill"))
    assert stale.status_code == 409
    page = _page(stale)
    assert "Someone else saved changes while you were writing" in page
    assert "I never give up" in page  # what the other person saved, shown
    theirs = {row["label"]: row["theirs"] for row in stale.context["conflict"]}
    assert theirs == {
        "The strength": "I never give up",
        "Kind of strength": "A quality I have",
        "Goals this strength helps with": "Swim twice a week",
    }
    assert 'value="Determined"' in page  # the coordinator's own text, kept in the form
    strength.refresh_from_db()
    assert strength.text == "I never give up" and strength.kind == "quality"
    assert strength.revision == 2 and list(strength.goals.all()) == [goal]
    assert strength.history.count() == 2
    assert _updates(standing, "strength") == 1
    merged = coordinator.post(
        url,
        _strength_form(
            strength,
            [goal],
            revision=stale.context["form"].data["revision"],
            text="I never give up; determined",
            kind="skill",
            goals=[goal.pk],
        ),
    )
    assert merged.status_code == 302
    strength.refresh_from_db()
    assert strength.text == "I never give up; determined" and strength.kind == "skill"
    assert strength.updated_by == standing.coordinator
    assert list(strength.goals.all()) == [goal]


def test_a_stale_step_save_changes_nothing_keeps_the_users_text_and_shows_the_other_change(
    standing: Any, step: GoalStep, client_for: Any
) -> None:
    url = _step_url(standing, step)
    first = client_for(standing.person_user).post(
        url,
        _step_form(
            step,
            text="Buy goggles with Mo",
            owner="supporter",
            supporter=standing.supporter_record.pk,
        ),
    )
    assert first.status_code == 302
    stale = client_for(standing.coordinator).post(
        url, _step_form(step, text="Borrow goggles", owner="coordinator")
    )
    assert stale.status_code == 409
    page = _page(stale)
    assert "Someone else saved changes while you were writing" in page
    assert "Buy goggles with Mo" in page
    theirs = {row["label"]: row["theirs"] for row in stale.context["conflict"]}
    assert theirs == {
        "Step": "Buy goggles with Mo",
        "Who does it": "Someone who supports me",  # in words, not the stored code
        "Which supporter": "Mo Example",
    }
    assert 'value="Borrow goggles"' in page
    step.refresh_from_db()
    assert step.text == "Buy goggles with Mo" and step.owner == "supporter"
    assert step.revision == 2 and step.history.count() == 2
    assert _updates(standing, "goal_step") == 1
    assert stale.context["form"].data["revision"] == "2"


def test_empty_or_over_long_strength_text_is_refused_clearly_and_nothing_is_written(
    standing: Any, strength: Strength, client_for: Any
) -> None:
    client = client_for(standing.person_user)
    url = _strength_url(standing, strength)
    empty = client.post(url, _strength_form(strength, [], text="   "))
    assert empty.status_code == 200 and "Write the strength." in _page(empty)
    too_long = client.post(url, _strength_form(strength, [], text="x" * 501))
    assert too_long.status_code == 200
    assert "at most 500 characters" in _page(too_long)
    strength.refresh_from_db()
    assert strength.text == "I keep going" and strength.revision == 1
    assert strength.history.count() == 1
    assert _updates(standing, "strength") == 0


def test_a_changed_step_with_no_owner_or_no_words_is_refused_clearly_and_nothing_is_written(
    standing: Any, step: GoalStep, client_for: Any
) -> None:
    client = client_for(standing.person_user)
    url = _step_url(standing, step)
    refusals = {
        "Choose who does this step.": _step_form(step, owner=""),
        "Choose which supporter does this step.": _step_form(step, owner="supporter"),
        "Say which service does this step.": _step_form(step, owner="service", service=" "),
        "Write what the step is.": _step_form(step, text=""),
        "at most 500 characters": _step_form(step, text="x" * 501),
    }
    for message, form in refusals.items():
        response = client.post(url, form)
        assert response.status_code == 200
        assert message in _page(response)
    step.refresh_from_db()
    assert step.text == "Buy goggles" and step.owner == "me" and step.revision == 1
    assert step.history.count() == 1
    assert _updates(standing, "goal_step") == 0


def test_the_services_refuse_bad_changes_before_anything_is_half_saved(
    standing: Any, strength: Strength, step: GoalStep
) -> None:
    with pytest.raises(ValidationError):
        services.step_update(
            actor=standing.coordinator, step=step, revision=1, text="Buy goggles", owner=""
        )
    with pytest.raises(ValidationError):
        services.step_update(
            actor=standing.coordinator, step=step, revision=1, text="x" * 501, owner="me"
        )
    with pytest.raises(ValidationError):
        services.strength_update(
            actor=standing.coordinator,
            strength=strength,
            revision=1,
            text="x" * 501,
            kind="quality",
            set_aside=False,
            goals=[],
        )
    step.refresh_from_db()
    strength.refresh_from_db()
    # The over-long saves got as far as claiming the next revision; that was rolled back too.
    assert step.revision == 1 and step.text == "Buy goggles"
    assert strength.revision == 1 and strength.text == "I keep going"
    assert _updates(standing, "goal_step") == 0 and _updates(standing, "strength") == 0


def test_a_step_cannot_be_given_to_another_persons_supporter(standing: Any, step: GoalStep) -> None:
    from ourplan.people.models import Supporter

    stranger = Supporter.objects.create(
        person=standing.other_person, given_name="Zed", kind="friend", relationship="friend"
    )
    with pytest.raises(ValidationError):
        services.step_update(
            actor=standing.coordinator,
            step=step,
            revision=step.revision,
            text="Buy goggles",
            owner="supporter",
            supporter=stranger,
        )
    step.refresh_from_db()
    assert step.owner == "me" and step.supporter is None


def test_a_strength_cannot_be_linked_to_a_goal_in_another_plan(
    standing: Any, strength: Strength, client_for: Any
) -> None:
    other_plan = services.plan_start(
        actor=standing.other_team_coordinator, person=standing.other_person
    )
    area = services.life_areas_for(standing.organisation).first()
    other_goal = services.goal_add(
        actor=standing.other_team_coordinator, plan=other_plan, text="Theirs", life_area=area
    )
    response = client_for(standing.person_user).post(
        _strength_url(standing, strength),
        _strength_form(strength, [other_goal], goals=[other_goal.pk]),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in _page(response)
    with pytest.raises(ValidationError):
        services.strength_update(
            actor=standing.person_user,
            strength=strength,
            revision=strength.revision,
            text="I keep going",
            kind="quality",
            set_aside=False,
            goals=[other_goal],
        )
    assert not other_goal.strengths.exists()
    strength.refresh_from_db()
    assert strength.revision == 1


def test_a_goal_linked_by_someone_else_while_the_form_was_open_keeps_its_link(
    standing: Any, plan: Any, strength: Strength, goal: Goal, client_for: Any
) -> None:
    client = client_for(standing.person_user)
    url = _strength_url(standing, strength)
    opened = client.get(url)
    shown = [g.pk for g in opened.context["form"].initial["goals_shown"]]
    assert shown == [goal.pk]
    area = services.life_areas_for(standing.organisation).first()
    newer = services.goal_add(
        actor=standing.coordinator,
        plan=plan,
        text="Cook for friends",
        life_area=area,
        strengths=[strength],
    )
    saved = client.post(
        url, {**_strength_form(strength, [goal], text="I keep at it"), "goals_shown": shown}
    )
    assert saved.status_code == 302
    strength.refresh_from_db()
    assert strength.text == "I keep at it"
    assert list(strength.goals.all()) == [newer]


def test_a_strength_set_aside_is_kept_shown_apart_and_can_be_brought_back(
    standing: Any, plan: Any, strength: Strength, goal: Goal, client_for: Any
) -> None:
    client = client_for(standing.person_user)
    url = _strength_url(standing, strength)
    plan_url = reverse("plans:plan", args=[standing.person.pk])
    set_aside = client.post(url, _strength_form(strength, [goal], set_aside="on"))
    assert set_aside.status_code == 302
    strength.refresh_from_db()
    assert strength.archived_at is not None and strength.revision == 2
    first_set_aside_at = strength.archived_at
    page = client.get(plan_url)
    assert [s.pk for s in page.context["strengths"]] == []
    assert [s.pk for s in page.context["set_aside_strengths"]] == [strength.pk]
    assert 'data-testid="set-aside-strengths"' in page.content.decode()
    assert "Change or bring back" in page.content.decode()
    # A set-aside strength is not offered for new goals, and it is not in a new signed version.
    goal_form = client.get(reverse("plans:goal_new", args=[standing.person.pk]))
    assert strength.pk not in [s.pk for s in goal_form.context["form"].fields["strengths"].queryset]
    version = services.version_create(actor=standing.coordinator, plan=plan)
    assert version.snapshot["strengths"] == []
    # Saving again while it stays set aside keeps the day it was first set aside.
    strength.refresh_from_db()
    client.post(url, _strength_form(strength, [goal], text="I keep going!", set_aside="on"))
    strength.refresh_from_db()
    assert strength.archived_at == first_set_aside_at and strength.revision == 3
    brought_back = client.post(url, _strength_form(strength, [goal]))
    assert brought_back.status_code == 302
    strength.refresh_from_db()
    assert strength.archived_at is None and strength.revision == 4
    page = client.get(plan_url)
    assert [s.pk for s in page.context["strengths"]] == [strength.pk]
    assert page.context["set_aside_strengths"] == []
    assert [h.archived_at is None for h in strength.history.order_by("history_date")] == [
        True,
        False,
        False,
        True,
    ]
    assert _updates(standing, "strength") == 3
    with pytest.raises(ProtectedError):
        strength.delete()


def test_a_step_for_a_supporter_who_has_since_stopped_can_still_be_reworded(
    standing: Any, goal: Goal, client_for: Any
) -> None:
    step = services.step_add(
        actor=standing.coordinator,
        goal=goal,
        text="Lift to the pool",
        owner="supporter",
        supporter=standing.supporter_record,
    )
    standing.supporter_record.ended_at = timezone.now()
    standing.supporter_record.save()
    response = client_for(standing.coordinator).post(
        _step_url(standing, step),
        _step_form(
            step,
            text="Lift to the pool on Fridays",
            supporter=standing.supporter_record.pk,
            due_on=date(2030, 1, 1).isoformat(),
        ),
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.text == "Lift to the pool on Fridays"
    assert step.supporter == standing.supporter_record
