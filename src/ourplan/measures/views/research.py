"""The research area's questionnaire pages: site comparison, evaluation reports run in the
background, and de-identified exports. Nothing here shows any person's record."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.core.submissions import once_per_submission
from ourplan.measures import access, exports, fhir, forms, queries, services
from ourplan.measures.models import ReportStatus, Respondent


@login_required
@require_GET
def research_home(request: HttpRequest) -> HttpResponse:
    organisation = access.access_measures_research(request.user, page="measures:research_home")
    return render(
        request,
        "measures/research_home.html",
        {"organisation": organisation, "reports": queries.reports_of(organisation)[:20]},
    )


@login_required
@require_GET
def site(request: HttpRequest) -> HttpResponse:
    organisation = access.access_measures_research(request.user, page="measures:site")
    period = request.GET.get("period", "12")
    return render(
        request,
        "measures/site.html",
        {
            "organisation": organisation,
            "period": period,
            "comparisons": queries.site_comparison(
                organisation, since=queries.period_start(period)
            ),
            "smallest": queries.min_cell(),
        },
    )


def _report_form(request: HttpRequest, organisation: Any) -> forms.ReportForm:
    return forms.ReportForm(
        request.POST or None,
        instruments=queries.reportable_instruments(),
        teams=queries.teams_of(organisation),
        initial={
            "measures": ["rsa_person", "star_p", "empowerment"],
            "teams": [str(t.pk) for t in queries.teams_of(organisation)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    organisation = access.access_measures_research(request.user, page="measures:report_new")
    return _report_new(request, organisation)


@once_per_submission
def _report_new(request: HttpRequest, organisation: Any) -> HttpResponse:
    form = _report_form(request, organisation)
    if request.method == "POST" and form.is_valid():
        run = services.request_report(
            actor=request.user,
            organisation=organisation,
            title=form.cleaned_data["title"],
            parameters=form.parameters(),
        )
        return redirect("measures:report", run_id=run.pk)
    return render(request, "measures/report_new.html", {"form": form})


@login_required
@require_GET
def report(request: HttpRequest, run_id: Any) -> HttpResponse:
    run = access.access_report(request.user, run_id)
    return render(
        request, "measures/report.html", {"run": run, "done": run.status == ReportStatus.DONE}
    )


@login_required
@require_GET
def report_progress(request: HttpRequest, run_id: Any) -> HttpResponse:
    """The progress bar alone, polled by the report page; a finished report reloads the page."""
    run = access.access_report(request.user, run_id)
    reply = render(request, "measures/_report_progress.html", {"run": run})
    if run.status in (ReportStatus.DONE, ReportStatus.FAILED) and request.htmx:  # type: ignore[attr-defined]
        reply["HX-Refresh"] = "true"
    return reply


def _report_file(request: HttpRequest, run_id: Any, kind: str) -> HttpResponse:
    run = access.access_report(request.user, run_id)
    if run.status != ReportStatus.DONE:
        messages.info(request, _("The report is not ready yet."))
        return redirect("measures:report", run_id=run.pk)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="evaluation_report",
        object_id=run.pk,
    )
    if kind == "pdf":
        reply = HttpResponse(bytes(run.pdf or b""), content_type="application/pdf")
        reply["Content-Disposition"] = 'attachment; filename="evaluation.pdf"'
    else:
        reply = HttpResponse(run.html, content_type="text/html; charset=utf-8")
        reply["Content-Disposition"] = 'attachment; filename="evaluation.html"'
    return reply


@login_required
@require_GET
def report_html(request: HttpRequest, run_id: Any) -> HttpResponse:
    return _report_file(request, run_id, "html")


@login_required
@require_GET
def report_pdf(request: HttpRequest, run_id: Any) -> HttpResponse:
    return _report_file(request, run_id, "pdf")


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    organisation = access.access_measures_research(request.user, page="measures:export")
    instruments = [
        v
        for v in queries.current_versions().values()
        if v.respondent != Respondent.CARER and not v.parsed.derived_from
    ]
    form = forms.ExportForm(
        request.POST or None, instruments=sorted(instruments, key=lambda v: v.name)
    )
    if request.method == "POST" and form.is_valid():
        version = next(v for v in instruments if v.instrument_id == form.cleaned_data["instrument"])
        responses = exports.responses_for_export(
            organisation,
            version.instrument_id,
            form.cleaned_data.get("start"),
            form.cleaned_data.get("end"),
        )
        audit.record(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type="measures_export",
            object_id=version.instrument_id,
        )
        chosen = form.cleaned_data["format"]
        stem = f"{version.instrument_id}-{dt.date.today().isoformat()}"
        if chosen == "fhir":
            bundle = exports.to_fhir(version, responses)
            reply: HttpResponse = HttpResponse(
                json.dumps(bundle, indent=1), content_type="application/fhir+json"
            )
            reply["Content-Disposition"] = f'attachment; filename="{stem}-fhir.json"'
            return reply
        table = exports.export_table(version, responses)
        content, kind, suffix = {
            "csv": (exports.to_csv, "text/csv; charset=utf-8", "csv"),
            "xlsx": (
                exports.to_xlsx,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            "sav": (exports.to_sav, "application/x-spss-sav", "sav"),
        }[chosen]
        reply = HttpResponse(content(table), content_type=kind)
        reply["Content-Disposition"] = f'attachment; filename="{stem}.{suffix}"'
        return reply
    return render(request, "measures/export.html", {"form": form})


@login_required
@require_GET
def fhir_questionnaire(request: HttpRequest, instrument_id: str) -> HttpResponse:
    """An instrument's definition as a FHIR R4 Questionnaire (identifiers and labels only)."""
    access.access_definitions(request.user, page="measures:fhir_questionnaire")
    version = queries.current_version(instrument_id)
    if version is None:
        from ourplan.core.refusal import Refused

        raise Refused("instrument", instrument_id)
    return JsonResponse(fhir.questionnaire(version.parsed), content_type="application/fhir+json")
