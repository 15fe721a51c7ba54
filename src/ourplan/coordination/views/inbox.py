"""Everyone's inbox: what is new for them, and whether to be emailed about it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ourplan.coordination import access, notifications, queries, services
from ourplan.coordination.forms import NotificationSettingsForm
from ourplan.core import audit
from ourplan.core.refusal import refuse_unless

PAGE_SIZE = 30


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    refuse_unless(access.can_use_inbox(request.user), "coordination:inbox")
    if request.method == "POST":
        services.notifications_read(user=request.user)
        messages.success(request, _("Everything is marked as read."))
        return redirect("coordination:inbox")
    page = Paginator(queries.notifications_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    # A notification names a person: the inbox is a list, so each is a list appearance.
    named = {n.person_id: n.person for n in shown if n.person is not None}
    audit.record_listed(request.user, object_type="inbox", people=list(named.values()))
    return render(
        request,
        "coordination/inbox.html",
        {
            "page": page,
            "items": [(n, notifications.words_for(n)) for n in shown],
            "unread": queries.unread_count(request.user),
        },
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go to what it is about."""
    notification = access.access_notification(request.user, notification_id)
    services.notifications_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect("coordination:inbox")
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    refuse_unless(access.can_use_inbox(request.user), "coordination:notification_settings")
    current = queries.notification_settings_of(request.user)
    form = NotificationSettingsForm(data=request.POST or None, initial={"email": current.email})
    if request.method == "POST" and form.is_valid():
        services.notification_settings_save(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, _("Saved."))
        return redirect("coordination:inbox")
    return render(
        request,
        "coordination/notification_settings.html",
        {"form": form, "email": getattr(request.user, "email", "")},
    )
