"""Shared fixtures: the standing users every access test talks about."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser

from ourplan.accounts.models import Role, User
from ourplan.people.models import (
    CareTeamMembership,
    Country,
    Organisation,
    Person,
    Profession,
    Supporter,
    SupporterKind,
    Team,
)
from tests.chromium import launched_chromium
from tests.factories import make_person, make_staff, make_user

VALID_NHS_NUMBERS = ["9434765919", "9434765870", "9990001928", "4010232137", "9000000009"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Real hashing is deliberately slow; tests do not need that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Standing:
    organisation: Organisation
    team: Team
    other_team: Team
    person: Person
    other_person: Person
    person_user: User
    other_person_user: User
    coordinator: User
    other_team_coordinator: User
    manager: User
    clinician: User
    supporter: User
    supporter_record: Supporter
    researcher: User
    administrator: User

    def users(self) -> dict[str, User | None]:
        return {
            "person": self.person_user,
            "other_person": self.other_person_user,
            "coordinator": self.coordinator,
            "other_team_coordinator": self.other_team_coordinator,
            "manager": self.manager,
            "clinician": self.clinician,
            "supporter": self.supporter,
            "researcher": self.researcher,
            "administrator": self.administrator,
            "anonymous": None,
        }


@pytest.fixture
def standing(db: Any) -> Standing:
    organisation = Organisation.objects.create(
        name="Test Trust", code="TST01", country=Country.ENGLAND
    )
    team = Team.objects.create(organisation=organisation, name="East team")
    other_team = Team.objects.create(organisation=organisation, name="West team")
    coordinator = make_staff("coordinator", Role.CARE_COORDINATOR, organisation, team)
    other_team_coordinator = make_staff(
        "othercoordinator", Role.CARE_COORDINATOR, organisation, other_team
    )
    manager = make_staff("manager", Role.TEAM_MANAGER, organisation, team)
    clinician = make_staff("clinician", Role.CLINICIAN, organisation, team, Profession.PSYCHIATRIST)
    researcher = make_staff("researcher", Role.RESEARCHER, organisation, None, Profession.RESEARCH)
    administrator = make_staff(
        "administrator", Role.ADMINISTRATOR, organisation, None, Profession.ADMINISTRATION
    )
    person_user = make_user("person", Role.SERVICE_USER)
    other_person_user = make_user("otherperson", Role.SERVICE_USER)
    person = make_person(team, VALID_NHS_NUMBERS[0], user=person_user)
    other_person = make_person(
        other_team, VALID_NHS_NUMBERS[1], given="Bea", user=other_person_user
    )
    CareTeamMembership.objects.create(
        person=person,
        staff=coordinator.staff_member,
        is_coordinator=True,
        started_on=date(2024, 1, 1),
    )
    supporter = make_user("supporter", Role.SUPPORTER)
    supporter_record = Supporter.objects.create(
        person=person,
        user=supporter,
        given_name="Mo",
        family_name="Example",
        kind=SupporterKind.CARER,
        relationship="my mum",
        is_identified_carer=True,
    )
    return Standing(
        organisation=organisation,
        team=team,
        other_team=other_team,
        person=person,
        other_person=other_person,
        person_user=person_user,
        other_person_user=other_person_user,
        coordinator=coordinator,
        other_team_coordinator=other_team_coordinator,
        manager=manager,
        clinician=clinician,
        supporter=supporter,
        supporter_record=supporter_record,
        researcher=researcher,
        administrator=administrator,
    )


def logged_in_client(user: User | None) -> Client:
    """A client logged in as ``user``, past the second factor where the role needs one."""
    client = Client()
    if user is None:
        return client
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session = client.session
    from django.utils import timezone

    from ourplan.accounts.signals import SESSION_EPOCH, SESSION_LOGIN_AT

    session[SESSION_LOGIN_AT] = timezone.now().timestamp()
    session[SESSION_EPOCH] = user.session_epoch
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for() -> Any:
    return logged_in_client


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium per test process, shared by the journeys and the security battery."""
    yield from launched_chromium()
