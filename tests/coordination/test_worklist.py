"""The worklist opens on what needs doing, and an item clears when its cause does."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ourplan.consent import services as consent
from ourplan.coordination import queries
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.plans import services as plans
from tests.coordination.coordination_builders import a_contact, a_goal, a_past_review, a_plan
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _section(page: str, code: str) -> str:
    found = re.search(rf'data-testid="section-{code}">(.*?)</section>', page, re.S)
    return found.group(1) if found else ""


def _worklist(client: Any, **query: Any) -> str:
    response = client.get(reverse("coordination:worklist"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_an_overdue_review_shows_and_clears_when_the_review_is_recorded(
    standing: Any, client_for: Any
) -> None:
    today = timezone.localdate()
    plan = a_plan(standing, started_days_ago=400)
    a_past_review(
        standing,
        plan,
        held_on=today - timedelta(days=300),
        next_review_on=today - timedelta(days=55),
    )
    client = client_for(standing.coordinator)
    overdue = _section(_worklist(client), "reviews_overdue")
    assert standing.person.full_name in overdue and "Review 55 days overdue" in overdue

    plans.review_record(
        actor=standing.coordinator,
        plan=plan,
        held_on=today,
        next_review_on=today + timedelta(days=180),
        what_changed="Back on track",
    )
    assert _section(_worklist(client), "reviews_overdue") == ""


def test_the_sections_come_most_urgent_first_with_counts(standing: Any, client_for: Any) -> None:
    a_plan(standing, started_days_ago=100)  # no goal, no crisis plan, no strengths, unsigned
    consent.contribution_send(
        actor=standing.supporter,
        supporter=standing.supporter_record,
        kind="concern",
        text="She has not been sleeping for three nights and I am worried about her again",
    )
    page = _worklist(client_for(standing.coordinator))
    messages = _section(page, "carer_messages")
    assert "A concern from Mo Example" in messages
    assert "“She has not been sleeping for three nights and I am worried…”" in messages
    assert "no goal being worked on; no crisis plan" in _section(page, "getting_started").lower()
    assert "There is no goal being worked on" in _section(page, "stuck")
    order = re.findall(r'data-testid="section-(\w+)"', page)
    assert order.index("carer_messages") < order.index("stuck") < order.index("getting_started")
    counts = re.search(r'data-testid="worklist-counts">(.*?)</ul>', page, re.S)
    assert (
        counts
        and "Messages from supporters to acknowledge</a>: <strong>1</strong>" in counts.group(1)
    )


def test_no_contact_in_n_weeks_uses_the_organisations_threshold(
    standing: Any, client_for: Any
) -> None:
    a_plan(standing)
    a_contact(standing, when=timezone.now() - timedelta(days=35))
    client = client_for(standing.coordinator)
    assert "No contact for 5 weeks" in _section(_worklist(client), "no_contact")
    from ourplan.coordination import services

    services.settings_save(
        actor=standing.administrator,
        organisation=standing.organisation,
        fields={"no_contact_weeks": 6},
    )
    assert _section(_worklist(client), "no_contact") == ""
    a_contact(standing)  # a contact today clears it whatever the threshold
    services.settings_save(
        actor=standing.administrator,
        organisation=standing.organisation,
        fields={"no_contact_weeks": 1},
    )
    assert _section(_worklist(client), "no_contact") == ""


def test_only_people_i_coordinate(standing: Any, client_for: Any) -> None:
    mine = standing.person
    theirs = make_person(standing.team, "9990001928", given="Cai")
    a_plan(standing, mine)
    a_plan(standing, theirs)
    client = client_for(standing.coordinator)
    everyone = _worklist(client)
    assert mine.full_name in everyone and "Cai Example" in everyone
    only_mine = _worklist(client, mine="on")
    assert mine.full_name in only_mine and "Cai Example" not in only_mine


def test_the_worklist_shows_only_the_teams_people_and_lists_each_once_in_the_audit(
    standing: Any, client_for: Any
) -> None:
    a_plan(standing, standing.other_person)  # the other team's
    a_plan(standing)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    page = _worklist(client_for(standing.coordinator))
    assert standing.other_person.full_name not in page
    listed = AuditEntry.objects.filter(pk__gt=before, action=AuditAction.SEARCH)
    assert sorted(listed.values_list("object_type", "person_id")) == [
        ("worklist", standing.person.pk)
    ]
    assert not AuditEntry.objects.filter(pk__gt=before, action=AuditAction.READ).exists()


def test_see_all_lists_a_whole_section(standing: Any, client_for: Any) -> None:
    people = [
        make_person(standing.team, nhs, given=f"P{n}")
        for n, nhs in enumerate(["9990001928", "4010232137", "9000000009"])
    ]
    for person in [standing.person, *people]:
        a_plan(standing, person)
    from ourplan.coordination.views import worklist

    worklist.PREVIEW, preview = 2, worklist.PREVIEW
    try:
        page = _worklist(client_for(standing.coordinator))
        assert "See all 4: Plans to start" in page
        section = client_for(standing.coordinator).get(
            reverse("coordination:worklist_section", args=["getting_started"])
        )
        assert section.content.decode().count('data-testid="work-item"') == 4
    finally:
        worklist.PREVIEW = preview
    assert (
        client_for(standing.coordinator)
        .get(reverse("coordination:worklist_section", args=["no_such_section"]))
        .status_code
        == 404
    )


def test_a_stuck_indicator_clears_when_the_goal_moves(standing: Any, client_for: Any) -> None:
    plan = a_plan(standing, started_days_ago=400)
    goal = a_goal(standing, plan, days_ago=200)
    client = client_for(standing.coordinator)
    assert "No progress has been recorded on any goal for 28 weeks" in _section(
        _worklist(client), "stuck"
    )
    plans.progress_rate(actor=standing.coordinator, goal=goal, score=4)
    assert "No progress has been recorded" not in _section(_worklist(client), "stuck")


def test_a_goal_added_today_is_not_stuck_in_the_real_facts(standing: Any) -> None:
    plan = a_plan(standing, started_days_ago=400)
    a_goal(standing, plan)
    row = queries.person_row(standing.person, timezone.localdate())
    assert "no_progress" not in [i.code for i in row.indicators]


def test_crisis_sharing_on_and_sharing_to_revisit_are_listed(
    standing: Any, client_for: Any
) -> None:
    a_plan(standing)
    agreement = consent.agreement_set(
        actor=standing.person_user,
        person=standing.person,
        supporter=standing.supporter_record,
        parts=["goals"],
        crisis_parts=["crisis"],
        recorded_how="online",
    )
    type(agreement).objects.filter(pk=agreement.pk).update(
        revisit_on=timezone.localdate() + timedelta(days=7)
    )
    consent.crisis_sharing_start(
        actor=standing.coordinator, person=standing.person, reason="Admitted to hospital", hours=24
    )
    page = _worklist(client_for(standing.coordinator))
    assert "Crisis sharing is on" in _section(page, "crisis_sharing")
    assert "Look at sharing with Mo Example again" in _section(page, "sharing_revisit")


def test_the_caseload_shows_what_needs_doing_for_each_person(
    standing: Any, client_for: Any
) -> None:
    today = timezone.localdate()
    plan = a_plan(standing, started_days_ago=400)
    a_past_review(
        standing, plan, held_on=today - timedelta(days=300), next_review_on=date(2020, 1, 1)
    )
    page = client_for(standing.coordinator).get(reverse("people:caseload")).content.decode()
    flags = re.search(r'data-testid="caseload-flags">(.*?)</td>', page, re.S)
    assert flags and "Review overdue" in flags.group(1)
