"""Demo care plan audits for the two demo organisations: a sample of the first team's plans
with the first auditor's audit done and a second auditor for half of them (one of whose audits
is done, so the agreement page has a pair to compare), and a recovery self-assessment with
ratings from two groups, priorities, an owned action and one improvement cycle.

Everything here is invented. Loading is idempotent: each organisation's demo sample and
self-assessment are found again by name and left as they are.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ourplan.accounts.models import User
from ourplan.people.models import Organisation, StaffMember
from ourplan.quality import queries, services
from ourplan.quality import self_assessment as improvement
from ourplan.quality.challenges import CHALLENGE_KEYS, RaterGroup
from ourplan.quality.models import AuditSample, SelfAssessment
from ourplan.quality.template import CONTENT_KEYS, FRONT_KEYS, ITEMS

SAMPLE_NAME = "Demo care plan audit"
ASSESSMENT_TITLE = "Demo recovery self-assessment"
SEED = 20240601
# Per organisation code: the manager who draws, the first and the second auditor.
PEOPLE = {
    "ZZE01": ("manager", "clinician", "coordinator2"),
    "ZZW01": ("rheolwr", "clinigydd", "cydlynydd2"),
}
STAFF_RATINGS = (3, 2, 3, 4, 2, 3, 2, 3, 1, 2)
PEOPLE_RATINGS = (2, 2, 3, 3, 1, 2, 2, 2, 1, 2)


def _answers(entry: Any, disagree: bool) -> dict[str, str]:
    """The automatic answers where the template allows them; the second auditor reads every
    fourth question differently, so agreement is not trivially perfect."""
    findings = queries.automatic_findings(entry)
    answers: dict[str, str] = {}
    for index, key in enumerate((*FRONT_KEYS, *CONTENT_KEYS)):
        options = ITEMS[key].options
        found = findings.get(key)
        value = found.answer if found is not None and found.answer in options else options[0]
        if disagree and index % 4 == 1:
            value = options[(options.index(value) + 1) % len(options)]
        answers[key] = value
    return answers


def _sample(organisation: Organisation, names: tuple[str, str, str]) -> None:
    if AuditSample.objects.filter(organisation=organisation, name=SAMPLE_NAME).exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) != len(names):
        return
    manager, first, second = (users[name] for name in names)
    team = organisation.teams.order_by("pk").first()
    if team is None:
        return
    size = min(4, len(queries.eligible_people(team)))
    if size == 0:
        return
    sample = services.sample_draw(
        actor=manager,
        organisation=organisation,
        name=SAMPLE_NAME,
        teams=[team],
        size_per_team=size,
        first_auditor=first,
        second_auditor=second,
        double_review_percent=50,
        closes_on=timezone.localdate() + timedelta(days=28),
        seed=SEED,
    )
    entries = list(
        sample.entries.select_related("sample", "version", "person").order_by("position")
    )
    for entry in entries[:-1]:  # the last is left for the demo auditor to do
        services.manual_audit_save(actor=first, entry=entry, answers=_answers(entry, False))
    doubled = [entry for entry in entries if entry.double_review]
    if doubled:
        services.manual_audit_save(
            actor=second, entry=doubled[0], answers=_answers(doubled[0], True)
        )


def _assessment(organisation: Organisation, manager_name: str) -> None:
    if SelfAssessment.objects.filter(organisation=organisation, title=ASSESSMENT_TITLE).exists():
        return
    manager = User.objects.filter(username=manager_name).first()
    owner = StaffMember.objects.filter(user=manager).first() if manager else None
    if manager is None or owner is None:
        return
    today = timezone.localdate()
    found = improvement.assessment_start(
        actor=manager,
        organisation=organisation,
        title=ASSESSMENT_TITLE,
        held_on=today - timedelta(days=42),
    )
    for group, ratings in ((RaterGroup.STAFF, STAFF_RATINGS), (RaterGroup.PEOPLE, PEOPLE_RATINGS)):
        improvement.ratings_record(
            actor=manager,
            assessment=found,
            group=group,
            ratings=dict(zip(CHALLENGE_KEYS, ratings, strict=True)),
        )
    focus = CHALLENGE_KEYS[4]
    improvement.priorities_set(
        actor=manager,
        assessment=found,
        challenges=[focus, CHALLENGE_KEYS[8]],
        why="Both groups rated these lowest.",
    )
    action = improvement.action_add(
        actor=manager,
        assessment=found,
        challenge=focus,
        text="Every new goal is written with the person, in their words, at the first review.",
        owner=owner,
        due_on=today + timedelta(days=90),
        audit_item=CONTENT_KEYS[0],
    )
    improvement.cycle_add(
        actor=manager,
        action=action,
        plan="Two coordinators try writing goals with the person for a month; we expect more "
        "goals in the person's own words at the next audit.",
        do="Tried with twelve people.",
        started_on=today - timedelta(days=30),
    )


def load_demo_quality() -> None:
    with transaction.atomic():
        for organisation in Organisation.objects.filter(code__in=PEOPLE).order_by("code"):
            names = PEOPLE[organisation.code]
            _sample(organisation, names)
            _assessment(organisation, names[0])
