"""Reads for the working day: what needs doing for many people at once, in a fixed number of
queries however many people there are (tests/coordination/test_query_counts.py).

``people_rows`` is the one place the facts about a set of people are gathered; the
worklist, the caseload's flags, the team dashboard and its drill-downs all read from it, so
a figure and the people behind it always agree. Nothing here decides who may see what
(that is access.py): callers pass the people the user may see.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, partial
from typing import Any

from django.db import models as db
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ourplan.accounts.models import Role
from ourplan.consent.models import (
    CarerProfile,
    Contribution,
    ContributionKind,
    CrisisSharing,
    SharingAgreement,
)
from ourplan.coordination import indicators
from ourplan.coordination.indicators import Indicator, PlanFacts, Thresholds
from ourplan.coordination.models import (
    FACE_TO_FACE,
    WITH_PEOPLE,
    Allocation,
    AllocationPreferences,
    Contact,
    ContactOutcome,
    CoordinationSettings,
    CoordinatorProfile,
    Handover,
    Notification,
    NotificationSettings,
)
from ourplan.people.continuity import CoordinatorSpell, continuity_of
from ourplan.people.models import CareTeamMembership, Organisation, Person, StaffMember, Team
from ourplan.plans.models import (
    CrisisPlan,
    Goal,
    GoalStatus,
    GoalStep,
    Plan,
    PlanVersion,
    ProgressRating,
    Review,
    Strength,
)

# Shared agreements are looked at again within this many days of their date (as consent's list).
REVISIT_WITHIN_DAYS = 14
# "Per month" figures look back this many days.
MONTH_DAYS = 30


# --- Settings -------------------------------------------------------------------------------


def settings_for(organisation: Organisation | int) -> CoordinationSettings:
    """The organisation's thresholds, or the defaults (unsaved) when none are set."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    found = CoordinationSettings.objects.filter(organisation_id=organisation_id).first()
    return found or CoordinationSettings(organisation_id=organisation_id)


def thresholds_of(settings: CoordinationSettings) -> Thresholds:
    return Thresholds(
        no_progress_weeks=settings.no_progress_weeks,
        unsigned_weeks=settings.unsigned_weeks,
        new_plan_weeks=settings.new_plan_weeks,
        goals_unchanged_months=settings.goals_unchanged_months,
    )


# --- Facts about many people ------------------------------------------------------------------


def _day(moment: datetime | date | None) -> date | None:
    """The local date of a moment (ourplan never switches time zone per request, so the default
    zone, looked up once, is the local one: much cheaper across thousands of rows)."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        if timezone.is_aware(moment):
            return moment.astimezone(timezone.get_default_timezone()).date()
        return moment.date()
    return moment


def _later(first: Any, second: Any) -> Any:
    """The later of two values, either of which may be missing."""
    if first is None:
        return second
    if second is None:
        return first
    return max(first, second)


def _latest(*days: date | None) -> date | None:
    present = [d for d in days if d is not None]
    return max(present) if present else None


def _crisis_words_fields() -> list[str]:
    """The crisis plan's written fields: a crisis plan with all of them empty is not written."""
    return [
        f.name
        for f in CrisisPlan._meta.get_fields()
        if isinstance(f, db.TextField) and f.name != "advance_original_kept"
    ]


@dataclass
class PlanSummary:
    facts: PlanFacts
    plan_id: int | None = None
    crisis_written: bool = False
    copy_not_given: bool = False
    version_number: int | None = None


