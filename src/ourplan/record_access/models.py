"""Information governance leads, and people's questions about who has seen their record.

An administrator names, for their organisation, the staff who act as information
governance (IG) lead. A person who does not recognise an entry on their "who has seen my
record" page asks about it; the question waits on the IG leads' worklist until one of
them records an answer, which the person then reads beside the entry.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

NOTE = 1000
ANSWER = 2000

# The object types this app writes to the audit log (each registered with words in apps.py).
LOG_TYPE = "record_access_log"  # the person's page: who has seen their record
ENTRY_TYPE = "record_access_entry"  # one entry of it, opened to ask about
QUESTION_TYPE = "record_access_question"
QUESTIONS_TYPE = "record_access_questions"  # the IG lead's worklist (one listing per person)
LEAD_TYPE = "governance_lead"


class GovernanceLead(models.Model):
    """A member of staff an administrator has made an IG lead for one organisation.

    Removing the permission ends the grant (``ended_at``); the row stays as the record of
    who held it and when. A later grant to the same person is a new row.
    """

    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="one_current_governance_lead_grant",
            ),
        ]
        verbose_name = _("information governance lead")
        verbose_name_plural = _("information governance leads")

    def __str__(self) -> str:
        return f"IG lead {self.user_id} of {self.organisation_id}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError("Grants are ended, not deleted.", {self})


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")


class RecordAccessQuestion(models.Model):
    """A person asks about one entry of who has seen their record; an IG lead answers."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey("core.AuditEntry", on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("anything you want to tell us"), max_length=NOTE, blank=True)
    status = models.CharField(
        max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    answer = models.TextField(_("answer"), max_length=ANSWER, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(status="open"),
                name="one_open_question_per_entry",
            ),
            models.CheckConstraint(
                name="answered_question_has_answer",
                condition=models.Q(status="open")
                | (
                    models.Q(answered_by__isnull=False, answered_at__isnull=False)
                    & ~models.Q(answer="")
                ),
            ),
        ]
        indexes = [models.Index(fields=["person", "-asked_at"], name="question_person_asked")]
        verbose_name = _("question about who has seen a record")
        verbose_name_plural = _("questions about who has seen a record")

    def __str__(self) -> str:
        return f"Question {self.pk} about entry {self.entry_id}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError("Questions are answered, not deleted.", {self})

    @property
    def is_open(self) -> bool:
        return self.status == QuestionStatus.OPEN
