"""Audit authentication events and stamp new sessions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from ourplan.core import audit
from ourplan.core.models import AuditAction

SESSION_LOGIN_AT = "ourplan_login_at"
SESSION_EPOCH = "ourplan_session_epoch"


@receiver(user_logged_in)
def stamp_session_and_audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = timezone.now().timestamp()
        request.session[SESSION_EPOCH] = user.session_epoch
    audit.record(actor=user, action=AuditAction.LOGIN, object_type="user", object_id=user.pk)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action=AuditAction.LOGOUT, object_type="user", object_id=user.pk)


@receiver(user_login_failed)
def audit_failed_login(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    # The username typed is not stored: it may be someone's name or a password typed in error.
    audit.record(actor=None, action=AuditAction.LOGIN_FAILED, object_type="user")
