"""Care plan audit pages: samples, the template beside the plan, automatic answers, agreement."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ourplan.core import audit
from ourplan.core.forms import show_validation_error
from ourplan.core.models import AuditAction
from ourplan.core.spreadsheet_cells import spreadsheet_safe
from ourplan.core.submissions import once_per_submission
from ourplan.people import access as people_access
from ourplan.plans.pdf import pdf_response
from ourplan.quality import access, queries, rules, services
from ourplan.quality import dashboard as quality_dashboard
from ourplan.quality import exports as quality_exports
from ourplan.quality.forms import ManualAuditForm, SampleForm
from ourplan.quality.models import AuditSample
from ourplan.quality.template import CONTENT, FRONT_PAGE, OVERALL_GUIDANCE


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    access.access_home(request.user)
    staff = people_access.staff_member_of(request.user)
    can_draw = access.can_draw_sample(request.user)
    return render(
        request,
        "quality/home.html",
        {
            "can_draw": can_draw,
            "managed": queries.samples_managed_by(request.user, staff.team_id if staff else None)
            if can_draw
            else [],
            "auditing": queries.samples_audited_by(request.user, timezone.localdate()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sample_new(request: HttpRequest) -> HttpResponse:
    teams = access.access_new_sample(request.user)
    return _sample_new(request, teams)


@once_per_submission
def _sample_new(request: HttpRequest, teams: Any) -> HttpResponse:
    staff = people_access.staff_member_of(request.user)
    assert staff is not None  # only managers with a staff record may draw
    form = SampleForm(
        request.POST or None, teams=teams, auditors=queries.auditor_choices(staff.organisation_id)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        second = data["second_auditor"]
        try:
            sample = services.sample_draw(
                actor=request.user,
                organisation=staff.organisation,
                name=data["name"],
                teams=list(data["teams"]),
                size_per_team=data["size_per_team"],
                seed=data["seed"],
                blinded=data["blinded"],
                first_auditor=data["first_auditor"].user,
                second_auditor=second.user if second else None,
                double_review_percent=data["double_review_percent"],
                closes_on=data["closes_on"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("The sample is drawn."))
            return redirect("quality:sample", sample_id=sample.pk)
    return render(request, "quality/sample_new.html", {"form": form})


def _rows(user: Any, sample: AuditSample) -> list[dict[str, Any]]:
    return [
        {
            "entry": entry,
            "rounds": {found.round for found in entry.audits.all()},
            "can_audit": access.can_audit_entry(user, entry),
        }
        for entry in queries.entries_of(sample)
    ]


@login_required
@require_GET
def sample(request: HttpRequest, sample_id: Any) -> HttpResponse:
    found = access.access_sample(request.user, sample_id)
    return render(
        request,
        "quality/sample.html",
        {
            "sample": found,
            "rows": _rows(request.user, found),
            "can_manage": access.can_manage_sample(request.user, found),
            "teams": list(found.teams.all()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_plan(request: HttpRequest, sample_id: Any, entry_id: int) -> HttpResponse:
    entry = access.access_entry_to_audit(request.user, sample_id, entry_id)
    return _audit_plan(request, entry)


@once_per_submission
def _audit_plan(request: HttpRequest, entry: Any) -> HttpResponse:
    mine = queries.audit_of(entry, 1 if request.user.pk == entry.sample.first_auditor_id else 2)
    form = ManualAuditForm(request.POST or None, initial=ManualAuditForm.initial_from(mine))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.manual_audit_save(
                actor=request.user,
                entry=entry,
                answers=form.answers(),
                notes=form.notes(),
                overall_note=data["overall_note"],
                not_signed_reason=data["not_signed_reason"],
                months_on_cpa=data["months_on_cpa"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(
                request, _("Your audit of %(study)s is saved.") % {"study": entry.study_id}
            )
            return redirect("quality:sample", sample_id=entry.sample_id)
    return render(
        request,
        "quality/audit.html",
        {**queries.version_reading(entry), "form": form, "overall_guidance": OVERALL_GUIDANCE},
    )


@login_required
@require_GET
def entry(request: HttpRequest, sample_id: Any, entry_id: int) -> HttpResponse:
    found = access.access_entry(request.user, sample_id, entry_id)
    # An auditor sees the automatic answers only once their own reading is saved, so the
    # two readings stay independent and their agreement means something.
    shown = access.can_manage_sample(request.user, found.sample) or queries.has_audited(
        found, request.user
    )
    findings = queries.automatic_findings(found)
    return render(
        request,
        "quality/entry.html",
        {
            **queries.version_reading(found),
            "front": [(item, findings[item.key]) for item in FRONT_PAGE],
            "content": [(item, findings[item.key]) for item in CONTENT],
            "score": rules.plan_score(findings, tuple(item.key for item in CONTENT)),
            "shown": shown,
        },
    )


@login_required
@require_GET
def agreement(request: HttpRequest, sample_id: Any) -> HttpResponse:
    found = access.access_sample_to_manage(request.user, sample_id)
    return render(
        request, "quality/agreement.html", {"sample": found, **queries.sample_agreement(found)}
    )


@login_required
@require_GET
def export(request: HttpRequest, sample_id: Any) -> HttpResponse:
    found = access.access_sample_to_manage(request.user, sample_id)
    wanted = request.GET.get("format", "csv")
    if wanted in ("xlsx", "sav"):
        body = quality_exports.to_xlsx(found) if wanted == "xlsx" else quality_exports.to_sav(found)
        audit.record(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type=services.SAMPLE_TYPE,
            object_id=found.pk,
        )
        kind = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            if wanted == "xlsx"
            else "application/x-spss-sav"
        )
        response = HttpResponse(body, content_type=kind)
        response["Content-Disposition"] = (
            f'attachment; filename="care-plan-audit-{found.pk}.{wanted}"'
        )
        return response
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["study_id", "team", "source", "item", "answer", "note"])
    for row in queries.export_rows(found):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type=services.SAMPLE_TYPE,
        object_id=found.pk,
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="care-plan-audit-{found.pk}.csv"'
    return response


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    teams = access.access_quality_dashboard(request.user)
    return render(request, "quality/dashboard.html", {"board": quality_dashboard.board(teams)})


@login_required
@require_GET
def report(request: HttpRequest, sample_id: Any) -> HttpResponse:
    found = access.access_sample_to_manage(request.user, sample_id)
    context = {"sample": found, "report": True, **queries.sample_report(found)}
    if request.GET.get("format") == "pdf":
        html = render_to_string(
            "quality/print_document.html", {**context, "title": found.name}, request=request
        )
        return pdf_response(html, f"care-plan-audit-{found.pk}.pdf")
    return render(request, "quality/report.html", context)


@login_required
@require_GET
def entry_pdf(request: HttpRequest, sample_id: Any, entry_id: int) -> HttpResponse:
    """The version under review as a PDF, blinded exactly as on the page."""
    found = access.access_entry(request.user, sample_id, entry_id)
    title = _("Version under review: %(study)s") % {"study": found.study_id}
    html = render_to_string(
        "quality/print_document.html",
        {**queries.version_reading(found), "title": title},
        request=request,
    )
    return pdf_response(html, f"{found.study_id}.pdf")
