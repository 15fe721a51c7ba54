"""The coordinator's worklist: one page that opens on what needs doing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ourplan.coordination import access, queries
from ourplan.coordination.forms import WorklistFilterForm
from ourplan.core import audit
from ourplan.core.refusal import refuse_unless
from ourplan.people import extensions
from ourplan.people.models import Person

# How many items of each section the worklist shows before "See all".
PREVIEW = 8
PAGE_SIZE = 50


def _sections(
    request: HttpRequest,
) -> tuple[WorklistFilterForm, list[queries.WorkSection], Any, QuerySet[Person]]:
    """The sections for this user's people, narrowed by the filters on the page, and those
    people (for what other apps add to the worklist)."""
    teams = access.teams_visible_to(request.user)
    form = WorklistFilterForm(data=request.GET or None, teams=[(t.pk, t.name) for t in teams])
    mine = form.is_valid() and form.cleaned_data.get("mine")
    team_id = form.cleaned_data.get("team") if form.is_valid() else None
    me = access.staff_member_of(request.user)
    assert me is not None  # the worklist is for staff with a team
    people = queries.in_team(access.visible_people(request.user), team_id)
    if mine:
        people = queries.coordinated_by(people, me)
    settings = queries.settings_for(me.organisation_id)
    today = timezone.localdate()
    rows = queries.people_rows(people, today, settings)
    return form, queries.worklist_sections(rows, today, settings), me, people


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    refuse_unless(access.can_view_worklist(request.user), "coordination:worklist")
    form, sections, me, people = _sections(request)
    shown = {item.person.pk: item.person for s in sections for item in s.items[:PREVIEW]}
    audit.record_listed(request.user, object_type="worklist", people=list(shown.values()))
    return render(
        request,
        "coordination/worklist.html",
        {
            "form": form,
            "sections": sections,
            "preview": PREVIEW,
            "handovers": [h for h in queries.handovers_for(me) if h.read_at is None],
            "query": request.GET.urlencode(),
            "total": sum(s.count for s in sections),
            "added": extensions.sections("worklist", request, people),
        },
    )


@login_required
@require_GET
def worklist_section(request: HttpRequest, section: str) -> HttpResponse:
    """Every item of one section of the worklist, a page at a time."""
    refuse_unless(access.can_view_worklist(request.user), "coordination:worklist_section")
    if section not in queries.SECTION_ORDER:
        raise Http404
    form, sections, _me, _people = _sections(request)
    chosen = next(s for s in sections if s.code == section)
    page = Paginator(chosen.items, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = {item.person.pk: item.person for item in page.object_list}
    audit.record_listed(request.user, object_type="worklist", people=list(shown.values()))
    return render(
        request,
        "coordination/worklist_section.html",
        {
            "form": form,
            "section": chosen,
            "page": page,
            "query": _without_page(request),
        },
    )
