"""Sharing agreements, crisis sharing, supporters' contributions and carers' own needs.

Nothing is shared by default: a supporter sees a part of the person's record only
while an agreement naming that part is in effect (see access.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

NOTE = 1000
TEXT = 4000


class RecordedHow(models.TextChoices):
    ONLINE = "online", _("By the person, online")
    IN_PERSON = "in_person", _("By the person, in person with staff")
    ON_INSTRUCTION = "on_instruction", _("By staff, on the person's instruction")


class SharingAgreement(models.Model):
    """What one supporter may see of one person's record, part by part, and for how long.

    Changes are kept in ``history``. A stopped agreement keeps its row (``revoked_at``);
    a later agreement with the same supporter is a new row.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="sharing_agreements"
    )
    supporter = models.ForeignKey(
        "people.Supporter", on_delete=models.PROTECT, related_name="sharing_agreements"
    )
    parts = models.JSONField(_("shared now"), default=list, blank=True)
    crisis_parts = models.JSONField(_("also shared in a crisis"), default=list, blank=True)
    starts_on = models.DateField(_("start date"), default=timezone.localdate)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    revisit_on = models.DateField(_("look at this again by"))
    recorded_how = models.CharField(
        _("how it was agreed"), max_length=20, choices=RecordedHow.choices
    )
    capacity_note = models.TextField(_("note about capacity"), max_length=NOTE, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-set_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["supporter"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_current_agreement_per_supporter",
            ),
            models.CheckConstraint(
                name="agreement_ends_after_start",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"Sharing with {self.supporter_id}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError("Agreements are stopped, not deleted.", {self})


class CrisisSharing(models.Model):
    """Staff switch on the person's advance crisis agreement, for a reason and a limited time."""

    MAX_HOURS = 72

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="crisis_sharing"
    )
    reason = models.TextField(_("reason"), max_length=NOTE)
    started_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    switched_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                name="crisis_sharing_ends_after_start",
                condition=models.Q(ends_at__gt=models.F("started_at")),
            )
        ]

    def __str__(self) -> str:
        return f"Crisis sharing for {self.person_id}"

    def is_active(self, now: datetime) -> bool:
        return self.ended_at is None and self.started_at <= now < self.ends_at


class CrisisDisclosure(models.Model):
    """A part shown to a supporter only because crisis sharing was on. The person is shown these."""

    crisis_sharing = models.ForeignKey(
        CrisisSharing, on_delete=models.PROTECT, related_name="disclosures"
    )
    supporter = models.ForeignKey("people.Supporter", on_delete=models.PROTECT, related_name="+")
    part = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.part} shown to {self.supporter_id}"


class ContributionKind(models.TextChoices):
    INFORMATION = "information", _("Information for the team")
    CONCERN = "concern", _("A concern")


class ContributionVisibility(models.TextChoices):
    NEVER = "never", _("The person is not shown what supporters send")
    UNLESS_ASKED = (
        "unless_asked",
        _("The person is shown what supporters send, unless the supporter asks us not to"),
    )
    ALWAYS = "always", _("The person is shown everything supporters send")

    @classmethod
    def stricter(cls, first: str, second: str) -> str:
        """The policy that shows the person less: a promise made to a supporter is kept."""
        order = [cls.NEVER, cls.UNLESS_ASKED, cls.ALWAYS]
        return str(order[min(order.index(cls(first)), order.index(cls(second)))])


class Contribution(models.Model):
    """Something a supporter tells the team. Anyone in the network can always do this."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="contributions"
    )
    supporter = models.ForeignKey(
        "people.Supporter", on_delete=models.PROTECT, related_name="contributions"
    )
    kind = models.CharField(_("what is it"), max_length=20, choices=ContributionKind.choices)
    text = models.TextField(_("what you want to tell the team"), max_length=TEXT)
    ask_not_shown = models.BooleanField(_("please do not show this to the person"), default=False)
    # The policy the supporter was told when they sent it. A later, more open policy
    # must not show the person what was sent under a stricter promise.
    visibility_when_sent = models.CharField(
        _("what the supporter was told about the person seeing it"),
        max_length=20,
        choices=ContributionVisibility.choices,
        default=ContributionVisibility.NEVER,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply = models.TextField(_("reply"), max_length=TEXT, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} from {self.supporter_id}"


class OrganisationConsentPolicy(models.Model):
    """An organisation's documented policy on showing supporters' contributions to the person."""

    organisation = models.OneToOneField(
        "people.Organisation", on_delete=models.CASCADE, related_name="consent_policy"
    )
    person_sees_contributions = models.CharField(
        _("does the person see what supporters send"),
        max_length=20,
        choices=ContributionVisibility.choices,
        default=ContributionVisibility.NEVER,
    )
    reason = models.TextField(_("why the policy is set this way"), max_length=TEXT, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Consent policy of {self.organisation_id}"


class CarerProfile(models.Model):
    """A carer's own needs and support. Seen by the carer and staff; the person only if shared."""

    supporter = models.OneToOneField(
        "people.Supporter", on_delete=models.PROTECT, related_name="carer_profile"
    )
    own_needs = models.TextField(_("what I need, as a carer"), max_length=TEXT, blank=True)
    shared_with_person = models.BooleanField(
        _("show what I need to the person I support"), default=False
    )
    assessment_offered_on = models.DateField(
        _("carer's assessment offered on"), null=True, blank=True
    )
    assessment_outcome = models.TextField(
        _("what came of the carer's assessment"), max_length=TEXT, blank=True
    )
    information_given = models.TextField(
        _("information and education given"), max_length=TEXT, blank=True
    )
    signposting = models.TextField(_("signposting"), max_length=TEXT, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Carer profile of {self.supporter_id}"


class WellbeingCheckIn(models.Model):
    """A carer's own rating of how they are, from 1 (struggling) to 5 (doing well)."""

    supporter = models.ForeignKey(
        "people.Supporter", on_delete=models.PROTECT, related_name="wellbeing_check_ins"
    )
    recorded_on = models.DateField(default=timezone.localdate)
    score = models.PositiveSmallIntegerField(
        _("how are you doing"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(_("anything to add"), max_length=NOTE, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="wellbeing_score_1_to_5",
                condition=models.Q(score__gte=1) & models.Q(score__lte=5),
            )
        ]

    def __str__(self) -> str:
        return f"Check-in {self.score} by {self.supporter_id}"
