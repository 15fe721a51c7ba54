"""Documents generated from the plan, never typed again: the statutory plan, the person-held copy,
the one-page crisis printouts (for the person, and for a crisis team) and a version's PDF."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from ourplan.plans import access, queries
from ourplan.plans.models import Plan
from ourplan.plans.pdf import pdf_bytes_response, pdf_response, version_html, version_kind
from ourplan.plans.pdf import version_pdf as stored_version_pdf
from ourplan.plans.views import is_person


def _document(
    request: HttpRequest,
    plan: Plan,
    template: str,
    *,
    as_pdf: bool,
    filename: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = (
        queries.document_contents(plan)
        | {"large_print": request.GET.get("large") == "1"}
        | (extra or {})
    )
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
    # The copy speaks to the person whoever prints it: it is theirs to keep.
    return _document(
        request,
        plan,
        "plans/person_copy.html",
        as_pdf=as_pdf,
        filename=f"my-plan-{plan.pk}.pdf",
        extra={"words_to_person": True},
    )


@login_required
@require_GET
def person_copy_pdf(request: HttpRequest, person_id: Any) -> HttpResponse:
    return person_copy(request, person_id, output="pdf")


@login_required
@require_GET
def crisis_printout(request: HttpRequest, person_id: Any, output: str = "html") -> HttpResponse:
    """The whole crisis plan on one page: the person's own (``?for=team``: for a crisis team)."""
    as_pdf = output == "pdf"
    for_team = request.GET.get("for") == "team"
    plan = access.access_crisis_printout(request.user, person_id, for_team=for_team, as_pdf=as_pdf)
    return _document(
        request,
        plan,
        "plans/crisis_printout.html",
        as_pdf=as_pdf,
        filename=f"crisis-plan-{plan.pk}.pdf",
        extra={"for_team": for_team, "words_to_person": not for_team},
    )


@login_required
@require_GET
def crisis_printout_pdf(request: HttpRequest, person_id: Any) -> HttpResponse:
    return crisis_printout(request, person_id, output="pdf")


@login_required
@require_GET
def version_pdf(request: HttpRequest, person_id: Any, number: int) -> HttpResponse:
    """A frozen version as a PDF (``?large=1``: large print).

    A signed version's PDF is made after the signature (plans.tasks), or on its first request,
    and then served from storage (plans.pdf); the access function writes the same read and
    export entries either way.
    """
    found = access.access_version_pdf(request.user, person_id, number)
    large_print, to_person = request.GET.get("large") == "1", is_person(request)
    html = version_html(found, large_print=large_print, to_person=to_person)
    return pdf_bytes_response(
        stored_version_pdf(found, version_kind(large_print=large_print, to_person=to_person), html),
        f"plan-{found.plan.pk}-version-{found.number}.pdf",
    )
