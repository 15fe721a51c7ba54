"""Audit samples, the plans drawn into them, and the auditors' completed templates."""

from __future__ import annotations

import uuid

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

    def is_open_on(self, day: object) -> bool:
        return bool(self.closes_on >= day)  # type: ignore[operator]


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
