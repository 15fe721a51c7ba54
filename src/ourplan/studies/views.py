"""Delphi study pages. Thin: check access, parse input, call a service or query, render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.analysis.delphi.coding_agreement import coding_agreement
from ourplan.analysis.errors import AnalysisError
from ourplan.core import audit
from ourplan.core.forms import show_validation_error
from ourplan.people.access import staff_member_of
from ourplan.studies import access, exports, queries, services
from ourplan.studies.forms import (
    AgreementForm,
    AnswerForm,
    CodebookImportForm,
    CodingForm,
    ConsentForm,
    FrameworkCellForm,
    InviteAccountForm,
    InviteLinksForm,
    QuestionForm,
    RemoveForm,
    ResponsesImportForm,
    ResultsForm,
    StatementEditForm,
    StatementForm,
    StatementsImportForm,
    StudyForm,
    ThemeForm,
    WithdrawForm,
)
from ourplan.studies.models import (
    OpenQuestion,
    Participant,
    Round,
    RoundStatus,
    Statement,
    Study,
    Theme,
)
from ourplan.studies.results import StudyResults, describe_definition, shape
from ourplan.studies.scale import scale_labels

# --- access helpers ------------------------------------------------------------------------


def _deny(request: HttpRequest, object_type: str, object_id: object = "") -> PermissionDenied:
    audit.record(actor=request.user, action="denied", object_type=object_type, object_id=object_id)
    return PermissionDenied()


def _require_organiser(request: HttpRequest) -> None:
    if not access.can_organise(request.user):
        raise _deny(request, "study_list")


def _study(request: HttpRequest, study_id: Any) -> Study:
    """The study if this user organises it; a 403 that reveals nothing otherwise."""
    study = Study.objects.select_related("organisation").filter(pk=study_id).first()
    if study is None or not access.can_manage_study(request.user, study):
        raise _deny(request, "study", study_id)
    return study


def _upload(form: Any) -> bytes:
    upload = form.cleaned_data["file"]
    return bytes(upload.read(services.MAX_UPLOAD_BYTES + 1))


# --- organisers: design ------------------------------------------------------------------


@login_required
@require_GET
def study_list(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    studies = access.organised_studies(request.user).prefetch_related("rounds", "panels")
    return render(request, "studies/list.html", {"studies": studies})


@login_required
@require_http_methods(["GET", "POST"])
def study_create(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    form = StudyForm(data=request.POST or None, initial={"scale": 5, "threshold_percent": 75})
    if request.method == "POST" and form.is_valid():
        staff = staff_member_of(request.user)
        assert staff is not None
        try:
            study = services.study_create(
                actor=request.user, organisation=staff.organisation, **form.service_fields()
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("The study has been created. Now add its statements."))
            return redirect("studies:statements", study_id=study.pk)
    return render(request, "studies/study_form.html", {"form": form, "study": None})


@login_required
@require_GET
def study_detail(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    numbers, attrition_rows = queries.attrition(study)
    rounds = list(study.rounds.order_by("number"))
    return render(
        request,
        "studies/detail.html",
        {
            "study": study,
            "rounds": rounds,
            "next_to_open": next((r for r in rounds if r.status == RoundStatus.PLANNED), None),
            "open_round": next((r for r in rounds if r.status == RoundStatus.OPEN), None),
            "definition": describe_definition(study),
            "labels": scale_labels(study),
            "round_numbers": numbers,
            "attrition": attrition_rows,
            "statement_count": study.statements.count(),
            "question_count": study.open_questions.count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def study_edit(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    form = StudyForm(
        data=request.POST or None,
        initial=StudyForm.initial_for(study),
        locked=study.definition_locked,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.study_update(actor=request.user, study=study, **form.service_fields())
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("The study design has been saved."))
            return redirect("studies:detail", study_id=study.pk)
    return render(request, "studies/study_form.html", {"form": form, "study": study})


@login_required
@require_http_methods(["GET", "POST"])
def statements(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    action = request.POST.get("action", "statement") if request.method == "POST" else ""
    statement_form = StatementForm(data=request.POST if action == "statement" else None)
    import_form = StatementsImportForm(
        data=request.POST if action == "import" else None,
        files=request.FILES if action == "import" else None,
    )
    # Both forms have a "text" field: distinct ids keep each label tied to its own box.
    question_form = QuestionForm(
        data=request.POST if action == "question" else None, auto_id="question_%s"
    )
    if action == "statement" and statement_form.is_valid():
        try:
            services.statement_add(actor=request.user, study=study, **statement_form.cleaned_data)
        except ValidationError as error:
            show_validation_error(statement_form, error)
        else:
            messages.success(request, _("The statement has been added."))
            return redirect("studies:statements", study_id=study.pk)
    if action == "import" and import_form.is_valid():
        try:
            added = services.statements_import(
                actor=request.user, study=study, raw=_upload(import_form)
            )
        except ValidationError as error:
            show_validation_error(import_form, error)
        else:
            messages.success(request, _("%(n)d statements added.") % {"n": len(added)})
            return redirect("studies:statements", study_id=study.pk)
    if action == "question" and question_form.is_valid():
        try:
            services.question_add(actor=request.user, study=study, **question_form.cleaned_data)
        except ValidationError as error:
            show_validation_error(question_form, error)
        else:
            messages.success(request, _("The question has been added."))
            return redirect("studies:statements", study_id=study.pk)
    topics: dict[str, list[Any]] = {}
    for statement in study.statements.all():
        topics.setdefault(statement.topic, []).append(statement)
    open_units = [u for u in queries.text_units(study) if u.key.startswith("a")]
    return render(
        request,
        "studies/statements.html",
        {
            "study": study,
            "topics": list(topics.items()),
            "questions": study.open_questions.all(),
            "statement_form": statement_form,
            "import_form": import_form,
            "question_form": question_form,
            "open_answers": open_units,
            "round_open": study.rounds.filter(status=RoundStatus.OPEN).exists(),
            "statements_fixed": services.statements_fixed_reason(study),
            "questions_fixed": services.questions_fixed_reason(study),
        },
    )


# --- organisers: correcting statements, questions and themes ------------------------------


def _back(request: HttpRequest, study: Study, page: str, error: ValidationError) -> HttpResponse:
    """Go back to the list page with the service's reason for refusing (nothing changed)."""
    for message in error.messages:
        messages.error(request, message)
    return redirect(page, study_id=study.pk)