def plan_summaries(person_ids: Any, in_services: dict[Any, date]) -> dict[Any, PlanSummary]:
    """Plan facts for every person given (a list or a subquery of ids), in a fixed number of
    queries. Related rows are found through subqueries, not lists of ids, so the SQL stays the
    same size however many people there are."""
    newest_review = Review.objects.filter(plan=OuterRef("pk")).order_by("-held_on", "-created_at")
    newest_version = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number")
    plans = list(
        Plan.objects.filter(person_id__in=person_ids)
        .annotate(
            next_review=Subquery(newest_review.values("next_review_on")[:1]),
            version_id=Subquery(newest_version.values("pk")[:1]),
        )
        .values("pk", "person_id", "started_at", "next_review", "version_id")
    )
    if not plans:
        return {}
    plan_ids = Plan.objects.filter(person_id__in=person_ids).values("pk")
    # One row per goal, with its latest rating found by an index probe (not a scan of every
    # rating): aggregated per plan below.
    latest_rating = ProgressRating.objects.filter(goal=OuterRef("pk")).order_by("-rated_on")
    goals: dict[int, dict[str, Any]] = {}
    ratings: dict[int, date] = {}
    for row in (
        Goal.objects.filter(plan_id__in=plan_ids)
        .annotate(last_rating=Subquery(latest_rating.values("rated_on")[:1]))
        .values("plan_id", "status", "created_at", "updated_at", "achieved_on", "last_rating")
    ):
        plan = goals.setdefault(
            row["plan_id"],
            {
                "goals": 0,
                "active": 0,
                "newest_active": None,
                "last_created": None,
                "last_updated": None,
                "last_achieved": None,
            },
        )
        plan["goals"] += 1
        plan["last_created"] = _later(plan["last_created"], row["created_at"])
        plan["last_updated"] = _later(plan["last_updated"], row["updated_at"])
        plan["last_achieved"] = _later(plan["last_achieved"], row["achieved_on"])
        if row["status"] == GoalStatus.ACTIVE:
            plan["active"] += 1
            plan["newest_active"] = _later(plan["newest_active"], row["created_at"])
            if row["last_rating"] is not None:
                ratings[row["plan_id"]] = _later(ratings.get(row["plan_id"]), row["last_rating"])
    strengths = dict(
        Strength.objects.filter(plan_id__in=plan_ids, archived_at__isnull=True)
        .values("plan_id")
        .annotate(n=Count("pk"))
        .values_list("plan_id", "n")
    )
    versions = {
        row["pk"]: row
        for row in PlanVersion.objects.filter(
            pk__in=Plan.objects.filter(person_id__in=person_ids)
            .annotate(newest=Subquery(newest_version.values("pk")[:1]))
            .values("newest")
        ).values(
            "pk",
            "number",
            "created_at",
            "person_signed_at",
            "coordinator_signed_at",
            "person_response",
            "not_signed_reason",
            "copy_given",
        )
    }
    empty_crisis = Q()
    for name in _crisis_words_fields():
        empty_crisis &= Q(**{name: ""})
    unwritten_crisis = set(
        CrisisPlan.objects.filter(empty_crisis, plan_id__in=plan_ids).values_list(
            "plan_id", flat=True
        )
    )
    summaries: dict[Any, PlanSummary] = {}
    for plan in plans:
        goal = goals.get(plan["pk"], {})
        version = versions.get(plan["version_id"]) if plan["version_id"] else None
        person_answered = bool(
            version
            and (
                version["person_signed_at"]
                or version["person_response"]
                or version["not_signed_reason"]
            )
        )
        coordinator_signed = bool(version and version["coordinator_signed_at"])
        facts = PlanFacts(
            has_plan=True,
            plan_started_on=_day(plan["started_at"]),
            active_goals=goal.get("active", 0),
            goals=goal.get("goals", 0),
            newest_active_goal_on=_day(goal.get("newest_active")),
            last_active_rating_on=ratings.get(plan["pk"]),
            last_goal_change_on=_latest(
                _day(goal.get("last_created")),
                _day(goal.get("last_updated")),
                goal.get("last_achieved"),
            ),
            strengths=strengths.get(plan["pk"], 0),
            next_review_on=plan["next_review"],
            version_created_on=_day(version["created_at"]) if version else None,
            version_person_answered=person_answered,
            version_coordinator_signed=coordinator_signed,
            in_services_since=in_services.get(plan["person_id"]) or _day(plan["started_at"]),
        )
        summaries[plan["person_id"]] = PlanSummary(
            facts=facts,
            plan_id=plan["pk"],
            crisis_written=plan["pk"] not in unwritten_crisis,
            copy_not_given=bool(
                version and person_answered and coordinator_signed and not version["copy_given"]
            ),
            version_number=version["number"] if version else None,
        )
    return summaries


# The person's fields the working-day pages show or need (names, the link, the thresholds).
PERSON_FIELDS_SHOWN = (
    "pk",
    "given_name",
    "family_name",
    "preferred_name",
    "organisation_id",
    "team_id",
    "user_id",
    "created_at",
)


@dataclass(frozen=True)
class Spell:
    """One care coordinator's spell with a person, as read in bulk."""

    staff_id: int
    started_on: date
    ended_on: date | None
    first_name: str
    last_name: str
    username: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.username


@dataclass
class PersonRow:
    """Everything the working-day pages know about one person, gathered in bulk."""

    person: Person
    coordinator_id: int | None  # the current care coordinator's StaffMember id
    coordinator_name: str
    summary: PlanSummary | None
    indicators: list[Indicator]
    review_due_on: date | None
    last_contact_at: datetime | None
    next_appointment_at: datetime | None
    contributions: list[Contribution] = field(default_factory=list)  # unacknowledged
    revisits: list[SharingAgreement] = field(default_factory=list)
    crisis: CrisisSharing | None = None
    need_level: int = 1
    no_contact_for_days: int | None = None  # None when there has been recent contact
    continuity_changes: int = 0
    days_with_current: int | None = None
    days_without_coordinator: int = 0
    changed_last_year: bool = False

    @property
    def has_plan(self) -> bool:
        return self.summary is not None

    @property
    def no_contact_weeks(self) -> int | None:
        return None if self.no_contact_for_days is None else self.no_contact_for_days // 7

    @property
    def review_overdue(self) -> bool:
        return any(i.code == indicators.REVIEW_OVERDUE for i in self.indicators)

    @property
    def unsigned(self) -> bool:
        return any(i.code == indicators.UNSIGNED for i in self.indicators)

    @property
    def stuck(self) -> bool:
        return bool(self.indicators)


