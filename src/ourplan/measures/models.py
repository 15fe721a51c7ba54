"""Questionnaires collected in ourplan: definition versions, requests, responses and scores.

A response is scored with the definition version it was answered under, and each score row
records the version that produced it. A new definition version never changes a stored
score: rescoring is an explicit, audited action (``services.rescore``) that marks the old
scores superseded and keeps them.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ourplan.measures.scoring import Definition, parse_definition


class Respondent(models.TextChoices):
    PERSON = "person", _("The person")
    CARER = "carer", _("A carer or supporter")
    STAFF = "staff", _("A member of staff")


class Mode(models.TextChoices):
    SELF = "self", _("Answered in their own login")
    WITH_STAFF = "with_staff", _("Answered together with a member of staff")
    PAPER = "paper", _("Entered from a paper copy")
    IMPORTED = "imported", _("Imported from a file")


class Occasion(models.TextChoices):
    PLAN_START = "plan_start", _("At the start of the plan")
    REVIEW = "review", _("At a review")
    DISCHARGE = "discharge", _("When care coordination ends")
    OTHER = "other", _("At another time")


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Started")
    COMPLETE = "complete", _("Finished")


class InstrumentVersion(models.Model):
    """One exact version of an instrument definition, as it was used."""

    AUDIT_TYPE: ClassVar[str] = "instrument_version"

    instrument_id = models.CharField(max_length=64)
    version = models.CharField(max_length=40)
    digest = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    definition = models.JSONField()
    # The version new responses use; older versions stay for the scores made with them.
    is_current = models.BooleanField(default=False)
    origin = models.CharField(max_length=40, default="shipped")
    registered_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["instrument_id", "-registered_at"]
        constraints = [
            models.UniqueConstraint(fields=["instrument_id", "digest"], name="instrument_digest"),
            models.UniqueConstraint(
                fields=["instrument_id"],
                condition=models.Q(is_current=True),
                name="one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.version}"

    @property
    def parsed(self) -> Definition:
        cached = getattr(self, "_parsed", None)
        if cached is None:
            cached = parse_definition(self.definition, where=f"{self.instrument_id} {self.version}")
            self._parsed = cached
        return cached


class LicensedWording(models.Model):
    """An organisation's own licensed wording of an instrument (or the project's own wording).

    ``organisation`` is empty for wording the project wrote, which every organisation uses.
    A newer upload replaces the older one, which is kept.
    """

    organisation = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instrument_id = models.CharField(max_length=64)
    language = models.CharField(max_length=10)
    holder = models.CharField(max_length=200, blank=True)
    preamble = models.TextField(blank=True)
    texts = models.JSONField()
    response_labels = models.JSONField(default=dict)
    reverse = models.JSONField(default=list)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    loaded_at = models.DateTimeField(default=timezone.now)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["instrument_id", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "instrument_id", "language"],
                condition=models.Q(replaced_at__isnull=True),
                name="one_wording_in_use",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} wording ({self.language})"


class MeasureSchedule(models.Model):
    """When an organisation asks for an instrument: at plan start, each review, discharge."""

    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    instrument_id = models.CharField(max_length=64)
    at_plan_start = models.BooleanField(_("At the start of the plan"), default=False)
    at_review = models.BooleanField(_("At each review"), default=False)
    at_discharge = models.BooleanField(_("When care coordination ends"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "instrument_id"], name="schedule_unique_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} at {self.organisation_id}"


class CareEnding(models.Model):
    """Care coordination is ending for a person: the discharge questionnaires are asked for."""

    AUDIT_TYPE: ClassVar[str] = "care_ending"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    ends_on = models.DateField(_("Care coordination ends on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-ends_on"]

    def __str__(self) -> str:
        return f"Care coordination ending on {self.ends_on}"


class Request(models.Model):
    """A questionnaire asked of someone for an occasion: what makes it due, and what a
    response rate counts. Exactly one respondent: the person, a supporter or staff."""

    AUDIT_TYPE: ClassVar[str] = "questionnaire_request"

    instrument_id = models.CharField(max_length=64)
    occasion = models.CharField(max_length=12, choices=Occasion.choices)
    occasion_ref = models.CharField(max_length=64, blank=True)
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # The team at the time it was asked: the "site" in team comparisons.
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supporter = models.ForeignKey(
        "people.Supporter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        "people.StaffMember", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    asked_on = models.DateField(default=timezone.localdate)
    response = models.OneToOneField(
        "Response", null=True, blank=True, on_delete=models.PROTECT, related_name="request"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_on", "id"]
        # One request per occasion and respondent (three constraints: a NULL never clashes).
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_id", "occasion", "occasion_ref", field],
                condition=models.Q(respondent=kind),
                name=f"one_request_per_occasion_{kind}",
            )
            for kind, field in (("person", "person"), ("carer", "supporter"), ("staff", "staff"))
        ]
        indexes = [models.Index(fields=["team", "asked_on"], name="request_team_asked")]

    def __str__(self) -> str:
        return f"{self.instrument_id} ({self.occasion})"


class Response(models.Model):
    """One completion of a questionnaire, finished or not, with its answers.

    ``answers`` maps item ids to the answer: a whole number on the scale, ``"na"`` (not
    applicable) or ``"declined"`` (prefer not to answer). An item not yet answered is absent.
    """

    AUDIT_TYPE: ClassVar[str] = "questionnaire_response"

    instrument = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supporter = models.ForeignKey(
        "people.Supporter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        "people.StaffMember", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    mode = models.CharField(max_length=12, choices=Mode.choices)
    occasion = models.CharField(max_length=12, choices=Occasion.choices, default=Occasion.OTHER)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    answers = models.JSONField(default=dict, blank=True)
    # Where the respondent got to: the next question to show when they come back.
    position = models.PositiveSmallIntegerField(default=0)
    one_page = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The day the questionnaire was filled in (a paper copy's date may be earlier than its entry).
    completed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["person", "status"], name="response_person_status"),
            models.Index(fields=["team", "completed_on"], name="response_team_completed"),
        ]
        constraints = [
            models.CheckConstraint(
                name="response_has_a_respondent",
                condition=(
                    models.Q(respondent="person", person__isnull=False)
                    | models.Q(respondent="carer", supporter__isnull=False)
                    | models.Q(respondent="staff", staff__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument.instrument_id} response {self.pk}"

    @property
    def definition(self) -> Definition:
        return self.instrument.parsed

    @property
    def is_complete(self) -> bool:
        return self.status == Status.COMPLETE

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError("Questionnaire responses are kept.", {self})


class Rescore(models.Model):
    """An explicit decision to score past responses with a new definition version."""

    AUDIT_TYPE: ClassVar[str] = "questionnaire_rescore"

    instrument_id = models.CharField(max_length=64)
    to_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("Why rescore"), max_length=500)
    rescored = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Rescore of {self.instrument_id} to {self.to_version.version}"


class Score(models.Model):
    """One score of one response, made with one definition version. Never changed: a rescore
    marks it superseded and adds the new score beside it."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="scores")
    instrument = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    score_id = models.CharField(max_length=64)
    value = models.FloatField(null=True, blank=True)
    answered = models.PositiveSmallIntegerField()
    n_items = models.PositiveSmallIntegerField()
    scored_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        Rescore, null=True, blank=True, on_delete=models.PROTECT, related_name="superseded"
    )

    class Meta:
        ordering = ["response_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "score_id"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_score",
            )
        ]

    def __str__(self) -> str:
        return f"{self.score_id} = {self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A score may only be marked superseded after it is written.
        if self.pk is not None and set(kwargs.get("update_fields") or ()) - {
            "superseded_at",
            "superseded_by",
        }:
            raise models.ProtectedError("Scores are never changed; rescore instead.", {self})
        super().save(*args, **kwargs)


