"""Audit samples, the plans drawn into them, and the auditors' completed templates."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ourplan.quality.template import Answer, Frequency


class AuditSample(models.Model):
    """A random sample of plans, stratified by team, drawn from a recorded seed.

    The same teams, size, seed and eligible people always give the same sample
    (services.draw_entries), so anyone can check how it was drawn.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name of the audit"), max_length=120)
    teams = models.ManyToManyField("people.Team", related_name="+")
    size_per_team = models.PositiveSmallIntegerField(_("plans from each team"))
    seed = models.BigIntegerField(_("seed"))
    blinded = models.BooleanField(_("hide the care coordinator's name from auditors"))
    first_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    second_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    double_review_percent = models.PositiveSmallIntegerField(default=0)
    closes_on = models.DateField(_("auditors can read the plans until"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day: date) -> bool:
        return self.closes_on >= day


class SampledPlan(models.Model):
    """One plan in a sample: the version under review is fixed when the sample is drawn."""

    sample = models.ForeignKey(AuditSample, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("people.Team", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("plans.PlanVersion", on_delete=models.PROTECT, related_name="+")
    study_id = models.CharField(max_length=20)
    double_review = models.BooleanField(default=False)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "person"], name="sampled_person_once"),
            models.UniqueConstraint(fields=["sample", "study_id"], name="sampled_study_id_unique"),
        ]

    def __str__(self) -> str:
        return self.study_id


class AuditRound(models.IntegerChoices):
    FIRST = 1, _("First auditor")
    SECOND = 2, _("Second auditor")


class ManualAudit(models.Model):
    """One auditor's reading of one sampled plan against the template."""

    AUDIT_TYPE = "care_plan_audit"

    entry = models.ForeignKey(SampledPlan, on_delete=models.PROTECT, related_name="audits")
    round = models.PositiveSmallIntegerField(choices=AuditRound.choices)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    not_signed_reason = models.CharField(
        _("If the person did not sign, the reason given"), max_length=300, blank=True
    )
    months_on_cpa = models.PositiveIntegerField(
        _("Length of time on CPA or CTP, in months"), null=True, blank=True
    )
    overall_note = models.TextField(_("Overall note"), max_length=4000, blank=True)
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entry__position", "round"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "round"], name="one_audit_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.entry.study_id} ({self.round})"


ANSWER_VALUES = tuple(Answer.values) + tuple(v for v in Frequency.values if v != "unclear")


class ItemAnswer(models.Model):
    """The answer to one question of the template, with the auditor's note."""

    audit = models.ForeignKey(ManualAudit, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(max_length=40)
    answer = models.CharField(max_length=12)
    note = models.TextField(max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "item"], name="one_answer_per_item"),
            models.CheckConstraint(
                condition=models.Q(answer__in=ANSWER_VALUES), name="answer_in_template_values"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.answer}"


class SelfAssessment(models.Model):
    """A service assessing itself against the ten organisational challenges, together."""

    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=120)
    held_on = models.DateField(_("when it was held"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("quality:assessment", args=[self.pk])


class ChallengeRating(models.Model):
    """One group's agreed rating of one challenge (staff, people or carers)."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    challenge = models.CharField(max_length=40)
    group = models.CharField(max_length=10)
    rating = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "challenge", "group"], name="one_rating_per_group"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="rating_on_the_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} {self.group}: {self.rating}"


class Priority(models.Model):
    """A challenge the group agreed to work on first."""

    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="priorities"
    )
    challenge = models.CharField(max_length=40)
    why = models.CharField(_("why it matters most now"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "challenge"], name="priority_once")
        ]

    def __str__(self) -> str:
        return self.challenge


class ImprovementAction(models.Model):
    """An action in the plan: what, who owns it, by when, and what it aims to move."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="actions")
    challenge = models.CharField(_("challenge"), max_length=40)
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "people.StaffMember", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("to be done by"))
    audit_item = models.CharField(_("audit item it aims at"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text


class ImprovementCycle(models.Model):
    """One Plan–Do–Study–Act cycle of an action, with what was learned."""

    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="cycles")
    plan = models.TextField(_("Plan: what we will try, and what we expect"), max_length=2000)
    do = models.TextField(_("Do: what happened"), max_length=2000, blank=True)
    study = models.TextField(_("Study: what we learned"), max_length=2000, blank=True)
    act = models.TextField(_("Act: what we will keep, change or drop"), max_length=2000, blank=True)
    started_on = models.DateField(_("started on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"Cycle {self.pk}"
