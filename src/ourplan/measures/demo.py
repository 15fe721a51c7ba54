"""Demo questionnaires: RSA, STAR-P and ES collected across six fictional teams of the
Northmoor demo trust, the care coordinators' RSA, and a little history for the demo logins.
Everything here is invented.

The six teams are survey teams added to the Northmoor trust here, so the demo caseloads of
``people.demo`` stay as they are. About 100 service users per team answered (of about 140 asked), with realistic
missingness: about 3% of answers skipped, some "not applicable" RSA answers, 2% who stopped
after the first eight RSA items, 2% who did not do the Empowerment Scale, and some
demographics left blank or "prefer not to say". Planted, so the report has something to
find: the relationship (STAR-P) differs between teams, recovery-oriented practice tracks the
relationship within teams (trait correlation 0.6), empowerment is only weakly related, and
one team rates the RSA "choice" items lower.

Loading is idempotent: the survey is made once, found again by its teams.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from ourplan.accounts.models import Role, User
from ourplan.measures import services
from ourplan.measures.catalogue import shipped_definitions
from ourplan.measures.models import (
    Demographics,
    Mode,
    Occasion,
    Request,
    Respondent,
    Response,
    Score,
    Status,
)
from ourplan.measures.scoring import Definition, score_matrix
from ourplan.people.models import Organisation, Person, Profession, StaffMember, Supporter, Team
from ourplan.people.nhs_number import nhs_number_check_digit

SEED = 20130213
ORGANISATION_CODE = "ZZE01"
SURVEY_REF = "survey:demo"


@dataclass(frozen=True)
class SurveyTeam:
    name: str
    respondents: int
    relationship: float
    recovery: float
    choice: float
    mean_age: float


TEAMS = (
    SurveyTeam("Ashby Recovery Team", 98, 0.0, 0.05, 0.0, 44.0),
    SurveyTeam("Brookfield Recovery Team", 102, -0.10, -0.05, 0.0, 43.0),
    SurveyTeam("Moorside Recovery Team", 104, 0.45, 0.10, 0.0, 42.0),
    SurveyTeam("Riverside Recovery Team", 96, -0.45, -0.10, 0.0, 45.0),
    SurveyTeam("Hillcrest Community Team", 101, 0.10, 0.0, -0.5, 54.0),
    SurveyTeam("Harbourside Community Team", 99, -0.15, 0.0, 0.0, 41.0),
)
SURVEY_TEAMS = tuple(t.name for t in TEAMS)
RESPONSE_RATE = 0.72
COORDINATORS_PER_TEAM = 8

_GIVEN = (
    "Ash",
    "Bryn",
    "Cai",
    "Dee",
    "Eden",
    "Fin",
    "Gale",
    "Hari",
    "Isla",
    "Jude",
    "Kai",
    "Lee",
    "Mel",
    "Nia",
    "Oli",
    "Pat",
    "Quin",
    "Rae",
    "Sol",
    "Tam",
)
_FAMILY = (
    "Arden",
    "Bexley",
    "Corran",
    "Dunmore",
    "Elwin",
    "Fenwick",
    "Garrow",
    "Holm",
    "Innes",
    "Jarrow",
    "Kells",
    "Lorne",
    "Marsh",
    "Nolan",
    "Orrin",
    "Pell",
)
_GENDERS = ("woman", "man", "non_binary")
_ETHNICITY = (
    "white_british",
    "irish",
    "other_white",
    "indian",
    "pakistani",
    "caribbean",
    "african",
    "white_black_caribbean",
    "other_mixed",
    "arab",
)
_RELATIONSHIP = (
    "single",
    "relationship_together",
    "relationship_apart",
    "married",
    "separated",
    "widowed",
)
_YEARS = ("under_1", "1_3", "4_6", "7_9", "10_plus")


def _clip_round(values: np.ndarray, low: int, high: int) -> np.ndarray:
    return np.clip(np.rint(values), low, high)


def _nhs_numbers(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        first_nine = "999" + "".join(str(d) for d in rng.integers(0, 10, size=6))
        check = nhs_number_check_digit(first_nine)
        if check is None:
            continue
        number = f"{first_nine}{check}"
        if number in taken:
            continue
        taken.add(number)
        out.append(number)
    return out


def _answers_matrix(
    definition: Definition,
    traits: np.ndarray,
    rng: np.random.Generator,
    *,
    negative: set[str],
    centre: float,
    loading: float,
    spread: float,
    bonus: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Answers of many respondents: each item a noisy, rounded function of the trait.

    Negatively worded items move the other way (and are reverse-keyed by the definition).
    """
    scale = definition.scale
    n = len(traits)
    table = np.empty((n, len(definition.items)))
    item_shift = rng.normal(0, 0.25, size=len(definition.items))
    for column, item in enumerate(definition.items):
        direction = -1.0 if item.id in negative else 1.0
        base = centre + item_shift[column]
        if item.id in negative:
            base = scale.low + scale.high - base
        extra = bonus.get(item.id, 0.0) if bonus else 0.0
        table[:, column] = _clip_round(
            base + direction * (loading * traits + extra) + rng.normal(0, spread, size=n),
            scale.low,
            scale.high,
        )
    return table


