"""Notifications: an in-app inbox for everyone, and an email, without content, for those who ask.

Each notification has a key naming its event (``contribution:12``), unique per recipient, and
every write uses ``bulk_create(ignore_conflicts=True)``: so the moment something happens
(a supporter sends a concern, crisis sharing is switched on) and the daily job that sweeps
for what is due can both notify, and running either twice never notifies twice.

Events in the apps below (consent's contributions and crisis sharing, plans' versions) are
heard through ``post_save`` receivers connected from ``CoordinationConfig.ready()``; those
apps never import this one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ourplan.accounts.models import Role, User
from ourplan.consent.models import Contribution, CrisisSharing
from ourplan.coordination.models import Notification, NotificationKind, NotificationSettings
from ourplan.people.models import CareTeamMembership, Person, StaffMember
from ourplan.plans.models import Plan, PlanVersion, Review


@dataclass(frozen=True)
class Notice:
    """One notification to write; ``key`` names the event."""

    recipient_id: int
    kind: str
    key: str
    person: Person | None = None
    about: str = ""
    due_on: date | None = None
    for_the_person: bool = False
    url: str = ""


def write(notices: Iterable[Notice]) -> int:
    """Write the notices not already written (by key, per recipient); return how many are new."""
    wanted = list(notices)
    if not wanted:
        return 0
    existing = set(
        Notification.objects.filter(
            recipient_id__in={n.recipient_id for n in wanted}, key__in={n.key for n in wanted}
        ).values_list("recipient_id", "key")
    )
    fresh = [n for n in wanted if (n.recipient_id, n.key) not in existing]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=n.recipient_id,
                kind=n.kind,
                key=n.key[:120],
                person=n.person,
                about=n.about[:200],
                due_on=n.due_on,
                for_the_person=n.for_the_person,
                url=n.url[:300],
            )
            for n in fresh
        ],
        ignore_conflicts=True,  # a racing writer of the same key wins; nothing is doubled
    )
    if fresh:
        transaction.on_commit(queue_emails)
    return len(fresh)


def queue_emails() -> None:
    """Ask the task worker to send the emails for what is new (docs/coordination.md)."""
    from ourplan.coordination.tasks import send_notification_emails

    send_notification_emails.enqueue()


def words_for(notification: Notification) -> str:
    """What the notification says, in the reader's language. Never clinical content."""
    person = notification.person.full_name if notification.person else ""
    about = notification.about
    kind = notification.kind
    if kind == NotificationKind.CARER_MESSAGE:
        return _("%(supporter)s sent the team something about %(person)s") % {
            "supporter": about,
            "person": person,
        }
    if kind == NotificationKind.VERSION_TO_SIGN:
        if notification.for_the_person:
            return _("A new version of your plan is ready for you to read and sign")
        return _("A version of %(person)s's plan waits for your signature") % {"person": person}
    if kind == NotificationKind.REVIEW_DUE:
        due = date_format(notification.due_on, "j F Y") if notification.due_on else ""
        return _("%(person)s's review is due by %(due)s") % {"person": person, "due": due}
    if kind == NotificationKind.CRISIS_SHARING:
        if notification.for_the_person:
            return _(
                "Crisis sharing was switched on for your record: your supporters may see what "
                "you agreed they could see in a crisis"
            )
        return _("Crisis sharing was switched on for %(person)s") % {"person": person}
    if kind == NotificationKind.COORDINATOR_CHANGE:
        if notification.for_the_person:
            return _("Your care coordinator is now %(name)s") % {"name": about}
        return _("%(person)s's care coordinator is now %(name)s") % {
            "person": person,
            "name": about,
        }
    if kind == NotificationKind.HANDOVER:
        return _("A handover note about %(person)s from %(name)s") % {
            "person": person,
            "name": about,
        }
    return _("Something new")


# --- Who hears about a person ----------------------------------------------------------------


def _current_coordinators(person_ids: Iterable[Any]) -> dict[Any, StaffMember]:
    return {
        m.person_id: m.staff
        for m in CareTeamMembership.objects.filter(
            person_id__in=list(person_ids), is_coordinator=True, ended_on__isnull=True
        ).select_related("staff__user")
        if m.staff.user.is_active
    }


def _team_managers(team_ids: Iterable[Any]) -> dict[Any, list[int]]:
    managers: dict[Any, list[int]] = {}
    for staff in StaffMember.objects.filter(
        team_id__in=list(team_ids), user__role=Role.TEAM_MANAGER, user__is_active=True
    ):
        managers.setdefault(staff.team_id, []).append(staff.user_id)
    return managers


