"""Fictional demo organisations, staff, people and supporters. Everything here is invented.

Loading is idempotent: records are found by natural keys (organisation code,
username, NHS number) and only missing ones are created.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from ourplan.accounts.models import SECOND_FACTOR_ROLES, Role, User
from ourplan.people.models import (
    CareTeamMembership,
    Country,
    CrisisLine,
    Organisation,
    Person,
    Profession,
    StaffMember,
    Supporter,
    SupporterKind,
    Team,
)
from ourplan.people.nhs_number import nhs_number_check_digit

DEMO_PASSWORD = "ourplan-demo-2026"  # noqa: S105  (published demo password, fictional data only)


def demo_totp_key(username: str) -> str:
    """The fixed TOTP key (hex) of a demo manager or administrator, so `ourplan democode` works."""
    return hashlib.sha1(f"ourplan-demo-{username}".encode()).hexdigest()  # noqa: S324  (not security: a demo key)


def demo_second_factor_usernames() -> set[str]:
    return {
        row[0]
        for spec in ORGANISATIONS
        for row in spec.staff
        if Role(row[3]) in SECOND_FACTOR_ROLES
    }


SEED = 20261123


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    organisation: str
    note: str = ""


@dataclass(frozen=True)
class _OrgSpec:
    code: str
    name: str
    country: str
    teams: tuple[str, str]
    crisis: tuple[tuple[str, str, str], ...]
    staff: tuple[
        tuple[str, str, str, str, str, int], ...
    ]  # username, first, last, role, profession, team index


ORGANISATIONS = (
    _OrgSpec(
        code="ZZE01",
        name="Northmoor Community Mental Health NHS Trust",
        country=Country.ENGLAND,
        teams=(
            "Northmoor East Community Mental Health Team",
            "Northmoor West Community Mental Health Team",
        ),
        crisis=(
            ("Northmoor crisis team", "0300 555 0101", "24 hours, every day"),
            ("Northmoor evening helpline", "0300 555 0102", "5pm to midnight"),
        ),
        staff=(
            ("coordinator", "Priya", "Natarajan", Role.CARE_COORDINATOR, Profession.NURSE, 0),
            ("coordinator2", "Tom", "Ellery", Role.CARE_COORDINATOR, Profession.SOCIAL_WORKER, 0),
            (
                "coordinator3",
                "Grace",
                "Osei",
                Role.CARE_COORDINATOR,
                Profession.OCCUPATIONAL_THERAPIST,
                0,
            ),
            ("clinician", "Martin", "Hale", Role.CLINICIAN, Profession.PSYCHIATRIST, 0),
            ("peer", "Jo", "Barnaby", Role.PEER_SUPPORT_WORKER, Profession.PEER_SUPPORT, 0),
            ("manager", "Helen", "Crossley", Role.TEAM_MANAGER, Profession.NURSE, 0),
            ("westcoordinator", "Sam", "Okafor", Role.CARE_COORDINATOR, Profession.NURSE, 1),
            (
                "westcoordinator2",
                "Lena",
                "Fairweather",
                Role.CARE_COORDINATOR,
                Profession.PSYCHOLOGIST,
                1,
            ),
            ("westmanager", "David", "Ashworth", Role.TEAM_MANAGER, Profession.SOCIAL_WORKER, 1),
            ("admin", "Karen", "Pike", Role.ADMINISTRATOR, Profession.ADMINISTRATION, -1),
            ("researcher", "Ruth", "Ambrose", Role.RESEARCHER, Profession.RESEARCH, -1),
        ),
    ),
    _OrgSpec(
        code="ZZW01",
        name="Bwrdd Iechyd Dyffryn Glas / Glas Valley Health Board",
        country=Country.WALES,
        teams=("Tîm Iechyd Meddwl Cymunedol Aberglas", "Tîm Iechyd Meddwl Cymunedol Llanfair"),
        crisis=(
            ("Tîm argyfwng / Crisis team", "0300 555 0201", "24 awr / 24 hours"),
            ("Llinell gymorth / Helpline", "0300 555 0202", "6pm–2am"),
        ),
        staff=(
            ("cydlynydd", "Ffion", "Pritchard", Role.CARE_COORDINATOR, Profession.NURSE, 0),
            ("cydlynydd2", "Rhys", "Morgan", Role.CARE_COORDINATOR, Profession.SOCIAL_WORKER, 0),
            (
                "cydlynydd3",
                "Angharad",
                "Lloyd",
                Role.CARE_COORDINATOR,
                Profession.OCCUPATIONAL_THERAPIST,
                0,
            ),
            ("clinigydd", "Owain", "Bevan", Role.CLINICIAN, Profession.PSYCHOLOGIST, 0),
            ("cymar", "Nia", "Harries", Role.PEER_SUPPORT_WORKER, Profession.PEER_SUPPORT, 0),
            ("rheolwr", "Gareth", "Powell", Role.TEAM_MANAGER, Profession.NURSE, 0),
            ("llanfaircydlynydd", "Cerys", "Watkins", Role.CARE_COORDINATOR, Profession.NURSE, 1),
            (
                "llanfaircydlynydd2",
                "Dylan",
                "Roberts",
                Role.CARE_COORDINATOR,
                Profession.SOCIAL_WORKER,
                1,
            ),
            (
                "llanfairrheolwr",
                "Bethan",
                "Jenkins",
                Role.TEAM_MANAGER,
                Profession.SOCIAL_WORKER,
                1,
            ),
            ("gweinyddwr", "Siân", "Rowlands", Role.ADMINISTRATOR, Profession.ADMINISTRATION, -1),
        ),
    ),
)

_GIVEN = (
    "Alex",
    "Jordan",
    "Morgan",
    "Casey",
    "Robin",
    "Taylor",
    "Jamie",
    "Kit",
    "Eli",
    "Noor",
    "Idris",
    "Mared",
    "Tegan",
    "Lowri",
    "Callum",
    "Aled",
    "Bronwen",
    "Yusuf",
    "Hana",
    "Osian",
    "Dara",
    "Femi",
    "Ines",
    "Ceri",
)
_FAMILY = (
    "Whitlow",
    "Brennan",
    "Achebe",
    "Delaney",
    "Thorne",
    "Varga",
    "Quayle",
    "Penrose",
    "Ledger",
    "Madoc",
    "Treharne",
    "Vaughan",
    "Okonjo",
    "Castell",
    "Lindqvist",
    "Pryce",
    "Ferris",
    "Galloway",
    "Hughes-Tan",
    "Iqbal",
)
_SUPPORTERS = (
    ("Maureen", SupporterKind.CARER, "my mum", True),
    ("Derek", SupporterKind.FAMILY, "my dad", False),
    ("Shona", SupporterKind.FRIEND, "my best friend", False),
    ("Leon", SupporterKind.CARER, "my partner", True),
    ("Ayesha", SupporterKind.ADVOCATE, "my advocate from the advocacy service", False),
    ("Glenys", SupporterKind.FAMILY, "my sister", False),
)
PEOPLE_PER_ORGANISATION = 20
# Names some demo people prefer to be called.
_NICKNAMES = {
    "Alex": "Lexi",
    "Jordan": "Jord",
    "Robin": "Rob",
    "Jamie": "Jay",
    "Callum": "Cal",
    "Bronwen": "Bron",
    "Yusuf": "Yus",
    "Idris": "Dris",
}


def _nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 range that NHS England reserves for testing."""
    while True:
        first_nine = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        check = nhs_number_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


