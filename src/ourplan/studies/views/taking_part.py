"""Participants take part: consent, answer open rounds, see the feedback, withdraw.

The same pages serve two doors: an invitation link (the token is the credential, no login)
and an invited account (``/studies/<id>/take-part/``). ``access`` finds the participant
behind either door or refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ourplan.core.forms import show_validation_error
from ourplan.studies import access, queries, services
from ourplan.studies.forms import AnswerForm, ConsentForm, WithdrawForm
from ourplan.studies.models import Participant, RoundStatus
from ourplan.studies.results import describe_definition


@dataclass(frozen=True)
class _Links:
    """URL names and arguments for one participant's pages (link or account)."""

    home: str
    round: str
    withdraw: str
    kwargs: dict[str, Any]

    def url(self, name: str, **extra: Any) -> str:
        return reverse(getattr(self, name), kwargs={**self.kwargs, **extra})


def _by_link(token: str) -> tuple[Participant, _Links]:
    participant = access.access_participant_by_token(token)
    links = _Links(
        "studies:join", "studies:join_round", "studies:join_withdraw", {"participant_token": token}
    )
    return participant, links


def _by_account(request: HttpRequest, study_id: Any) -> tuple[Participant, _Links]:
    participant = access.access_participant_by_account(request.user, study_id)
    links = _Links(
        "studies:take_part",
        "studies:take_part_round",
        "studies:take_part_withdraw",
        {"study_id": study_id},
    )
    return participant, links


def _participant_home(
    request: HttpRequest, participant: Participant, links: _Links
) -> HttpResponse:
    form = ConsentForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_consent(participant=participant)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Thank you for agreeing to take part."))
            return redirect(links.url("home"))
    study = participant.study
    return render(
        request,
        "studies/participant_home.html",
        {
            "participant": participant,
            "study": study,
            "form": form,
            "rounds": [
                (item, submitted, saved, links.url("round", round_number=item.number))
                for item, submitted, saved in queries.participant_rounds(participant)
            ],
            "withdraw_url": links.url("withdraw"),
            "definition": describe_definition(study),
        },
    )


def _participant_round(
    request: HttpRequest, participant: Participant, links: _Links, round_number: int
) -> HttpResponse:
    study = participant.study
    item = queries.round_of(study, round_number)
    if item is None:
        raise Http404
    context: dict[str, Any] = {
        "participant": participant,
        "study": study,
        "round": item,
        "home_url": links.url("home"),
    }
    if not participant.is_active or item.status != RoundStatus.OPEN:
        return render(request, "studies/participant_round.html", {**context, "form": None})
    asked = queries.questionnaire(participant, item)
    form = AnswerForm(
        data=request.POST if request.method == "POST" else None,
        initial=asked.initial,
        study=study,
        statements=asked.statements,
        questions=asked.questions,
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.response_save(
                participant=participant,
                round_number=item.number,
                ratings=form.ratings(),
                comments=form.comments(),
                answers=form.answers(),
                submit=submit,
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            if submit:
                messages.success(
                    request,
                    _(
                        "Thank you. Your answers have been submitted. You can change them "
                        "until the round closes."
                    ),
                )
                return redirect(links.url("home"))
            messages.success(
                request, _("Your answers have been saved. You can come back and finish later.")
            )
            return redirect(links.url("round", round_number=item.number))
    items = [
        {
            "statement": statement,
            "rating": form[f"rating_{statement.pk}"],
            "comment": form[f"comment_{statement.pk}"],
            **asked.beside[statement.code],
        }
        for statement in asked.statements
    ]
    return render(
        request,
        "studies/participant_round.html",
        {
            **context,
            "form": form,
            "items": items,
            "questions": [form[f"answer_{q.pk}"] for q in asked.questions],
            "feedback": asked.feedback,
            "submitted": asked.submitted,
        },
    )


def _participant_withdraw(
    request: HttpRequest, participant: Participant, links: _Links
) -> HttpResponse:
    form = WithdrawForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.participant_withdraw(participant=participant)
        messages.success(request, _("You have withdrawn from the study. Thank you for your help."))
        return redirect(links.url("home"))
    return render(
        request,
        "studies/participant_withdraw.html",
        {
            "participant": participant,
            "study": participant.study,
            "form": form,
            "home_url": links.url("home"),
        },
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, participant_token: str) -> HttpResponse:
    participant, links = _by_link(participant_token)
    return _participant_home(request, participant, links)


@require_http_methods(["GET", "POST"])
def join_round(request: HttpRequest, participant_token: str, round_number: int) -> HttpResponse:
    participant, links = _by_link(participant_token)
    return _participant_round(request, participant, links, round_number)


@require_http_methods(["GET", "POST"])
def join_withdraw(request: HttpRequest, participant_token: str) -> HttpResponse:
    participant, links = _by_link(participant_token)
    return _participant_withdraw(request, participant, links)


@login_required
@require_GET
def my_studies(request: HttpRequest) -> HttpResponse:
    invitations = access.invited_studies(request.user)
    return render(request, "studies/my_studies.html", {"invitations": invitations})


@login_required
@require_http_methods(["GET", "POST"])
def take_part(request: HttpRequest, study_id: Any) -> HttpResponse:
    participant, links = _by_account(request, study_id)
    return _participant_home(request, participant, links)


@login_required
@require_http_methods(["GET", "POST"])
def take_part_round(request: HttpRequest, study_id: Any, round_number: int) -> HttpResponse:
    participant, links = _by_account(request, study_id)
    return _participant_round(request, participant, links, round_number)


@login_required
@require_http_methods(["GET", "POST"])
def take_part_withdraw(request: HttpRequest, study_id: Any) -> HttpResponse:
    participant, links = _by_account(request, study_id)
    return _participant_withdraw(request, participant, links)