def people_rows(
    people: QuerySet[Person], today: date, settings: CoordinationSettings
) -> list[PersonRow]:
    """One row per person in ``people``, with what needs doing; about a dozen queries in all."""
    now = timezone.now()
    thresholds = thresholds_of(settings)
    # The last contact with them and the next appointment: one index probe per person each
    # (on contact_person_when), rather than reading every contact of the team.
    last_contact = Contact.objects.filter(
        person=OuterRef("pk"), outcome=ContactOutcome.HAPPENED, mode__in=WITH_PEOPLE
    ).order_by("-starts_at")
    next_appointment = Contact.objects.filter(
        person=OuterRef("pk"), outcome=ContactOutcome.PLANNED, starts_at__gte=now
    ).order_by("starts_at")
    persons = list(
        people.only(*PERSON_FIELDS_SHOWN)
        .annotate(
            last_contact_at=Subquery(last_contact.values("starts_at")[:1]),
            next_appointment_at=Subquery(next_appointment.values("starts_at")[:1]),
        )
        .order_by("family_name", "given_name", "pk")
    )
    if not persons:
        return []
    ids = people.values("pk")  # a subquery: the SQL does not grow with the number of people
    spells: dict[Any, list[Spell]] = defaultdict(list)
    for values in (
        CareTeamMembership.objects.filter(person_id__in=ids, is_coordinator=True)
        .order_by("started_on", "pk")
        .values_list(
            "person_id",
            "staff_id",
            "started_on",
            "ended_on",
            "staff__user__first_name",
            "staff__user__last_name",
            "staff__user__username",
        )
    ):
        spells[values[0]].append(Spell(*values[1:]))
    in_services = {pid: spell[0].started_on for pid, spell in spells.items() if spell}
    summaries = plan_summaries(ids, in_services)
    contributions: dict[Any, list[Contribution]] = defaultdict(list)
    for contribution in (
        Contribution.objects.filter(person_id__in=ids, acknowledged_at__isnull=True)
        .select_related("supporter")
        .order_by("-created_at", "-pk")
    ):
        contributions[contribution.person_id].append(contribution)
    revisits: dict[Any, list[SharingAgreement]] = defaultdict(list)
    for agreement in (
        SharingAgreement.objects.filter(
            person_id__in=ids,
            revoked_at__isnull=True,
            revisit_on__lte=today + timedelta(days=REVISIT_WITHIN_DAYS),
        )
        .select_related("supporter")
        .order_by("revisit_on")
    ):
        revisits[agreement.person_id].append(agreement)
    crises = {
        crisis.person_id: crisis
        for crisis in CrisisSharing.objects.filter(
            person_id__in=ids, ended_at__isnull=True, started_at__lte=now, ends_at__gt=now
        ).order_by("started_at")
    }
    needs = dict(
        AllocationPreferences.objects.filter(person_id__in=ids).values_list(
            "person_id", "need_level"
        )
    )
    no_contact_after = settings.no_contact_weeks * 7
    rows = []
    for person in persons:
        history = spells.get(person.pk, [])
        current = next((m for m in reversed(history) if m.ended_on is None), None)
        summary = summaries.get(person.pk)
        found = indicators.stuck_indicators(summary.facts, today, thresholds) if summary else []
        last_contact = person.last_contact_at  # type: ignore[attr-defined]
        since = _day(last_contact) or (in_services.get(person.pk) or _day(person.created_at))
        quiet_days = (today - since).days if since else None
        continuity = continuity_of(
            [CoordinatorSpell(m.staff_id, m.started_on, m.ended_on) for m in history], today
        )
        rows.append(
            PersonRow(
                person=person,
                coordinator_id=current.staff_id if current else None,
                coordinator_name=current.name if current else "",
                summary=summary,
                indicators=found,
                review_due_on=indicators.review_due_on(summary.facts) if summary else None,
                last_contact_at=last_contact,
                next_appointment_at=person.next_appointment_at,  # type: ignore[attr-defined]
                contributions=contributions.get(person.pk, []),
                revisits=revisits.get(person.pk, []),
                crisis=crises.get(person.pk),
                need_level=needs.get(person.pk, 1),
                no_contact_for_days=quiet_days
                if quiet_days is not None and quiet_days > no_contact_after
                else None,
                continuity_changes=continuity.changes_last_year,
                days_with_current=continuity.days_with_current,
                days_without_coordinator=continuity.days_without_coordinator_last_year,
                changed_last_year=continuity.changes_last_year > 0,
            )
        )
    return rows


# --- The worklist ------------------------------------------------------------------------------


@dataclass
class WorkItem:
    """One thing to do. Its words are made only when it is shown: a team's worklist holds
    hundreds of items and shows a few of each kind."""

    person: Person
    urgency: float  # bigger is more urgent, within a section
    action: str  # which link to offer: see templates/coordination/_work_item.html
    describe: Callable[[], tuple[str, str]]  # () -> (headline, detail)
    tone: str = ""
    extra: Any = None

    @cached_property
    def _words(self) -> tuple[str, str]:
        return self.describe()

    @property
    def headline(self) -> str:
        return self._words[0]

    @property
    def detail(self) -> str:
        return self._words[1]


@dataclass
class WorkSection:
    code: str
    title: str
    items: list[WorkItem]

    @property
    def count(self) -> int:
        return len(self.items)


# The order sections appear in: most urgent kinds of work first.
SECTION_ORDER = (
    "crisis_sharing",
    "carer_messages",
    "reviews_overdue",
    "no_contact",
    "stuck",
    "reviews_due",
    "unsigned",
    "sharing_revisit",
    "getting_started",
)