def _staff_for(people: list[Person]) -> dict[Any, list[int]]:
    """Who on the team hears first about each person: their care coordinator, or, with none,
    the team's managers."""
    coordinators = _current_coordinators(p.pk for p in people)
    managers = _team_managers({p.team_id for p in people if p.team_id})
    return {
        p.pk: [coordinators[p.pk].user_id] if p.pk in coordinators else managers.get(p.team_id, [])
        for p in people
    }


def _person_user_id(person: Person) -> int | None:
    user_id = person.user_id
    if user_id is None:
        return None
    return user_id if User.objects.filter(pk=user_id, is_active=True).exists() else None


# --- What is noticed --------------------------------------------------------------------------


def for_contributions(contributions: Iterable[Contribution]) -> list[Notice]:
    """A supporter sent information or a concern: their coordinator (or manager) is told."""
    items = list(contributions)
    people = {c.person_id: c.person for c in items}
    staff = _staff_for(list(people.values()))
    notices = []
    for contribution in items:
        url = reverse("consent:contributions", args=[contribution.person_id])
        for user_id in staff.get(contribution.person_id, []):
            notices.append(
                Notice(
                    user_id,
                    NotificationKind.CARER_MESSAGE,
                    f"contribution:{contribution.pk}",
                    person=contribution.person,
                    about=contribution.supporter.full_name,
                    url=url,
                )
            )
    return notices


def for_crisis_sharing(crises: Iterable[CrisisSharing]) -> list[Notice]:
    """Crisis sharing was switched on: the person is always told, and so is their coordinator."""
    items = list(crises)
    staff = _staff_for([c.person for c in items])
    notices = []
    for crisis in items:
        person = crisis.person
        person_user = _person_user_id(person)
        if person_user is not None:
            notices.append(
                Notice(
                    person_user,
                    NotificationKind.CRISIS_SHARING,
                    f"crisis_sharing:{crisis.pk}",
                    person=person,
                    for_the_person=True,
                    url=reverse("consent:sharing", args=[person.pk]),
                )
            )
        for user_id in staff.get(person.pk, []):
            if user_id == crisis.switched_on_by_id:
                continue  # they know: they switched it on
            notices.append(
                Notice(
                    user_id,
                    NotificationKind.CRISIS_SHARING,
                    f"crisis_sharing:{crisis.pk}",
                    person=person,
                    url=reverse("consent:crisis_sharing", args=[person.pk]),
                )
            )
    return notices


def for_versions(versions: Iterable[PlanVersion]) -> list[Notice]:
    """A version waits for a signature: the person (for their answer) and the coordinator."""
    items = list(versions)
    people = [v.plan.person for v in items]
    coordinators = _current_coordinators(p.pk for p in people)
    notices = []
    for version in items:
        person = version.plan.person
        url = reverse("plans:version", args=[person.pk, version.number])
        person_user = _person_user_id(person)
        if person_user is not None and version.waits_for_person:
            notices.append(
                Notice(
                    person_user,
                    NotificationKind.VERSION_TO_SIGN,
                    f"version:{version.pk}:person",
                    person=person,
                    for_the_person=True,
                    url=url,
                )
            )
        coordinator = coordinators.get(person.pk)
        if (
            coordinator is not None
            and version.coordinator_signed_at is None
            and coordinator.user_id != version.created_by_id
        ):
            notices.append(
                Notice(
                    coordinator.user_id,
                    NotificationKind.VERSION_TO_SIGN,
                    f"version:{version.pk}:coordinator",
                    person=person,
                    url=url,
                )
            )
    return notices


def for_coordinator_change(
    *, person: Person, new: StaffMember, old: StaffMember | None, handover_url: str
) -> list[Notice]:
    """The person is told the new name; the new coordinator gets the handover; the old one hears."""
    notices = []
    person_user = _person_user_id(person)
    key = f"coordinator_change:{person.pk}:{new.pk}:{timezone.now():%Y%m%d%H%M%S%f}"
    if person_user is not None:
        notices.append(
            Notice(
                person_user,
                NotificationKind.COORDINATOR_CHANGE,
                key,
                person=person,
                about=new.user.display_name,
                for_the_person=True,
                url=reverse("people:my_home"),
            )
        )
    if old is not None and handover_url:
        notices.append(
            Notice(
                new.user_id,
                NotificationKind.HANDOVER,
                key,
                person=person,
                about=old.user.display_name,
                url=handover_url,
            )
        )
    else:
        notices.append(
            Notice(
                new.user_id,
                NotificationKind.COORDINATOR_CHANGE,
                key,
                person=person,
                about=new.user.display_name,
                url=reverse("people:person", args=[person.pk]),
            )
        )
    if old is not None and old.user_id != new.user_id:
        notices.append(
            Notice(
                old.user_id,
                NotificationKind.COORDINATOR_CHANGE,
                key,
                person=person,
                about=new.user.display_name,
                url=reverse("people:person", args=[person.pk]),
            )
        )
    return notices


