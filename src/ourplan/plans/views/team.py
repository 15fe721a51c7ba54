"""What clinicians and peer support workers may add to plans: set by the organisation's administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ourplan.core.forms import show_validation_error
from ourplan.core.submissions import once_per_submission
from ourplan.people.models import Organisation
from ourplan.plans import access, forms, queries, services


@login_required
@require_http_methods(["GET", "POST"])
def contribution_rules(request: HttpRequest) -> HttpResponse:
    organisation = access.access_contribution_rules(request.user)
    return _rules(request, organisation)


@once_per_submission
def _rules(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    current = queries.contribution_rules_of(organisation)
    form = forms.ContributionRulesForm(data=request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_rules_set(
                actor=request.user,
                organisation=organisation,
                rules={
                    name: form.cleaned_data[name]
                    for name in forms.ContributionRulesForm.Meta.fields
                },
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Saved. The team's pages follow these rules from now on."))
            return redirect("plans:contribution_rules")
    return render(
        request,
        "plans/contribution_rules.html",
        {"form": form, "organisation": organisation, "rules": current},
    )
