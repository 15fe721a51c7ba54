"""Reads for "who has seen my record": the person's entries, grouped, in words.

A person is shown what others did with their record: reads, exports and changes. List
appearances (a caseload page shows many people at once), refusals and the person's own
actions are kept in the log but left out here, so what is left can be read.

A page is built in a fixed number of queries, however long the log: the groups (one per
day and person who looked) are counted and paged in the database, only the entries of
the groups on the page are fetched, and the objects the log names are put into words
once, with one query per object type (``core.record_words``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Max, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ourplan.accounts.models import Role, User
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.core.record_words import describe_objects
from ourplan.people.models import Person, StaffMember, Supporter
from ourplan.record_access.models import GovernanceLead, QuestionStatus, RecordAccessQuestion
from ourplan.record_access.reasons import reasons_for

# What a person is shown: others reading, exporting or changing their record.
SHOWN_ACTIONS = (
    AuditAction.READ,
    AuditAction.EXPORT,
    AuditAction.CREATE,
    AuditAction.UPDATE,
    AuditAction.DELETE,
)
# Groups (one day, one person who looked) per page: under three screens of a phone.
GROUPS_PER_PAGE = 6
# Lines shown of each group before the rest fold into "N more things".
LINES_SHOWN = 3
# Questions listed at the top of the first page: every open one first, then the latest answers.
QUESTIONS_SHOWN = 3


def record_access_for(person: Person) -> QuerySet[AuditEntry]:
    """What others did with a person's record, newest first (no list appearances or refusals)."""
    entries = AuditEntry.objects.filter(person=person, action__in=SHOWN_ACTIONS)
    if person.user_id is not None:
        entries = entries.exclude(actor_id=person.user_id)
    return entries.order_by("-at", "-id")


@dataclass(frozen=True)
class Filters:
    """What the person has narrowed the list to; empty values mean everything."""

    actor_id: int | None = None
    part: str = ""  # a part of the record, in the words the filter offers it
    date_from: date | None = None
    date_to: date | None = None

    @property
    def any(self) -> bool:
        return bool(self.actor_id or self.part or self.date_from or self.date_to)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered(entries: QuerySet[AuditEntry], filters: Filters) -> QuerySet[AuditEntry]:
    if filters.actor_id:
        entries = entries.filter(actor_id=filters.actor_id)
    if filters.date_from:
        entries = entries.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return entries


@dataclass
class AccessLine:
    """One thing someone did with one part of the record on one day, however many times."""

    what: str
    action: str
    times: int
    reason: str
    entry_id: int  # the latest of the entries it stands for: the one a question is about
    question: RecordAccessQuestion | None = None

    @property
    def did(self) -> str:
        if self.action == AuditAction.READ:
            return ngettext("looked at", "looked at %(count)d times", self.times) % {
                "count": self.times
            }
        if self.action == AuditAction.EXPORT:
            return ngettext(
                "printed or downloaded", "printed or downloaded %(count)d times", self.times
            ) % {"count": self.times}
        if self.action == AuditAction.CREATE:
            return _("added")
        if self.action == AuditAction.DELETE:
            return _("removed")
        return ngettext("changed", "changed %(count)d times", self.times) % {"count": self.times}


@dataclass
class AccessGroup:
    """Everything one person did with the record on one day."""

    day: date
    actor_id: int | None
    who: str = ""
    role: str = ""
    where: str = ""
    first_at: datetime | None = None
    last_at: datetime | None = None
    lines: list[AccessLine] = field(default_factory=list)

    @property
    def first_lines(self) -> list[AccessLine]:
        return self.lines[:LINES_SHOWN]

    @property
    def more_lines(self) -> list[AccessLine]:
        """Lines past the first few fold away, so one busy day cannot fill the phone's screen."""
        return self.lines[LINES_SHOWN:]

    @property
    def latest_entry_id(self) -> int:
        return self.lines[0].entry_id

    @property
    def single_time(self) -> bool:
        if self.first_at is None or self.last_at is None:
            return True
        return timezone.localtime(self.first_at).strftime("%H:%M") == timezone.localtime(
            self.last_at
        ).strftime("%H:%M")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass
class AccessPage:
    groups: list[AccessGroup]
    page: Page[Any]
    total_groups: int
    who_choices: list[Choice]
    part_choices: list[Choice]
    questions: list[tuple[RecordAccessQuestion, str]]  # each with its entry in words


def _role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return ""


def _actor_details(person: Person, actor_ids: set[int]) -> dict[int, tuple[str, str, str]]:
    """(name, role, team or relationship) of each person who looked: three queries at most."""
    if not actor_ids:
        return {}
    users = {user.pk: user for user in User.objects.filter(pk__in=actor_ids)}
    staff = {
        member.user_id: member
        for member in StaffMember.objects.filter(user_id__in=actor_ids).select_related(
            "team", "organisation"
        )
    }
    supporter_ids = [pk for pk, user in users.items() if user.role == Role.SUPPORTER]
    supporters = {
        supporter.user_id: supporter
        for supporter in Supporter.objects.filter(person=person, user_id__in=supporter_ids)
    }
    details: dict[int, tuple[str, str, str]] = {}
    for pk, user in users.items():
        where = ""
        if pk in staff:
            member = staff[pk]
            where = member.team.name if member.team is not None else member.organisation.name
        elif pk in supporters:
            where = supporters[pk].relationship
        details[pk] = (user.display_name, _role_label(user.role), where)
    return details