def _first_words(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _short(day: date) -> str:
    return date_format(day, "j M Y")


def _crisis_words(crisis: CrisisSharing) -> tuple[str, str]:
    ends = timezone.localtime(crisis.ends_at)
    return str(_("Crisis sharing is on")), _("Until %(ends)s") % {
        "ends": date_format(ends, "j M Y H:i")
    }


def _message_words(contribution: Contribution) -> tuple[str, str]:
    name = {"name": contribution.supporter.full_name}
    if contribution.kind == ContributionKind.CONCERN:
        headline = _("A concern from %(name)s") % name
    else:
        headline = _("Information from %(name)s") % name
    return headline, "“" + _first_words(contribution.text) + "”"


def _overdue_words(due: date, days: int) -> tuple[str, str]:
    return (
        ngettext("Review %(days)d day overdue", "Review %(days)d days overdue", days)
        % {"days": days},
        _("Was due %(due)s") % {"due": _short(due)},
    )


def _due_words(due: date, days: int) -> tuple[str, str]:
    when = ngettext("in %(days)d day", "in %(days)d days", days) % {"days": days}
    return _("Review due %(due)s") % {"due": _short(due)}, when if days else str(_("today"))


def _quiet_words(days: int, last: datetime | None) -> tuple[str, str]:
    weeks = days // 7
    headline = ngettext("No contact for %(weeks)d week", "No contact for %(weeks)d weeks", weeks)
    if last is None:
        return headline % {"weeks": weeks}, str(_("No contact recorded yet"))
    return headline % {"weeks": weeks}, _("Last contact %(when)s") % {
        "when": _short(timezone.localdate(last))
    }


def _stuck_words(found: list[Indicator]) -> tuple[str, str]:
    return "; ".join(i.title for i in found), str(
        _("Talk about it together: the prompts are on their page.")
    )


def _unsigned_words(indicator: Indicator) -> tuple[str, str]:
    since = _("Since %(since)s") % {"since": _short(indicator.since)} if indicator.since else ""
    return indicator.title, since


def _no_copy_words(number: int | None) -> tuple[str, str]:
    return str(_("Signed, but no copy given yet")), _("Version %(number)s") % {"number": number}


def _revisit_words(agreement: SharingAgreement) -> tuple[str, str]:
    return (
        _("Look at sharing with %(name)s again") % {"name": agreement.supporter.full_name},
        _("By %(when)s") % {"when": _short(agreement.revisit_on)},
    )


def _missing_words(missing: list[str]) -> tuple[str, str]:
    words = {
        "plan": _("No plan yet"),
        "goal": _("No goal being worked on"),
        "crisis": _("No crisis plan"),
    }
    return "; ".join(str(words[m]) for m in missing), ""


def worklist_sections(
    rows: Iterable[PersonRow], today: date, settings: CoordinationSettings
) -> list[WorkSection]:
    """What needs doing, section by section, each sorted most urgent first."""
    found: dict[str, list[WorkItem]] = {code: [] for code in SECTION_ORDER}
    soon = today + timedelta(days=settings.review_due_days)
    for row in rows:
        person = row.person
        if row.crisis is not None:
            found["crisis_sharing"].append(
                WorkItem(
                    person,
                    -row.crisis.ends_at.timestamp(),
                    "crisis",
                    partial(_crisis_words, row.crisis),
                    tone="red",
                )
            )
        for contribution in row.contributions:
            found["carer_messages"].append(
                WorkItem(
                    person,
                    contribution.created_at.timestamp(),
                    "contributions",
                    partial(_message_words, contribution),
                    tone="orange" if contribution.kind == ContributionKind.CONCERN else "",
                    extra=contribution,
                )
            )
        due = row.review_due_on
        if row.summary is not None and due is not None:
            if due < today:
                days = (today - due).days
                found["reviews_overdue"].append(
                    WorkItem(person, days, "review", partial(_overdue_words, due, days), tone="red")
                )
            elif due <= soon:
                days = (due - today).days
                found["reviews_due"].append(
                    WorkItem(person, -days, "review", partial(_due_words, due, days))
                )
        if row.no_contact_for_days is not None:
            found["no_contact"].append(
                WorkItem(
                    person,
                    row.no_contact_for_days,
                    "contact",
                    partial(_quiet_words, row.no_contact_for_days, row.last_contact_at),
                    tone="orange",
                )
            )
        stuck_for = [i for i in row.indicators if i.code != indicators.REVIEW_OVERDUE]
        if stuck_for:
            oldest = min((i.since for i in stuck_for if i.since), default=today)
            found["stuck"].append(
                WorkItem(
                    person,
                    len(stuck_for) * 10_000 + (today - oldest).days,
                    "indicators",
                    partial(_stuck_words, stuck_for),
                    extra=stuck_for,
                )
            )
        summary = row.summary
        unsigned = next((i for i in row.indicators if i.code == indicators.UNSIGNED), None)
        if summary is not None and unsigned is not None:
            found["unsigned"].append(
                WorkItem(
                    person,
                    (today - (unsigned.since or today)).days,
                    "versions",
                    partial(_unsigned_words, unsigned),
                )
            )
        elif summary is not None and summary.copy_not_given:
            found["unsigned"].append(
                WorkItem(person, 0, "versions", partial(_no_copy_words, summary.version_number))
            )
        for agreement in row.revisits:
            found["sharing_revisit"].append(
                WorkItem(
                    person,
                    -(agreement.revisit_on - today).days,
                    "sharing",
                    partial(_revisit_words, agreement),
                )
            )
        missing = (
            ["plan"]
            if summary is None
            else [
                *(["goal"] if summary.facts.active_goals == 0 else []),
                *(["crisis"] if not summary.crisis_written else []),
            ]
        )
        if missing:
            found["getting_started"].append(
                WorkItem(
                    person,
                    3 if summary is None else len(missing),
                    "plan",
                    partial(_missing_words, missing),
                    tone="orange" if summary is None else "",
                )
            )
    titles = {
        "crisis_sharing": _("Crisis sharing switched on"),
        "carer_messages": _("Messages from supporters to acknowledge"),
        "reviews_overdue": _("Reviews overdue"),
        "no_contact": ngettext(
            "No contact in %(weeks)d week",
            "No contact in %(weeks)d weeks",
            settings.no_contact_weeks,
        )
        % {"weeks": settings.no_contact_weeks},
        "stuck": _("Where we may be stuck"),
        "reviews_due": ngettext(
            "Reviews due in the next %(days)d day",
            "Reviews due in the next %(days)d days",
            settings.review_due_days,
        )
        % {"days": settings.review_due_days},
        "unsigned": _("Plans to sign, and copies to give"),
        "sharing_revisit": _("Sharing to look at again"),
        "getting_started": _("Plans to start: no plan, no goals or no crisis plan"),
    }
    return [
        WorkSection(
            code,
            str(titles[code]),
            sorted(found[code], key=lambda item: (-item.urgency, item.person.family_name)),
        )
        for code in SECTION_ORDER
    ]


# --- Caseload flags (shown in the people app's caseload) ----------------------------------------


def caseload_flag_rows(people: list[Person], today: date) -> dict[Any, PersonRow]:
    """Rows for the people on one caseload page (grouped by organisation for the thresholds)."""
    by_organisation: dict[int, list[Any]] = defaultdict(list)
    for person in people:
        by_organisation[person.organisation_id].append(person.pk)
    rows: dict[Any, PersonRow] = {}
    for organisation_id, ids in by_organisation.items():
        settings = settings_for(organisation_id)
        for row in people_rows(Person.objects.filter(pk__in=ids), today, settings):
            rows[row.person.pk] = row
    return rows


# --- One person -----------------------------------------------------------------------------


def person_row(person: Person, today: date) -> PersonRow:
    rows = people_rows(
        Person.objects.filter(pk=person.pk), today, settings_for(person.organisation_id)
    )
    return rows[0]


def contacts_of(person: Person) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(person=person)
        .select_related("staff__user", "recorded_by")
        .prefetch_related("supporters", "goals", "steps")
    )


