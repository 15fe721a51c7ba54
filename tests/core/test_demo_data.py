"""The demo data: complete, invented, repeatable."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count

from ourplan.accounts.models import Role, User
from ourplan.people.demo import load_demo
from ourplan.people.models import (
    CareTeamMembership,
    Country,
    Organisation,
    Person,
    StaffMember,
    Supporter,
    SupporterKind,
)
from ourplan.people.nhs_number import is_valid_nhs_number


@pytest.mark.django_db
def test_the_demo_loads_once_however_often_it_runs() -> None:
    load_demo()
    counts = (
        Person.objects.count(),
        Supporter.objects.count(),
        User.objects.count(),
        CareTeamMembership.objects.count(),
    )
    load_demo()
    assert (
        Person.objects.count(),
        Supporter.objects.count(),
        User.objects.count(),
        CareTeamMembership.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_the_demo_has_an_english_and_a_welsh_organisation_each_with_two_teams_staff_and_people() -> (
    None
):
    load_demo()
    assert set(Organisation.objects.values_list("country", flat=True)) == {
        Country.ENGLAND,
        Country.WALES,
    }
    for organisation in Organisation.objects.all():
        assert organisation.teams.count() == 2
        assert 9 <= StaffMember.objects.filter(organisation=organisation).count() <= 12
        assert organisation.people.count() == 20
        assert organisation.crisis_lines.exists()
    assert Person.objects.count() == 40
    assert all(is_valid_nhs_number(n) for n in Person.objects.values_list("nhs_number", flat=True))
    assert set(Supporter.objects.values_list("kind", flat=True)) == {k.value for k in SupporterKind}
    assert Supporter.objects.filter(is_identified_carer=True).exists()


@pytest.mark.django_db
def test_every_demo_person_has_a_coordinator_and_some_have_changed_coordinator() -> None:
    load_demo()
    current = CareTeamMembership.objects.filter(is_coordinator=True, ended_on__isnull=True)
    assert current.values("person").distinct().count() == Person.objects.count()
    changed = CareTeamMembership.objects.filter(ended_on__isnull=False).exclude(end_reason="")
    assert changed.exists()
    several = Person.objects.annotate(spells=Count("care_team")).filter(spells__gt=1).count()
    assert 5 <= several < Person.objects.count()


@pytest.mark.django_db
def test_the_demo_command_prints_the_logins(capsys: Any) -> None:
    call_command("load_demo")
    output = capsys.readouterr().out
    assert "ourplan-demo-2026" in output
    for username in (
        "person",
        "supporter",
        "coordinator",
        "manager",
        "admin",
        "researcher",
        "cydlynydd",
    ):
        assert username in output
    assert User.objects.filter(role=Role.SERVICE_USER, person__isnull=False).count() == 2
