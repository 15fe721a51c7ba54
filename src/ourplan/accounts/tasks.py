"""Background jobs for accounts (django-tasks): the password reset email.

The task is given the account's id, not the link: it makes the token itself when it runs,
so no usable link is ever stored in the task table.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from ourplan.accounts.models import User
from ourplan.accounts.services import reset_link_minutes, reset_link_parts
from ourplan.core import audit
from ourplan.core.models import AuditAction


@task()
def send_password_reset_email(*, user_id: int, base_url: str, language: str) -> bool:
    """Email one reset link, in the language the request was made in. Return whether sent."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    link = base_url.rstrip("/") + reverse(
        "accounts:password_reset_confirm", kwargs=reset_link_parts(user)
    )
    with translation.override(language):
        minutes = reset_link_minutes()
        send_mail(
            subject=_("Reset your ourplan password"),
            message=_(
                "Someone asked to reset the password for your ourplan account "
                "(username %(username)s).\n\n"
                "To choose a new password, open this link within %(minutes)d minutes. "
                "It works once:\n%(link)s\n\n"
                "If you did not ask for this, you can ignore this email: your password "
                "has not changed."
            )
            % {"username": user.username, "minutes": minutes, "link": link},
            from_email=None,
            recipient_list=[user.email],
        )
    # Sent by the system, about this account.
    audit.record(
        actor=None, action=AuditAction.CREATE, object_type="password_reset_email", object_id=user.pk
    )
    return True
