"""User accounts, roles, and invitations for service users and supporters."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SERVICE_USER = "service_user", _("Service user")
    SUPPORTER = "supporter", _("Supporter")
    CARE_COORDINATOR = "care_coordinator", _("Care coordinator")
    CLINICIAN = "clinician", _("Clinician")
    TEAM_MANAGER = "team_manager", _("Team manager")
    PEER_SUPPORT_WORKER = "peer_support_worker", _("Peer support worker")
    ADMINISTRATOR = "administrator", _("Administrator")
    RESEARCHER = "researcher", _("Researcher")


STAFF_ROLES = frozenset(
    {
        Role.CARE_COORDINATOR,
        Role.CLINICIAN,
        Role.TEAM_MANAGER,
        Role.PEER_SUPPORT_WORKER,
        Role.ADMINISTRATOR,
        Role.RESEARCHER,
    }
)
# Staff who work with people's records day to day.
CLINICAL_ROLES = frozenset(
    {Role.CARE_COORDINATOR, Role.CLINICIAN, Role.TEAM_MANAGER, Role.PEER_SUPPORT_WORKER}
)
# Roles that must use a second factor to log in.
SECOND_FACTOR_ROLES = frozenset({Role.TEAM_MANAGER, Role.ADMINISTRATOR})


class User(AbstractUser):
    """A login. What the user may do follows from ``role``."""

    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    session_epoch = models.PositiveIntegerField(
        default=0,
        help_text=_("Raised to end every session of this user, e.g. when the account is disabled."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_clinical_staff(self) -> bool:
        return self.role in CLINICAL_ROLES

    @property
    def needs_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES


def hash_token(token: str) -> str:
    """Hash an invitation token; only the hash is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self, now: datetime | None = None) -> InvitationQuerySet:
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class Invitation(models.Model):
    """A one-time link that lets a service user or supporter set up their login."""

    token_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(
        max_length=30,
        choices=[
            (Role.SERVICE_USER, Role.SERVICE_USER.label),
            (Role.SUPPORTER, Role.SUPPORTER.label),
        ],
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="invitations"
    )
    supporter = models.ForeignKey(
        "people.Supporter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="invitation_for_person_or_supporter",
                condition=(
                    models.Q(role="service_user", person__isnull=False, supporter__isnull=True)
                    | models.Q(role="supporter", supporter__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk} ({self.role})"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class PasswordResetRequest(models.Model):
    """One request for a password reset link, kept only to limit how often links are sent.

    The username or email address typed is not stored: it may be someone else's, or a
    password typed into the wrong box.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    # Throttling data only, so it goes with the account.
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    link_sent = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Password reset request {self.pk}"