def for_reviews_due(today: date, *, within_days: int = 28) -> list[Notice]:
    """Each plan whose latest review sets a next date within ``within_days`` (or already past):
    the person's care coordinator is told once per review."""
    latest = Review.objects.filter(plan=OuterRef("pk")).order_by("-held_on", "-created_at")
    latest_ids = (
        Plan.objects.filter(person__restricted_at__isnull=True)
        .annotate(latest=Subquery(latest.values("pk")[:1]))
        .values("latest")
    )
    due = list(
        Review.objects.filter(
            pk__in=latest_ids, next_review_on__lte=today + timedelta(days=within_days)
        ).select_related("plan__person")
    )
    coordinators = _current_coordinators(r.plan.person_id for r in due)
    notices = []
    for review in due:
        coordinator = coordinators.get(review.plan.person_id)
        if coordinator is None:
            continue
        person = review.plan.person
        notices.append(
            Notice(
                coordinator.user_id,
                NotificationKind.REVIEW_DUE,
                f"review_due:{review.pk}",
                person=person,
                due_on=review.next_review_on,
                url=reverse("plans:review", args=[person.pk]),
            )
        )
    return notices


def daily(today: date | None = None) -> int:
    """The daily sweep: reviews due, versions waiting, supporters' messages not yet heard, and
    crisis sharing on. Idempotent: run twice, it writes the same notifications once."""
    today = today or timezone.localdate()
    now = timezone.now()
    notices = for_reviews_due(today)
    notices += for_versions(
        PlanVersion.objects.filter(
            Q(person_signed_at__isnull=True, person_response="")
            | Q(coordinator_signed_at__isnull=True),
            plan__person__restricted_at__isnull=True,
        )
        .select_related("plan__person")
        .defer("snapshot")  # the whole plan as JSON: not needed to know who must sign
    )
    notices += for_contributions(
        Contribution.objects.filter(acknowledged_at__isnull=True).select_related(
            "person", "supporter"
        )
    )
    notices += for_crisis_sharing(
        CrisisSharing.objects.filter(
            ended_at__isnull=True, started_at__lte=now, ends_at__gt=now
        ).select_related("person")
    )
    return write(notices)


# --- Emails -----------------------------------------------------------------------------------


def users_to_email() -> list[User]:
    """Users who asked for emails, have an address, and have notifications not yet emailed."""
    waiting = Notification.objects.filter(emailed_at__isnull=True).values("recipient_id")
    chosen = NotificationSettings.objects.filter(email=True, user_id__in=waiting).values("user_id")
    return list(User.objects.filter(pk__in=chosen, is_active=True).exclude(email=""))


# --- Signals from the apps below -----------------------------------------------------------------


def _on_contribution(sender: Any, instance: Contribution, created: bool, **kwargs: Any) -> None:
    if created:
        write(for_contributions([instance]))


def _on_crisis_sharing(sender: Any, instance: CrisisSharing, created: bool, **kwargs: Any) -> None:
    if created:
        write(for_crisis_sharing([instance]))


def _on_version(sender: Any, instance: PlanVersion, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    version_id = instance.pk

    def notice_once_signed() -> None:
        # A review creates a version and signs it in one transaction: look once it is done.
        version = (
            PlanVersion.objects.select_related("plan__person")
            .defer("snapshot")
            .filter(pk=version_id)
            .first()
        )
        if version is not None:
            write(for_versions([version]))

    transaction.on_commit(notice_once_signed)


def connect() -> None:
    post_save.connect(
        _on_contribution, sender=Contribution, dispatch_uid="coordination-contribution"
    )
    post_save.connect(_on_crisis_sharing, sender=CrisisSharing, dispatch_uid="coordination-crisis")
    post_save.connect(_on_version, sender=PlanVersion, dispatch_uid="coordination-version")
