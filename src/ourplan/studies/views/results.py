"""Organisers read the results, the report and the downloads (each download is audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from ourplan.studies import access, exports, queries, services
from ourplan.studies.forms import ResultsForm
from ourplan.studies.models import Study
from ourplan.studies.results import StudyResults, describe_definition
from ourplan.studies.scale import scale_labels


def _results(
    study: Study, request: HttpRequest, *, chart: bool = True
) -> tuple[StudyResults | None, str, ResultsForm]:
    """Analyse the study for the round and clusters asked for in the query string."""
    rounds = queries.rated_round_numbers(study)
    form = ResultsForm(
        data=request.GET or None,
        rounds=rounds,
        initial={"round": str(rounds[-1]) if rounds else ""},
    )
    cluster_round: int | None = None
    k: int | str | None = None
    if request.GET and form.is_valid():
        cluster_round = form.cleaned_data["round"]
        chosen = form.cleaned_data.get("clusters") or ""
        k = int(chosen) if chosen.isdigit() else (chosen or None)
    outcome, problem = queries.study_results(study, cluster_round=cluster_round, k=k, chart=chart)
    return outcome, problem, form


@login_required
@require_GET
def results(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    outcome, problem, form = _results(study, request)
    return render(
        request,
        "studies/results.html",
        {
            "study": study,
            "results": outcome,
            "problem": problem,
            "form": form,
            "definition": describe_definition(study),
            "query": request.GET.urlencode(),
        },
    )


def _report_context(request: HttpRequest, study: Study) -> dict[str, Any]:
    outcome, problem, _form = _results(study, request)
    numbers, attrition_rows = queries.attrition(study)
    return {
        "study": study,
        "results": outcome,
        "problem": problem,
        "definition": describe_definition(study),
        "labels": scale_labels(study),
        "round_numbers": numbers,
        "attrition": attrition_rows,
        "feedback_rounds": queries.feedback_round_numbers(study),
    }


def download(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download_name(study: Study, suffix: str) -> str:
    return f"{slugify(study.title)[:60] or 'study'}-{suffix}"


@login_required
@require_GET
def report(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    services.record_export(actor=request.user, study=study, what="report_html")
    return render(request, "studies/report.html", _report_context(request, study))


@login_required
@require_GET
def report_pdf(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    html = render_to_string("studies/report_pdf.html", _report_context(request, study), request)
    services.record_export(actor=request.user, study=study, what="report_pdf")
    return download(exports.pdf_bytes(html), download_name(study, "report.pdf"), "application/pdf")


@login_required
@require_GET
def export_responses_csv(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    services.record_export(actor=request.user, study=study, what="responses_csv")
    return download(
        exports.responses_csv(study),
        download_name(study, "responses.csv"),
        "text/csv; charset=utf-8",
    )


@login_required
@require_GET
def export_results_csv(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    outcome, problem, _form = _results(study, request, chart=False)
    if outcome is None:
        messages.error(request, problem)
        return redirect("studies:results", study_id=study.pk)
    services.record_export(actor=request.user, study=study, what="results_csv")
    return download(
        exports.results_csv(study, outcome),
        download_name(study, "results.csv"),
        "text/csv; charset=utf-8",
    )


@login_required
@require_GET
def export_xlsx(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    outcome, _problem, _form = _results(study, request, chart=False)
    services.record_export(actor=request.user, study=study, what="xlsx")
    return download(
        exports.xlsx_bytes(study, outcome),
        download_name(study, "study.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_GET
def export_sav(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    services.record_export(actor=request.user, study=study, what="sav")
    return download(
        exports.sav_bytes(study), download_name(study, "responses.sav"), "application/x-spss-sav"
    )