def upcoming_appointments(person: Person, now: datetime | None = None) -> QuerySet[Contact]:
    now = now or timezone.now()
    return (
        contacts_of(person)
        .filter(outcome=ContactOutcome.PLANNED, starts_at__gte=now)
        .order_by("starts_at")
    )


def next_appointment(person: Person) -> Contact | None:
    return upcoming_appointments(person).first()


def past_planned(person: Person, now: datetime | None = None) -> QuerySet[Contact]:
    """Appointments whose time has passed with no outcome recorded yet."""
    now = now or timezone.now()
    return (
        contacts_of(person)
        .filter(outcome=ContactOutcome.PLANNED, starts_at__lt=now)
        .order_by("starts_at")
    )


def recorded_contacts(person: Person) -> QuerySet[Contact]:
    return contacts_of(person).exclude(outcome=ContactOutcome.PLANNED)


@dataclass(frozen=True)
class MonthFigures:
    month: date
    face_to_face_minutes: int
    with_people_minutes: int
    contacts: int
    did_not_attend: int


def months_of_contact(person: Person, today: date, months: int = 12) -> list[MonthFigures]:
    """Face-to-face and all contact time with the person, month by month, newest first."""
    start = indicators.months_before(today.replace(day=1), months - 1)
    rows = (
        Contact.objects.filter(person=person, starts_at__date__gte=start)
        .exclude(outcome=ContactOutcome.PLANNED)
        .annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(
            face=Sum(
                "duration_minutes",
                filter=Q(outcome=ContactOutcome.HAPPENED, mode__in=FACE_TO_FACE),
            ),
            with_people=Sum(
                "duration_minutes",
                filter=Q(outcome=ContactOutcome.HAPPENED, mode__in=WITH_PEOPLE),
            ),
            contacts=Count("pk", filter=Q(outcome=ContactOutcome.HAPPENED, mode__in=WITH_PEOPLE)),
            missed=Count("pk", filter=Q(outcome=ContactOutcome.DID_NOT_ATTEND)),
        )
    )
    by_month = {_day(row["month"]).replace(day=1): row for row in rows}  # type: ignore[union-attr]
    figures = []
    for back in range(months):
        month = indicators.months_before(today.replace(day=1), back)
        row = by_month.get(month, {})
        figures.append(
            MonthFigures(
                month=month,
                face_to_face_minutes=row.get("face") or 0,
                with_people_minutes=row.get("with_people") or 0,
                contacts=row.get("contacts") or 0,
                did_not_attend=row.get("missed") or 0,
            )
        )
    return figures


def active_goals(person: Person) -> QuerySet[Goal]:
    """The person's goals being worked on, to link a contact to."""
    return Goal.objects.filter(plan__person=person, status=GoalStatus.ACTIVE).order_by("created_at")


def open_steps(person: Person) -> QuerySet[GoalStep]:
    """The open steps of those goals."""
    return (
        GoalStep.objects.filter(goal__plan__person=person, goal__status=GoalStatus.ACTIVE)
        .exclude(status__in=["done", "stopped"])
        .select_related("goal")
        .order_by("goal__created_at", "created_at")
    )


