"""Organisations, teams, staff, service users, supporters and care teams."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ourplan.people.nhs_number import format_nhs_number, validate_nhs_number


class Country(models.TextChoices):
    ENGLAND = "england", _("England")
    WALES = "wales", _("Wales")


class Organisation(models.Model):
    """An NHS trust (England) or health board (Wales). Country decides CPA or CTP rules."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("ODS code"), max_length=10, unique=True)
    country = models.CharField(_("country"), max_length=10, choices=Country.choices)
    # The organisation's policy: a team manager sees their own team's people, or, when this
    # is set, every person in the organisation (its dashboards, worklists and records).
    managers_see_whole_organisation = models.BooleanField(
        _("team managers see people across the whole organisation"), default=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def statutory_framework(self) -> str:
        return "CTP" if self.country == Country.WALES else "CPA"


class CrisisLine(models.Model):
    """A number a person or supporter can ring when they need help now."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="crisis_lines"
    )
    label = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone number"), max_length=40)
    hours = models.CharField(_("when it is open"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.phone}"


class Team(models.Model):
    """A team that holds a caseload, e.g. a community mental health team."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return self.name


class Profession(models.TextChoices):
    NURSE = "nurse", _("Nurse")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("Occupational therapist")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    PSYCHIATRIST = "psychiatrist", _("Psychiatrist")
    PEER_SUPPORT = "peer_support", _("Peer support")
    SUPPORT_WORKER = "support_worker", _("Support worker")
    ADMINISTRATION = "administration", _("Administration")
    RESEARCH = "research", _("Research")
    OTHER = "other", _("Other")


class StaffMember(models.Model):
    """A member of staff: their organisation, team and profession. Their role is on the user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_member"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.user.display_name


class PersonGender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    IN_ANOTHER_WAY = "another_way", _("In another way")
    PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefer not to say")


class Person(models.Model):
    """A service user. Clinical data is never hard-deleted: records are restricted instead."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="caseload",
        verbose_name=_("team"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="person",
    )
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100)
    preferred_name = models.CharField(
        _("preferred name"),
        max_length=100,
        blank=True,
        help_text=_("What the person likes to be called."),
    )
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    # Blank means not asked yet, which differs from the person choosing not to say.
    gender = models.CharField(_("gender"), max_length=20, choices=PersonGender.choices, blank=True)
    # The date the person came onto the Care Programme Approach (England) or began
    # care and treatment planning (Wales); the care plan audit reports time on it.
    care_programme_from = models.DateField(
        _("date the person came onto CPA or CTP"), null=True, blank=True
    )
    nhs_number = models.CharField(
        _("NHS number"),
        max_length=10,
        unique=True,
        validators=[validate_nhs_number],
        error_messages={
            "unique": _("Another person already has this NHS number. Search for them instead.")
        },
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[*settings.LANGUAGES, ("other", _("Another language"))],
        default="en-gb",
    )
    other_language = models.CharField(_("other language"), max_length=100, blank=True)
    communication_needs = models.TextField(_("communication needs"), max_length=2000, blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), max_length=2000, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    address = models.TextField(_("address"), max_length=500, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    restricted_at = models.DateTimeField(null=True, blank=True)
    restricted_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["team", "family_name", "given_name"], name="person_team_name")
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def called(self) -> str:
        """The name to use when speaking to or about the person."""
        return self.preferred_name or self.given_name

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number)

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError(
            "People's records are never deleted; restrict them instead.", {self}
        )


class SupporterKind(models.TextChoices):
    CARER = "carer", _("Carer")
    FAMILY = "family", _("Family member")
    FRIEND = "friend", _("Friend")
    ADVOCATE = "advocate", _("Advocate")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")


class Supporter(models.Model):
    """Someone in the person's life: a carer, family member, friend or advocate."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supporters")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supporter",
    )
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100, blank=True)
    kind = models.CharField(_("kind of supporter"), max_length=20, choices=SupporterKind.choices)
    relationship = models.CharField(
        _("relationship to the person"),
        max_length=100,
        help_text=_("In the person's words, for example 'my mum' or 'my neighbour'."),
    )
    is_identified_carer = models.BooleanField(
        _("identified carer"),
        default=False,
        help_text=_("The person has named them as their carer."),
    )
    is_nearest_relative = models.BooleanField(
        _("nearest relative"),
        default=False,
        help_text=_("The nearest relative under mental health law, who has legal rights."),
    )
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    contact_preferences = models.CharField(
        _("how they like to be contacted"), max_length=300, blank=True
    )
    preferred_contact = models.CharField(
        _("preferred way to be contacted"),
        max_length=10,
        choices=ContactMethod.choices,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["given_name", "family_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise models.ProtectedError("Supporters are ended, not deleted.", {self})


class CareTeamMembership(models.Model):
    """A member of staff in a person's care team, and whether they are the named care coordinator.

    Ended memberships are kept: continuity figures are derived from them.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="care_team")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="memberships")
    is_coordinator = models.BooleanField(_("named care coordinator"), default=False)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(_("reason for change"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(is_coordinator=True, ended_on__isnull=True),
                name="one_current_coordinator_per_person",
            ),
            models.CheckConstraint(
                name="membership_ends_after_start",
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
            ),
        ]
        indexes = [
            models.Index(fields=["staff", "is_coordinator", "ended_on"], name="membership_caseload")
        ]

    def __str__(self) -> str:
        return f"{self.staff} for {self.person}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
