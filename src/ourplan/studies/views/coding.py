"""Organisers analyse free text: codebook, coding, framework matrix, agreement between coders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ourplan.analysis.errors import AnalysisError
from ourplan.core.forms import show_validation_error
from ourplan.studies import access, exports, queries, services
from ourplan.studies.forms import (
    AgreementForm,
    CodebookImportForm,
    CodingForm,
    FrameworkCellForm,
    ThemeForm,
    uploaded_bytes,
)
from ourplan.studies.views.item_pages import edit_item_page, item_gone, posted, remove_item_page
from ourplan.studies.views.results import download, download_name


@login_required
@require_http_methods(["GET", "POST"])
def codebook(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    action = request.POST.get("action", "theme") if request.method == "POST" else ""
    theme_form = ThemeForm(data=request.POST if action == "theme" else None)
    import_form = CodebookImportForm(
        data=request.POST if action == "import" else None,
        files=request.FILES if action == "import" else None,
    )
    if action == "theme" and theme_form.is_valid():
        try:
            services.theme_add(actor=request.user, study=study, **theme_form.cleaned_data)
        except ValidationError as error:
            show_validation_error(theme_form, error)
        else:
            messages.success(request, _("The theme has been added."))
            return redirect("studies:codebook", study_id=study.pk)
    if action == "import" and import_form.is_valid():
        try:
            count = services.codebook_import(
                actor=request.user, study=study, raw=uploaded_bytes(import_form)
            )
        except ValidationError as error:
            show_validation_error(import_form, error)
        else:
            messages.success(request, _("%(n)d themes imported.") % {"n": count})
            return redirect("studies:codebook", study_id=study.pk)
    return render(
        request,
        "studies/codebook.html",
        {
            "study": study,
            "themes": queries.themes(study),
            "theme_form": theme_form,
            "import_form": import_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, study_id: Any, theme_id: int) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    theme = queries.theme_in_study(study, theme_id)
    if theme is None:
        return item_gone(request, study, "theme")
    return edit_item_page(
        request,
        study,
        ThemeForm(
            data=posted(request),
            initial={"code": theme.code, "name": theme.name, "description": theme.description},
        ),
        lambda data: services.theme_update(actor=request.user, study=study, theme=theme, **data),
        title=_("Change theme %(code)s") % {"code": theme.code},
        fixed="",
        back="studies:codebook",
        done=_("The theme has been changed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_remove(request: HttpRequest, study_id: Any, theme_id: int) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    theme = queries.theme_in_study(study, theme_id)
    if theme is None:
        return item_gone(request, study, "theme")
    code = {"code": theme.code}
    return remove_item_page(
        request,
        study,
        lambda: services.theme_remove(actor=request.user, study=study, theme=theme),
        confirm=_("Yes, remove theme %(code)s") % code,
        title=_("Remove theme %(code)s") % code,
        item=theme.name,
        fixed=queries.theme_removal_refusal(theme),
        back="studies:codebook",
        done=_("Theme %(code)s has been removed.") % code,
    )


@login_required
@require_GET
def codebook_csv(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    services.record_export(actor=request.user, study=study, what="codebook_csv")
    content = exports.codebook_csv(study)
    return download(content, download_name(study, "codebook.csv"), "text/csv; charset=utf-8")


@login_required
@require_http_methods(["GET", "POST"])
def coding(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    if request.method == "POST":
        # Each piece of text has its own form on the page, prefixed with the text's key.
        prefix = request.POST.get("prefix", "")[:20]
        form = CodingForm(data=request.POST, study=study, prefix=prefix)
        if form.is_valid() and form.cleaned_data["unit"] == prefix:
            try:
                services.codings_set(
                    actor=request.user,
                    study=study,
                    unit=form.cleaned_data["unit"],
                    theme_ids=[t.pk for t in form.cleaned_data["themes"]],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Your coding has been saved."))
            return redirect(
                reverse("studies:coding", kwargs={"study_id": study.pk})
                + f"#unit-{form.cleaned_data['unit']}"
            )
        messages.error(request, _("Choose themes for a piece of text, then save."))
        return redirect("studies:coding", study_id=study.pk)
    units = [
        (unit, CodingForm(study=study, prefix=unit.key, initial={"unit": unit.key, "themes": mine}))
        for unit, mine in queries.units_with_my_themes(study, int(request.user.pk or 0))
    ]
    return render(
        request,
        "studies/coding.html",
        {"study": study, "units": units, "themes": queries.themes(study)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def framework(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    kind = "respondent" if request.GET.get("rows") == "respondent" else "group"
    rows = queries.framework_rows(study, kind)
    form = FrameworkCellForm(
        data=request.POST if request.method == "POST" else None, study=study, rows=rows
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.framework_cell_save(
                actor=request.user,
                study=study,
                theme=form.cleaned_data["theme"],
                row_kind=kind,
                row_key=form.cleaned_data["row"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("The cell summary has been saved."))
            return redirect(
                reverse("studies:framework", kwargs={"study_id": study.pk})
                + ("?rows=respondent" if kind == "respondent" else "")
            )
    return render(
        request,
        "studies/framework.html",
        {
            "study": study,
            "themes": queries.themes(study),
            "matrix": queries.framework_matrix(study, kind, rows),
            "kind": kind,
            "form": form,
        },
    )


@login_required
@require_GET
def agreement(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    coders = queries.coders(study)
    form = AgreementForm(data=request.GET or None, coders=coders)
    result = None
    problem = ""
    if request.GET and form.is_valid():
        try:
            result = queries.agreement_between(
                study,
                form.cleaned_data["coder_a"],
                form.cleaned_data["coder_b"],
                include_uncoded=form.cleaned_data["include_uncoded"],
            )
        except AnalysisError as error:
            problem = str(error)
    return render(
        request,
        "studies/agreement.html",
        {
            "study": study,
            "form": form,
            "result": result,
            "problem": problem,
            "themes": {t.code: t for t in queries.themes(study)},
            "enough_coders": len(coders) >= 2,
        },
    )
