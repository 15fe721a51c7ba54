"""The living plan: written together, never silently overwritten, frozen when signed, output generated."""

from __future__ import annotations

import html
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from ourplan.core.models import AuditAction, AuditEntry
from ourplan.people.models import Country
from ourplan.plans import services
from ourplan.plans.life_areas import CTP_AREAS
from ourplan.plans.models import Goal, GoalStep, PlanVersion, Review, SafetyItem
from tests.plans.submitted import keyed


@pytest.fixture
def plan(standing: Any) -> Any:
    return services.plan_start(actor=standing.coordinator, person=standing.person)


@pytest.fixture
def area(standing: Any, plan: Any) -> Any:
    return services.life_areas_for(standing.organisation).get(code="physical_health")


def _goal(standing: Any, plan: Any, area: Any, text: str = "Swim twice a week") -> Goal:
    return services.goal_add(actor=standing.person_user, plan=plan, text=text, life_area=area)


def test_a_coordinator_starts_a_plan_with_its_parts_ready_to_write(
    standing: Any, client_for: Any
) -> None:
    response = client_for(standing.coordinator).post(
        reverse("plans:start", args=[standing.person.pk]), keyed()
    )
    assert response.status_code == 302
    plan = standing.person.plan
    assert plan.about_me.revision == 1 and plan.staying_well and plan.crisis
    assert AuditEntry.objects.filter(
        person=standing.person, action=AuditAction.CREATE, object_type="plan"
    ).exists()