def part_name(words: str) -> str:
    """The kind of thing words describe: "Goal" for "Goal: ‘Walk to the park’".

    Apps word their objects as a noun phrase, with any title after a colon (see
    ``core.record_words``), so the words before the colon name the part of the record.
    """
    return words.split(":", 1)[0].strip() or words


def _objects_in(entries: QuerySet[AuditEntry]) -> list[tuple[str, str]]:
    """Every (type, id) the log names once: what a person's record has been, in objects."""
    return list(entries.order_by().values_list("object_type", "object_id").distinct())


def _parts(
    objects: list[tuple[str, str]], words: dict[tuple[str, str], str]
) -> dict[str, list[tuple[str, str]]]:
    """The parts of the record in the log, in words, each with the objects it covers.

    Objects that read "Goal: ‘…’" make one part, "Goal"; objects without a title after a
    colon are parts of their own ("Crisis plan", "Review of 3 March 2026").
    """
    parts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair in objects:
        parts[part_name(words[pair])].append(pair)
    return parts


def _in_part(objects: list[tuple[str, str]]) -> Q:
    by_type: dict[str, list[str]] = defaultdict(list)
    for object_type, object_id in objects:
        by_type[object_type].append(object_id)
    condition = Q(pk__in=[])
    for object_type, ids in by_type.items():
        condition |= Q(object_type=object_type, object_id__in=ids)
    return condition


def _part_choices(parts: dict[str, list[tuple[str, str]]]) -> list[Choice]:
    return sorted((Choice(name, name) for name in parts), key=lambda c: c.label.casefold())


def _who_choices(details: dict[int, tuple[str, str, str]]) -> list[Choice]:
    choices = [
        Choice(str(actor_id), f"{name} ({role})" if role else name)
        for actor_id, (name, role, _where) in details.items()
    ]
    return sorted(choices, key=lambda choice: choice.label.casefold())


def questions_of(person: Person, limit: int = QUESTIONS_SHOWN) -> list[RecordAccessQuestion]:
    """The person's latest questions about entries: open ones first, then the newest answers."""
    # "open" sorts after "answered", so descending status puts open questions first.
    return list(
        RecordAccessQuestion.objects.filter(person=person)
        .select_related("entry", "answered_by")
        .order_by("-status", "-asked_at", "-id")[:limit]
    )


def _lines_of(
    entries: list[AuditEntry],
    words: dict[tuple[str, str], str],
    reasons: dict[int, str],
    questions: dict[int, RecordAccessQuestion],
) -> list[AccessLine]:
    """Entries (newest first) folded into one line per thing done to each part, newest first."""
    lines: dict[tuple[str, str, str, str], AccessLine] = {}
    for entry in entries:
        reason = reasons.get(entry.pk, "")
        key = (entry.action, entry.object_type, entry.object_id, reason)
        line = lines.get(key)
        if line is None:
            line = lines[key] = AccessLine(
                what=words[(entry.object_type, entry.object_id)],
                action=entry.action,
                times=0,
                reason=reason,
                entry_id=entry.pk,
            )
        line.times += 1
        if line.question is None and entry.pk in questions:
            line.question = questions[entry.pk]
    return list(lines.values())


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _groups_of(
    person: Person,
    entries: list[AuditEntry],
    *,
    words: dict[tuple[str, str], str],
    details: dict[int, tuple[str, str, str]],
    questions: dict[int, RecordAccessQuestion],
) -> list[AccessGroup]:
    """Entries (newest first) grouped by day and by who looked, newest group first."""
    reasons = reasons_for(person, entries)
    by_group: dict[tuple[date, int | None], list[AuditEntry]] = {}
    for entry in entries:
        by_group.setdefault((_local_day(entry.at), entry.actor_id), []).append(entry)
    groups = []
    for (day, actor_id), group_entries in by_group.items():
        if actor_id is None:
            name, role, where = _("ourplan, automatically"), "", ""
        else:
            name, role, where = details.get(actor_id, (_("Someone"), "", ""))
        groups.append(
            AccessGroup(
                day=day,
                actor_id=actor_id,
                who=name,
                # The role the entry recorded: what they were doing it as, at the time.
                role=_role_label(group_entries[0].actor_role) or role,
                where=where,
                first_at=group_entries[-1].at,
                last_at=group_entries[0].at,
                lines=_lines_of(group_entries, words, reasons, questions),
            )
        )
    return groups


def _question_by_entry(questions: list[RecordAccessQuestion]) -> dict[int, RecordAccessQuestion]:
    """The question to show beside each entry: an open one if there is one, else the latest."""
    by_entry = {question.entry_id: question for question in questions if question.is_open}
    for question in questions:
        by_entry.setdefault(question.entry_id, question)
    return by_entry


