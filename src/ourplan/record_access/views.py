"""Who has seen my record, questions about it, the IG lead's worklist, naming IG leads. Thin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.core import audit
from ourplan.core.forms import show_validation_error
from ourplan.record_access import access, queries, services
from ourplan.record_access.forms import AnswerForm, AskForm, FilterForm, GrantForm
from ourplan.record_access.models import QUESTIONS_TYPE, QuestionStatus


def _page_links(page: Page[Any], query: QueryDict) -> dict[str, Any]:
    """NHS.UK numbered pagination: first, last, and the pages either side of this one."""
    kept = query.copy()
    kept.pop("page", None)

    def href(number: int) -> str:
        kept["page"] = str(number)
        return f"?{kept.urlencode()}"

    last = page.paginator.num_pages
    wanted = sorted(
        {1, last, page.number - 1, page.number, page.number + 1} & set(range(1, last + 1))
    )
    items: list[dict[str, Any]] = []
    for number in wanted:
        if items and number - items[-1]["number"] > 1:
            items.append({"number": None, "ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == page.number})
        items[-1].setdefault("ellipsis", False)
    return {
        "items": items,
        "previous": href(page.number - 1) if page.has_previous() else "",
        "next": href(page.number + 1) if page.has_next() else "",
    }


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The person sees who has looked at their record, in words, a day and a person at a time."""
    person = access.access_own_record_access(request.user)
    form = FilterForm(data=request.GET if set(request.GET) - {"page"} else None)
    result = queries.access_page(person, form.filters(), request.GET.get("page"))
    form.offer(who=result.who_choices, parts=result.part_choices)
    return render(
        request,
        "record_access/mine.html",
        {
            "person": person,
            "result": result,
            "form": form,
            "filtering": form.filters().any,
            "pagination": _page_links(result.page, request.GET),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, entry_id: int) -> HttpResponse:
    """The person asks the information governance lead about an entry they do not recognise."""
    person, entry = access.access_own_entry(
        request.user, entry_id, audit_read=request.method == "GET"
    )
    group = queries.group_around(person, entry)
    form = AskForm(data=request.POST or None, group=group, chosen=entry.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_ask(
                actor=request.user,
                person=person,
                entry_id=form.cleaned_data["entry"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your question has gone to the information governance lead. "
                    "Their answer will appear on this page."
                ),
            )
            return redirect("record_access:mine")
    return render(
        request,
        "record_access/ask.html",
        {"person": person, "group": group, "form": form},
    )


@login_required
@require_GET
def questions(request: HttpRequest) -> HttpResponse:
    """The IG lead's worklist: questions from their organisation's people."""
    organisation_id = access.access_questions_organisation(request.user)
    status = (
        QuestionStatus.ANSWERED
        if request.GET.get("status") == QuestionStatus.ANSWERED
        else QuestionStatus.OPEN
    )
    found = queries.questions_for_organisation(organisation_id, status=status)
    people = list({question.person_id: question.person for question in found}.values())
    audit.record_listed(request.user, object_type=QUESTIONS_TYPE, people=people)
    return render(
        request,
        "record_access/questions.html",
        {
            "questions": queries.with_entry_words(found),
            "showing_answered": status == QuestionStatus.ANSWERED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, question_id: int) -> HttpResponse:
    """The IG lead reads a question, looks into it, and records the answer the person will read."""
    found = access.access_question(request.user, question_id, audit_read=request.method == "GET")
    form = AnswerForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_answer(
                actor=request.user, question=found, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Your answer is saved. The person can read it now."))
            return redirect("record_access:questions")
    return render(
        request,
        "record_access/question.html",
        {
            "question": found,
            "group": queries.group_around(found.person, found.entry),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def leads(request: HttpRequest) -> HttpResponse:
    """An administrator names the information governance leads of their organisation."""
    organisation = access.access_leads_organisation(request.user)
    eligible = list(queries.eligible_leads(organisation.pk))
    form = GrantForm(data=request.POST or None, staff=eligible)
    if request.method == "POST" and form.is_valid():
        chosen = next(member for member in eligible if member.user_id == form.cleaned_data["user"])
        try:
            services.governance_lead_grant(
                actor=request.user, organisation=organisation, user=chosen.user
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now an information governance lead.")
                % {"name": chosen.user.display_name},
            )
            return redirect("record_access:leads")
    return render(
        request,
        "record_access/leads.html",
        {
            "organisation": organisation,
            "current": queries.current_leads(organisation.pk),
            "past": queries.past_leads(organisation.pk),
            "form": form,
        },
    )


@login_required
@require_POST
def lead_remove(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = access.access_governance_lead(request.user, lead_id)
    if services.governance_lead_remove(actor=request.user, lead=lead):
        messages.success(
            request,
            _("%(name)s is no longer an information governance lead.")
            % {"name": lead.user.display_name},
        )
    return redirect("record_access:leads")
