"""Administrators: definitions, licensed wording, schedules, rescoring, paper entry and imports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.core.forms import show_validation_error
from ourplan.core.submissions import once_per_submission
from ourplan.measures import access, forms, imports, queries, services
from ourplan.measures.catalogue import WordingError
from ourplan.measures.models import PaperEntryStatus, Respondent

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _read_upload(form: forms.NhsForm, field: str = "file") -> bytes | None:
    upload = form.cleaned_data[field]
    if upload.size > MAX_UPLOAD_BYTES:
        form.add_error(field, _("The file is larger than 5 MB."))
        return None
    return bytes(upload.read())


@login_required
@require_GET
def setup(request: HttpRequest) -> HttpResponse:
    organisation = access.access_administration(request.user, page="measures:setup")
    return render(
        request,
        "measures/setup.html",
        {"organisation": organisation, "statuses": queries.definition_statuses(organisation)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest) -> HttpResponse:
    organisation = access.access_administration(request.user, page="measures:schedule")
    instruments = queries.schedulable_instruments()
    form = forms.ScheduleForm(
        request.POST or None, instruments=instruments, current=queries.schedule_of(organisation)
    )
    if request.method == "POST" and form.is_valid():
        services.save_schedule(
            actor=request.user, organisation=organisation, choices=form.cleaned_data
        )
        messages.success(request, _("The questionnaire schedule is saved."))
        return redirect("measures:setup")
    return render(request, "measures/schedule.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def wording(request: HttpRequest) -> HttpResponse:
    organisation = access.access_administration(request.user, page="measures:wording")
    return _wording(request, organisation)


@once_per_submission
def _wording(request: HttpRequest, organisation: Any) -> HttpResponse:
    form = forms.WordingForm(
        request.POST or None,
        request.FILES or None,
        instruments=list(queries.current_versions().values()),
    )
    if request.method == "POST" and form.is_valid():
        content = _read_upload(form)
        if content is not None:
            try:
                services.load_wording(
                    actor=request.user,
                    organisation=organisation,
                    instrument_id=form.cleaned_data["instrument"],
                    text=content.decode("utf-8-sig"),
                )
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text. Nothing was loaded."))
            except WordingError as error:
                form.add_error("file", str(error))
            else:
                messages.success(
                    request, _("The licensed wording is loaded. Questionnaires now show it.")
                )
                return redirect("measures:setup")
    return render(
        request,
        "measures/upload.html",
        {"form": form, "title": _("Load licensed wording"), "multipart": True},
    )


@login_required
@require_POST
def adopt(request: HttpRequest, instrument_id: str) -> HttpResponse:
    access.access_administration(request.user, page="measures:adopt")
    try:
        version = services.adopt_definition(actor=request.user, instrument_id=instrument_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "New responses now use version %(version)s. Past scores are unchanged until you rescore."
            )
            % {"version": version.version},
        )
    return redirect("measures:setup")


@login_required
@require_http_methods(["GET", "POST"])
def rescore(request: HttpRequest, instrument_id: str) -> HttpResponse:
    access.access_administration(request.user, page="measures:rescore")
    version = queries.current_version(instrument_id)
    form = forms.RescoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and version is not None:
        try:
            run = services.rescore(
                actor=request.user, instrument_id=instrument_id, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(count)d responses rescored with version %(version)s. Their earlier scores are kept in their history."
                )
                % {"count": run.rescored, "version": version.version},
            )
            return redirect("measures:setup")
    return render(request, "measures/rescore.html", {"form": form, "version": version})


# ----------------------------------------------------------------------------- paper entry


@login_required
@require_GET
def paper_list(request: HttpRequest) -> HttpResponse:
    organisation = access.access_paper_area(request.user, page="measures:paper_list")
    return render(
        request, "measures/paper_list.html", {"entries": queries.paper_entries(organisation)}
    )


def _paper_instruments() -> list:
    return queries.instruments_for(Respondent.PERSON)


@login_required
@require_http_methods(["GET", "POST"])
def paper_new(request: HttpRequest) -> HttpResponse:
    organisation = access.access_paper_area(request.user, page="measures:paper_new")
    return _paper_new(request, organisation)


@once_per_submission
def _paper_new(request: HttpRequest, organisation: Any) -> HttpResponse:
    instruments = _paper_instruments()
    chosen = request.POST.get("instrument") or request.GET.get("instrument")
    version = next((v for v in instruments if v.instrument_id == chosen), None)
    start = forms.PaperStartForm(
        request.POST or None, initial={"instrument": chosen}, instruments=instruments
    )
    answers = (
        forms.PaperAnswersForm(request.POST or None, definition=version.parsed) if version else None
    )
    if (
        request.method == "POST"
        and version is not None
        and start.is_valid()
        and answers is not None
        and answers.is_valid()
    ):
        person = queries.person_by_nhs_number(organisation, start.cleaned_data["nhs_number"])
        if person is None:
            start.add_error(
                "nhs_number",
                _("Nobody with this NHS number is on a caseload in your organisation."),
            )
        else:
            try:
                services.paper_first_entry(
                    actor=request.user,
                    person=person,
                    instrument_id=version.instrument_id,
                    occasion=start.cleaned_data["occasion"],
                    completed_on=start.cleaned_data["completed_on"],
                    answers=answers.answers(),
                )
            except ValidationError as error:
                show_validation_error(answers, error)
            else:
                messages.success(
                    request,
                    _(
                        "First entry saved. Nothing is scored until it has been keyed in a second time."
                    ),
                )
                return redirect("measures:paper_list")
    return render(
        request,
        "measures/paper_form.html",
        {"start": start, "answers": answers, "version": version, "instruments": instruments},
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper_second(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access.access_paper_entry(request.user, entry_id, audit_read=False)
    return _paper_second(request, entry)


@once_per_submission
def _paper_second(request: HttpRequest, entry: Any) -> HttpResponse:
    if entry.status == PaperEntryStatus.DIFFERENCES:
        return redirect("measures:paper_resolve", entry_id=entry.pk)
    if entry.status != PaperEntryStatus.AWAITING_SECOND:
        return redirect("measures:paper_list")
    definition = entry.instrument.parsed
    form = forms.PaperAnswersForm(request.POST or None, definition=definition)
    if request.method == "POST" and form.is_valid():
        outcome = services.paper_second_entry(
            actor=request.user, entry=entry, answers=form.answers()
        )
        if outcome.response is None:
            messages.error(
                request,
                _(
                    "The two entries differ on %(count)d answers. Nothing has been saved: check them against the paper copy."
                )
                % {"count": len(outcome.differences)},
            )
            return redirect("measures:paper_resolve", entry_id=entry.pk)
        messages.success(request, _("Both entries agree. The questionnaire is saved and scored."))
        return redirect("measures:paper_list")
    return render(request, "measures/paper_second.html", {"entry": entry, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def paper_resolve(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access.access_paper_entry(request.user, entry_id, audit_read=request.method == "GET")
    return _paper_resolve(request, entry)


@once_per_submission
def _paper_resolve(request: HttpRequest, entry: Any) -> HttpResponse:
    if entry.status != PaperEntryStatus.DIFFERENCES:
        return redirect("measures:paper_list")
    definition = entry.instrument.parsed
    form = forms.ResolveForm(
        request.POST or None,
        definition=definition,
        items=entry.differences,
        first=entry.first_answers,
        second=entry.second_answers or {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.paper_resolve(actor=request.user, entry=entry, resolved=form.resolved())
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Resolved. The questionnaire is saved and scored."))
            return redirect("measures:paper_list")
    return render(request, "measures/paper_resolve.html", {"entry": entry, "form": form})


# ----------------------------------------------------------------------------- imports


@login_required
@require_http_methods(["GET", "POST"])
def import_responses(request: HttpRequest) -> HttpResponse:
    organisation = access.access_administration(request.user, page="measures:import_responses")
    return _import_responses(request, organisation)


@once_per_submission
def _import_responses(request: HttpRequest, organisation: Any) -> HttpResponse:
    instruments = _paper_instruments()
    form = forms.ImportForm(request.POST or None, request.FILES or None, instruments=instruments)
    if request.method == "POST" and form.is_valid():
        content = _read_upload(form)
        version = next(v for v in instruments if v.instrument_id == form.cleaned_data["instrument"])
        if content is not None:
            try:
                frame = imports.read_upload(
                    form.cleaned_data["file"].name, content, text_columns=[imports.NHS_COLUMN]
                )
                parsed = imports.parse_responses(
                    frame, version.parsed, redcap=form.cleaned_data["kind"] == "redcap"
                )
                rows = queries.import_rows(organisation, parsed)
                saved = services.import_responses(
                    actor=request.user, instrument_id=version.instrument_id, rows=rows
                )
            except imports.ImportProblem as problem:
                form.add_error("file", str(problem))
            else:
                messages.success(
                    request, _("%(count)d responses imported and scored.") % {"count": len(saved)}
                )
                return redirect(reverse("measures:setup"))
    return render(
        request,
        "measures/upload.html",
        {"form": form, "title": _("Import responses"), "multipart": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_dictionary(request: HttpRequest) -> HttpResponse:
    organisation = access.access_administration(request.user, page="measures:import_dictionary")
    return _import_dictionary(request, organisation)


@once_per_submission
def _import_dictionary(request: HttpRequest, organisation: Any) -> HttpResponse:
    form = forms.DictionaryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        content = _read_upload(form)
        if content is not None:
            try:
                built = imports.parse_redcap_dictionary(
                    content,
                    instrument_id=form.cleaned_data["instrument_id"].replace("-", "_"),
                    name=form.cleaned_data["name"],
                    respondent=form.cleaned_data["respondent"],
                )
                services.import_dictionary(
                    actor=request.user, organisation=organisation, built=built
                )
            except imports.ImportProblem as problem:
                form.add_error("file", str(problem))
            except ValidationError as error:
                show_validation_error(form, error, "file")
            else:
                messages.success(
                    request,
                    _("The questionnaire is defined from the data dictionary, with its wording."),
                )
                return redirect("measures:setup")
    return render(
        request,
        "measures/upload.html",
        {
            "form": form,
            "title": _("Define a questionnaire from a REDCap data dictionary"),
            "multipart": True,
        },
    )
