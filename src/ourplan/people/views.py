"""Caseloads, person pages, supporters and invitations. Thin: access, service, render.

Naming a care coordinator, with the handover it needs, is care coordination's page
(``ourplan.coordination``), reached from the section it adds to the person's page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.accounts.models import Role
from ourplan.accounts.services import invitation_create
from ourplan.core import audit
from ourplan.core.forms import show_validation_error
from ourplan.core.refusal import refuse_unless
from ourplan.core.submissions import once_per_submission
from ourplan.people import access, extensions, queries, services
from ourplan.people.forms import (
    CrisisLineForm,
    NewPersonForm,
    PersonForm,
    SearchForm,
    SelfDetailsForm,
    StaffForm,
    SupporterForm,
    TeamForm,
)

PAGE_SIZE = 50


@login_required
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    refuse_unless(access.can_view_caseload(request.user), "people:caseload")
    form = SearchForm(data=request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    only_mine = form.is_valid() and form.cleaned_data["mine"]
    me = access.staff_member_of(request.user)
    people = queries.caseload(
        access.visible_people(request.user), search=search, coordinator=me if only_mine else None
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    audit.record_listed(request.user, object_type="caseload", people=shown)
    # What the apps built on people say needs doing for each person shown (one call per app).
    flags = extensions.caseload_flags(shown, timezone.localdate())
    rows = [(person, flags.get(person.pk, [])) for person in shown]
    template = "people/_caseload_results.html" if request.htmx else "people/caseload.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": rows,
            "show_flags": extensions.has_caseload_flags(),
            "search": search,
            "only_mine": only_mine,
            "team": me.team if me else None,
            "can_create": access.can_create_person(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    refuse_unless(access.can_create_person(request.user), "people:person_new")
    me = access.staff_member_of(request.user)
    assert me is not None and me.team is not None
    form = NewPersonForm(data=request.POST or None, team=me.team)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.PERSON_EDITABLE_FIELDS}
        try:
            person = services.person_create(
                actor=request.user,
                team=me.team,
                coordinator=form.cleaned_data["coordinator"],
                **fields,
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(
                request, _("%(name)s has been added to the caseload.") % {"name": person.full_name}
            )
            return redirect("people:person", person_id=person.pk)
    return render(request, "people/person_form.html", {"form": form, "title": _("Add a person")})


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
    is_the_person = getattr(request.user, "role", None) == Role.SERVICE_USER
    # The person is sent to their own home page, which writes the read; the redirect shows nothing.
    person = access.access_person(request.user, person_id, audit_read=not is_the_person)
    if is_the_person:
        return redirect("people:my_home")
    history = queries.coordinator_history(person)
    today = timezone.localdate()
    context = {
        "person": person,
        "age": person.age_on(today),
        "supporters": queries.current_supporters(person),
        "care_team": queries.current_care_team(person),
        "coordinator_history": history,
        "current_coordinator": next((m for m in history if m.ended_on is None), None),
        "continuity": queries.continuity_for(history, today),
        "can_edit": access.can_edit_person(request.user, person),
        "can_invite": access.can_invite(request.user, person),
        "invitation_link": request.session.pop("ourplan_invitation_link", None),
        "sections": extensions.sections("person", request, person),
    }
    return render(request, "people/person_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: str) -> HttpResponse:
    person = access.access_person(
        request.user,
        person_id,
        rule=access.can_edit_person,
        audit_read=request.method == "GET",
    )
    form = PersonForm(data=request.POST or None, instance=queries.person_to_edit(person))
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.person_update(actor=request.user, person=person, fields=changed)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Details saved."))
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Change %(name)s's details") % {"name": person.called},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def supporter_new(request: HttpRequest, person_id: str) -> HttpResponse:
    person = access.access_person(
        request.user,
        person_id,
        rule=access.can_edit_person,
        audit_read=request.method == "GET",
    )
    form = SupporterForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.supporter_create(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Supporter added."))
            return redirect("people:person", person_id=person.pk)
    return render(request, "people/supporter_form.html", {"form": form, "person": person})


@login_required
@require_POST
def invite(request: HttpRequest, person_id: str) -> HttpResponse:
    """Issue an invitation link for the person, or for one of their supporters."""
    supporter_id = request.POST.get("supporter")
    supporter = (
        access.access_supporter(
            request.user, person_id, supporter_id, rule=access.can_invite, audit_read=False
        )
        if supporter_id
        else None
    )
    person = (
        supporter.person
        if supporter
        else access.access_person(request.user, person_id, rule=access.can_invite, audit_read=False)
    )
    try:
        issued = invitation_create(
            actor=request.user, person=None if supporter else person, supporter=supporter
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:person", person_id=person.pk)
    link = request.build_absolute_uri(
        reverse("accounts:accept_invitation", kwargs={"token": issued.token})
    )
    # Shown once on the next page and never stored: only its hash is kept.
    request.session["ourplan_invitation_link"] = {
        "link": link,
        "for": (supporter or person).full_name,
        "expires": issued.invitation.expires_at.isoformat(),
    }
    return redirect("people:person", person_id=person.pk)


@login_required
@require_GET
def my_home(request: HttpRequest) -> HttpResponse:
    """The person's own home: their details, their care coordinator and the people in their life."""
    person = access.access_own_person(request.user, page="people:my_home")
    history = queries.coordinator_history(person)
    return render(
        request,
        "people/my_home.html",
        {
            "person": person,
            "coordinator": next((m for m in history if m.ended_on is None), None),
            "supporters": queries.current_supporters(person),
            "sections": extensions.sections("my_home", request, person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_details(request: HttpRequest) -> HttpResponse:
    person = access.access_own_person(
        request.user,
        page="people:my_details",
        rule=access.can_edit_own_details,
        audit_read=request.method == "GET",
    )
    form = SelfDetailsForm(data=request.POST or None, instance=queries.person_to_edit(person))
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.person_update(
                actor=request.user,
                person=person,
                fields=changed,
                allowed=services.PERSON_SELF_EDITABLE_FIELDS,
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("people:my_home")
    return render(request, "people/my_details.html", {"form": form, "person": person})


@login_required
@require_GET
def team_overview(request: HttpRequest) -> HttpResponse:
    refuse_unless(access.can_view_team_overview(request.user), "people:team_overview")
    me = access.staff_member_of(request.user)
    assert me is not None and me.team_id is not None
    figures = queries.team_figures(me.team_id, timezone.localdate())
    context = {
        "team": me.team,
        "total": figures.total,
        "unallocated": figures.unallocated,
        "changed_last_year": figures.changed_last_year,
        "coordinators": queries.team_coordinator_loads(me.team_id),
        "sections": extensions.sections("team_overview", request, me.team),
    }
    return render(request, "people/team_overview.html", context)


@login_required
@require_GET
def organisation(request: HttpRequest) -> HttpResponse:
    refuse_unless(access.can_view_organisation_settings(request.user), "people:organisation")
    me = access.staff_member_of(request.user)
    assert me is not None
    org = me.organisation
    # Sections from the apps built on people (the contribution policy) are template tags.
    return render(
        request,
        "people/organisation.html",
        {
            "organisation": org,
            "teams": queries.organisation_teams(org),
            "staff": queries.organisation_staff(org),
            "crisis_lines": org.crisis_lines.all(),
            "sections": extensions.sections("organisation", request, org),
        },
    )


# --- Administration: the organisation's teams, staff and crisis lines ---------------------------


@login_required
@require_http_methods(["GET", "POST"])
def team_new(request: HttpRequest) -> HttpResponse:
    organisation = access.access_administered_organisation(request.user, page="people:team_new")
    return _team_form(request, organisation, None)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    team = access.access_team_to_administer(request.user, team_id)
    return _team_form(request, team.organisation, team)


@once_per_submission
def _team_form(request: HttpRequest, organisation: Any, team: Any) -> HttpResponse:
    form = TeamForm(data=request.POST or None, initial={"name": team.name if team else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_save(
                actor=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                team=team,
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Team saved."))
            return redirect("people:organisation")
    title = _("Rename the team") if team else _("Add a team")
    return render(
        request,
        "form_page.html",
        {"form": form, "title": title, "back": reverse("people:organisation")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, staff_id: int) -> HttpResponse:
    """An administrator changes a member of staff's role, team and profession."""
    staff = access.access_staff_to_administer(request.user, staff_id)
    form = StaffForm(
        data=request.POST or None,
        organisation=staff.organisation,
        initial={"role": staff.user.role, "team": staff.team, "profession": staff.profession},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(
                actor=request.user,
                staff=staff,
                role=form.cleaned_data["role"],
                team=form.cleaned_data["team"],
                profession=form.cleaned_data["profession"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:organisation")
    return render(
        request,
        "people/staff_form.html",
        {"form": form, "staff": staff, "title": staff.user.display_name},
    )


@login_required
@require_POST
def staff_deactivate(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = access.access_staff_to_administer(request.user, staff_id)
    try:
        services.staff_deactivate(actor=request.user, staff=staff)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s can no longer log in; their sessions have ended.")
            % {"name": staff.user.display_name},
        )
    return redirect("people:organisation")


@login_required
@require_http_methods(["GET", "POST"])
def crisis_line_new(request: HttpRequest) -> HttpResponse:
    organisation = access.access_administered_organisation(
        request.user, page="people:crisis_line_new"
    )
    return _crisis_line_form(request, organisation, None)


@login_required
@require_http_methods(["GET", "POST"])
def crisis_line_edit(request: HttpRequest, line_id: int) -> HttpResponse:
    line = access.access_crisis_line_to_administer(request.user, line_id)
    return _crisis_line_form(request, line.organisation, line)


@once_per_submission
def _crisis_line_form(request: HttpRequest, organisation: Any, line: Any) -> HttpResponse:
    form = CrisisLineForm(data=request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ("label", "phone", "hours", "position")}
        try:
            services.crisis_line_save(
                actor=request.user, organisation=organisation, fields=fields, line=line
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Crisis number saved."))
            return redirect("people:organisation")
    title = _("Change a crisis number") if line else _("Add a crisis number")
    return render(
        request,
        "form_page.html",
        {"form": form, "title": title, "back": reverse("people:organisation")},
    )


@login_required
@require_POST
def crisis_line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    line = access.access_crisis_line_to_administer(request.user, line_id)
    services.crisis_line_remove(actor=request.user, line=line)
    messages.success(request, _("Crisis number removed."))
    return redirect("people:organisation")
