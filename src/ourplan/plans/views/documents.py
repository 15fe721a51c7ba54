"""Documents generated from the plan, never typed again: the statutory plan and the person-held copy."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from ourplan.plans import access, queries
from ourplan.plans.models import Plan
from ourplan.plans.pdf import pdf_response


def _document(
    request: HttpRequest, plan: Plan, template: str, *, as_pdf: bool, filename: str
) -> HttpResponse:
    context = queries.document_contents(plan) | {"large_print": request.GET.get("large") == "1"}
    if as_pdf:
        return pdf_response(
            render_to_string(template, context | {"for_pdf": True}, request=request), filename
        )
    return render(request, template, context)


def _statutory_template(plan: Plan) -> str:
    if plan.person.organisation.country == "wales":
        return "plans/statutory_ctp.html"
    return "plans/statutory_cpa.html"


@login_required
@require_GET
def statutory(request: HttpRequest, person_id: Any, output: str = "html") -> HttpResponse:
    """The CTP (Wales) or CPA personalised care and support plan (England), generated from the plan."""
    as_pdf = output == "pdf"
    plan = access.access_statutory_document(request.user, person_id, as_pdf=as_pdf)
    return _document(
        request, plan, _statutory_template(plan), as_pdf=as_pdf, filename=f"plan-{plan.pk}.pdf"
    )


@login_required
@require_GET
def statutory_pdf(request: HttpRequest, person_id: Any) -> HttpResponse:
    return statutory(request, person_id, output="pdf")


@login_required
@require_GET
def person_copy(request: HttpRequest, person_id: Any, output: str = "html") -> HttpResponse:
    """The person-held copy: plain language, printable, with a large-print option."""
    as_pdf = output == "pdf"
    plan = access.access_person_copy(request.user, person_id, as_pdf=as_pdf)
    return _document(
        request, plan, "plans/person_copy.html", as_pdf=as_pdf, filename=f"my-plan-{plan.pk}.pdf"
    )


@login_required
@require_GET
def person_copy_pdf(request: HttpRequest, person_id: Any) -> HttpResponse:
    return person_copy(request, person_id, output="pdf")
