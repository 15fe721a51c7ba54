"""The pages that correct or remove one statement, open question or codebook theme.

Shared by the design and coding pages: the same confirmation, the same refusal messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ourplan.core.forms import show_validation_error
from ourplan.studies.forms import RemoveForm
from ourplan.studies.models import Study


def back_with_reason(
    request: HttpRequest, study: Study, page: str, error: ValidationError
) -> HttpResponse:
    """Go back to the list page with the service's reason for refusing (nothing changed)."""
    for message in error.messages:
        messages.error(request, message)
    return redirect(page, study_id=study.pk)


def item_gone(request: HttpRequest, study: Study, kind: str) -> HttpResponse:
    """An item that is not (or no longer) in this study: say so instead of failing."""
    if kind == "theme":
        messages.error(request, _("That theme is no longer in the codebook: it has been removed."))
        return redirect("studies:codebook", study_id=study.pk)
    if kind == "question":
        messages.error(request, _("That question is no longer in the study: it has been removed."))
    else:
        messages.error(request, _("That statement is no longer in the study: it has been removed."))
    return redirect("studies:statements", study_id=study.pk)


def posted(request: HttpRequest) -> Any:
    """The posted data, even when empty: an unticked confirmation box sends nothing."""
    return request.POST if request.method == "POST" else None


def edit_item_page(
    request: HttpRequest,
    study: Study,
    form: Any,
    save: Callable[[dict[str, Any]], object],
    *,
    title: str,
    fixed: str,
    back: str,
    done: str,
) -> HttpResponse:
    """Show or save the form that corrects one statement, question or theme."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # refused as a whole, not a field's fault
                return back_with_reason(request, study, back, error)
            show_validation_error(form, error)
        else:
            messages.success(request, done)
            return redirect(back, study_id=study.pk)
    return render(
        request,
        "studies/design_item_edit.html",
        {
            "study": study,
            "form": form,
            "title": title,
            "fixed": fixed,
            "back_url": reverse(back, kwargs={"study_id": study.pk}),
        },
    )


def remove_item_page(
    request: HttpRequest,
    study: Study,
    remove: Callable[[], object],
    *,
    confirm: str,
    title: str,
    item: str,
    fixed: str,
    back: str,
    done: str,
) -> HttpResponse:
    """Ask for confirmation, then remove one statement, question or theme."""
    form = RemoveForm(data=posted(request), label=confirm)
    if request.method == "POST" and form.is_valid():
        try:
            remove()
        except ValidationError as error:
            return back_with_reason(request, study, back, error)
        messages.success(request, done)
        return redirect(back, study_id=study.pk)
    return render(
        request,
        "studies/design_item_remove.html",
        {
            "study": study,
            "form": form,
            "title": title,
            "item": item,
            "fixed": fixed,
            "back_url": reverse(back, kwargs={"study_id": study.pk}),
        },
    )
