"""Builders for test records, shared by the fixtures and by tests that need one more of something."""

from __future__ import annotations

from datetime import date
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from ourplan.accounts.models import User
from ourplan.people.models import Organisation, Person, Profession, StaffMember, Team


def make_user(username: str, role: str, **extra: Any) -> User:
    user = User(
        username=username, role=role, first_name=username.title(), last_name="Tester", **extra
    )
    user.set_password("a-long-test-password")
    user.save()
    if user.needs_second_factor:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def make_staff(
    username: str,
    role: str,
    organisation: Organisation,
    team: Team | None,
    profession: str = Profession.NURSE,
) -> User:
    user = make_user(username, role)
    StaffMember.objects.create(
        user=user, organisation=organisation, team=team, profession=profession
    )
    return user


def make_person(team: Team, nhs_number: str, given: str = "Ada", **extra: Any) -> Person:
    return Person.objects.create(
        organisation=team.organisation,
        team=team,
        given_name=given,
        family_name="Example",
        date_of_birth=date(1980, 5, 17),
        nhs_number=nhs_number,
        **extra,
    )
