"""The person's living recovery plan, written together, in the person's words.

Every editable part carries a ``revision`` number: a save must name the revision
it started from, so two people editing the same part never silently overwrite
each other (see services.save_part).

Who wrote the words is a recorded fact, never a default: every save of a part's words
adds a ``Wording`` row per changed field, saying who wrote it, in what voice (their own
words, the person's words as they said them, or written together) and whether the
person confirmed it (see plans/authorship.py).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ourplan.plans.life_areas import CTP_AREAS

SHORT_TEXT = 500
LONG_TEXT = 4000


class Voice(models.TextChoices):
    """How a wording came to be written. Only the facts recorded with a save set it."""

    OWN = "own", _("the person wrote it")
    STAFF = "staff", _("a member of staff wrote it")
    AS_SAID = "as_said", _("staff recorded it as the person said it")
    TOGETHER = "together", _("the person and staff wrote it together")


# Voices in which the words are meant to be the person's; they count as the person's words
# only once the person has written or confirmed them.
PERSON_VOICES = frozenset({Voice.AS_SAID, Voice.TOGETHER})


class AuthoredPart(models.Model):
    """Something in the plan: who created it, who last changed it, and its revision.

    Who wrote its current words is kept per field in ``Wording`` rows.
    """

    # The name audit entries give this kind of record, with the record's own id.
    AUDIT_TYPE: ClassVar[str]
    # The fields holding words someone wrote: each save of one of them is a Wording.
    WORDED_FIELDS: ClassVar[tuple[str, ...]] = ()

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError("Plan content is never deleted; it is archived.", {self})

    @property
    def owning_plan_id(self) -> int:
        return self.plan_id  # type: ignore[attr-defined,no-any-return]


class Plan(models.Model):
    """One living plan per person."""

    AUDIT_TYPE: ClassVar[str] = "plan"

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="plan")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Plan for {self.person}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError("Plans are never deleted.", {self})


class LifeArea(models.Model):
    """A life area an organisation files goals under, mapped to one of the eight CTP areas."""

    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="life_areas"
    )
    code = models.CharField(max_length=40)
    label = models.CharField(_("life area"), max_length=120)
    ctp_area = models.CharField(_("CTP area"), max_length=40, choices=CTP_AREAS)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="life_area_code_unique")
        ]

    def __str__(self) -> str:
        return self.label


class AboutMe(AuthoredPart):
    AUDIT_TYPE: ClassVar[str] = "about_me"

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="about_me")
    recovery_meaning = models.TextField(
        _("What recovery means to me"), max_length=LONG_TEXT, blank=True
    )
    what_matters = models.TextField(_("What matters to me"), max_length=LONG_TEXT, blank=True)
    what_helped = models.TextField(_("What has helped me before"), max_length=LONG_TEXT, blank=True)
    what_has_not_helped = models.TextField(
        _("What has not helped"), max_length=LONG_TEXT, blank=True
    )
    medication_preferences = models.TextField(
        _("My preferences about medication"), max_length=LONG_TEXT, blank=True
    )
    therapy_preferences = models.TextField(
        _("My preferences about talking therapies and other support"),
        max_length=LONG_TEXT,
        blank=True,
    )
    meeting_preferences = models.TextField(
        _("Where and how I like to meet"), max_length=LONG_TEXT, blank=True
    )
    hopes_and_dreams = models.TextField(_("My hopes and dreams"), max_length=LONG_TEXT, blank=True)
    my_story = models.TextField(
        _("My story"),
        max_length=LONG_TEXT * 3,
        blank=True,
        help_text=_("Written once, so you do not have to tell it again to every new worker."),
    )
    history = HistoricalRecords()

    TEXT_FIELDS = (
        "recovery_meaning",
        "what_matters",
        "what_helped",
        "what_has_not_helped",
        "medication_preferences",
        "therapy_preferences",
        "meeting_preferences",
        "hopes_and_dreams",
        "my_story",
    )
    WORDED_FIELDS = TEXT_FIELDS
    # What clinicians and peer support workers may add to, when the organisation allows it.
    TREATMENT_PREFERENCE_FIELDS = ("medication_preferences", "therapy_preferences")

    def __str__(self) -> str:
        return f"About me ({self.plan.person})"


class StrengthKind(models.TextChoices):
    QUALITY = "quality", _("A quality I have")
    SKILL = "skill", _("A skill I have")
    WORKED_BEFORE = "worked_before", _("Something that worked before")
    PERSON = "person", _("A person")
    PLACE = "place", _("A place")
    ACTIVITY = "activity", _("An activity")
    SERVICE = "service", _("A service or group")


INTERNAL_STRENGTHS = {StrengthKind.QUALITY, StrengthKind.SKILL, StrengthKind.WORKED_BEFORE}


class Strength(AuthoredPart):
    AUDIT_TYPE: ClassVar[str] = "strength"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="strengths")
    kind = models.CharField(_("kind of strength"), max_length=20, choices=StrengthKind.choices)
    text = models.CharField(_("The strength"), max_length=SHORT_TEXT)
    archived_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    WORDED_FIELDS = ("text",)

    class Meta:
        ordering = ["kind", "created_at"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_internal(self) -> bool:
        return self.kind in INTERNAL_STRENGTHS


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Working on it")
    ACHIEVED = "achieved", _("Achieved")
    SET_ASIDE = "set_aside", _("Set aside for now")


class Goal(AuthoredPart):
    AUDIT_TYPE: ClassVar[str] = "goal"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="goals")
    text = models.CharField(_("Goal"), max_length=SHORT_TEXT)
    life_area = models.ForeignKey(
        LifeArea, on_delete=models.PROTECT, related_name="goals", verbose_name=_("Life area")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    achieved_on = models.DateField(null=True, blank=True)
    celebration = models.CharField(_("How we marked it"), max_length=SHORT_TEXT, blank=True)
    strengths = models.ManyToManyField(
        Strength, blank=True, related_name="goals", verbose_name=_("Strengths this builds on")
    )
    history = HistoricalRecords(m2m_fields=[strengths])

    WORDED_FIELDS = ("text",)

    class Meta:
        ordering = ["status", "created_at"]

    def __str__(self) -> str:
        return self.text

    @property
    def ctp_area(self) -> str:
        return self.life_area.ctp_area

    @property
    def latest_rating(self) -> ProgressRating | None:
        """The newest rating, from the prefetched ratings when there are some."""
        ratings = list(self.ratings.all())
        return max(ratings, key=lambda r: (r.rated_on, r.created_at)) if ratings else None


class StepOwner(models.TextChoices):
    ME = "me", _("Me")
    SUPPORTER = "supporter", _("Someone who supports me")
    COORDINATOR = "coordinator", _("My care coordinator")
    SERVICE = "service", _("Another service")
    TEAM_MEMBER = "team_member", _("Someone else in my care team")


class StepStatus(models.TextChoices):
    TO_DO = "to_do", _("Not started")
    DOING = "doing", _("Doing")
    DONE = "done", _("Done")
    STOPPED = "stopped", _("Stopped")


class GoalStep(AuthoredPart):
    AUDIT_TYPE: ClassVar[str] = "goal_step"

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="steps")
    text = models.CharField(_("Step"), max_length=SHORT_TEXT)
    owner = models.CharField(_("Who does it"), max_length=12, choices=StepOwner.choices)
    supporter = models.ForeignKey(
        "people.Supporter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Which supporter"),
    )
    service = models.CharField(_("Which service"), max_length=200, blank=True)
    # A clinician or peer support worker who added a step they do themselves.
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Which member of the care team"),
    )
    due_on = models.DateField(_("By when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.TO_DO
    )
    history = HistoricalRecords()

    WORDED_FIELDS = ("text",)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                name="step_owner_is_named",
                condition=~models.Q(owner="supporter", supporter__isnull=True)
                & ~models.Q(owner="service", service="")
                & ~models.Q(owner="team_member", owner_user__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def owning_plan_id(self) -> int:
        return self.goal.plan_id


class ProgressRating(models.Model):
    """Goal-based outcome: progress towards a goal, 0 (not started) to 10 (achieved)."""

    AUDIT_TYPE: ClassVar[str] = "progress_rating"

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField(_("Progress (0 to 10)"))
    rated_on = models.DateField(default=timezone.localdate)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rated_on", "created_at"]
        constraints = [
            models.CheckConstraint(name="progress_0_to_10", condition=models.Q(score__lte=10))
        ]

    def __str__(self) -> str:
        return f"{self.score}/10 on {self.rated_on}"


class StayingWellPlan(AuthoredPart):
    AUDIT_TYPE: ClassVar[str] = "staying_well_plan"

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="staying_well")
    keep_me_well = models.TextField(_("Things that keep me well"), max_length=LONG_TEXT, blank=True)
    daily_routine = models.TextField(_("My daily routine"), max_length=LONG_TEXT, blank=True)
    triggers = models.TextField(
        _("Things that can upset my balance"), max_length=LONG_TEXT, blank=True
    )
    triggers_response = models.TextField(
        _("What I do about them"), max_length=LONG_TEXT, blank=True
    )
    early_signs = models.TextField(
        _("Early signs that I am becoming unwell"), max_length=LONG_TEXT, blank=True
    )
    early_signs_response = models.TextField(
        _("What I and others do then"), max_length=LONG_TEXT, blank=True
    )
    breaking_down = models.TextField(
        _("When things are breaking down: signs and what helps"), max_length=LONG_TEXT, blank=True
    )
    after_crisis = models.TextField(
        _("After a crisis: what helps me recover"), max_length=LONG_TEXT, blank=True
    )
    history = HistoricalRecords()

    TEXT_FIELDS = (
        "keep_me_well",
        "daily_routine",
        "triggers",
        "triggers_response",
        "early_signs",
        "early_signs_response",
        "breaking_down",
        "after_crisis",
    )
    WORDED_FIELDS = TEXT_FIELDS

    def __str__(self) -> str:
        return f"Staying-well plan ({self.plan.person})"


class CrisisPlan(AuthoredPart):
    AUDIT_TYPE: ClassVar[str] = "crisis_plan"

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="crisis")
    signs_others_notice = models.TextField(
        _("Signs others will notice"), max_length=LONG_TEXT, blank=True
    )
    who_to_involve = models.TextField(
        _("Who I want involved, and what each of them does"), max_length=LONG_TEXT, blank=True
    )
    who_not_to_involve = models.TextField(
        _("Who I do not want involved"), max_length=LONG_TEXT, blank=True
    )
    preferred_treatments = models.TextField(
        _("Treatments and places I prefer"), max_length=LONG_TEXT, blank=True
    )
    unacceptable_treatments = models.TextField(
        _("Treatments and places I do not want"), max_length=LONG_TEXT, blank=True
    )
    practical_matters = models.TextField(
        _("Practical things: children, pets, bills, home"), max_length=LONG_TEXT, blank=True
    )
    what_helps = models.TextField(_("What helps me in a crisis"), max_length=LONG_TEXT, blank=True)
    what_does_not_help = models.TextField(_("What does not help"), max_length=LONG_TEXT, blank=True)
    advance_statement = models.TextField(
        _("My advance statement or decision"), max_length=LONG_TEXT, blank=True
    )
    advance_signed = models.BooleanField(_("The advance statement is signed"), default=False)
    advance_witnessed = models.BooleanField(_("The advance statement is witnessed"), default=False)
    advance_original_kept = models.CharField(
        _("Where the signed original is kept"), max_length=SHORT_TEXT, blank=True
    )
    contingency = models.TextField(
        _("If the usual arrangements fail: what happens instead"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_("For example if the care coordinator is away, or a carer cannot help."),
    )
    history = HistoricalRecords()

    TEXT_FIELDS = (
        "signs_others_notice",
        "who_to_involve",
        "who_not_to_involve",
        "preferred_treatments",
        "unacceptable_treatments",
        "practical_matters",
        "what_helps",
        "what_does_not_help",
        "contingency",
        "advance_statement",
    )
    WORDED_FIELDS = (*TEXT_FIELDS, "advance_original_kept")

    def __str__(self) -> str:
        return f"Crisis plan ({self.plan.person})"


class PersonalSafetyPlan(AuthoredPart):
    """The person's own safety steps: reasons for living, what they do to cope, a safer home."""

    AUDIT_TYPE: ClassVar[str] = "personal_safety_plan"

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="personal_safety")
    reasons_for_living = models.TextField(
        _("My reasons for living"), max_length=LONG_TEXT, blank=True
    )
    coping_steps = models.TextField(
        _("Things I can do to cope, step by step"), max_length=LONG_TEXT, blank=True
    )
    safer_surroundings = models.TextField(
        _("Ways to make my surroundings safer"), max_length=LONG_TEXT, blank=True
    )
    history = HistoricalRecords()

    TEXT_FIELDS = ("reasons_for_living", "coping_steps", "safer_surroundings")
    WORDED_FIELDS = TEXT_FIELDS

    def __str__(self) -> str:
        return f"Personal safety plan ({self.plan.person})"


