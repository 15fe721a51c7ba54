"""Settings kept in the app: an organisation's thresholds, and a coordinator's profile."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ourplan.coordination import access, queries, services
from ourplan.coordination.forms import ProfileForm, SettingsForm
from ourplan.core.forms import show_validation_error
from ourplan.people import services as people_services


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest) -> HttpResponse:
    """An administrator sets the thresholds the worklists and stuck indicators use."""
    organisation = access.access_organisation_settings(request.user)
    record = queries.settings_for(organisation)
    form = SettingsForm(
        data=request.POST or None,
        instance=record,
        initial={"managers_see_whole_organisation": organisation.managers_see_whole_organisation},
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in record.THRESHOLD_FIELDS}
        try:
            services.settings_save(actor=request.user, organisation=organisation, fields=fields)
            people_services.organisation_policy_set(
                actor=request.user,
                organisation=organisation,
                managers_see_whole_organisation=form.cleaned_data[
                    "managers_see_whole_organisation"
                ],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("coordination:settings")
    return render(
        request, "coordination/settings.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def coordinator_profile(request: HttpRequest, staff_id: Any) -> HttpResponse:
    """A care coordinator's languages, skills, caseload target and how people reach them."""
    staff = access.access_coordinator_profile(request.user, staff_id)
    form = ProfileForm(data=request.POST or None, instance=queries.profile_of(staff))
    if request.method == "POST" and form.is_valid():
        services.profile_save(
            actor=request.user,
            staff=staff,
            fields={name: form.cleaned_data[name] for name in form.fields},
        )
        messages.success(request, _("Profile saved."))
        return redirect("coordination:coordinator_profile", staff_id=staff.pk)
    return render(request, "coordination/coordinator_profile.html", {"form": form, "staff": staff})
