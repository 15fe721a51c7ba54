"""Care coordination: contacts and appointments, allocation and handover, notifications,
and each organisation's thresholds for what needs doing.

Worklists, stuck indicators and figures are derived from these and from the plan, never
stored (see queries.py and indicators.py), so they clear the moment their cause clears.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

NOTE = 1000
LONG_NOTE = 4000
# A contact longer than this is a typing mistake, not a day's work with one person.
MAX_CONTACT_MINUTES = 12 * 60


class ContactMode(models.TextChoices):
    """How, and where, the contact was (or will be)."""

    HOME = "home", _("Face to face, at home")
    CLINIC = "clinic", _("Face to face, at a clinic or team base")
    COMMUNITY = "community", _("Face to face, out in the community")
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")
    CARER = "carer", _("With their carer or supporter, without them")
    CASEWORK = "casework", _("Work on their behalf, without them (calls, letters, forms)")


FACE_TO_FACE = frozenset({ContactMode.HOME, ContactMode.CLINIC, ContactMode.COMMUNITY})
# Time spent with people (the person, or those who support them), as opposed to about them.
WITH_PEOPLE = FACE_TO_FACE | {ContactMode.PHONE, ContactMode.VIDEO, ContactMode.CARER}


class ContactOutcome(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HAPPENED = "happened", _("Happened")
    DID_NOT_ATTEND = "did_not_attend", _("Did not attend")
    CANCELLED = "cancelled", _("Cancelled")


class Contact(models.Model):
    """A contact with (or for) a person, or an appointment planned with them.

    A planned appointment becomes a contact when its outcome is recorded. Contacts are
    never deleted; a mistake is corrected, and history keeps what it said before.
    """

    AUDIT_TYPE: ClassVar[str] = "contact"

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="coordination_contacts"
    )
    staff = models.ForeignKey(
        "people.StaffMember",
        on_delete=models.PROTECT,
        related_name="coordination_contacts",
        verbose_name=_("who had the contact"),
    )
    mode = models.CharField(_("how"), max_length=12, choices=ContactMode.choices)
    outcome = models.CharField(
        _("what happened"),
        max_length=16,
        choices=ContactOutcome.choices,
        default=ContactOutcome.HAPPENED,
    )
    starts_at = models.DateTimeField(_("when"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("how long, in minutes"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_CONTACT_MINUTES)],
    )
    supporters = models.ManyToManyField(
        "people.Supporter", blank=True, related_name="+", verbose_name=_("supporters there")
    )
    others_present = models.CharField(_("anyone else there"), max_length=200, blank=True)
    note = models.TextField(_("a short note"), max_length=NOTE, blank=True)
    goals = models.ManyToManyField(
        "plans.Goal", blank=True, related_name="coordination_contacts", verbose_name=_("goals")
    )
    steps = models.ManyToManyField(
        "plans.GoalStep",
        blank=True,
        related_name="coordination_contacts",
        verbose_name=_("steps"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[supporters, goals, steps])

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["person", "outcome", "starts_at"], name="contact_person_when"),
            models.Index(fields=["staff", "outcome", "starts_at"], name="contact_staff_when"),
        ]
        constraints = [
            models.CheckConstraint(
                name="contact_duration_at_most_12_hours",
                condition=models.Q(duration_minutes__lte=MAX_CONTACT_MINUTES),
            )
        ]

    def __str__(self) -> str:
        return f"{self.mode} {self.outcome} {self.starts_at:%Y-%m-%d}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError("Contacts are corrected, never deleted.", {self})

    @property
    def is_face_to_face(self) -> bool:
        return self.mode in FACE_TO_FACE

    @property
    def is_planned(self) -> bool:
        return self.outcome == ContactOutcome.PLANNED


class CoordinationSettings(models.Model):
    """One organisation's thresholds for worklists and stuck indicators (docs/coordination.md)."""

    organisation = models.OneToOneField(
        "people.Organisation", on_delete=models.CASCADE, related_name="coordination_settings"
    )
    no_contact_weeks = models.PositiveSmallIntegerField(
        _("flag no contact with a person after this many weeks"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    no_progress_weeks = models.PositiveSmallIntegerField(
        _("flag no progress rating on any goal after this many weeks"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
    )
    unsigned_weeks = models.PositiveSmallIntegerField(
        _("flag a plan left unsigned after this many weeks"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    new_plan_weeks = models.PositiveSmallIntegerField(
        _("weeks a new plan has to find its first goals and strengths"),
        default=4,
        validators=[MinValueValidator(0), MaxValueValidator(52)],
    )
    goals_unchanged_months = models.PositiveSmallIntegerField(
        _("flag goals unchanged for this many months while in services"),
        default=12,
        validators=[MinValueValidator(3), MaxValueValidator(60)],
    )
    review_due_days = models.PositiveSmallIntegerField(
        _("show reviews due within this many days"),
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    caseload_target = models.PositiveSmallIntegerField(
        _("usual caseload target for a care coordinator"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    weight_caseload_by_need = models.BooleanField(
        _("count people who need more support as more than one on a caseload"), default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    THRESHOLD_FIELDS: ClassVar[tuple[str, ...]] = (
        "no_contact_weeks",
        "no_progress_weeks",
        "unsigned_weeks",
        "new_plan_weeks",
        "goals_unchanged_months",
        "review_due_days",
        "caseload_target",
        "weight_caseload_by_need",
    )

    def __str__(self) -> str:
        return f"Coordination settings ({self.organisation_id})"


class Gender(models.TextChoices):
    WOMAN = "woman", _("A woman")
    MAN = "man", _("A man")
    NON_BINARY = "non_binary", _("Non-binary")


class NeedLevel(models.IntegerChoices):
    """How much coordination a person needs, for caseloads weighted by need."""

    USUAL = 1, _("Usual")
    MORE = 2, _("More than usual")
    MUCH_MORE = 3, _("Much more than usual")


class AllocationPreferences(models.Model):
    """What the person would like in a care coordinator. The person may record these too."""

    AUDIT_TYPE: ClassVar[str] = "coordinator_preferences"

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="allocation_preferences"
    )
    gender = models.CharField(
        _("I would like my care coordinator to be"),
        max_length=12,
        choices=Gender.choices,
        blank=True,
    )
    profession = models.CharField(
        _("I would like a care coordinator who is"),
        max_length=30,
        blank=True,
        help_text=_("A profession, if it matters to you."),
    )
    welsh = models.BooleanField(_("I would like to speak Welsh with them"), default=False)
    preferred_staff = models.ForeignKey(
        "people.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Someone I would like"),
    )
    avoided_staff = models.ForeignKey(
        "people.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Someone I would rather not have"),
    )
    times_and_places = models.TextField(
        _("Times and places that suit me"), max_length=NOTE, blank=True
    )
    need_level = models.PositiveSmallIntegerField(
        _("How much support they need now"),
        choices=NeedLevel.choices,
        default=NeedLevel.USUAL,
        help_text=_("Used only where the organisation weighs caseloads by need."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    PERSON_FIELDS: ClassVar[tuple[str, ...]] = (
        "gender",
        "profession",
        "welsh",
        "preferred_staff",
        "avoided_staff",
        "times_and_places",
    )

    def __str__(self) -> str:
        return f"Preferences of {self.person_id}"

    @property
    def profession_label(self) -> str:
        from ourplan.people.models import Profession

        if self.profession in Profession.values:
            return str(Profession(self.profession).label)
        return self.profession

    @property
    def says_anything(self) -> bool:
        return bool(
            self.gender
            or self.profession
            or self.welsh
            or self.preferred_staff_id
            or self.avoided_staff_id
        )


class CoordinatorProfile(models.Model):
    """What allocation needs to know about one care coordinator, and how people reach them."""

    AUDIT_TYPE: ClassVar[str] = "coordinator_profile"

    staff = models.OneToOneField(
        "people.StaffMember", on_delete=models.PROTECT, related_name="coordinator_profile"
    )
    gender = models.CharField(
        _("gender, for people who ask for a woman or a man"),
        max_length=12,
        choices=Gender.choices,
        blank=True,
    )
    speaks_welsh = models.BooleanField(_("speaks Welsh"), default=False)
    other_languages = models.CharField(_("other languages"), max_length=200, blank=True)
    skills = models.CharField(
        _("skills and experience"),
        max_length=500,
        blank=True,
        help_text=_("For example: psychosis, eating disorders, young adults, housing."),
    )
    caseload_target = models.PositiveSmallIntegerField(
        _("caseload target"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Leave empty for the organisation's usual target."),
    )
    work_phone = models.CharField(_("work phone number"), max_length=40, blank=True)
    how_to_reach = models.CharField(
        _("when and how people can reach them"), max_length=200, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = (
        "gender",
        "speaks_welsh",
        "other_languages",
        "skills",
        "caseload_target",
        "work_phone",
        "how_to_reach",
    )

    def __str__(self) -> str:
        return f"Coordinator profile of {self.staff_id}"


class PreferenceMet(models.TextChoices):
    YES = "yes", _("Yes, what they asked for")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NONE_GIVEN = "none_given", _("They did not ask for anything")


class Allocation(models.Model):
    """Why a care coordinator was chosen: the choice, its reason and the suggestions shown."""

    AUDIT_TYPE: ClassVar[str] = "allocation"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    membership = models.OneToOneField(
        "people.CareTeamMembership", on_delete=models.PROTECT, related_name="allocation"
    )
    staff = models.ForeignKey("people.StaffMember", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("why this care coordinator"), max_length=NOTE)
    preference_met = models.CharField(
        _("was the person's preference met"), max_length=12, choices=PreferenceMet.choices
    )
    # The ranked suggestions as the manager saw them: [{"staff": id, "score": n, "reasons": [...]}]
    suggestions = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"Allocation of {self.person_id} to {self.staff_id}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError("Allocations are kept.", {self})


class Handover(models.Model):
    """What the outgoing care coordinator (or manager) tells the new one."""

    AUDIT_TYPE: ClassVar[str] = "handover"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    allocation = models.OneToOneField(Allocation, on_delete=models.PROTECT, related_name="handover")
    from_staff = models.ForeignKey(
        "people.StaffMember", on_delete=models.PROTECT, related_name="handovers_given"
    )
    to_staff = models.ForeignKey(
        "people.StaffMember", on_delete=models.PROTECT, related_name="handovers_received"
    )
    note = models.TextField(_("handover note"), max_length=LONG_NOTE)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"Handover for {self.person_id}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError("Handovers are kept.", {self})


class NotificationKind(models.TextChoices):
    CARER_MESSAGE = "carer_message", _("A supporter sent something")
    VERSION_TO_SIGN = "version_to_sign", _("A plan waits for a signature")
    REVIEW_DUE = "review_due", _("A review is due")
    CRISIS_SHARING = "crisis_sharing", _("Crisis sharing was switched on")
    COORDINATOR_CHANGE = "coordinator_change", _("A change of care coordinator")
    HANDOVER = "handover", _("A handover to read")


class Notification(models.Model):
    """Something new for one user, in their in-app inbox.

    ``key`` names the event (e.g. ``contribution:12``), unique per recipient, so the daily
    job and the moment something happens can both notify without ever notifying twice.
    It holds what happened, whose record and who else it concerns (``about``: a name), never
    clinical content; the words are made when it is shown, in the reader's language.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    about = models.CharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    for_the_person = models.BooleanField(default=False)  # written to the person themselves
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["emailed_at", "created_at"], name="notification_to_email"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class NotificationSettings(models.Model):
    """A user's own choice to be emailed (without content) when something new arrives."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email = models.BooleanField(
        _("Email me when I have something new in ourplan"),
        default=False,
        help_text=_("The email says only that there is something new; it never says what."),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Notification settings of {self.user_id}"