# --- Timeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    kind: str
    words: str
    detail: str = ""
    contact: Contact | None = None


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def timeline_of(person: Person, *, limit: int = 200) -> list[TimelineEntry]:
    """The plan's story, newest first: contacts and appointments, reviews, versions, goals,
    progress and changes of care coordinator."""
    from django.utils.translation import gettext as _

    entries: list[TimelineEntry] = []
    for contact in contacts_of(person)[:limit]:
        entries.append(
            TimelineEntry(contact.starts_at, "contact", contact.get_mode_display(), contact=contact)
        )
    plan = Plan.objects.filter(person=person).first()
    if plan is not None:
        entries.append(TimelineEntry(plan.started_at, "plan", _("The plan was started")))
        for review in plan.reviews.order_by("-held_on")[:limit]:
            entries.append(
                TimelineEntry(
                    _at(review.held_on),
                    "review",
                    _("Review"),
                    _("Next review by %(when)s")
                    % {"when": date_format(review.next_review_on, "j F Y")},
                )
            )
        for version in plan.versions.only(
            "number", "created_at", "person_signed_at", "coordinator_signed_at"
        )[:limit]:
            signed = []
            if version.person_signed_at:
                signed.append(_("signed by the person"))
            if version.coordinator_signed_at:
                signed.append(_("signed by the care coordinator"))
            entries.append(
                TimelineEntry(
                    version.created_at,
                    "version",
                    _("Version %(number)d of the plan") % {"number": version.number},
                    ", ".join(signed) or _("not signed yet"),
                )
            )
        for goal in plan.goals.all()[:limit]:
            entries.append(TimelineEntry(goal.created_at, "goal", _("New goal"), goal.text))
            if goal.achieved_on:
                entries.append(
                    TimelineEntry(_at(goal.achieved_on), "goal", _("Goal achieved"), goal.text)
                )
        for rating in ProgressRating.objects.filter(goal__plan=plan).select_related("goal")[:limit]:
            entries.append(
                TimelineEntry(
                    _at(rating.rated_on),
                    "progress",
                    _("Progress %(score)d out of 10") % {"score": rating.score},
                    rating.goal.text,
                )
            )
    for membership in CareTeamMembership.objects.filter(
        person=person, is_coordinator=True
    ).select_related("staff__user"):
        entries.append(
            TimelineEntry(
                _at(membership.started_on),
                "coordinator",
                _("%(name)s became the care coordinator")
                % {"name": membership.staff.user.display_name},
            )
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


# --- Allocation -----------------------------------------------------------------------------


def preferences_of(person: Person) -> AllocationPreferences:
    found = AllocationPreferences.objects.filter(person=person).first()
    return found or AllocationPreferences(person=person)


def profile_of(staff: StaffMember) -> CoordinatorProfile:
    found = CoordinatorProfile.objects.filter(staff=staff).first()
    return found or CoordinatorProfile(staff=staff)


def team_coordinators(team_id: int | None) -> QuerySet[StaffMember]:
    """The team's active care coordinators (none, for no team)."""
    if team_id is None:
        return StaffMember.objects.none()
    return StaffMember.objects.filter(
        team_id=team_id, user__role=Role.CARE_COORDINATOR, user__is_active=True
    ).select_related("user", "organisation")


def coordinator_loads(staff_ids: list[int], *, weighted: bool) -> dict[int, int]:
    """How many people each coordinates now, counting by need where ``weighted``."""
    current = CareTeamMembership.objects.filter(
        staff_id__in=staff_ids, is_coordinator=True, ended_on__isnull=True
    )
    if not weighted:
        return dict(current.values("staff_id").annotate(n=Count("pk")).values_list("staff_id", "n"))
    needs = dict(
        AllocationPreferences.objects.filter(person_id__in=current.values("person_id")).values_list(
            "person_id", "need_level"
        )
    )
    loads: dict[int, int] = defaultdict(int)
    for staff_id, person_id in current.values_list("staff_id", "person_id"):
        loads[staff_id] += needs.get(person_id, 1)
    return dict(loads)


def profiles_of(staff_ids: list[int]) -> dict[int, CoordinatorProfile]:
    return {p.staff_id: p for p in CoordinatorProfile.objects.filter(staff_id__in=staff_ids)}


def allocations_of(person: Person) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(person=person)
        .select_related("staff__user", "decided_by", "membership", "handover")
        .order_by("-decided_at")
    )


def handover_of(allocation: Allocation) -> Handover | None:
    return Handover.objects.filter(allocation=allocation).first()


def handovers_for(staff: StaffMember) -> QuerySet[Handover]:
    """Handovers written to this coordinator, unread first."""
    return (
        Handover.objects.filter(to_staff=staff)
        .select_related("person", "from_staff__user", "written_by")
        .order_by(db.F("read_at").asc(nulls_first=True), "-written_at")
    )


def handovers_of_person(person: Person) -> QuerySet[Handover]:
    return (
        Handover.objects.filter(person=person)
        .select_related("from_staff__user", "to_staff__user", "written_by")
        .order_by("-written_at")
    )


def current_coordinator_of(person: Person) -> CareTeamMembership | None:
    return (
        CareTeamMembership.objects.filter(person=person, is_coordinator=True, ended_on__isnull=True)
        .select_related("staff__user", "staff__coordinator_profile")
        .first()
    )


