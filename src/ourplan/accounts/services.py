"""Invitations and account changes. Every write is atomic and audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ourplan.accounts.models import Invitation, Role, User, hash_token
from ourplan.core import audit
from ourplan.core.models import AuditAction


class InvitationError(Exception):
    """An invitation link that cannot be used, with a message for the person holding it."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

    @property
    def message(self) -> str:
        return {
            "unknown": _(
                "This invitation link is not valid. Check you copied the whole link, or ask your care team for a new one."
            ),
            "used": _(
                "This invitation has already been used. Log in with the password you chose, or ask your care team for a new invitation."
            ),
            "expired": _("This invitation has expired. Ask your care team for a new one."),
            "revoked": _(
                "This invitation was replaced by a newer one. Use the latest link you were given."
            ),
            "has_account": _("An account already exists for you. Log in instead."),
        }[self.reason]


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str


@transaction.atomic
def invitation_create(
    *, actor: Any, person: Any | None = None, supporter: Any | None = None
) -> IssuedInvitation:
    """Issue a one-time link for a person or a supporter, replacing any earlier unused link."""
    if (person is None) == (supporter is None):
        raise TypeError("Invite exactly one of a person or a supporter.")
    target_user_id = person.user_id if person is not None else supporter.user_id  # type: ignore[union-attr]
    if target_user_id is not None:
        raise ValidationError(_("They already have an account."))
    now = timezone.now()
    earlier = Invitation.objects.usable(now).filter(person=person, supporter=supporter)
    for old in earlier.select_for_update():
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        token_hash=hash_token(token),
        role=Role.SERVICE_USER if person is not None else Role.SUPPORTER,
        person=person,
        supporter=supporter,
        created_by=actor,
        expires_at=now + settings.INVITATION_LIFETIME,
    )
    about = person if person is not None else supporter.person  # type: ignore[union-attr]
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="invitation",
        object_id=invitation.pk,
        person=about,
    )
    return IssuedInvitation(invitation=invitation, token=token)


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    """Find the invitation a token opens, or raise InvitationError saying why it cannot be used."""
    queryset = Invitation.objects.select_related("person", "supporter")
    if lock:
        # Lock the invitation row only: PostgreSQL cannot lock the outer-joined person or supporter.
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token_hash=hash_token(token or "")).first()
    if invitation is None:
        raise InvitationError("unknown")
    if invitation.used_at is not None:
        raise InvitationError("used")
    if invitation.revoked_at is not None:
        raise InvitationError("revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationError("expired")
    target = invitation.person or invitation.supporter
    if target is not None and target.user_id is not None:
        raise InvitationError("has_account")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str) -> User:
    """Create the login an invitation promises. The invitation can be used once only."""
    invitation = invitation_for_token(token, lock=True)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("That username is taken. Choose another.")})
    target = invitation.person or invitation.supporter
    assert target is not None
    user = User(
        username=username,
        role=invitation.role,
        first_name=target.given_name,
        last_name=target.family_name,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    target.user = user
    target.save(update_fields=["user"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    person = invitation.person or invitation.supporter.person  # type: ignore[union-attr]
    audit.record(
        actor=user, action=AuditAction.CREATE, object_type="user", object_id=user.pk, person=person
    )
    return user


@transaction.atomic
def user_disable(*, actor: Any, user: User) -> User:
    """Disable an account and end all of its sessions at once."""
    User.objects.filter(pk=user.pk).update(is_active=False, session_epoch=F("session_epoch") + 1)
    user.refresh_from_db()
    audit.record(actor=actor, action=AuditAction.UPDATE, object_type="user", object_id=user.pk)
    return user