def _gone(request: HttpRequest, study: Study, kind: str) -> HttpResponse:
    """An item that is not (or no longer) in this study: say so instead of failing."""
    if kind == "theme":
        messages.error(request, _("That theme is no longer in the codebook: it has been removed."))
        return redirect("studies:codebook", study_id=study.pk)
    if kind == "question":
        messages.error(request, _("That question is no longer in the study: it has been removed."))
    else:
        messages.error(request, _("That statement is no longer in the study: it has been removed."))
    return redirect("studies:statements", study_id=study.pk)


def _posted(request: HttpRequest) -> Any:
    """The posted data, even when empty: an unticked confirmation box sends nothing."""
    return request.POST if request.method == "POST" else None


def _edit_item(
    request: HttpRequest,
    study: Study,
    form: Any,
    save: Callable[[dict[str, Any]], object],
    *,
    title: str,
    fixed: str,
    back: str,
    done: str,
) -> HttpResponse:
    """Show or save the form that corrects one statement, question or theme."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # refused as a whole, not a field's fault
                return _back(request, study, back, error)
            show_validation_error(form, error)
        else:
            messages.success(request, done)
            return redirect(back, study_id=study.pk)
    return render(
        request,
        "studies/design_item_edit.html",
        {
            "study": study,
            "form": form,
            "title": title,
            "fixed": fixed,
            "back_url": reverse(back, kwargs={"study_id": study.pk}),
        },
    )


def _remove_item(
    request: HttpRequest,
    study: Study,
    remove: Callable[[], object],
    *,
    confirm: str,
    title: str,
    item: str,
    fixed: str,
    back: str,
    done: str,
) -> HttpResponse:
    """Ask for confirmation, then remove one statement, question or theme."""
    form = RemoveForm(data=_posted(request), label=confirm)
    if request.method == "POST" and form.is_valid():
        try:
            remove()
        except ValidationError as error:
            return _back(request, study, back, error)
        messages.success(request, done)
        return redirect(back, study_id=study.pk)
    return render(
        request,
        "studies/design_item_remove.html",
        {
            "study": study,
            "form": form,
            "title": title,
            "item": item,
            "fixed": fixed,
            "back_url": reverse(back, kwargs={"study_id": study.pk}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_edit(request: HttpRequest, study_id: Any, statement_id: int) -> HttpResponse:
    study = _study(request, study_id)
    statement: Statement | None = study.statements.filter(pk=statement_id).first()
    if statement is None:
        return _gone(request, study, "statement")
    code = {"code": statement.code}
    return _edit_item(
        request,
        study,
        StatementEditForm(
            data=_posted(request), initial={"topic": statement.topic, "text": statement.text}
        ),
        lambda data: services.statement_update(
            actor=request.user, study=study, statement=statement, **data
        ),
        title=_("Change statement %(code)s") % code,
        fixed=services.statements_fixed_reason(study),
        back="studies:statements",
        done=_("Statement %(code)s has been changed.") % code,
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_remove(request: HttpRequest, study_id: Any, statement_id: int) -> HttpResponse:
    study = _study(request, study_id)
    statement: Statement | None = study.statements.filter(pk=statement_id).first()
    if statement is None:
        return _gone(request, study, "statement")
    code = {"code": statement.code}
    return _remove_item(
        request,
        study,
        lambda: services.statement_remove(actor=request.user, study=study, statement=statement),
        confirm=_("Yes, remove statement %(code)s") % code,
        title=_("Remove statement %(code)s") % code,
        item=statement.text,
        fixed=services.statements_fixed_reason(study),
        back="studies:statements",
        done=_("Statement %(code)s has been removed.") % code,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, study_id: Any, question_id: int) -> HttpResponse:
    study = _study(request, study_id)
    question: OpenQuestion | None = study.open_questions.filter(pk=question_id).first()
    if question is None:
        return _gone(request, study, "question")
    return _edit_item(
        request,
        study,
        QuestionForm(data=_posted(request), initial={"text": question.text}),
        lambda data: services.question_update(
            actor=request.user, study=study, question=question, **data
        ),
        title=_("Change an open question"),
        fixed=services.questions_fixed_reason(study),
        back="studies:statements",
        done=_("The question has been changed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_remove(request: HttpRequest, study_id: Any, question_id: int) -> HttpResponse:
    study = _study(request, study_id)
    question: OpenQuestion | None = study.open_questions.filter(pk=question_id).first()
    if question is None:
        return _gone(request, study, "question")
    return _remove_item(
        request,
        study,
        lambda: services.question_remove(actor=request.user, study=study, question=question),
        confirm=_("Yes, remove this question"),
        title=_("Remove an open question"),
        item=question.text,
        fixed=services.questions_fixed_reason(study),
        back="studies:statements",
        done=_("The question has been removed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def participants(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    action = request.POST.get("action", "links") if request.method == "POST" else ""
    links_form = InviteLinksForm(data=request.POST if action == "links" else None, study=study)
    account_form = InviteAccountForm(
        data=request.POST if action == "account" else None, study=study
    )
    issued: list[tuple[str, str, str]] = []
    if action == "links" and links_form.is_valid():
        try:
            new = services.participants_invite_links(
                actor=request.user, study=study, **links_form.cleaned_data
            )
        except ValidationError as error:
            show_validation_error(links_form, error)
        else:
            issued = [
                (
                    link.participant.pseudonym,
                    link.participant.panel.name,
                    request.build_absolute_uri(
                        reverse("studies:join", kwargs={"participant_token": link.token})
                    ),
                )
                for link in new
            ]
            links_form = InviteLinksForm(study=study)
    if action == "account" and account_form.is_valid():
        try:
            services.participant_invite_account(
                actor=request.user, study=study, **account_form.cleaned_data
            )
        except ValidationError as error:
            show_validation_error(account_form, error)
        else:
            messages.success(request, _("The account has been invited."))
            return redirect("studies:participants", study_id=study.pk)
    numbers, attrition_rows = queries.attrition(study)
    answered = {
        (pid, n)
        for pid, n in study.rounds.filter(responses__submitted_at__isnull=False).values_list(
            "responses__participant_id", "number"
        )
    }
    people = [
        (p, [(n, (p.pk, n) in answered) for n in numbers])
        for p in study.participants.select_related("panel")
    ]
    return render(
        request,
        "studies/participants.html",
        {
            "study": study,
            "links_form": links_form,
            "account_form": account_form,
            "issued": issued,
            "people": people,
            "round_numbers": numbers,
            "attrition": attrition_rows,
        },
    )


@login_required
@require_POST
def round_open(request: HttpRequest, study_id: Any, round_number: int) -> HttpResponse:
    study = _study(request, study_id)
    try:
        services.round_open(actor=request.user, study=study, number=round_number)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Round %(n)d is open.") % {"n": round_number})
    return redirect("studies:detail", study_id=study.pk)


@login_required
@require_POST
def round_close(request: HttpRequest, study_id: Any, round_number: int) -> HttpResponse:
    study = _study(request, study_id)
    try:
        services.round_close(actor=request.user, study=study, number=round_number)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Round %(n)d is closed.") % {"n": round_number})
    return redirect("studies:detail", study_id=study.pk)


@login_required
@require_http_methods(["GET", "POST"])
def responses_import(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    form = ResponsesImportForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.responses_import(
                actor=request.user,
                study=study,
                raw=_upload(form),
                consent_confirmed=form.cleaned_data["consent_confirmed"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("%(n)d responses imported.") % {"n": count})
            return redirect("studies:detail", study_id=study.pk)
    return render(
        request,
        "studies/import.html",
        {"study": study, "form": form, "codes": study.statements.values_list("code", flat=True)},
    )


# --- organisers: results, report and exports ---------------------------------------------


def _results(
    study: Study, request: HttpRequest, *, chart: bool = True
) -> tuple[StudyResults | None, str, ResultsForm]:
    """Analyse the study for the round and clusters asked for in the query string."""
    rounds = list(
        study.rounds.filter(responses__submitted_at__isnull=False, is_open_ended=False)
        .values_list("number", flat=True)
        .distinct()
        .order_by("number")
    )
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
    try:
        analysis = queries.analyse(study, cluster_round=cluster_round, k=k)
    except AnalysisError as error:
        return None, str(error), form
    return shape(study, analysis, chart=chart), "", form


@login_required
@require_GET
def results(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    outcome, problem, form = _results(study, request)
    audit.record(actor=request.user, action="read", object_type="study_results", object_id=study.pk)
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
        "feedback_rounds": [
            r.number for r in study.rounds.filter(number__gt=1, status__in=["open", "closed"])
        ],
    }


@login_required
@require_GET
def report(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    services.record_export(actor=request.user, study=study, what="report_html")
    return render(request, "studies/report.html", _report_context(request, study))


def _download(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(study: Study, suffix: str) -> str:
    return f"{slugify(study.title)[:60] or 'study'}-{suffix}"


@login_required
@require_GET
def report_pdf(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    html = render_to_string("studies/report_pdf.html", _report_context(request, study), request)
    services.record_export(actor=request.user, study=study, what="report_pdf")
    return _download(exports.pdf_bytes(html), _filename(study, "report.pdf"), "application/pdf")


@login_required
@require_GET
def export_responses_csv(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    services.record_export(actor=request.user, study=study, what="responses_csv")
    return _download(
        exports.responses_csv(study), _filename(study, "responses.csv"), "text/csv; charset=utf-8"
    )


@login_required
@require_GET
def export_results_csv(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    outcome, problem, _form = _results(study, request, chart=False)
    if outcome is None:
        messages.error(request, problem)
        return redirect("studies:results", study_id=study.pk)
    services.record_export(actor=request.user, study=study, what="results_csv")
    return _download(
        exports.results_csv(study, outcome),
        _filename(study, "results.csv"),
        "text/csv; charset=utf-8",
    )


@login_required
@require_GET
def export_xlsx(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    outcome, _problem, _form = _results(study, request, chart=False)
    services.record_export(actor=request.user, study=study, what="xlsx")
    return _download(
        exports.xlsx_bytes(study, outcome),
        _filename(study, "study.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_GET
def export_sav(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    services.record_export(actor=request.user, study=study, what="sav")
    return _download(
        exports.sav_bytes(study), _filename(study, "responses.sav"), "application/x-spss-sav"
    )


# --- organisers: free text, codebook, framework matrix, agreement ------------------------


@login_required
@require_http_methods(["GET", "POST"])
def codebook(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
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
                actor=request.user, study=study, raw=_upload(import_form)
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
            "themes": study.themes.all(),
            "theme_form": theme_form,
            "import_form": import_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, study_id: Any, theme_id: int) -> HttpResponse:
    study = _study(request, study_id)
    theme: Theme | None = study.themes.filter(pk=theme_id).first()
    if theme is None:
        return _gone(request, study, "theme")
    return _edit_item(
        request,
        study,
        ThemeForm(
            data=_posted(request),
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
    study = _study(request, study_id)
    theme: Theme | None = study.themes.filter(pk=theme_id).first()
    if theme is None:
        return _gone(request, study, "theme")
    code = {"code": theme.code}
    return _remove_item(
        request,
        study,
        lambda: services.theme_remove(actor=request.user, study=study, theme=theme),
        confirm=_("Yes, remove theme %(code)s") % code,
        title=_("Remove theme %(code)s") % code,
        item=theme.name,
        fixed=services.theme_removal_refusal(theme),
        back="studies:codebook",
        done=_("Theme %(code)s has been removed.") % code,
    )


@login_required
@require_GET
def codebook_csv(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    services.record_export(actor=request.user, study=study, what="codebook_csv")
    content = exports._csv(
        ["code", "name", "description"],
        study.themes.values_list("code", "name", "description"),
    )
    return _download(content, _filename(study, "codebook.csv"), "text/csv; charset=utf-8")


@login_required
@require_http_methods(["GET", "POST"])
def coding(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
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
    mine = queries.codings_by_coder(study).get(int(request.user.pk or 0), {})
    themes = list(study.themes.all())
    by_code = {t.code: t.pk for t in themes}
    units = [
        (
            unit,
            CodingForm(
                study=study,
                prefix=unit.key,
                initial={
                    "unit": unit.key,
                    "themes": [by_code[c] for c in mine.get(unit.key, set()) if c in by_code],
                },
            ),
        )
        for unit in queries.text_units(study)
    ]
    return render(
        request, "studies/coding.html", {"study": study, "units": units, "themes": themes}
    )


def _framework_rows(study: Study, kind: str) -> list[str]:
    if kind == "respondent":
        return list(study.participants.values_list("pseudonym", flat=True))
    return list(study.panels.values_list("name", flat=True))


@login_required
@require_http_methods(["GET", "POST"])
def framework(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    kind = "respondent" if request.GET.get("rows") == "respondent" else "group"
    rows = _framework_rows(study, kind)
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
    themes = list(study.themes.all())
    units = {u.key: u for u in queries.text_units(study)}
    quotes: dict[tuple[str, str], list[Any]] = {}
    seen: set[tuple[str, str, str]] = set()
    for coding_row in study.codings.select_related("theme"):
        unit = units.get(coding_row.unit_key)
        if unit is None:
            continue
        row_key = unit.pseudonym if kind == "respondent" else unit.group
        marker = (coding_row.theme.code, row_key, unit.key)
        if marker in seen:  # two coders applied the same theme: quote once
            continue
        seen.add(marker)
        quotes.setdefault((coding_row.theme.code, row_key), []).append(unit)
    summaries = {
        (c.theme.code, c.row_key): c.summary
        for c in study.framework_cells.filter(row_kind=kind).select_related("theme")
    }
    matrix = [
        (
            row,
            [
                {
                    "theme": theme,
                    "summary": summaries.get((theme.code, row), ""),
                    "quotes": quotes.get((theme.code, row), []),
                    "anchor": f"q-{theme.code}-{slugify(row)}",
                }
                for theme in themes
            ],
        )
        for row in rows
    ]
    return render(
        request,
        "studies/framework.html",
        {"study": study, "themes": themes, "matrix": matrix, "kind": kind, "form": form},
    )


@login_required
@require_GET
def agreement(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = _study(request, study_id)
    by_coder = queries.codings_by_coder(study)
    from ourplan.accounts.models import User

    coders = [
        (u.pk, u.display_name) for u in User.objects.filter(pk__in=list(by_coder)).order_by("pk")
    ]
    form = AgreementForm(data=request.GET or None, coders=coders)
    result = None
    problem = ""
    if request.GET and form.is_valid():
        try:
            result = coding_agreement(
                [u.key for u in queries.text_units(study)],
                by_coder.get(form.cleaned_data["coder_a"], {}),
                by_coder.get(form.cleaned_data["coder_b"], {}),
                [t.code for t in study.themes.all()],
                include_uncoded=form.cleaned_data["include_uncoded"],
            )
        except AnalysisError as error:
            problem = str(error)
    themes = {t.code: t for t in study.themes.all()}
    return render(
        request,
        "studies/agreement.html",
        {
            "study": study,
            "form": form,
            "result": result,
            "problem": problem,
            "themes": themes,
            "enough_coders": len(coders) >= 2,
        },
    )


# --- participants ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Links:
    """URL names and arguments for one participant's pages (link or account)."""

    home: str
    round: str
    withdraw: str
    kwargs: dict[str, Any]

    def url(self, name: str, **extra: Any) -> str:
        return reverse(getattr(self, name), kwargs={**self.kwargs, **extra})


