"""The research area: upload de-identified data and run analyses. No person records here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ourplan.analysis.errors import AnalysisError
from ourplan.people.access import staff_member_of
from ourplan.research import access, services
from ourplan.research.analyses import run_analysis
from ourplan.research.forms import AnalysisForm, UploadForm
from ourplan.research.models import Dataset


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    if not access.can_use_research_area(request.user):
        raise PermissionDenied
    form = UploadForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staff = staff_member_of(request.user)
        assert staff is not None
        try:
            dataset = services.dataset_upload(
                actor=request.user,
                organisation=staff.organisation,
                name=form.cleaned_data["name"],
                filename=upload.name,
                raw=upload.read(services.MAX_UPLOAD_BYTES + 1),
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            messages.success(
                request, _("Data set uploaded: %(rows)d rows.") % {"rows": dataset.row_count}
            )
            return redirect("research:dataset", dataset_id=dataset.pk)
    datasets = access.visible_datasets(request.user).select_related("uploaded_by")
    return render(
        request,
        "research/home.html",
        {"form": form, "datasets": datasets},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def dataset(request: HttpRequest, dataset_id: str) -> HttpResponse:
    found = access.visible_datasets(request.user).filter(pk=dataset_id).first()
    if found is None:
        raise PermissionDenied
    form = AnalysisForm(data=request.GET or None, columns=found.columns)
    outcome = None
    if request.GET and form.is_valid():
        try:
            outcome = run_analysis(services.dataset_frame(found), form.cleaned_data)
        except AnalysisError as error:
            form.add_error(None, str(error))
    return render(
        request, "research/dataset.html", {"dataset": found, "form": form, "outcome": outcome}
    )


__all__ = ["Dataset", "dataset", "home"]