def _miss(table: np.ndarray, rng: np.random.Generator, share: float) -> None:
    table[rng.random(table.shape) < share] = np.nan


def _to_answers(
    definition: Definition, row: np.ndarray, not_applicable: np.ndarray | None = None
) -> dict[str, object]:
    answers: dict[str, object] = {}
    for column, item in enumerate(definition.items):
        if not_applicable is not None and not_applicable[column]:
            answers[item.id] = "na"
        elif not np.isnan(row[column]):
            answers[item.id] = int(row[column])
    return answers


@transaction.atomic
def load_demo_measures() -> None:
    services.ensure_definitions()
    organisation = Organisation.objects.filter(code=ORGANISATION_CODE).first()
    if organisation is None:
        return
    if Team.objects.filter(organisation=organisation, name=SURVEY_TEAMS[0]).exists():
        return
    rng = np.random.default_rng(SEED)
    definitions = shipped_definitions()
    versions = {
        v: services.current_version(v)
        for v in ("rsa_person", "star_p", "empowerment", "rsa_provider")
    }
    entered_by = (
        User.objects.filter(username="admin").first()
        or User.objects.filter(role=Role.ADMINISTRATOR).first()
    )
    assert entered_by is not None
    today = timezone.localdate()
    teams: list[Team] = []
    for spec in TEAMS:
        team, _created = Team.objects.get_or_create(organisation=organisation, name=spec.name)
        teams.append(team)
    taken = set(Person.objects.values_list("nhs_number", flat=True))

    people_rows: list[Person] = []
    plan: list[tuple[int, bool]] = []  # (team index, responded)
    for index, spec in enumerate(TEAMS):
        asked = round(spec.respondents / RESPONSE_RATE)
        numbers = _nhs_numbers(rng, asked, taken)
        for position in range(asked):
            age = float(np.clip(rng.normal(spec.mean_age, 12), 18, 85))
            people_rows.append(
                Person(
                    organisation=organisation,
                    team=teams[index],
                    given_name=_GIVEN[int(rng.integers(len(_GIVEN)))],
                    family_name=_FAMILY[int(rng.integers(len(_FAMILY)))],
                    date_of_birth=today - dt.timedelta(days=int(age * 365.25)),
                    nhs_number=numbers[position],
                )
            )
            plan.append((index, position < spec.respondents))
    Person.objects.bulk_create(people_rows, batch_size=500)
    # Survey teams hold only survey people: found again by team, whatever their number.
    people = list(Person.objects.filter(team__in=teams))
    by_number = {p.nhs_number: p for p in people}
    people = [by_number[p.nhs_number] for p in people_rows]
    responders = [(p, plan[i][0]) for i, p in enumerate(people) if plan[i][1]]

    # Traits: the relationship differs between teams and rises with age; recovery-oriented
    # practice follows it (r = 0.6); empowerment is only weakly related to recovery.
    n = len(responders)
    team_of = np.array([t for _p, t in responders])
    ages = np.array([(today - p.date_of_birth).days / 365.25 for p, _t in responders])
    relationship = (
        np.array([TEAMS[t].relationship for t in team_of])
        + 0.025 * (ages - 44)
        + rng.normal(0, 1, n)
    )
    recovery = (
        0.6 * relationship
        + 0.8 * rng.normal(0, 1, n)
        + np.array([TEAMS[t].recovery for t in team_of])
    )
    empowerment = 0.15 * recovery + rng.normal(0, 1, n)

    rsa = definitions["rsa_person"]
    choice_items = set(rsa.score("choice").items)
    choice_bonus = {item: np.array([TEAMS[t].choice for t in team_of]) for item in choice_items}
    rsa_table = _answers_matrix(
        rsa,
        recovery,
        rng,
        negative=set(),
        centre=3.3,
        loading=0.55,
        spread=0.75,
        bonus=choice_bonus,
    )
    star = definitions["star_p"]
    star_table = _answers_matrix(
        star,
        relationship,
        rng,
        negative={"STARP04", "STARP07", "STARP09"},
        centre=2.9,
        loading=0.7,
        spread=0.7,
    )
    es = definitions["empowerment"]
    es_negative = {i.id for i in es.items if not i.reverse}
    # Answers are 1 = strongly agree: an empowered person agrees with the positive items.
    es_table = _answers_matrix(
        es, -empowerment, rng, negative=es_negative, centre=2.3, loading=0.35, spread=0.6
    )
    for table in (rsa_table, star_table, es_table):
        _miss(table, rng, 0.03)
    stopped = rng.random(n) < 0.02
    rsa_table[stopped, 8:] = np.nan
    skipped_es = rng.random(n) < 0.02
    not_applicable = (rng.random(rsa_table.shape) < 0.04) & ~np.isnan(rsa_table)

    responses: list[Response] = []
    requests: list[Request] = []
    completed: list[dt.date] = []
    for row, (person, _team) in enumerate(responders):
        day = today - dt.timedelta(days=int(rng.integers(5, 330)))
        for instrument, table in (
            ("rsa_person", rsa_table),
            ("star_p", star_table),
            ("empowerment", es_table),
        ):
            if instrument == "empowerment" and skipped_es[row]:
                continue
            answers = _to_answers(
                definitions[instrument],
                table[row],
                not_applicable[row] if instrument == "rsa_person" else None,
            )
            if not answers:
                continue
            responses.append(
                Response(
                    instrument=versions[instrument],
                    organisation=organisation,
                    team=person.team,
                    person=person,
                    respondent=Respondent.PERSON,
                    mode=Mode.PAPER if rng.random() < 0.4 else Mode.SELF,
                    occasion=Occasion.OTHER,
                    entered_by=entered_by,
                    status=Status.COMPLETE,
                    answers=answers,
                    position=len(answers),
                    completed_at=timezone.now() - dt.timedelta(days=(today - day).days),
                    completed_on=day,
                )
            )
            completed.append(day)
    Response.objects.bulk_create(responses, batch_size=500)
    _score(responses, versions)
    response_of = {(r.person_id, r.instrument.instrument_id): r for r in responses}
    for person, _responded in zip(people, [p[1] for p in plan], strict=True):
        for instrument in ("rsa_person", "star_p", "empowerment"):
            requests.append(
                Request(
                    instrument_id=instrument,
                    occasion=Occasion.OTHER,
                    occasion_ref=SURVEY_REF,
                    organisation=organisation,
                    team=person.team,
                    person=person,
                    respondent=Respondent.PERSON,
                    asked_on=today - dt.timedelta(days=340),
                    response=response_of.get((person.pk, instrument)),
                )
            )
    Request.objects.bulk_create(requests, batch_size=500)

    demographics = []
    for person, _team in responders:
        said: dict[str, object] = {}
        if rng.random() > 0.05:
            said["age"] = int((today - person.date_of_birth).days // 365.25)
        for code, choices, weights in (
            ("gender", _GENDERS, (0.55, 0.42, 0.03)),
            ("ethnicity", _ETHNICITY, None),
            ("relationship", _RELATIONSHIP, None),
            ("years_in_services", _YEARS, (0.08, 0.2, 0.2, 0.12, 0.4)),
        ):
            draw = rng.random()
            if draw < 0.04:
                continue
            if draw < 0.07:
                said[code] = "prefer_not_to_say"
                continue
            if code == "ethnicity":
                said[code] = (
                    "white_british"
                    if rng.random() < 0.78
                    else _ETHNICITY[int(rng.integers(1, len(_ETHNICITY)))]
                )
            else:
                said[code] = str(rng.choice(choices, p=weights))
        demographics.append(Demographics(person=person, answers=said))
    Demographics.objects.bulk_create(demographics, batch_size=500)
    _coordinators(organisation, teams, versions, definitions, rng, today)
    _demo_logins(organisation, versions, entered_by, today)


def _score(responses: list[Response], versions: dict) -> None:
    """Scores for many demo responses at once, with the same rule every response gets."""
    rows: list[Score] = []
    for version in versions.values():
        chosen = [r for r in responses if r.instrument_id == version.pk]
        if not chosen:
            continue
        definition = version.parsed
        table = np.array(
            [
                [
                    float(r.answers[i]) if isinstance(r.answers.get(i), int) else np.nan
                    for i in definition.item_ids
                ]
                for r in chosen
            ]
        )
        scored = score_matrix(definition, table)
        for row, response in enumerate(chosen):
            for rule in definition.scores:
                value = float(scored.values[rule.id][row])
                rows.append(
                    Score(
                        response=response,
                        instrument=version,
                        score_id=rule.id,
                        value=None if np.isnan(value) else value,
                        answered=int(scored.answered[rule.id][row]),
                        n_items=len(rule.items),
                    )
                )
    Score.objects.bulk_create(rows, batch_size=1000)


def _coordinators(
    organisation: Organisation,
    teams: list[Team],
    versions: dict,
    definitions: dict,
    rng: np.random.Generator,
    today: dt.date,
) -> None:
    """Eight survey care coordinators per team (no logins), most of whom answered the RSA."""
    staff_rows: list[StaffMember] = []
    for team_index, team in enumerate(teams):
        for number in range(COORDINATORS_PER_TEAM):
            user = User(
                username=f"survey.coordinator.{team_index}.{number}",
                first_name=_GIVEN[int(rng.integers(len(_GIVEN)))],
                last_name=_FAMILY[int(rng.integers(len(_FAMILY)))],
                role=Role.CARE_COORDINATOR,
                is_active=False,
            )
            user.set_unusable_password()
            user.save()
            staff_rows.append(
                StaffMember(
                    user=user, organisation=organisation, team=team, profession=Profession.NURSE
                )
            )
    StaffMember.objects.bulk_create(staff_rows)
    staff = list(
        StaffMember.objects.filter(user__username__startswith="survey.coordinator.").select_related(
            "team"
        )
    )
    definition = definitions["rsa_provider"]
    traits = rng.normal(0, 1, len(staff)) + np.array(
        [TEAMS[teams.index(s.team)].recovery if s.team in teams else 0.0 for s in staff]
    )
    table = _answers_matrix(
        definition, traits, rng, negative=set(), centre=3.5, loading=0.5, spread=0.7
    )
    _miss(table, rng, 0.02)
    responses = []
    requests = []
    for row, member in enumerate(staff):
        answered = rng.random() < 0.85
        response = None
        if answered:
            day = today - dt.timedelta(days=int(rng.integers(5, 300)))
            response = Response(
                instrument=versions["rsa_provider"],
                organisation=organisation,
                team=member.team,
                staff=member,
                respondent=Respondent.STAFF,
                mode=Mode.SELF,
                entered_by=member.user,
                status=Status.COMPLETE,
                answers=_to_answers(definition, table[row]),
                completed_at=timezone.now() - dt.timedelta(days=(today - day).days),
                completed_on=day,
            )
            responses.append(response)
        requests.append(
            Request(
                instrument_id="rsa_provider",
                occasion=Occasion.OTHER,
                occasion_ref=SURVEY_REF,
                organisation=organisation,
                team=member.team,
                staff=member,
                respondent=Respondent.STAFF,
                asked_on=today - dt.timedelta(days=320),
                response=response,
            )
        )
    Response.objects.bulk_create(responses)
    _score(responses, {"rsa_provider": versions["rsa_provider"]})
    Request.objects.bulk_create(requests)
    Demographics.objects.bulk_create(
        Demographics(
            staff=member,
            answers={
                "age": int(rng.integers(25, 62)),
                "gender": str(rng.choice(_GENDERS[:2])),
                "years_in_services": str(rng.choice(_YEARS[1:])),
                "years_as_coordinator": str(rng.choice(_YEARS)),
            },
        )
        for member in staff
    )


def _demo_logins(
    organisation: Organisation, versions: dict, entered_by: User, today: dt.date
) -> None:
    """The demo person has STAR-P and RSA results from earlier, so results show over time; a
    carer wellbeing check waits for the demo carer."""
    person = Person.objects.filter(user__username="person").first()
    if person is None:
        return
    history = (
        (
            "star_p",
            180,
            {
                f"STARP{i:02d}": v
                for i, v in enumerate([2, 3, 2, 1, 3, 2, 1, 2, 1, 2, 3, 2], start=1)
            },
        ),
        ("rsa_person", 180, {f"RSA{i:02d}": 3 if i % 4 else 4 for i in range(1, 37)}),
        (
            "star_p",
            90,
            {
                f"STARP{i:02d}": v
                for i, v in enumerate([3, 3, 3, 1, 3, 3, 1, 3, 0, 3, 3, 3], start=1)
            },
        ),
    )
    for instrument, days_ago, answers in history:
        response = services.start_response(
            actor=entered_by, instrument_id=instrument, mode=Mode.PAPER, person=person
        )
        response.answers = answers
        response.save(update_fields=["answers"])
        services.finish_response(
            actor=entered_by, response=response, completed_on=today - dt.timedelta(days=days_ago)
        )
    supporter = Supporter.objects.filter(user__username="supporter").first()
    if supporter is not None:
        Request.objects.get_or_create(
            instrument_id="carer_wellbeing",
            occasion=Occasion.OTHER,
            occasion_ref="demo",
            respondent=Respondent.CARER,
            supporter=supporter,
            defaults={
                "organisation": organisation,
                "team": supporter.person.team,
                "person": supporter.person,
                "asked_on": today,
            },
        )