def access_page(person: Person, filters: Filters, page_number: Any) -> AccessPage:
    """One page of the person's log: groups in words, the filter choices and their questions."""
    everything = record_access_for(person)
    questions = questions_of(person)
    # Every object in the log is put into words at once (one query per type): the page's
    # lines and the parts the filter offers both come from these words.
    objects = _objects_in(everything)
    words = describe_objects(
        objects + [(question.entry.object_type, question.entry.object_id) for question in questions]
    )
    parts = _parts(objects, words)
    shown = filtered(everything, filters)
    if filters.part:
        shown = shown.filter(_in_part(parts.get(filters.part, [])))
    group_rows = (
        shown.order_by()
        .annotate(day=TruncDate("at"))
        .values("day", "actor_id")
        .annotate(latest=Max("at"), earliest=Min("at"))
        .order_by("-day", "-latest", "actor_id")
    )
    page = Paginator(group_rows, GROUPS_PER_PAGE).get_page(page_number)
    rows = list(page.object_list)
    entries: list[AuditEntry] = []
    if rows:
        keys = {(row["day"], row["actor_id"]) for row in rows}
        window = shown.filter(
            at__gte=min(row["earliest"] for row in rows),
            at__lte=max(row["latest"] for row in rows),
        )
        entries = [entry for entry in window if (_local_day(entry.at), entry.actor_id) in keys]
    actor_ids = set(everything.order_by().values_list("actor_id", flat=True).distinct())
    details = _actor_details(person, {pk for pk in actor_ids if pk is not None})
    about_these = RecordAccessQuestion.objects.filter(entry_id__in=[entry.pk for entry in entries])
    groups = _groups_of(
        person,
        entries,
        words=words,
        details=details,
        questions=_question_by_entry(list(about_these.order_by("-asked_at", "-id"))),
    )
    order = {(row["day"], row["actor_id"]): index for index, row in enumerate(rows)}
    groups.sort(key=lambda group: order[(group.day, group.actor_id)])
    return AccessPage(
        groups=groups,
        page=page,
        total_groups=page.paginator.count,
        who_choices=_who_choices(details),
        part_choices=_part_choices(parts),
        questions=[
            (question, words[(question.entry.object_type, question.entry.object_id)])
            for question in questions
        ],
    )


def group_around(person: Person, entry: AuditEntry) -> AccessGroup:
    """The group an entry belongs to: what the same person did with the record that day."""
    day = _local_day(entry.at)
    same_day = record_access_for(person).filter(
        at__gte=_start_of(day), at__lt=_start_of(day + timedelta(days=1))
    )
    if entry.actor_id is None:
        same_day = same_day.filter(actor__isnull=True)
    else:
        same_day = same_day.filter(actor_id=entry.actor_id)
    entries = list(same_day)
    words = describe_objects((item.object_type, item.object_id) for item in entries)
    details = _actor_details(person, {entry.actor_id} if entry.actor_id is not None else set())
    return _groups_of(person, entries, words=words, details=details, questions={})[0]


# The information governance lead's side.


def current_leads(organisation_id: int) -> QuerySet[GovernanceLead]:
    return (
        GovernanceLead.objects.filter(organisation_id=organisation_id, ended_at__isnull=True)
        .select_related("user", "granted_by")
        .order_by("user__last_name", "user__first_name")
    )


def past_leads(organisation_id: int, limit: int = 10) -> list[GovernanceLead]:
    return list(
        GovernanceLead.objects.filter(organisation_id=organisation_id, ended_at__isnull=False)
        .select_related("user", "ended_by")
        .order_by("-ended_at")[:limit]
    )


def eligible_leads(organisation_id: int) -> QuerySet[StaffMember]:
    """Staff of the organisation who could be made an IG lead and are not one now.

    Researchers are left out: they never see people's records.
    """
    current = GovernanceLead.objects.filter(
        organisation_id=organisation_id, ended_at__isnull=True
    ).values("user_id")
    return (
        StaffMember.objects.filter(organisation_id=organisation_id, user__is_active=True)
        .exclude(user__role=Role.RESEARCHER)
        .exclude(user_id__in=current)
        .select_related("user", "team")
        .order_by("user__last_name", "user__first_name")
    )


def questions_for_organisation(
    organisation_id: int, *, status: str, limit: int = 100
) -> list[RecordAccessQuestion]:
    """Questions from the organisation's people: open ones oldest first, answers newest first."""
    questions = RecordAccessQuestion.objects.filter(
        person__organisation_id=organisation_id, status=status
    ).select_related("person", "person__team", "entry__actor", "answered_by")
    order = ("asked_at", "id") if status == QuestionStatus.OPEN else ("-answered_at", "-id")
    return list(questions.order_by(*order)[:limit])


def with_entry_words(
    questions: list[RecordAccessQuestion],
) -> list[tuple[RecordAccessQuestion, str]]:
    """Each question with the entry it is about in words, one query per object type."""
    words = describe_objects((q.entry.object_type, q.entry.object_id) for q in questions)
    return [(q, words[(q.entry.object_type, q.entry.object_id)]) for q in questions]
