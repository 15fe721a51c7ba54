"""The README's demo table tells the truth about the demo data: each login is there with the
role and name the table gives, and each demo person's care coordinator is the one named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ourplan.accounts.models import Role, User
from ourplan.consent.demo import load_demo_consent
from ourplan.coordination.demo import demo_coordinators, load_demo_coordination
from ourplan.people.demo import load_demo
from ourplan.people.models import CareTeamMembership, Person, StaffMember, Supporter
from ourplan.plans.demo import load_demo_plans

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("load_the_demo")]


@pytest.fixture
def load_the_demo() -> None:
    load_demo()
    load_demo_plans()
    load_demo_consent()
    load_demo_coordination()


README = Path(__file__).resolve().parents[2] / "README.md"

ROLES = {
    "Service user": Role.SERVICE_USER,
    "Supporter (carer)": Role.SUPPORTER,
    "Care coordinator": Role.CARE_COORDINATOR,
    "Clinician": Role.CLINICIAN,
    "Peer support worker": Role.PEER_SUPPORT_WORKER,
    "Team manager (needs a security code)": Role.TEAM_MANAGER,
    "Administrator (needs a security code)": Role.ADMINISTRATOR,
    "Researcher": Role.RESEARCHER,
}
LOGIN = re.compile(r"`(?P<username>[^`]+)` \((?P<name>[^,)]+)")
COORDINATOR = re.compile(r"^(?P<name>[^(]+) \(`(?P<username>[^`]+)`\)$")


def _demo_section() -> str:
    text = README.read_text()
    start = text.index("## Demo logins")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def _rows(section: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]


def _people_and_coordinators() -> list[tuple[str, str, str, str]]:
    """(login, login's name, coordinator's name, coordinator's username) from the second table."""
    found = []
    for cells in _rows(_demo_section()):
        if len(cells) != 2 or cells[0] == "Demo login":
            continue
        login = LOGIN.match(cells[0])
        coordinator = COORDINATOR.match(cells[1])
        assert login and coordinator, cells
        found.append(
            (login["username"], login["name"], coordinator["name"], coordinator["username"])
        )
    return found


def test_every_login_in_the_table_exists_with_its_role_and_name() -> None:
    seen = 0
    for cells in _rows(_demo_section()):
        if cells[0] not in ROLES:
            continue
        for cell in cells[1:]:
            if cell == "–":
                continue
            login = LOGIN.match(cell)
            assert login, cell
            user = User.objects.get(username=login["username"])
            assert (user.role, user.display_name) == (ROLES[cells[0]], login["name"]), cell
            seen += 1
    assert seen == 15


def test_the_table_names_each_demo_persons_actual_care_coordinator() -> None:
    table = _people_and_coordinators()
    actual = demo_coordinators()
    assert sorted(login for login, *_ in table) == sorted(actual)
    for login, name, coordinator_name, coordinator_username in table:
        user = User.objects.get(username=login)
        assert user.display_name == name
        person = (
            Person.objects.get(user=user)
            if user.role == Role.SERVICE_USER
            else Supporter.objects.get(user=user).person
        )
        current = CareTeamMembership.objects.select_related("staff__user").get(
            person=person, is_coordinator=True, ended_on__isnull=True
        )
        assert (current.staff.user.username, current.staff.user.display_name) == (
            coordinator_username,
            coordinator_name,
        ), login
        assert actual[login] == coordinator_name


def test_coordinator_shares_a_team_with_the_english_demo_person() -> None:
    """The README says `coordinator` sees Idris on the team's worklist."""
    idris = Person.objects.get(user__username="person")
    assert StaffMember.objects.get(user__username="coordinator").team_id == idris.team_id
