"""The research area: upload de-identified data and run analyses. No person records here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ourplan.analysis.errors import AnalysisError
from ourplan.research import access, queries, services
from ourplan.research.analyses import columns_used, run_analysis
from ourplan.research.forms import COLUMN_LIST_ID, AnalysisForm, UploadForm


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    organisation = access.access_research_area(request.user)
    form = UploadForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = services.dataset_upload(
                actor=request.user,
                organisation=organisation,
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
    return render(
        request,
        "research/home.html",
        {"form": form, "datasets": queries.datasets_listed(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def dataset(request: HttpRequest, dataset_id: str) -> HttpResponse:
    found = access.access_dataset(request.user, dataset_id)
    form = AnalysisForm(data=request.GET or None, columns=found.columns)
    outcome = None
    if request.GET and form.is_valid():
        try:
            frame = services.dataset_frame(found, columns_used(form.cleaned_data))
            outcome = run_analysis(frame, form.cleaned_data)
        except AnalysisError as error:
            form.add_error(None, str(error))
    return render(
        request,
        "research/dataset.html",
        {
            "dataset": found,
            "form": form,
            "outcome": outcome,
            # Data sets uploaded before the column limit may be wider; the suggestions stop
            # at the limit, and any column can still be typed.
            "suggested_columns": found.columns[: services.MAX_COLUMNS],
            "column_list_id": COLUMN_LIST_ID,
        },
    )