class PaperEntryStatus(models.TextChoices):
    AWAITING_SECOND = "awaiting_second", _("Waiting for the second entry")
    DIFFERENCES = "differences", _("The two entries differ")
    SAVED = "saved", _("Saved")


class PaperEntry(models.Model):
    """A paper questionnaire keyed in twice; it is saved only once both entries agree."""

    AUDIT_TYPE: ClassVar[str] = "paper_entry"

    instrument = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    occasion = models.CharField(max_length=12, choices=Occasion.choices)
    completed_on = models.DateField()
    first_answers = models.JSONField(blank=True)
    first_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    first_at = models.DateTimeField(default=timezone.now)
    second_answers = models.JSONField(null=True, blank=True)
    second_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_at = models.DateTimeField(null=True, blank=True)
    differences = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=PaperEntryStatus.choices, default=PaperEntryStatus.AWAITING_SECOND
    )
    response = models.OneToOneField(
        Response, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-first_at"]

    def __str__(self) -> str:
        return f"Paper {self.instrument.instrument_id} entry {self.pk}"


class Demographics(models.Model):
    """The answers behind the evaluation report's covariates, each optional.

    ``answers`` maps a question (``demographics.QUESTIONS``) to its answer or to
    ``"prefer_not_to_say"``; an unanswered question is absent.
    """

    AUDIT_TYPE: ClassVar[str] = "demographics"

    person = models.OneToOneField(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.OneToOneField(
        "people.StaffMember", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "demographics"
        constraints = [
            models.CheckConstraint(
                name="demographics_of_one",
                condition=(
                    models.Q(person__isnull=False, staff__isnull=True)
                    | models.Q(person__isnull=True, staff__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return "Demographics"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Could not be built")


class ReportRun(models.Model):
    """An evaluation report built in the background from collected, de-identified data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    parameters = models.JSONField()
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # The standalone document (downloaded, and laid out as the PDF) and its body for the page.
    html = models.TextField(blank=True)
    body = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
