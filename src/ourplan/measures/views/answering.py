"""Answering a questionnaire: one question a screen or all on one page, resumable, then
checked and sent. The same pages serve the person, a carer, staff, and staff with a person."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.measures import access, forms, queries, services
from ourplan.measures.models import Mode, Respondent, Response


def home_of(response: Response) -> str:
    """Where a respondent goes when they leave a questionnaire for later."""
    if response.mode == Mode.WITH_STAFF and response.person is not None:
        return reverse("measures:person_results", args=[response.person.pk])
    if response.respondent == Respondent.CARER:
        return reverse("measures:carer_home")
    if response.respondent == Respondent.STAFF:
        return reverse("measures:staff_home")
    return reverse("measures:mine")


def _index(raw: Any, default: int, count: int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = default
    return max(0, min(value, count - 1))


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, response_id: int) -> HttpResponse:
    response = access.access_response_to_answer(
        request.user, response_id, audit_read=request.method == "GET"
    )
    sheet = queries.question_sheet(response)
    view = request.GET.get("view") or request.POST.get("view")
    one_page = view == "all" or (response.one_page and view != "one")
    if one_page:
        page = forms.PageForm(request.POST or None, questions=sheet.questions)
        if request.method == "POST" and page.is_valid():
            services.save_answers(
                actor=request.user, response=response, answers=page.answers(), one_page=True
            )
            if "later" in request.POST:
                messages.success(
                    request, _("Your answers are saved. Come back to finish whenever you like.")
                )
                return redirect(home_of(response))
            return redirect("measures:check", response_id=response.pk)
        return render(
            request,
            "measures/answer_page.html",
            {"sheet": sheet, "response": response, "form": page, "home": home_of(response)},
        )
    index = _index(
        request.POST.get("q") if request.method == "POST" else request.GET.get("q"),
        response.position,
        sheet.count,
    )
    question = sheet.questions[index]
    form = forms.QuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        back = "back" in request.POST
        later = "later" in request.POST
        following = index - 1 if back else index + 1
        services.save_answers(
            actor=request.user,
            response=response,
            answers={question.item_id: form.answer_value()},
            # Leaving for later without answering comes back to this same question.
            position=index if back or (later and form.answer_value() is None) else following,
            one_page=False,
        )
        if later:
            messages.success(
                request, _("Your answers are saved. Come back to finish whenever you like.")
            )
            return redirect(home_of(response))
        if following >= sheet.count:
            return redirect("measures:check", response_id=response.pk)
        return redirect(f"{reverse('measures:answer', args=[response.pk])}?q={max(following, 0)}")
    return render(
        request,
        "measures/answer_question.html",
        {
            "sheet": sheet,
            "response": response,
            "question": question,
            "form": form,
            "home": home_of(response),
            "first": index == 0,
        },
    )


@login_required
@require_GET
def check(request: HttpRequest, response_id: int) -> HttpResponse:
    response = access.access_response_to_answer(request.user, response_id)
    sheet = queries.question_sheet(response)
    rows = [
        (q, queries.answer_text(sheet.definition, response.answers.get(q.item_id)))
        for q in sheet.questions
    ]
    return render(
        request,
        "measures/check.html",
        {"sheet": sheet, "response": response, "rows": rows, "home": home_of(response)},
    )


@login_required
@require_POST
def finish(request: HttpRequest, response_id: int) -> HttpResponse:
    response = access.access_response_to_answer(request.user, response_id, audit_read=False)
    try:
        services.finish_response(actor=request.user, response=response)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("measures:check", response_id=response.pk)
    messages.success(request, _("Thank you. Your answers have been sent."))
    return redirect("measures:result", response_id=response.pk)


@login_required
@require_GET
def result(request: HttpRequest, response_id: int) -> HttpResponse:
    response = access.access_response(request.user, response_id)
    definition = response.definition
    scores = queries.scores_of([response]).get(response.pk, {})
    lines = []
    for rule in definition.scores:
        score = scores.get(rule.id)
        low, high = rule.score_range(definition.scale)
        interpretation = definition.interpretation_for(rule.id)
        band = (
            interpretation.band_for(score.value)
            if interpretation and score and score.value is not None
            else None
        )
        references = [
            r
            for r in definition.references_for(rule.id)
            if r.respondent in (None, response.respondent)
        ]
        lines.append(
            {
                "rule": rule,
                "score": score,
                "low": low,
                "high": high,
                "band": band.label if band else "",
                "reference": references[0] if references else None,
            }
        )
    return render(
        request,
        "measures/result.html",
        {
            "response": response,
            "definition": definition,
            "lines": lines,
            "can_answer": access.can_answer(request.user, response),
            "history": queries.score_history(response) if response.is_complete else [],
            "home": home_of(response),
            "is_respondent": response.respondent != Respondent.PERSON
            or (response.person is not None and response.person.user_id == request.user.pk),
        },
    )
