"""One-time submission keys: a double click or a resent form never creates twice.

A form that creates something renders ``{% submission_key_field %}`` (a hidden, random
key) and its view is wrapped in ``@once_per_submission``. The first POST with a key claims
it in the same transaction as the view's work; if the view does not succeed (it re-renders
the form with errors), the claim is released so the person can correct and send again.
A second POST with a claimed key, whether it arrives after the first or races it, creates
nothing and is redirected to where the first one went, with a message saying so.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ourplan.core.models import UsedSubmission

FIELD_NAME = "submission_key"
View = Callable[..., HttpResponse]


def new_submission_key() -> str:
    return uuid.uuid4().hex


def _posted_key(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FIELD_NAME, ""))
    except ValueError:
        return None


def _already_done(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    # The key is only ever claimed by a logged-in user (see once_per_submission).
    used = UsedSubmission.objects.filter(key=key, user_id=int(request.user.pk or 0)).first()
    messages.info(request, _("That was already saved. It has not been saved twice."))
    return redirect(used.result_url if used is not None and used.result_url else request.path)


def once_per_submission(view: View) -> View:
    """Act on each submission key once; a POST without a key is refused as a stale form."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST" or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = _posted_key(request)
        if key is None:
            messages.error(
                request, _("This form was out of date, so nothing was saved. Please try again.")
            )
            return redirect(request.path)
        try:
            with transaction.atomic():
                used = UsedSubmission.objects.create(key=key, user=request.user)
                response = view(request, *args, **kwargs)
                if response.status_code in (301, 302, 303):
                    used.result_url = response["Location"][:500]
                    used.save(update_fields=["result_url"])
                else:
                    # Nothing was created (the form had errors): the key may be used again.
                    UsedSubmission.objects.filter(pk=used.pk).delete()
                return response
        except IntegrityError:
            return _already_done(request, key)

    return wrapped
