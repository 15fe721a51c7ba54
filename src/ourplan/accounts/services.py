"""Invitations and account changes. Every write is atomic and audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ourplan.accounts.models import Invitation, PasswordResetRequest, Role, User, hash_token
from ourplan.core import audit
from ourplan.core.models import AuditAction


class UnusableLink(Exception):
    """A link (an invitation or a password reset) that cannot be used, and why: ``reason``
    is a code; ``message`` says it to the person holding the link."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

    @property
    def message(self) -> str:
        raise NotImplementedError


class InvitationError(UnusableLink):
    """An invitation link that cannot be used, with a message for the person holding it."""

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


# Password reset. The link carries the account's id and a token from Django's
# PasswordResetTokenGenerator: the token is a keyed hash of the password hash and the last
# login, so it stops working once the password changes (single use), and it carries its
# time, so it stops working after PASSWORD_RESET_TIMEOUT. Nothing secret is stored.


class ResetTokens(PasswordResetTokenGenerator):
    key_salt = "ourplan.accounts.password_reset"

    def problem(self, user: User | None, token: str) -> str | None:
        """None when the token opens a reset for this user, else "expired" or "invalid".

        check_token only says no. A token whose hash still matches but whose time is past
        the limit has expired; anything else was used already, or was never issued.
        """
        if user is None or not user.is_active or not token:
            return "invalid"
        if self.check_token(user, token):
            return None
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return "invalid"
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(
                self._make_token_with_timestamp(user, timestamp, secret), token
            ):
                return "expired"
        return "invalid"


reset_tokens = ResetTokens()


class ResetLinkError(UnusableLink):
    """A reset link that cannot be used, with a message for the person holding it."""

    @property
    def message(self) -> str:
        return {
            "invalid": _(
                "This link has already been used, or it is not complete. Each link works once. "
                "Check you copied the whole link, or ask for a new one."
            ),
        }.get(self.reason) or reset_link_expired_message()


def reset_link_minutes() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 60)


def reset_link_expired_message() -> str:
    minutes = reset_link_minutes()
    return ngettext(
        "This link has expired. Links work for %(minutes)d minute. Ask for a new one.",
        "This link has expired. Links work for %(minutes)d minutes. Ask for a new one.",
        minutes,
    ) % {"minutes": minutes}


def reset_link_parts(user: User) -> dict[str, str]:
    """The URL parts of a new reset link for this user."""
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "reset_token": reset_tokens.make_token(user),
    }


def reset_link_user(uidb64: str, token: str, *, lock: bool = False) -> User:
    """The account a reset link opens, or raise ResetLinkError saying why it cannot be used."""
    try:
        user_id = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        raise ResetLinkError("invalid") from None
    queryset = User.objects.select_for_update() if lock else User.objects.all()
    user = queryset.filter(pk=user_id).first()
    reason = reset_tokens.problem(user, token)
    if reason is not None:
        raise ResetLinkError(reason)
    assert user is not None
    return user


def _accounts_named(identifier: str) -> list[User]:
    identifier = identifier.strip()
    if not identifier:
        return []
    matches = User.objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))
    return [
        user for user in matches.filter(is_active=True) if user.email and user.has_usable_password()
    ]


@transaction.atomic
def password_reset_request(
    *, identifier: str, address: str | None, base_url: str, language: str
) -> bool:
    """Email a reset link to each account the username or email address names.

    Returns False only when this address has asked too often, which says nothing about
    any account. Otherwise the caller shows the same page whether or not an account was
    found or a link was sent, so the page cannot be used to find out who has an account.
    """
    # Imported here: the task module imports this one for the link.
    from ourplan.accounts.tasks import send_password_reset_email

    now = timezone.now()
    if address and (
        PasswordResetRequest.objects.filter(
            address=address, at__gte=now - timedelta(hours=1)
        ).count()
        >= settings.OURPLAN_PASSWORD_RESET_ADDRESS_LIMIT
    ):
        audit.record(actor=None, action=AuditAction.DENIED, object_type="password_reset")
        return False
    accounts = _accounts_named(identifier)
    if not accounts:
        PasswordResetRequest.objects.create(at=now, address=address)
        audit.record(actor=None, action=AuditAction.CREATE, object_type="password_reset")
    window_start = now - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    for user in accounts:
        recent = PasswordResetRequest.objects.filter(
            user=user, link_sent=True, at__gte=window_start
        ).count()
        send = recent < settings.OURPLAN_PASSWORD_RESET_ACCOUNT_LIMIT
        PasswordResetRequest.objects.create(at=now, address=address, user=user, link_sent=send)
        audit.record(
            actor=None,
            action=AuditAction.CREATE if send else AuditAction.DENIED,
            object_type="password_reset",
            object_id=user.pk,
        )
        if send:
            transaction.on_commit(
                partial(
                    send_password_reset_email.enqueue,
                    user_id=user.pk,
                    base_url=base_url,
                    language=language,
                )
            )
    return True


@transaction.atomic
def password_reset_complete(*, uidb64: str, token: str, password: str) -> User:
    """Set a new password from a reset link, and end every session of the account.

    The account row is locked while the token is checked again, so of two uses of one link
    at once only the first succeeds: the second sees the new password and a dead token.
    A second factor is untouched: the next login still asks for it.
    """
    user = reset_link_user(uidb64, token, lock=True)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db()
    audit.record(actor=user, action=AuditAction.UPDATE, object_type="password", object_id=user.pk)
    return user


@transaction.atomic
def password_change(*, user: User, current_password: str, new_password: str) -> User:
    """Change one's own password, and end the account's sessions (the caller keeps its own)."""
    if not user.check_password(current_password):
        raise ValidationError(
            {"current_password": _("Your current password is not right. Check it and try again.")}
        )
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db()
    audit.record(actor=user, action=AuditAction.UPDATE, object_type="password", object_id=user.pk)
    return user
