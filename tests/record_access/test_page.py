"""The person's "who has seen my record" page: grouped, in words, filtered and paged."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ourplan.core import record_words
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.record_access.queries import GROUPS_PER_PAGE, LINES_SHOWN
from tests.record_access.record_access_builders import days_ago, logged, visible_text

URL = "record_access:mine"


def _page(client: Any, **params: Any) -> Any:
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    return response


def test_entries_are_grouped_by_day_and_by_who_looked(standing: Any, client_for: Any) -> None:
    person = standing.person
    for minute in (1, 2, 3):
        logged(standing.coordinator, person, "person", person.pk, at=days_ago(2, 9, minute))
    logged(standing.coordinator, person, "crisis_plan", 7, at=days_ago(2, 15))
    logged(standing.clinician, person, "person", person.pk, at=days_ago(2, 11))
    logged(standing.coordinator, person, "person", person.pk, at=days_ago(1, 10))

    result = _page(client_for(standing.person_user)).context["result"]

    shape = [
        (group.day, group.who, [line.times for line in group.lines]) for group in result.groups
    ]
    assert shape == [
        (days_ago(1).date(), standing.coordinator.display_name, [1]),
        (days_ago(2).date(), standing.coordinator.display_name, [1, 3]),
        (days_ago(2).date(), standing.clinician.display_name, [1]),
    ]
    coordinator_day = result.groups[1]
    assert coordinator_day.lines[1].did == "looked at 3 times"
    assert (coordinator_day.first_at, coordinator_day.last_at) == (
        days_ago(2, 9, 1),
        days_ago(2, 15),
    )


def test_each_group_names_who_their_role_and_team_and_what_they_saw_in_words(
    standing: Any, client_for: Any
) -> None:
    from ourplan.plans import services as plans

    plan = plans.plan_start(actor=standing.coordinator, person=standing.person)
    area = plans.life_areas_for(standing.organisation).first()
    goal = plans.goal_add(
        actor=standing.coordinator, plan=plan, text="Get back to the allotment", life_area=area
    )
    logged(standing.clinician, standing.person, "goal", goal.pk, at=days_ago(1))
    logged(standing.supporter, standing.person, "shared_view", "crisis,goals", at=days_ago(1, 18))

    text = visible_text(_page(client_for(standing.person_user)).content.decode())

    assert "Goal: ‘Get back to the allotment’ – looked at" in text
    assert f"{standing.clinician.display_name} Clinician, East team" in text
    # A supporter is named with how the person described them.
    assert f"{standing.supporter.display_name} Supporter, my mum" in text
    assert "What is shared with a supporter: Goals and progress, Crisis plan" in text


def test_no_internal_codes_or_object_types_reach_the_page(standing: Any, client_for: Any) -> None:
    person = standing.person
    codes = [
        "shared_copy:reviews",
        "supporter_home:goals",
        "goal_step",
        "goalstep",
        "an_unregistered_type",
        "record_access_log",
    ]
    for index, code in enumerate(codes):
        logged(standing.coordinator, person, code, 90000 + index, at=days_ago(index))
    logged(standing.coordinator, person, "plan", 1, action=AuditAction.EXPORT, at=days_ago(1))

    html = _page(client_for(standing.person_user)).content.decode()
    text = visible_text(html)

    for code in codes:
        assert code not in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # nothing shaped like a code
    assert "Part of the record" in text  # what an unregistered type reads as
    assert "Viewed" not in text and "Searched" not in text  # the old bare verbs


def test_list_appearances_refusals_and_the_persons_own_actions_are_left_out(
    standing: Any, client_for: Any
) -> None:
    client_for(standing.coordinator).get(reverse("people:caseload"))  # a `search` entry
    assert AuditEntry.objects.filter(person=standing.person, action=AuditAction.SEARCH).exists()
    logged(standing.other_team_coordinator, standing.person, "person", "x", action="denied")
    person_client = client_for(standing.person_user)
    person_client.get(reverse("people:my_home"))  # the person's own read

    response = _page(person_client)

    assert response.context["result"].groups == []
    assert "Nobody else has looked at your record yet." in response.content.decode()


def test_changes_and_downloads_are_shown_with_plain_verbs(standing: Any, client_for: Any) -> None:
    person = standing.person
    logged(standing.coordinator, person, "person", person.pk, action=AuditAction.UPDATE)
    logged(standing.coordinator, person, "person", person.pk, action=AuditAction.UPDATE)
    logged(standing.coordinator, person, "statutory_document", 1, action=AuditAction.EXPORT)
    logged(standing.coordinator, person, "supporter", "gone", action=AuditAction.CREATE)

    text = visible_text(_page(client_for(standing.person_user)).content.decode())

    assert "– changed 2 times" in text
    assert "– printed or downloaded" in text
    assert "– added" in text


def test_a_supporters_look_while_crisis_sharing_was_on_says_why(
    standing: Any, client_for: Any
) -> None:
    from ourplan.consent import services as consent

    logged(standing.supporter, standing.person, "shared_view", "goals", at=days_ago(3))
    consent.crisis_sharing_start(
        actor=standing.coordinator,
        person=standing.person,
        reason="Not answering the phone for two days",
        hours=4,
    )
    logged(standing.supporter, standing.person, "shared_view", "crisis")

    groups = _page(client_for(standing.person_user)).context["result"].groups
    supporter_groups = [g for g in groups if g.actor_id == standing.supporter.pk]
    today, earlier = supporter_groups
    assert today.lines[0].reason == (
        "Crisis sharing was switched on: ‘Not answering the phone for two days’"
    )
    assert earlier.lines[0].reason == ""


def test_the_page_read_writes_exactly_one_read_entry(standing: Any, client_for: Any) -> None:
    client = client_for(standing.person_user)
    before = AuditEntry.objects.count()
    _page(client)
    written = list(AuditEntry.objects.order_by("pk")[before:])
    assert [(e.action, e.object_type, e.object_id, e.person_id) for e in written] == [
        (AuditAction.READ, "record_access_log", str(standing.person.pk), standing.person.pk)
    ]


def test_filters_by_who_by_part_and_by_dates(standing: Any, client_for: Any) -> None:
    person = standing.person
    logged(standing.coordinator, person, "person", person.pk, at=days_ago(10))
    logged(standing.coordinator, person, "crisis_plan", 3, at=days_ago(5))
    logged(standing.clinician, person, "crisis_plan", 3, at=days_ago(5, 12))
    logged(standing.clinician, person, "person", person.pk, at=days_ago(1))
    client = client_for(standing.person_user)

    def shown(**params: Any) -> list[tuple[int, str]]:
        groups = _page(client, **params).context["result"].groups
        return [((days_ago(0).date() - g.day).days, g.who) for g in groups]

    coordinator, clinician = standing.coordinator.display_name, standing.clinician.display_name
    assert shown(who=standing.clinician.pk) == [(1, clinician), (5, clinician)]
    form = _page(client).context["form"]
    parts = [label for _value, label in form.fields["part"].choices]
    assert parts == ["Any part", "Crisis plan", "Personal details and care team"]
    crisis = "Crisis plan"
    assert shown(part=crisis) == [(5, clinician), (5, coordinator)]
    assert shown(date_from=days_ago(6).date(), date_to=days_ago(2).date()) == [
        (5, clinician),
        (5, coordinator),
    ]
    assert shown(who=standing.coordinator.pk, part=crisis) == [(5, coordinator)]
    # The choices are in words, with each person's role.
    labels = [label for _value, label in form.fields["who"].choices]
    assert f"{clinician} (Clinician)" in labels
    # Someone who never looked matches nothing; the dates must be in order.
    assert shown(who=standing.researcher.pk) == []
    backwards = _page(client, date_from=days_ago(1).date(), date_to=days_ago(5).date())
    assert "The ‘to’ date must be the same as or after the ‘from’ date." in (
        backwards.content.decode()
    )


def test_pages_hold_a_fixed_number_of_groups_and_keep_the_filters(
    standing: Any, client_for: Any
) -> None:
    days = 3 * GROUPS_PER_PAGE - 2  # the last of three pages is not full
    for day in range(days):
        logged(
            standing.coordinator, standing.person, "person", standing.person.pk, at=days_ago(day)
        )
    logged(standing.clinician, standing.person, "person", standing.person.pk, at=days_ago(3))
    client = client_for(standing.person_user)

    first = _page(client, who=standing.coordinator.pk)
    last = _page(client, who=standing.coordinator.pk, page=3)

    assert len(first.context["result"].groups) == GROUPS_PER_PAGE
    assert len(last.context["result"].groups) == GROUPS_PER_PAGE - 2
    html = first.content.decode()
    assert 'class="nhsuk-pagination nhsuk-pagination--numbered"' in html
    assert f"?who={standing.coordinator.pk}&amp;page=2" in html
    assert "Page 1 of 3." in html
    # A page past the end shows the last page rather than failing.
    assert _page(client, page=99).context["result"].page.number == 3


def test_a_busy_day_folds_all_but_the_first_few_things_away(standing: Any, client_for: Any) -> None:
    for number in range(LINES_SHOWN + 3):
        logged(standing.coordinator, standing.person, "goal", number, at=days_ago(1, 9, number))
    group = _page(client_for(standing.person_user)).context["result"].groups[0]
    assert (len(group.first_lines), len(group.more_lines)) == (LINES_SHOWN, 3)
    html = _page(client_for(standing.person_user)).content.decode()
    assert "3 more things" in html


def test_a_page_costs_the_same_queries_however_long_the_log(standing: Any, client_for: Any) -> None:
    client = client_for(standing.person_user)

    def queries_for_a_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            _page(client)
        return len(captured)

    for day in range(3):
        logged(standing.coordinator, standing.person, "goal", day, at=days_ago(day))
        logged(standing.clinician, standing.person, "crisis_plan", 1, at=days_ago(day))
    queries_for_a_page()  # the first request also saves the session
    few = queries_for_a_page()
    for day in range(3, 60):
        logged(standing.coordinator, standing.person, "goal", day, at=days_ago(day))
        logged(standing.clinician, standing.person, "crisis_plan", 1, at=days_ago(day))
    assert queries_for_a_page() == few


def test_each_object_type_is_put_into_words_once_per_page(
    standing: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def describe(ids: list[str]) -> dict[str, str]:
        calls.append(ids)
        return {object_id: f"Test thing {object_id}" for object_id in ids}

    monkeypatch.setitem(record_words._describers, "test_thing", describe)
    for day in range(12):
        logged(standing.coordinator, standing.person, "test_thing", day, at=days_ago(day))
        logged(standing.clinician, standing.person, "test_thing", day + 100, at=days_ago(day))

    text = visible_text(_page(client_for(standing.person_user)).content.decode())

    assert len(calls) == 1
    assert "Test thing 0" in text


def test_titled_objects_of_one_kind_are_one_part_in_the_filter(
    standing: Any, client_for: Any
) -> None:
    from ourplan.plans import services as plans

    plan = plans.plan_start(actor=standing.coordinator, person=standing.person)
    area = plans.life_areas_for(standing.organisation).first()
    walk, cook = (
        plans.goal_add(actor=standing.coordinator, plan=plan, text=text, life_area=area)
        for text in ("Walk to the park", "Cook on Sundays")
    )
    logged(standing.coordinator, standing.person, "goal", walk.pk, at=days_ago(3))
    logged(standing.clinician, standing.person, "goal", cook.pk, at=days_ago(2))
    logged(standing.clinician, standing.person, "crisis_plan", 1, at=days_ago(1))
    client = client_for(standing.person_user)

    choices = _page(client).context["form"].fields["part"].choices
    assert ("Goal", "Goal") in choices
    goals = _page(client, part="Goal").context["result"].groups
    # The two looks, and adding the goals (which the service logged too); nothing else.
    assert {line.what for group in goals for line in group.lines} == {
        "Goal: ‘Cook on Sundays’",
        "Goal: ‘Walk to the park’",
    }
    assert len(goals) == 3
    # A part that is not in the log matches nothing, and says so.
    nothing = _page(client, part="Nothing like this")
    assert nothing.context["result"].groups == []
    assert "Nothing matches those filters." in nothing.content.decode()
