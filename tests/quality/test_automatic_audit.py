"""The automatic audit read from real plans made through the plans services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from ourplan.coordination.models import Contact, ContactOutcome
from ourplan.plans import demo as plans_demo
from ourplan.plans.models import PlanVersion
from ourplan.quality import queries, rules
from ourplan.quality.template import CONTENT, FRONT_KEYS
from tests.quality.quality_builders import reviewed_plan


def test_a_plan_made_with_the_person_reviewed_signed_and_copied_scores_yes_where_it_applies(
    standing: Any,
) -> None:
    """The demo plan written with the person (every item evidenced): 100% where applicable."""
    today = timezone.localdate()
    plans_demo._plan_with_its_person(standing.person, standing.coordinator, 0, today)
    version = PlanVersion.objects.filter(plan__person=standing.person).latest("number")
    findings = rules.audit(queries.facts_for(version, standing.person))
    for item in CONTENT:
        assert item.favourable(findings[item.key].answer) is True, (
            item.key,
            findings[item.key],
        )
    for key in FRONT_KEYS:
        if key != "contact_frequency":
            assert findings[key].answer == "yes", (key, findings[key])
    assert findings["contact_frequency"].answer == "fortnightly"  # agreed at the review
    favourable, decided = rules.plan_score(findings, [i.key for i in CONTENT])
    assert (favourable, decided) == (17, 17)


def test_a_staff_written_treatment_plan_scores_against_itself(standing: Any) -> None:
    version = reviewed_plan(standing.person, standing.coordinator, person_attended=False)
    findings = rules.audit(queries.facts_for(version, standing.person))
    assert findings["persons_views"].answer == "no"
    assert findings["system_based_goals"].answer == "yes"
    assert findings["medical_outcomes"].answer == "yes"
    assert findings["person_at_review"].answer == "no"
    assert findings["signed_by_person"].answer == "unclear"  # new: may still be signed
    later = queries.facts_for(version, standing.person, timezone.localdate() + timedelta(days=60))
    assert rules.signed_by_person(later).answer == "no"


def test_contact_frequency_comes_from_the_contacts_recorded_in_coordination(
    standing: Any,
) -> None:
    version = reviewed_plan(standing.person, standing.coordinator)
    staff = standing.coordinator.staff_member
    for weeks in (1, 2, 3, 4):
        Contact.objects.create(
            person=standing.person,
            staff=staff,
            mode="home",
            outcome=ContactOutcome.HAPPENED,
            starts_at=version.created_at - timedelta(weeks=weeks),
            duration_minutes=30,
            recorded_by=standing.coordinator,
        )
    Contact.objects.create(
        person=standing.person,
        staff=staff,
        mode="home",
        outcome=ContactOutcome.DID_NOT_ATTEND,
        starts_at=version.created_at - timedelta(days=3),
        duration_minutes=0,
        recorded_by=standing.coordinator,
    )
    finding = rules.contact_frequency(queries.facts_for(version, standing.person))
    assert finding.answer == "weekly"
    assert [e.anchor for e in finding.evidence] == ["contacts"]


def test_time_on_cpa_comes_from_the_date_on_the_person_record(standing: Any) -> None:
    version = reviewed_plan(standing.person, standing.coordinator)
    assert rules.months_on_cpa(queries.facts_for(version, standing.person))[0] is None
    person = standing.person
    person.care_programme_from = timezone.localdate() - timedelta(days=400)
    person.save()
    months, _reason = rules.months_on_cpa(queries.facts_for(version, person))
    assert months == 13


def test_the_batched_facts_are_the_same_as_one_at_a_time(standing: Any) -> None:
    today = timezone.localdate()
    plans_demo._plan_with_its_person(standing.person, standing.coordinator, 0, today)
    other = reviewed_plan(standing.other_person, standing.other_team_coordinator)
    Contact.objects.create(
        person=standing.person,
        staff=standing.coordinator.staff_member,
        mode="home",
        outcome=ContactOutcome.HAPPENED,
        starts_at=timezone.now() - timedelta(days=2),
        duration_minutes=30,
        recorded_by=standing.coordinator,
    )
    versions = list(PlanVersion.objects.select_related("plan__person"))
    assert other in versions
    batched = queries.facts_for_many(versions, today)
    for version in versions:
        assert batched[version.pk] == queries.facts_for(version, version.plan.person, today)
