"""Organisers run the rounds: invite the panel, open and close rounds, import paper responses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ourplan.core.forms import show_validation_error
from ourplan.studies import access, queries, services
from ourplan.studies.forms import (
    InviteAccountForm,
    InviteLinksForm,
    ResponsesImportForm,
    uploaded_bytes,
)


@login_required
@require_http_methods(["GET", "POST"])
def participants(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    action = request.POST.get("action", "links") if request.method == "POST" else ""
    links_form = InviteLinksForm(data=request.POST if action == "links" else None, study=study)
    account_form = InviteAccountForm(
        data=request.POST if action == "account" else None, study=study
    )
    issued: list[tuple[str, str, str]] = []
    if action == "links" and links_form.is_valid():
        try:
            new = services.participants_invite_links(
                actor=request.user, study=study, **links_form.cleaned_data
            )
        except ValidationError as error:
            show_validation_error(links_form, error)
        else:
            # The links are shown this once: only their hashes are stored.
            issued = [
                (
                    link.participant.pseudonym,
                    link.participant.panel.name,
                    request.build_absolute_uri(
                        reverse("studies:join", kwargs={"participant_token": link.token})
                    ),
                )
                for link in new
            ]
            links_form = InviteLinksForm(study=study)
    if action == "account" and account_form.is_valid():
        try:
            services.participant_invite_account(
                actor=request.user, study=study, **account_form.cleaned_data
            )
        except ValidationError as error:
            show_validation_error(account_form, error)
        else:
            messages.success(request, _("The account has been invited."))
            return redirect("studies:participants", study_id=study.pk)
    numbers, attrition_rows = queries.attrition(study)
    return render(
        request,
        "studies/participants.html",
        {
            "study": study,
            "links_form": links_form,
            "account_form": account_form,
            "issued": issued,
            "people": queries.participants_answered(study, numbers),
            "round_numbers": numbers,
            "attrition": attrition_rows,
        },
    )


@login_required
@require_POST
def round_open(request: HttpRequest, study_id: Any, round_number: int) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    try:
        services.round_open(actor=request.user, study=study, number=round_number)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Round %(n)d is open.") % {"n": round_number})
    return redirect("studies:detail", study_id=study.pk)


@login_required
@require_POST
def round_close(request: HttpRequest, study_id: Any, round_number: int) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    try:
        services.round_close(actor=request.user, study=study, number=round_number)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Round %(n)d is closed.") % {"n": round_number})
    return redirect("studies:detail", study_id=study.pk)


@login_required
@require_http_methods(["GET", "POST"])
def responses_import(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    form = ResponsesImportForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.responses_import(
                actor=request.user,
                study=study,
                raw=uploaded_bytes(form),
                consent_confirmed=form.cleaned_data["consent_confirmed"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("%(n)d responses imported.") % {"n": count})
            return redirect("studies:detail", study_id=study.pk)
    return render(
        request,
        "studies/import.html",
        {"study": study, "form": form, "codes": queries.statement_codes(study)},
    )