class PersonalContact(AuthoredPart):
    """Someone the person wants to be able to ring: kept by the person on the crisis and safety pages."""

    AUDIT_TYPE: ClassVar[str] = "personal_contact"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="contacts")
    name = models.CharField(_("Name"), max_length=200)
    relationship = models.CharField(_("Who they are to me"), max_length=200, blank=True)
    phone = models.CharField(_("Phone number"), max_length=40)
    archived_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    WORDED_FIELDS = ("name", "relationship", "phone")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class SafetyKind(models.TextChoices):
    CONCERN = "concern", _("A concern (a risk)")
    OPPORTUNITY = "opportunity", _("An opportunity (a positive risk worth taking)")


class SafetyItem(AuthoredPart):
    """A concern or opportunity in the safety plan, with the person's own view beside the professional view."""

    AUDIT_TYPE: ClassVar[str] = "safety_item"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="safety_items")
    kind = models.CharField(
        _("Is this a concern or an opportunity?"), max_length=12, choices=SafetyKind.choices
    )
    description = models.TextField(_("What it is"), max_length=LONG_TEXT)
    person_view = models.TextField(_("The person's own view"), max_length=LONG_TEXT, blank=True)
    person_view_not_obtained = models.CharField(
        _("Why the person's view could not be recorded"),
        max_length=SHORT_TEXT,
        blank=True,
    )
    professional_view = models.TextField(
        _("The professional view"), max_length=LONG_TEXT, blank=True
    )
    agreed_steps = models.TextField(_("Steps we agreed"), max_length=LONG_TEXT, blank=True)
    responsibilities = models.TextField(
        _("Who is responsible for what"), max_length=LONG_TEXT, blank=True
    )
    review_on = models.DateField(_("Review by"))
    archived_at = models.DateTimeField(null=True, blank=True)
    # The assessment risk this item manages, when it came from the needs and risk assessment.
    from_risk = models.OneToOneField(
        "plans.Risk",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="safety_item",
    )
    history = HistoricalRecords()

    WORDED_FIELDS = (
        "description",
        "person_view",
        "person_view_not_obtained",
        "professional_view",
        "agreed_steps",
        "responsibilities",
    )

    class Meta:
        ordering = ["review_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                name="safety_item_has_person_view_or_reason",
                condition=~models.Q(person_view="") | ~models.Q(person_view_not_obtained=""),
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]