def _token_participant(request: HttpRequest, token: str) -> tuple[Participant, _Links]:
    participant = access.participant_for_token(token)
    if participant is None:
        audit.record(actor=request.user, action="denied", object_type="study_invitation")
        raise Http404
    links = _Links(
        "studies:join", "studies:join_round", "studies:join_withdraw", {"participant_token": token}
    )
    return participant, links


def _account_participant(request: HttpRequest, study_id: Any) -> tuple[Participant, _Links]:
    participant = access.participant_for_user(request.user, study_id)
    if participant is None:
        raise _deny(request, "study_participation", study_id)
    links = _Links(
        "studies:take_part",
        "studies:take_part_round",
        "studies:take_part_withdraw",
        {"study_id": study_id},
    )
    return participant, links


def _participant_home(
    request: HttpRequest, participant: Participant, links: _Links
) -> HttpResponse:
    form = ConsentForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_consent(participant=participant)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Thank you for agreeing to take part."))
            return redirect(links.url("home"))
    study = participant.study
    rounds = list(study.rounds.order_by("number"))
    submitted = set(
        participant.responses.filter(submitted_at__isnull=False).values_list(
            "round__number", flat=True
        )
    )
    saved = set(participant.responses.values_list("round__number", flat=True))
    return render(
        request,
        "studies/participant_home.html",
        {
            "participant": participant,
            "study": study,
            "form": form,
            "rounds": [
                (
                    r,
                    r.number in submitted,
                    r.number in saved,
                    links.url("round", round_number=r.number),
                )
                for r in rounds
            ],
            "withdraw_url": links.url("withdraw"),
            "definition": describe_definition(study),
        },
    )