# --- Notifications ------------------------------------------------------------------------------


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("person")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_settings_of(user: Any) -> NotificationSettings:
    found = NotificationSettings.objects.filter(user=user).first()
    return found or NotificationSettings(user=user)


# --- The team dashboard ----------------------------------------------------------------------------


@dataclass
class CoordinatorFigures:
    staff: StaffMember | None  # None: the people with no care coordinator
    people: int = 0
    load: int = 0
    target: int = 0
    overdue_reviews: int = 0
    unsigned: int = 0
    stuck: int = 0
    carer_messages: int = 0
    no_contact: int = 0
    carers: int = 0
    carers_offered: int = 0
    face_to_face_minutes: int = 0
    with_people_minutes: int = 0
    recorded_minutes: int = 0
    changed_coordinator: int = 0
    days_with_current: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        from django.utils.translation import gettext as _

        return self.staff.user.display_name if self.staff else str(_("No care coordinator"))

    @property
    def share_in_contact(self) -> int | None:
        """Per cent of recorded time spent with people (None when no time is recorded)."""
        if not self.recorded_minutes:
            return None
        return round(100 * self.with_people_minutes / self.recorded_minutes)

    @property
    def face_to_face_per_person(self) -> int | None:
        return round(self.face_to_face_minutes / self.people) if self.people else None

    @property
    def median_days_with_current(self) -> int | None:
        return round(statistics.median(self.days_with_current)) if self.days_with_current else None

    @property
    def over_target(self) -> bool:
        return bool(self.staff) and self.load > self.target


@dataclass
class Dashboard:
    title: str
    rows: list[CoordinatorFigures]
    totals: CoordinatorFigures
    people_rows: list[PersonRow]
    unallocated: int
    changes_last_year: int
    days_without_coordinator: int
    window_days: int = MONTH_DAYS


FIGURE_LABELS = {
    "people": gettext_lazy("People"),
    "overdue_reviews": gettext_lazy("Reviews overdue"),
    "unsigned": gettext_lazy("Plans unsigned"),
    "stuck": gettext_lazy("May be stuck"),
    "carer_messages": gettext_lazy("Supporters' messages to acknowledge"),
    "no_contact": gettext_lazy("No recent contact"),
    "carers_not_offered": gettext_lazy("Carers not yet offered an assessment"),
    "changed_coordinator": gettext_lazy("Changed care coordinator in the last 12 months"),
}
FIGURES = tuple(FIGURE_LABELS)


def _carers(person_ids: list[Any]) -> dict[Any, tuple[int, int]]:
    """(identified carers, of them offered a carer's assessment) per person."""
    offered = set(
        CarerProfile.objects.filter(
            supporter__person_id__in=person_ids, assessment_offered_on__isnull=False
        ).values_list("supporter_id", flat=True)
    )
    counts: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    from ourplan.people.models import Supporter

    for supporter_id, person_id in Supporter.objects.filter(
        person_id__in=person_ids, is_identified_carer=True, ended_at__isnull=True
    ).values_list("pk", "person_id"):
        counts[person_id][0] += 1
        counts[person_id][1] += supporter_id in offered
    return {pid: (c[0], c[1]) for pid, c in counts.items()}


def carers_not_offered(person_ids: list[Any]) -> set[Any]:
    return {pid for pid, (carers, offered) in _carers(person_ids).items() if offered < carers}


def dashboard(
    people: QuerySet[Person],
    coordinators: QuerySet[StaffMember],
    today: date,
    settings: CoordinationSettings,
    *,
    title: str,
) -> Dashboard:
    """Caseloads against target and what needs doing, per care coordinator, in fixed queries."""
    rows = people_rows(people, today, settings)
    staff = list(coordinators.order_by("user__last_name", "user__first_name"))
    staff_ids = [s.pk for s in staff]
    loads = coordinator_loads(staff_ids, weighted=settings.weight_caseload_by_need)
    profiles = profiles_of(staff_ids)
    figures: dict[int | None, CoordinatorFigures] = {
        s.pk: CoordinatorFigures(
            staff=s,
            load=loads.get(s.pk, 0),
            target=(profiles[s.pk].caseload_target if s.pk in profiles else None)
            or settings.caseload_target,
        )
        for s in staff
    }
    figures[None] = CoordinatorFigures(staff=None)
    person_ids = [row.person.pk for row in rows]
    carers = _carers(person_ids)
    for row in rows:
        key = row.coordinator_id if row.coordinator_id in figures else None
        figure = figures[key]
        figure.people += 1
        figure.overdue_reviews += row.review_overdue
        figure.unsigned += row.unsigned
        figure.stuck += row.stuck
        figure.carer_messages += len(row.contributions)
        figure.no_contact += row.no_contact_for_days is not None
        identified, offered = carers.get(row.person.pk, (0, 0))
        figure.carers += identified
        figure.carers_offered += offered
        figure.changed_coordinator += row.changed_last_year
        if row.days_with_current is not None:
            figure.days_with_current.append(row.days_with_current)
    since = timezone.now() - timedelta(days=MONTH_DAYS)
    time_rows = (
        Contact.objects.filter(
            staff_id__in=staff_ids,
            outcome__in=[ContactOutcome.HAPPENED, ContactOutcome.DID_NOT_ATTEND],
            starts_at__gte=since,
        )
        .values("staff_id")
        .annotate(
            face=Sum(
                "duration_minutes", filter=Q(outcome=ContactOutcome.HAPPENED, mode__in=FACE_TO_FACE)
            ),
            with_people=Sum(
                "duration_minutes", filter=Q(outcome=ContactOutcome.HAPPENED, mode__in=WITH_PEOPLE)
            ),
            recorded=Sum(
                "duration_minutes",
                filter=Q(outcome__in=[ContactOutcome.HAPPENED, ContactOutcome.DID_NOT_ATTEND]),
            ),
        )
    )
    for time in time_rows:
        figure = figures[time["staff_id"]]
        figure.face_to_face_minutes = time["face"] or 0
        figure.with_people_minutes = time["with_people"] or 0
        figure.recorded_minutes = time["recorded"] or 0
    totals = CoordinatorFigures(staff=None)
    for figure in figures.values():
        for name in (
            "people",
            "load",
            "target",
            "overdue_reviews",
            "unsigned",
            "stuck",
            "carer_messages",
            "no_contact",
            "carers",
            "carers_offered",
            "face_to_face_minutes",
            "with_people_minutes",
            "recorded_minutes",
            "changed_coordinator",
        ):
            setattr(totals, name, getattr(totals, name) + getattr(figure, name))
        totals.days_with_current.extend(figure.days_with_current)
    unallocated = figures.pop(None)
    return Dashboard(
        title=title,
        rows=[*figures.values(), unallocated] if unallocated.people else list(figures.values()),
        totals=totals,
        people_rows=rows,
        unallocated=unallocated.people,
        changes_last_year=sum(row.continuity_changes for row in rows),
        days_without_coordinator=sum(row.days_without_coordinator for row in rows),
    )


