"""Clinicians and peer support workers add to plans within the organisation's rules: authored,
audited, and shown to the person like anything else."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ourplan.accounts.models import Role
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.people.models import Profession
from ourplan.plans import services
from ourplan.plans.models import GoalStep, NoticeKind, PlanNotice, StaffContributionRules, Strength
from tests.factories import make_staff
from tests.plans.submitted import keyed


@pytest.fixture
def plan(standing: Any) -> Any:
    return services.plan_start(actor=standing.coordinator, person=standing.person)


@pytest.fixture
def peer(standing: Any) -> Any:
    return make_staff(
        "peer",
        Role.PEER_SUPPORT_WORKER,
        standing.organisation,
        standing.team,
        Profession.PEER_SUPPORT,
    )


def test_a_clinician_adds_a_step_they_do_and_a_strength_and_the_person_sees_who(
    standing: Any, plan: Any, client_for: Any
) -> None:
    area = services.life_areas_for(standing.organisation).first()
    goal = services.goal_add(
        actor=standing.person_user, plan=plan, text="Sleep better", life_area=area
    )
    clinician = client_for(standing.clinician)
    step_url = reverse("plans:step_new", args=[standing.person.pk, goal.pk])
    assert "A step you will do" in clinician.get(step_url).content.decode()
    assert clinician.post(step_url, keyed({"text": "Review the evening tablet"})).status_code == 302
    step = GoalStep.objects.get()
    assert (step.owner, step.owner_user) == ("team_member", standing.clinician)
    clinician.post(
        reverse("plans:strength_new", args=[standing.person.pk]),
        keyed({"kind": "skill", "text": "Keeps a sleep diary", "voice": "as_said"}),
    )
    assert Strength.objects.get().created_by == standing.clinician
    assert (
        AuditEntry.objects.filter(actor=standing.clinician, action=AuditAction.CREATE).count() == 2
    )
    kinds = set(PlanNotice.objects.filter(plan=plan).values_list("kind", flat=True))
    assert kinds == {NoticeKind.STAFF_ADDED, NoticeKind.WORDS_TO_CONFIRM}
    page = client_for(standing.person_user).get(
        reverse("plans:goal", args=[standing.person.pk, goal.pk])
    )
    text = page.content.decode()
    assert "Review the evening tablet" in text and "Clinician Tester" in text
    assert "Written by Clinician Tester, clinician" in text
    # A clinician still cannot rewrite the plan itself.
    assert clinician.get(reverse("plans:goal_new", args=[standing.person.pk])).status_code == 403


def test_the_organisation_decides_and_nothing_is_added_against_its_rules(
    standing: Any, plan: Any, peer: Any, client_for: Any
) -> None:
    area = services.life_areas_for(standing.organisation).first()
    goal = services.goal_add(
        actor=standing.person_user, plan=plan, text="Sleep better", life_area=area
    )
    peer_client = client_for(peer)
    preferences = reverse("plans:treatment_preferences", args=[standing.person.pk])
    assert peer_client.get(preferences).status_code == 403  # off for peers by default
    assert (
        peer_client.get(reverse("plans:strength_new", args=[standing.person.pk])).status_code == 200
    )
    admin = client_for(standing.administrator)
    rules_url = reverse("plans:contribution_rules")
    assert admin.get(rules_url).status_code == 200
    saved = admin.post(
        rules_url,
        keyed({"clinician_strengths": "on", "peer_treatment_preferences": "on"}),
    )
    assert saved.status_code == 302
    rules = StaffContributionRules.objects.get(organisation=standing.organisation)
    assert rules.peer_treatment_preferences and not rules.clinician_steps and not rules.peer_steps
    assert peer_client.get(preferences).status_code == 200
    before = GoalStep.objects.count()
    refused = client_for(standing.clinician).post(
        reverse("plans:step_new", args=[standing.person.pk, goal.pk]), keyed({"text": "Nope"})
    )
    assert refused.status_code == 403 and GoalStep.objects.count() == before
    assert client_for(standing.coordinator).get(rules_url).status_code == 403
    peer_client.post(
        preferences,
        {
            "revision": plan.about_me.revision,
            "medication_preferences": "Tablets at night",
            "therapy_preferences": "",
        },
    )
    plan.about_me.refresh_from_db()
    assert plan.about_me.medication_preferences == "Tablets at night"
    assert AuditEntry.objects.filter(
        actor=peer, action=AuditAction.UPDATE, object_type="about_me"
    ).exists()