def _participant_round(
    request: HttpRequest, participant: Participant, links: _Links, round_number: int
) -> HttpResponse:
    study = participant.study
    item = Round.objects.filter(study=study, number=round_number).first()
    if item is None:
        raise Http404
    context: dict[str, Any] = {
        "participant": participant,
        "study": study,
        "round": item,
        "home_url": links.url("home"),
    }
    if not participant.is_active or item.status != RoundStatus.OPEN:
        return render(request, "studies/participant_round.html", {**context, "form": None})
    statements = [] if item.is_open_ended else list(study.statements.all())
    questions = list(study.open_questions.all()) if item.is_open_ended else []
    feedback = (
        None if item.is_open_ended else queries.participant_feedback(participant, item.number)
    )
    response = participant.responses.filter(round=item).first()
    initial: dict[str, Any] = {}
    if response is not None:
        for rating in response.ratings.all():
            initial[f"rating_{rating.statement_id}"] = (
                str(rating.value) if rating.value is not None else None
            )
            initial[f"comment_{rating.statement_id}"] = rating.comment
        for answer in response.answers.all():
            initial[f"answer_{answer.question_id}"] = answer.text
    elif feedback is not None:
        # Start from the participant's own earlier rating; they keep it or change it.
        for statement in statements:
            earlier = feedback["statements"].get(statement.code, {}).get("your_rating")
            if earlier is not None:
                initial[f"rating_{statement.pk}"] = str(earlier)
    form = AnswerForm(
        data=request.POST if request.method == "POST" else None,
        initial=initial,
        study=study,
        statements=statements,
        questions=questions,
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.response_save(
                participant=participant,
                round_number=item.number,
                ratings=form.ratings(),
                comments=form.comments(),
                answers=form.answers(),
                submit=submit,
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            if submit:
                messages.success(
                    request,
                    _(
                        "Thank you. Your answers have been submitted. You can change them "
                        "until the round closes."
                    ),
                )
                return redirect(links.url("home"))
            messages.success(
                request, _("Your answers have been saved. You can come back and finish later.")
            )
            return redirect(links.url("round", round_number=item.number))
    labels = scale_labels(study)
    items = []
    for statement in statements:
        entry = feedback["statements"].get(statement.code) if feedback else None
        items.append(
            {
                "statement": statement,
                "rating": form[f"rating_{statement.pk}"],
                "comment": form[f"comment_{statement.pk}"],
                "feedback": _feedback_rows(entry, labels) if entry else None,
                "entry": entry,
                "your_label": labels[entry["your_rating"] - 1]
                if entry and entry.get("your_rating")
                else "",
                "comments": feedback["comments"].get(statement.code, []) if feedback else [],
            }
        )
    return render(
        request,
        "studies/participant_round.html",
        {
            **context,
            "form": form,
            "items": items,
            "questions": [form[f"answer_{q.pk}"] for q in questions],
            "feedback": feedback,
            "submitted": response is not None and response.submitted_at is not None,
        },
    )


def _feedback_rows(entry: dict[str, Any], labels: list[str]) -> dict[str, Any]:
    """The previous round's distribution: one row per rating, overall and by group."""
    groups = sorted(entry["by_group"])
    rows = []
    for value, label in enumerate(labels, start=1):
        key = str(value)
        rows.append(
            {
                "value": value,
                "label": label,
                "overall": entry["counts"].get(key, 0),
                "groups": [entry["by_group"][g]["counts"].get(key, 0) for g in groups],
                "mine": entry.get("your_rating") == value,
            }
        )
    return {
        "groups": groups,
        "group_n": [entry["by_group"][g]["n"] for g in groups],
        "group_median": [entry["by_group"][g]["median"] for g in groups],
        "rows": rows,
    }


def _participant_withdraw(
    request: HttpRequest, participant: Participant, links: _Links
) -> HttpResponse:
    form = WithdrawForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.participant_withdraw(participant=participant)
        messages.success(request, _("You have withdrawn from the study. Thank you for your help."))
        return redirect(links.url("home"))
    return render(
        request,
        "studies/participant_withdraw.html",
        {
            "participant": participant,
            "study": participant.study,
            "form": form,
            "home_url": links.url("home"),
        },
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, participant_token: str) -> HttpResponse:
    participant, links = _token_participant(request, participant_token)
    return _participant_home(request, participant, links)


@require_http_methods(["GET", "POST"])
def join_round(request: HttpRequest, participant_token: str, round_number: int) -> HttpResponse:
    participant, links = _token_participant(request, participant_token)
    return _participant_round(request, participant, links, round_number)


@require_http_methods(["GET", "POST"])
def join_withdraw(request: HttpRequest, participant_token: str) -> HttpResponse:
    participant, links = _token_participant(request, participant_token)
    return _participant_withdraw(request, participant, links)


@login_required
@require_GET
def my_studies(request: HttpRequest) -> HttpResponse:
    invitations = access.invited_studies(request.user)
    return render(request, "studies/my_studies.html", {"invitations": invitations})


@login_required
@require_http_methods(["GET", "POST"])
def take_part(request: HttpRequest, study_id: Any) -> HttpResponse:
    participant, links = _account_participant(request, study_id)
    return _participant_home(request, participant, links)


@login_required
@require_http_methods(["GET", "POST"])
def take_part_round(request: HttpRequest, study_id: Any, round_number: int) -> HttpResponse:
    participant, links = _account_participant(request, study_id)
    return _participant_round(request, participant, links, round_number)


@login_required
@require_http_methods(["GET", "POST"])
def take_part_withdraw(request: HttpRequest, study_id: Any) -> HttpResponse:
    participant, links = _account_participant(request, study_id)
    return _participant_withdraw(request, participant, links)
