"""Organisers design a study: the list, the design form, statements and open questions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ourplan.core.forms import show_validation_error
from ourplan.core.refusal import refuse_unless
from ourplan.people.access import staff_member_of
from ourplan.studies import access, queries, services
from ourplan.studies.forms import (
    QuestionForm,
    StatementEditForm,
    StatementForm,
    StatementsImportForm,
    StudyForm,
    uploaded_bytes,
)
from ourplan.studies.results import describe_definition
from ourplan.studies.scale import scale_labels
from ourplan.studies.views.item_pages import edit_item_page, item_gone, posted, remove_item_page


@login_required
@require_GET
def study_list(request: HttpRequest) -> HttpResponse:
    refuse_unless(access.can_organise(request.user), "studies:list")
    studies = queries.studies_for_list(access.organised_studies(request.user))
    return render(request, "studies/list.html", {"studies": studies})


@login_required
@require_http_methods(["GET", "POST"])
def study_create(request: HttpRequest) -> HttpResponse:
    refuse_unless(access.can_organise(request.user), "studies:create")
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
    study = access.access_study(request.user, study_id)
    numbers, attrition_rows = queries.attrition(study)
    overview = queries.rounds_overview(study)
    statement_count, question_count = queries.questionnaire_size(study)
    return render(
        request,
        "studies/detail.html",
        {
            "study": study,
            "rounds": overview.rounds,
            "next_to_open": overview.next_to_open,
            "open_round": overview.open_round,
            "definition": describe_definition(study),
            "labels": scale_labels(study),
            "round_numbers": numbers,
            "attrition": attrition_rows,
            "statement_count": statement_count,
            "question_count": question_count,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def study_edit(request: HttpRequest, study_id: Any) -> HttpResponse:
    study = access.access_study(request.user, study_id)
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
    study = access.access_study(request.user, study_id)
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
                actor=request.user, study=study, raw=uploaded_bytes(import_form)
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
    return render(
        request,
        "studies/statements.html",
        {
            "study": study,
            "topics": queries.statements_by_topic(study),
            "questions": queries.open_questions(study),
            "statement_form": statement_form,
            "import_form": import_form,
            "question_form": question_form,
            "open_answers": queries.open_answer_units(study),
            "round_open": queries.round_is_open(study),
            "statements_fixed": queries.statements_fixed_reason(study),
            "questions_fixed": queries.questions_fixed_reason(study),
        },
    )


# --- correcting statements and open questions before the panel sees them ------------------


@login_required
@require_http_methods(["GET", "POST"])
def statement_edit(request: HttpRequest, study_id: Any, statement_id: int) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    statement = queries.statement_in_study(study, statement_id)
    if statement is None:
        return item_gone(request, study, "statement")
    code = {"code": statement.code}
    return edit_item_page(
        request,
        study,
        StatementEditForm(
            data=posted(request), initial={"topic": statement.topic, "text": statement.text}
        ),
        lambda data: services.statement_update(
            actor=request.user, study=study, statement=statement, **data
        ),
        title=_("Change statement %(code)s") % code,
        fixed=queries.statements_fixed_reason(study),
        back="studies:statements",
        done=_("Statement %(code)s has been changed.") % code,
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_remove(request: HttpRequest, study_id: Any, statement_id: int) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    statement = queries.statement_in_study(study, statement_id)
    if statement is None:
        return item_gone(request, study, "statement")
    code = {"code": statement.code}
    return remove_item_page(
        request,
        study,
        lambda: services.statement_remove(actor=request.user, study=study, statement=statement),
        confirm=_("Yes, remove statement %(code)s") % code,
        title=_("Remove statement %(code)s") % code,
        item=statement.text,
        fixed=queries.statements_fixed_reason(study),
        back="studies:statements",
        done=_("Statement %(code)s has been removed.") % code,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, study_id: Any, question_id: int) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    question = queries.question_in_study(study, question_id)
    if question is None:
        return item_gone(request, study, "question")
    return edit_item_page(
        request,
        study,
        QuestionForm(data=posted(request), initial={"text": question.text}),
        lambda data: services.question_update(
            actor=request.user, study=study, question=question, **data
        ),
        title=_("Change an open question"),
        fixed=queries.questions_fixed_reason(study),
        back="studies:statements",
        done=_("The question has been changed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_remove(request: HttpRequest, study_id: Any, question_id: int) -> HttpResponse:
    study = access.access_study(request.user, study_id)
    question = queries.question_in_study(study, question_id)
    if question is None:
        return item_gone(request, study, "question")
    return remove_item_page(
        request,
        study,
        lambda: services.question_remove(actor=request.user, study=study, question=question),
        confirm=_("Yes, remove this question"),
        title=_("Remove an open question"),
        item=question.text,
        fixed=queries.questions_fixed_reason(study),
        back="studies:statements",
        done=_("The question has been removed."),
    )