def test_the_person_adds_a_goal_in_their_own_words_and_it_says_they_wrote_it(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    client = client_for(standing.person_user)
    response = client.post(
        reverse("plans:goal_new", args=[standing.person.pk]),
        keyed({"text": "Get back on my bike", "life_area": area.pk}),
    )
    assert response.status_code == 302
    goal = Goal.objects.get(plan=plan)
    wording = goal.plan.wordings.get(part_type="goal", part_id=goal.pk, is_current=True)
    assert wording.voice == "own" and wording.written_by == standing.person_user
    page = client.get(reverse("plans:plan", args=[standing.person.pk])).content.decode()
    assert "Get back on my bike" in page and "In your own words" in page


def test_an_empty_goal_is_refused_clearly_and_nothing_is_saved(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    response = client_for(standing.person_user).post(
        reverse("plans:goal_new", args=[standing.person.pk]),
        keyed({"text": "   ", "life_area": area.pk}),
    )
    assert response.status_code == 200
    assert (
        "This field is required" in response.content.decode()
        or "own words" in response.content.decode()
    )
    assert not Goal.objects.exists()


def test_text_over_the_limit_is_refused_and_nothing_is_saved(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    response = client_for(standing.person_user).post(
        reverse("plans:goal_new", args=[standing.person.pk]),
        keyed({"text": "x" * 501, "life_area": area.pk}),
    )
    assert "at most 500 characters" in html.unescape(response.content.decode())
    assert not Goal.objects.exists()


def test_a_step_with_no_owner_is_refused(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    goal = _goal(standing, plan, area)
    url = reverse("plans:step_new", args=[standing.person.pk, goal.pk])
    response = client_for(standing.person_user).post(url, keyed({"text": "Buy goggles"}))
    assert "Choose who does this step." in response.content.decode()
    supporter_step = client_for(standing.person_user).post(
        url, keyed({"text": "Lift to the pool", "owner": "supporter"})
    )
    assert "Choose which supporter does this step" in supporter_step.content.decode()
    assert not GoalStep.objects.exists()
    with pytest.raises(ValidationError):
        services.step_add(actor=standing.coordinator, goal=goal, text="x", owner="service")


def test_a_step_cannot_name_another_persons_supporter(standing: Any, plan: Any, area: Any) -> None:
    from ourplan.people.models import Supporter

    stranger = Supporter.objects.create(
        person=standing.other_person, given_name="Zed", kind="friend", relationship="friend"
    )
    with pytest.raises(ValidationError):
        services.step_add(
            actor=standing.coordinator,
            goal=_goal(standing, plan, area),
            text="x",
            owner="supporter",
            supporter=stranger,
        )
    assert not GoalStep.objects.exists()


def test_progress_is_recorded_from_0_to_10_and_shown_as_chart_and_text(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    goal = _goal(standing, plan, area)
    client = client_for(standing.person_user)
    url = reverse("plans:goal_rate", args=[standing.person.pk, goal.pk])
    client.post(url, keyed({"score": "3"}))
    client.post(url, keyed({"score": "11"}))
    assert [r.score for r in goal.ratings.all()] == [3]
    client.post(url, keyed({"score": "6"}))
    page = client.get(reverse("plans:goal", args=[standing.person.pk, goal.pk])).content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "from 3 to 6 out of 10 over 2 ratings" in page
    assert 'data-testid="progress-table"' in page


def test_achieved_goals_are_celebrated_and_kept(standing: Any, plan: Any, area: Any) -> None:
    goal = _goal(standing, plan, area)
    services.goal_achieve(
        actor=standing.person_user, goal=goal, revision=goal.revision, celebration="Fish and chips"
    )
    goal.refresh_from_db()
    assert (
        goal.status == "achieved"
        and goal.achieved_on == timezone.localdate()
        and goal.celebration == "Fish and chips"
    )
    with pytest.raises(ProtectedError):
        goal.delete()


def test_two_people_editing_the_same_part_never_overwrite_each_other(
    standing: Any, plan: Any, client_for: Any
) -> None:
    url = reverse("plans:about_me", args=[standing.person.pk])
    opened_at = plan.about_me.revision
    person = client_for(standing.person_user)
    coordinator = client_for(standing.coordinator)
    first = person.post(url, {"revision": opened_at, "recovery_meaning": "Feeling like me again"})
    assert first.status_code == 302
    stale = coordinator.post(url, {"revision": opened_at, "recovery_meaning": "Back at work"})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Someone else saved changes while you were writing" in page
    assert "Feeling like me again" in page  # what the other person saved, shown
    assert "Back at work" in page  # their own text, kept in the form
    plan.about_me.refresh_from_db()
    assert plan.about_me.recovery_meaning == "Feeling like me again"
    merged = coordinator.post(
        url,
        {
            "revision": stale.context["form"].data["revision"],
            "recovery_meaning": "Feeling like me again, and back at work",
        },
    )
    assert merged.status_code == 302
    plan.about_me.refresh_from_db()
    assert plan.about_me.recovery_meaning == "Feeling like me again, and back at work"
    assert plan.about_me.history.count() == 3  # created, first save, merged save


def test_a_concern_needs_the_persons_view_or_a_reason(
    standing: Any, plan: Any, client_for: Any
) -> None:
    url = reverse("plans:safety_new", args=[standing.person.pk])
    form = {
        "kind": "concern",
        "description": "Drinking more at weekends",
        "professional_view": "Risk to health",
        "review_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    refused = client_for(standing.coordinator).post(url, keyed(form))
    assert "Write the person's own view, or say why it could not be recorded" in html.unescape(
        refused.content.decode()
    )
    assert not SafetyItem.objects.exists()
    accepted = client_for(standing.coordinator).post(
        url, keyed(form | {"person_view_not_obtained": "Too unwell to talk about it today"})
    )
    assert accepted.status_code == 302
    assert SafetyItem.objects.get().person_view_not_obtained.startswith("Too unwell")


def test_the_database_also_refuses_a_concern_without_the_persons_view(
    standing: Any, plan: Any
) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyItem.objects.create(
            plan=plan,
            kind="concern",
            description="x",
            review_on=timezone.localdate(),
            created_by=standing.coordinator,
        )


def _review_form(goal: Goal, **extra: Any) -> dict[str, Any]:
    return keyed() | {
        "held_on": timezone.localdate().isoformat(),
        "person_attended": "on",
        f"progress_{goal.pk}": "7",
        "step_goal": goal.pk,
        "step_text": "Book the swimming lessons",
        "step_owner": "me",
        "professionals": "Care coordinator; psychologist",
        "what_changed": "Swimming is going well",
        "next_review_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "coordinator_signs": "on",
        "person_signs": "on",
        "copy_given": "pdf",
        **extra,
    }


def test_the_whole_review_is_one_submit_with_both_signatures_and_the_copy(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    goal = _goal(standing, plan, area)
    standing.supporter_record.refresh_from_db()
    response = client_for(standing.coordinator).post(
        reverse("plans:review", args=[standing.person.pk]),
        _review_form(goal, supporters=[standing.supporter_record.pk]),
    )
    assert response.status_code == 302
    version = PlanVersion.objects.get(plan=plan)
    assert version.person_signed_at and version.coordinator_signed_by == standing.coordinator
    assert version.copy_given == "pdf"
    assert goal.ratings.get().score == 7
    assert goal.steps.get().text == "Book the swimming lessons"
    review = Review.objects.get()
    assert list(review.supporters_attended.all()) == [standing.supporter_record]
    assert version.snapshot["goals"][0]["latest_progress"] == 7


def test_a_next_review_in_the_past_is_refused_and_nothing_is_half_saved(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    goal = _goal(standing, plan, area)
    form = _review_form(goal, next_review_on=(timezone.localdate() - timedelta(days=1)).isoformat())
    response = client_for(standing.coordinator).post(
        reverse("plans:review", args=[standing.person.pk]), form
    )
    assert response.status_code == 200
    assert "The next review must be after today" in response.content.decode()
    assert not Review.objects.exists() and not PlanVersion.objects.exists()
    assert not goal.ratings.exists() and not goal.steps.exists()
    with pytest.raises(ValidationError):
        services.review_record(
            actor=standing.coordinator,
            plan=plan,
            held_on=timezone.localdate(),
            next_review_on=timezone.localdate(),
            progress={goal: 5},
        )
    assert not goal.ratings.exists()


def test_signing_an_already_signed_version_is_refused(
    standing: Any, plan: Any, client_for: Any
) -> None:
    version = services.version_create(actor=standing.coordinator, plan=plan)
    client = client_for(standing.person_user)
    url = reverse("plans:version_sign", args=[standing.person.pk, version.number])
    client.post(url, keyed({"response": "agree"}))
    first_signed_at = PlanVersion.objects.get(pk=version.pk).person_signed_at
    assert first_signed_at is not None
    again = client.post(url, keyed({"response": "agree"}), follow=True)
    assert "already answered" in again.content.decode()
    assert PlanVersion.objects.get(pk=version.pk).person_signed_at == first_signed_at
    with pytest.raises(ValidationError):
        services.version_sign(actor=standing.coordinator, version=version, as_person=True)


def test_signed_versions_are_frozen_and_any_two_can_be_compared(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    goal = _goal(standing, plan, area, "Cook a meal for friends")
    first = services.version_sign(
        actor=standing.coordinator,
        version=services.version_create(actor=standing.coordinator, plan=plan),
        as_person=False,
    )
    services.save_part(
        actor=standing.coordinator,
        part=goal,
        fields={"text": "Cook a Sunday lunch for friends"},
        revision=goal.revision,
        person=standing.person,
    )
    second = services.version_create(actor=standing.coordinator, plan=plan)
    first.refresh_from_db()
    assert first.snapshot["goals"][0]["text"] == "Cook a meal for friends"
    first.snapshot["goals"][0]["text"] = "tampered"
    with pytest.raises(ProtectedError):
        first.save()
    page = client_for(standing.person_user).get(
        reverse("plans:version_compare", args=[standing.person.pk]),
        {"older": first.number, "newer": second.number},
    )
    text = page.content.decode()
    assert "Cook a meal for friends" in text and "Cook a Sunday lunch for friends" in text
    assert len(page.context["changes"]) == 1


def test_an_english_plan_produces_the_cpa_document(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    _goal(standing, plan, area, "Run a 5k")
    page = (
        client_for(standing.coordinator)
        .get(reverse("plans:statutory", args=[standing.person.pk]))
        .content.decode()
    )
    assert "Personalised care and support plan" in page
    for section in ("About me", "My plan", "Crisis and contingency", "Review"):
        assert f'data-testid="cpa-section">{section}<' in page
    assert "Run a 5k" in page
    assert "Care and Treatment Plan" not in page


def test_a_welsh_plan_produces_the_ctp_document_with_the_eight_areas(
    standing: Any, client_for: Any
) -> None:
    organisation = standing.organisation
    organisation.country = Country.WALES
    organisation.save()
    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    housing = services.life_areas_for(organisation).get(code="accommodation")
    services.goal_add(
        actor=standing.coordinator, plan=plan, text="Move to a flat near my mum", life_area=housing
    )
    page = (
        client_for(standing.coordinator)
        .get(reverse("plans:statutory", args=[standing.person.pk]))
        .content.decode()
    )
    assert "Care and Treatment Plan" in page and "Mental Health (Wales) Measure 2010" in page
    assert page.count('data-testid="ctp-area"') == 8
    for _code, label in CTP_AREAS:
        assert html.escape(str(label)) in page
    assert "Move to a flat near my mum" in page
    assert standing.coordinator.display_name in page


def test_the_pdfs_contain_the_goal(standing: Any, plan: Any, area: Any, client_for: Any) -> None:
    from pypdf import PdfReader

    _goal(standing, plan, area, "Plant tomatoes on the allotment")
    client = client_for(standing.person_user)
    for url in (
        reverse("plans:statutory_pdf", args=[standing.person.pk]),
        reverse("plans:person_copy_pdf", args=[standing.person.pk]) + "?large=1",
    ):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf"
        text = " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        assert "Plant tomatoes on the allotment" in " ".join(text.split())
    assert AuditEntry.objects.filter(person=standing.person, action=AuditAction.EXPORT).count() == 2


def test_every_read_of_the_plan_is_audited(standing: Any, plan: Any, client_for: Any) -> None:
    before = AuditEntry.objects.filter(person=standing.person, action=AuditAction.READ).count()
    client_for(standing.clinician).get(reverse("plans:plan", args=[standing.person.pk]))
    client_for(standing.clinician).get(reverse("plans:crisis", args=[standing.person.pk]))
    assert (
        AuditEntry.objects.filter(
            person=standing.person, action=AuditAction.READ, actor=standing.clinician
        ).count()
        == 2
    )
    assert (
        AuditEntry.objects.filter(person=standing.person, action=AuditAction.READ).count()
        == before + 2
    )


def test_a_person_cannot_open_or_change_someone_elses_plan(
    standing: Any, plan: Any, client_for: Any
) -> None:
    client = client_for(standing.other_person_user)
    assert client.get(reverse("plans:plan", args=[standing.person.pk])).status_code == 403
    response = client.post(
        reverse("plans:about_me", args=[standing.person.pk]),
        {"revision": 1, "recovery_meaning": "hijack"},
    )
    assert response.status_code == 403
    plan.about_me.refresh_from_db()
    assert plan.about_me.recovery_meaning == ""


def test_the_crisis_plan_is_one_tap_from_every_page_of_the_persons_view(
    standing: Any, plan: Any, client_for: Any
) -> None:
    page = client_for(standing.person_user).get(reverse("people:my_home")).content.decode()
    assert f'href="{reverse("plans:crisis", args=[standing.person.pk])}"' in page


@pytest.mark.django_db
def test_the_demo_gives_plans_at_every_stage() -> None:
    from ourplan.people.demo import load_demo
    from ourplan.plans.demo import load_demo_plans
    from ourplan.plans.models import Plan
    from ourplan.plans.queries import goals_of, plan_stage

    load_demo()
    load_demo_plans()
    stages = {
        plan_stage(plan, goals_of(plan), timezone.localdate()).code for plan in Plan.objects.all()
    }
    assert stages == {"new", "active", "stuck", "moving_on"}
    assert Plan.objects.count() == 40
    _the_demo_shows_the_product()


def _the_demo_shows_the_product() -> None:
    """Own staying-well and crisis text per plan; risks, positive risks and advance statements;
    a disagreement at signing; staff changes to a person's words; one plan evidencing every
    item of a care plan review."""
    from ourplan.plans.care_plan_audit import evidence
    from ourplan.plans.models import (
        CrisisPlan,
        NoticeKind,
        Plan,
        PlanNotice,
        PlanVersion,
        Risk,
        StayingWellPlan,
        Voice,
        Wording,
    )

    written = StayingWellPlan.objects.exclude(keep_me_well="")
    assert written.count() == written.values("keep_me_well").distinct().count() >= 20
    crises = CrisisPlan.objects.exclude(what_helps="")
    texts = {
        (c.signs_others_notice, c.what_helps, c.practical_matters, c.who_to_involve) for c in crises
    }
    assert len(texts) == crises.count()
    assert (
        Risk.objects.filter(kind="risk").exists() and Risk.objects.filter(kind="positive").exists()
    )
    assert CrisisPlan.objects.exclude(advance_statement="").filter(advance_signed=True).count() >= 5
    disagreed = PlanVersion.objects.get(person_response="disagree")
    assert disagreed.person_comment
    changed = Wording.objects.filter(is_current=True, replaced_person_wording__isnull=False)
    assert changed.exists() and PlanNotice.objects.filter(kind=NoticeKind.WORDS_CHANGED).exists()
    assert Wording.objects.filter(voice=Voice.AS_SAID).exists()
    evidenced = Plan.objects.get(person__user__username="person")
    missing = [item.label for item in evidence(evidenced) if not item.evidenced]
    assert missing == []
    new_plan = Plan.objects.filter(goals__isnull=True).first()
    assert new_plan is not None
    assert any(not item.evidenced for item in evidence(new_plan))


def test_a_goal_can_be_reworded_and_a_stale_rewording_is_refused(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    goal = _goal(standing, plan, area, "Swim")
    url = reverse("plans:goal_edit", args=[standing.person.pk, goal.pk])
    person = client_for(standing.person_user)
    assert person.get(url).status_code == 200
    saved = person.post(
        url,
        {"revision": goal.revision, "text": "Swim a length without stopping", "life_area": area.pk},
    )
    assert saved.status_code == 302
    stale = client_for(standing.coordinator).post(
        url, {"revision": goal.revision, "text": "Go swimming", "life_area": area.pk}
    )
    assert stale.status_code == 409
    goal.refresh_from_db()
    assert goal.text == "Swim a length without stopping"
    assert [h.text for h in goal.history.order_by("history_date")] == [
        "Swim",
        "Swim a length without stopping",
    ]