def _user(username: str, first: str, last: str, role: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first, last_name=last, role=role)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _totp(user: User) -> None:
    if (
        user.needs_second_factor
        and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    ):
        TOTPDevice.objects.create(
            user=user, name="demo authenticator", key=demo_totp_key(user.username), confirmed=True
        )


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    """Create (or complete) the demo data and return the logins to show."""
    today = date.today()
    logins: list[DemoLogin] = []
    for spec in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "country": spec.country}
        )
        for position, (label, phone, hours) in enumerate(spec.crisis):
            CrisisLine.objects.get_or_create(
                organisation=org,
                label=label,
                defaults={"phone": phone, "hours": hours, "position": position},
            )
        teams = [Team.objects.get_or_create(organisation=org, name=name)[0] for name in spec.teams]
        staff_by_team: dict[int, list[StaffMember]] = {0: [], 1: []}
        org_logins: list[DemoLogin] = []
        for username, first, last, role, profession, team_index in spec.staff:
            user = _user(username, first, last, role)
            _totp(user)
            staff, _ = StaffMember.objects.get_or_create(
                user=user,
                defaults={
                    "organisation": org,
                    "team": teams[team_index] if team_index >= 0 else None,
                    "profession": profession,
                },
            )
            if role == Role.CARE_COORDINATOR:
                staff_by_team[team_index].append(staff)
            org_logins.append(
                DemoLogin(
                    str(Role(role).label),
                    username,
                    spec.code,
                    "needs a security code" if user.needs_second_factor else "",
                )
            )
        for index in range(PEOPLE_PER_ORGANISATION):
            # One generator per person, so a person already loaded does not shift the others.
            rng = random.Random(f"{SEED}-{spec.code}-{index}")
            team_index = 0 if index < PEOPLE_PER_ORGANISATION * 0.6 else 1
            given = _GIVEN[(index + len(spec.code)) % len(_GIVEN)]
            family = _FAMILY[
                (index * 7 + (3 if spec.country == Country.WALES else 0)) % len(_FAMILY)
            ]
            nhs = _nhs_number(rng)
            born = date(1950 + rng.randrange(55), rng.randrange(1, 13), rng.randrange(1, 29))
            spells = rng.choice((1, 1, 1, 2, 2, 3))
            supporter_count = rng.choice((0, 1, 1, 2))
            preferred = rng.choice(("", "", "", _NICKNAMES.get(given, "")))
            person = Person.objects.filter(nhs_number=nhs).first()
            if person is not None:
                continue
            person = Person.objects.create(
                organisation=org,
                team=teams[team_index],
                given_name=given,
                family_name=family,
                preferred_name=preferred if preferred != given else "",
                pronouns=rng.choice(("she/her", "he/him", "they/them", "")),
                date_of_birth=born,
                nhs_number=nhs,
                preferred_language="cy"
                if spec.country == Country.WALES and index % 3 == 0
                else "en-gb",
                communication_needs=rng.choice(
                    (
                        "",
                        "",
                        "Prefers written information after appointments.",
                        "Finds phone calls hard: text first.",
                    )
                ),
                phone=f"07700 900{rng.randrange(100, 999)}",
            )
            coordinators = staff_by_team[team_index]
            start = today - timedelta(days=rng.randrange(400, 2500))
            for spell in range(spells):
                ended = (
                    None if spell == spells - 1 else start + timedelta(days=rng.randrange(120, 380))
                )
                CareTeamMembership.objects.create(
                    person=person,
                    staff=coordinators[(index + spell) % len(coordinators)],
                    is_coordinator=True,
                    started_on=start,
                    ended_on=ended,
                    end_reason=rng.choice(
                        (
                            "Coordinator moved to another team",
                            "Person asked for a change",
                            "Coordinator on long-term leave",
                        )
                    )
                    if ended
                    else "",
                )
                if ended:
                    start = ended
            for number in range(supporter_count):
                name, kind, relationship, identified = _SUPPORTERS[
                    (index + number) % len(_SUPPORTERS)
                ]
                Supporter.objects.create(
                    person=person,
                    given_name=name,
                    family_name=family,
                    kind=kind,
                    relationship=relationship,
                    is_identified_carer=identified,
                    phone=f"07700 901{rng.randrange(100, 999)}",
                    contact_preferences=rng.choice(("Text first, please", "Evenings are best", "")),
                )
        # One person and one supporter in each organisation have logins, linked to the first person.
        first_person = (
            Person.objects.filter(organisation=org, team=teams[0]).order_by("nhs_number").first()
        )
        assert first_person is not None
        person_username = "person" if spec.country == Country.ENGLAND else "person.cy"
        supporter_username = "supporter" if spec.country == Country.ENGLAND else "supporter.cy"
        if (
            first_person.user_id is None
            and not User.objects.filter(username=person_username).exists()
        ):
            first_person.user = _user(
                person_username,
                first_person.given_name,
                first_person.family_name,
                Role.SERVICE_USER,
            )
            first_person.save(update_fields=["user"])
        supporter = first_person.supporters.order_by("created_at").first()
        if supporter is None:
            supporter = Supporter.objects.create(
                person=first_person,
                given_name="Maureen",
                family_name=first_person.family_name,
                kind=SupporterKind.CARER,
                relationship="my mum",
                is_identified_carer=True,
            )
        if (
            supporter.user_id is None
            and not User.objects.filter(username=supporter_username).exists()
        ):
            supporter.user = _user(
                supporter_username, supporter.given_name, supporter.family_name, Role.SUPPORTER
            )
            supporter.save(update_fields=["user"])
        logins.append(DemoLogin(str(Role.SERVICE_USER.label), person_username, spec.code))
        logins.append(DemoLogin(str(Role.SUPPORTER.label), supporter_username, spec.code))
        logins.extend(org_logins)
    return logins
