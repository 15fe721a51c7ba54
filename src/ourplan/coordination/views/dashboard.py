"""The team (and, by policy, site) dashboard for managers, its drill-downs and its export."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ourplan.coordination import access, charts, exports, queries
from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.core.refusal import refuse_unless

PAGE_SIZE = 50


def _board(request: HttpRequest) -> tuple[queries.Dashboard, list[Any], str]:
    """The dashboard for the team asked for (``?team=``), among the teams this manager sees;
    "all" is the whole organisation where its policy lets managers see it."""
    teams = access.teams_visible_to(request.user)
    asked = request.GET.get("team", "")
    me = access.staff_member_of(request.user)
    assert me is not None and me.team_id is not None
    people = access.visible_people(request.user)
    settings = queries.settings_for(me.organisation_id)
    if asked == "all" and len(teams) > 1:
        chosen_team = None
        title = me.organisation.name
        scope = "all"
    else:
        chosen_team = next((t for t in teams if str(t.pk) == asked), me.team)
        assert chosen_team is not None  # a manager's own team, at least
        title = chosen_team.name
        scope = str(chosen_team.pk)
    people = queries.in_team(people, chosen_team.pk if chosen_team else None)
    if chosen_team is None:
        coordinators = queries.organisation_coordinators(me.organisation_id)
    else:
        coordinators = queries.team_coordinators(chosen_team.pk)
    board = queries.dashboard(people, coordinators, timezone.localdate(), settings, title=title)
    return board, teams, scope


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    refuse_unless(access.can_view_dashboard(request.user), "coordination:dashboard")
    board, teams, scope = _board(request)
    return render(
        request,
        "coordination/dashboard.html",
        {
            "board": board,
            "teams": teams,
            "scope": scope,
            "caseload_chart": charts.caseload_chart(board.rows),
            "minutes_chart": charts.minutes_chart(board.rows),
            "labels": queries.FIGURE_LABELS,
        },
    )


@login_required
@require_GET
def dashboard_people(request: HttpRequest) -> HttpResponse:
    """The people behind one figure, within what this manager may see."""
    refuse_unless(access.can_view_dashboard(request.user), "coordination:dashboard_people")
    figure = request.GET.get("figure", "people")
    if figure not in queries.FIGURES:
        raise Http404
    board, _teams, scope = _board(request)
    rows = queries.behind_figure(board.people_rows, figure, request.GET.get("coordinator", ""))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_listed(
        request.user, object_type="team_dashboard", people=[r.person for r in page.object_list]
    )
    return render(
        request,
        "coordination/dashboard_people.html",
        {
            "board": board,
            "page": page,
            "figure": figure,
            "figure_label": queries.FIGURE_LABELS[figure],
            "scope": scope,
            "query": _without_page(request),
        },
    )


@login_required
@require_GET
def dashboard_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The dashboard's figures as CSV or XLSX; the export is audited."""
    refuse_unless(access.can_view_dashboard(request.user), "coordination:dashboard_export")
    if file_format not in {"csv", "xlsx"}:
        raise Http404
    board, _teams, scope = _board(request)
    audit.record(
        actor=request.user, action=AuditAction.EXPORT, object_type="team_dashboard", object_id=scope
    )
    name = f"team-dashboard-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "csv":
        response = HttpResponse(
            exports.dashboard_csv(board), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.dashboard_xlsx(board),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