class NeedStatus(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met yet")


class Need(AuthoredPart):
    """A need found in the needs and risk assessment, in one life area, with the person's view."""

    AUDIT_TYPE: ClassVar[str] = "need"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="needs")
    life_area = models.ForeignKey(
        LifeArea, on_delete=models.PROTECT, related_name="needs", verbose_name=_("Life area")
    )
    description = models.TextField(_("The need"), max_length=LONG_TEXT)
    person_view = models.TextField(_("The person's view"), max_length=LONG_TEXT, blank=True)
    status = models.CharField(
        _("Is it met?"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.NOT_MET
    )
    personal_budget = models.BooleanField(
        _("A personal budget or direct payment could help meet it"), default=False
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    WORDED_FIELDS = ("description", "person_view")

    class Meta:
        ordering = ["life_area__position", "created_at"]

    def __str__(self) -> str:
        return self.description[:60]


class RiskKind(models.TextChoices):
    RISK = "risk", _("A risk")
    POSITIVE = "positive", _("A positive risk worth taking")


class Risk(AuthoredPart):
    """A risk in the assessment, or a positive risk-taking decision, with the person's own view."""

    AUDIT_TYPE: ClassVar[str] = "risk"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="risks")
    kind = models.CharField(
        _("Is this a risk, or a positive risk worth taking?"),
        max_length=10,
        choices=RiskKind.choices,
    )
    description = models.TextField(_("What it is"), max_length=LONG_TEXT)
    person_view = models.TextField(_("The person's own view"), max_length=LONG_TEXT, blank=True)
    person_view_not_obtained = models.CharField(
        _("Why the person's view could not be recorded"), max_length=SHORT_TEXT, blank=True
    )
    professional_view = models.TextField(
        _("The professional view"), max_length=LONG_TEXT, blank=True
    )
    shared_responsibility = models.TextField(
        _("Who shares the responsibility, and for what"), max_length=LONG_TEXT, blank=True
    )
    review_on = models.DateField(_("Review by"))
    archived_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    WORDED_FIELDS = (
        "description",
        "person_view",
        "person_view_not_obtained",
        "professional_view",
        "shared_responsibility",
    )

    class Meta:
        ordering = ["kind", "review_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                name="risk_has_person_view_or_reason",
                condition=~models.Q(person_view="") | ~models.Q(person_view_not_obtained=""),
            ),
            models.CheckConstraint(
                name="positive_risk_shares_responsibility",
                condition=~models.Q(kind="positive", shared_responsibility=""),
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class ContactFrequency(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")
    OTHER = "other", _("Another arrangement")


class Review(models.Model):
    AUDIT_TYPE: ClassVar[str] = "review"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField(_("Date of the review"), default=timezone.localdate)
    person_attended = models.BooleanField(_("The person was there"), default=False)
    supporters_attended = models.ManyToManyField(
        "people.Supporter",
        blank=True,
        related_name="+",
        verbose_name=_("Carers and supporters there"),
    )
    advocate_attended = models.CharField(_("Advocate there"), max_length=200, blank=True)
    professionals_attended = models.CharField(
        _("Professionals there"), max_length=SHORT_TEXT, blank=True
    )
    what_changed = models.TextField(_("What changed"), max_length=LONG_TEXT, blank=True)
    notes = models.TextField(_("Notes of the review"), max_length=LONG_TEXT, blank=True)
    person_view = models.TextField(
        _("What the person thought of the review"), max_length=LONG_TEXT, blank=True
    )
    carer_view = models.TextField(
        _("What carers and supporters thought of the review"), max_length=LONG_TEXT, blank=True
    )
    contact_frequency = models.CharField(
        _("How often we agreed to meet"),
        max_length=12,
        choices=ContactFrequency.choices,
        blank=True,
    )
    next_review_on = models.DateField(_("Next review"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[supporters_attended])

    class Meta:
        ordering = ["-held_on", "-created_at"]

    def __str__(self) -> str:
        return f"Review on {self.held_on}"


class PersonResponse(models.TextChoices):
    AGREE = "agree", _("Agrees with this version")
    DISAGREE = "disagree", _("Does not agree with this version")


class CopyGiven(models.TextChoices):
    PRINT = "print", _("Printed copy")
    PDF = "pdf", _("PDF")
    APP = "app", _("In the app")


class PlanVersion(models.Model):
    """A frozen copy of the whole plan, for signing. Never changed once created."""

    AUDIT_TYPE: ClassVar[str] = "plan_version"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    review = models.OneToOneField(
        Review, null=True, blank=True, on_delete=models.PROTECT, related_name="version"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    person_signed_at = models.DateTimeField(null=True, blank=True)
    person_signed_how = models.CharField(max_length=40, blank=True)
    coordinator_signed_at = models.DateTimeField(null=True, blank=True)
    coordinator_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    not_signed_reason = models.CharField(
        _("Why the person has not signed"), max_length=SHORT_TEXT, blank=True
    )
    # The person's own answer to the version: they agree (and sign) or disagree, with a comment.
    person_response = models.CharField(max_length=10, choices=PersonResponse.choices, blank=True)
    person_comment = models.TextField(_("Comment"), max_length=LONG_TEXT, blank=True)
    person_responded_at = models.DateTimeField(null=True, blank=True)
    copy_given = models.CharField(
        _("Copy given as"), max_length=10, choices=CopyGiven.choices, blank=True
    )
    copy_given_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Once created, only the signature and copy fields may change: the content is frozen.
        if self.pk is not None:
            fields = kwargs.get("update_fields")
            if fields is None or {"snapshot", "plan", "number", "review"} & set(fields):
                raise models.ProtectedError("A plan version's content cannot change.", {self})
        super().save(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.person_signed_at is not None or self.coordinator_signed_at is not None

    @property
    def waits_for_person(self) -> bool:
        """The person has not yet said whether they agree with this version."""
        return self.person_signed_at is None and not self.person_response

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError("Plan versions are never deleted.", {self})


class Wording(models.Model):
    """One saved wording of one field of a plan part, and who wrote it, in what voice.

    The current wording of each field has ``is_current``; earlier ones are kept, so the
    person can see the words they wrote before someone else changed them, and put them back.
    """

    AUDIT_TYPE: ClassVar[str] = "plan_wording"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="wordings")
    part_type = models.CharField(max_length=40)
    part_id = models.PositiveIntegerField()
    field = models.CharField(max_length=40)
    text = models.TextField(max_length=LONG_TEXT * 3, blank=True)
    voice = models.CharField(max_length=10, choices=Voice.choices)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_by_role = models.CharField(max_length=30)
    written_at = models.DateTimeField(default=timezone.now)
    person_present = models.BooleanField(default=False)
    person_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The person's own wording these words replaced, until the person writes or restores again.
    replaced_person_wording = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restored_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["written_at", "pk"]
        indexes = [models.Index(fields=["plan", "is_current"], name="wording_plan_current")]
        constraints = [
            models.UniqueConstraint(
                fields=["part_type", "part_id", "field"],
                condition=models.Q(is_current=True),
                name="one_current_wording_per_field",
            )
        ]

    def __str__(self) -> str:
        return f"{self.part_type} {self.part_id} {self.field}"

    @property
    def is_persons_words(self) -> bool:
        """The person wrote these words, or confirmed them as theirs."""
        if self.voice == Voice.OWN:
            return True
        return self.voice in PERSON_VOICES and self.person_confirmed_at is not None

    @property
    def awaits_confirmation(self) -> bool:
        return self.voice in PERSON_VOICES and self.person_confirmed_at is None

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError("Wordings are never deleted.", {self})


class NoticeKind(models.TextChoices):
    WORDS_CHANGED = "words_changed", _("Someone changed your words")
    WORDS_TO_CONFIRM = "words_to_confirm", _("Words to check and confirm")
    STAFF_ADDED = "staff_added", _("Someone in your team added to your plan")


class PlanNotice(models.Model):
    """Something the person is told about their plan, shown until they have seen it."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    part_type = models.CharField(max_length=40)
    part_id = models.PositiveIntegerField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_role = models.CharField(max_length=30)
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["plan", "seen_at"], name="notice_plan_seen")]

    def __str__(self) -> str:
        return f"{self.kind} {self.part_type} {self.part_id}"


class StaffContributionRules(models.Model):
    """What clinicians and peer support workers may add to plans in one organisation.

    Care coordinators and team managers write plans with the person; these rules let the
    rest of the team add within limits. Each addition is authored and audited like any other.
    """

    organisation = models.OneToOneField(
        "people.Organisation", on_delete=models.CASCADE, related_name="plan_contribution_rules"
    )
    clinician_steps = models.BooleanField(
        _("Clinicians may add a step they do themselves"), default=True
    )
    clinician_strengths = models.BooleanField(
        _("Clinicians may add a strength noted with the person"), default=True
    )
    clinician_treatment_preferences = models.BooleanField(
        _("Clinicians may add to the person's treatment preferences"), default=True
    )
    peer_steps = models.BooleanField(
        _("Peer support workers may add a step they do themselves"), default=True
    )
    peer_strengths = models.BooleanField(
        _("Peer support workers may add a strength noted with the person"), default=True
    )
    peer_treatment_preferences = models.BooleanField(
        _("Peer support workers may add to the person's treatment preferences"), default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    RULE_FIELDS = (
        "clinician_steps",
        "clinician_strengths",
        "clinician_treatment_preferences",
        "peer_steps",
        "peer_strengths",
        "peer_treatment_preferences",
    )

    def __str__(self) -> str:
        return f"Contribution rules ({self.organisation})"


def worded_models() -> dict[str, type[AuthoredPart]]:
    """Every part with worded fields, by the type its wordings (and audit entries) name."""
    return {
        model.AUDIT_TYPE: model
        for model in (
            AboutMe,
            StayingWellPlan,
            CrisisPlan,
            PersonalSafetyPlan,
            PersonalContact,
            Strength,
            Goal,
            GoalStep,
            SafetyItem,
            Need,
            Risk,
        )
    }