def behind_figure(rows: list[PersonRow], figure: str, coordinator: str) -> list[PersonRow]:
    """The people behind one figure of the dashboard, for one coordinator ("none": no
    coordinator; "": everyone)."""
    if coordinator == "none":
        rows = [row for row in rows if row.coordinator_id is None]
    elif coordinator:
        rows = [row for row in rows if str(row.coordinator_id) == coordinator]
    if figure == "carers_not_offered":
        wanted = carers_not_offered([row.person.pk for row in rows])
        return [row for row in rows if row.person.pk in wanted]
    tests = {
        "people": lambda row: True,
        "overdue_reviews": lambda row: row.review_overdue,
        "unsigned": lambda row: row.unsigned,
        "stuck": lambda row: row.stuck,
        "carer_messages": lambda row: bool(row.contributions),
        "no_contact": lambda row: row.no_contact_for_days is not None,
        "changed_coordinator": lambda row: row.changed_last_year,
    }
    test = tests.get(figure)
    return [row for row in rows if test(row)] if test else []


def organisation_teams(organisation_id: int) -> QuerySet[Team]:
    return Team.objects.filter(organisation_id=organisation_id).order_by("name")


def organisation_coordinators(organisation_id: int) -> QuerySet[StaffMember]:
    """Every active care coordinator of the organisation."""
    return StaffMember.objects.filter(
        organisation_id=organisation_id, user__role=Role.CARE_COORDINATOR, user__is_active=True
    ).select_related("user", "organisation")


# --- Scopes and suggestions ---------------------------------------------------------------------


def coordinated_by(people: QuerySet[Person], staff: StaffMember | None) -> QuerySet[Person]:
    """Those of ``people`` whose current care coordinator is ``staff``."""
    if staff is None:
        return people.none()
    return people.filter(
        care_team__staff=staff, care_team__is_coordinator=True, care_team__ended_on__isnull=True
    )


def in_team(people: QuerySet[Person], team_id: int | None) -> QuerySet[Person]:
    return people if team_id is None else people.filter(team_id=team_id)


def candidates_for(person: Person, settings: CoordinationSettings) -> list[Any]:
    """The person's team's care coordinators as allocation candidates, with their loads."""
    from ourplan.coordination.allocation import Candidate

    staff = list(team_coordinators(person.team_id).order_by("user__last_name", "user__first_name"))
    ids = [s.pk for s in staff]
    loads = coordinator_loads(ids, weighted=settings.weight_caseload_by_need)
    profiles = profiles_of(ids)
    candidates = []
    for member in staff:
        profile = profiles.get(member.pk) or CoordinatorProfile(staff=member)
        candidates.append(
            Candidate(
                staff_id=member.pk,
                name=member.user.display_name,
                profession=member.profession,
                profession_label=str(member.get_profession_display()),
                gender=profile.gender,
                gender_label=str(profile.get_gender_display()) if profile.gender else "",
                speaks_welsh=profile.speaks_welsh,
                skills=profile.skills,
                load=loads.get(member.pk, 0),
                target=profile.caseload_target or settings.caseload_target,
            )
        )
    return candidates


def wishes_of(preferences: AllocationPreferences) -> Any:
    from ourplan.coordination.allocation import Wishes

    return Wishes(
        gender=preferences.gender,
        gender_label=str(preferences.get_gender_display()) if preferences.gender else "",
        profession=preferences.profession,
        welsh=preferences.welsh,
        preferred_staff_id=preferences.preferred_staff_id,
        avoided_staff_id=preferences.avoided_staff_id,
    )
