"""Caseloads, person pages, supporters, allocation and invitations. Thin: access, service, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.accounts.services import invitation_create
from ourplan.core import audit
from ourplan.core.forms import show_validation_error
from ourplan.people import access, queries, services
from ourplan.people.forms import (
    CoordinatorChangeForm,
    NewPersonForm,
    PersonForm,
    SearchForm,
    SelfDetailsForm,
    SupporterForm,
)
from ourplan.people.models import CareTeamMembership, Person, StaffMember, Supporter

PAGE_SIZE = 50


def _person_or_404(
    request: HttpRequest,
    person_id: Any,
    rule: Callable[[Any, Person], bool] = access.can_view_person,
) -> Person:
    """Fetch a person only if this user may act on them; otherwise a 403 that reveals nothing."""
    person = Person.objects.select_related("team", "organisation").filter(pk=person_id).first()
    if person is None or not rule(request.user, person):
        if person is not None:
            audit.record(
                actor=request.user, action="denied", object_type="person", object_id=person_id
            )
        raise PermissionDenied
    return person


@login_required
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    if not access.can_view_caseload(request.user):
        raise PermissionDenied
    form = SearchForm(data=request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    only_mine = form.is_valid() and form.cleaned_data["mine"]
    me = access.staff_member_of(request.user)
    people = queries.caseload(
        access.visible_people(request.user), search=search, coordinator=me if only_mine else None
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_listed(request.user, object_type="caseload", people=list(page.object_list))
    template = "people/_caseload_results.html" if request.htmx else "people/caseload.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "search": search,
            "only_mine": only_mine,
            "team": me.team if me else None,
            "can_create": access.can_create_person(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    if not access.can_create_person(request.user):
        raise PermissionDenied
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
    person = _person_or_404(request, person_id)
    if request.user.role == "service_user":  # type: ignore[union-attr]
        return redirect("people:my_home")
    history = queries.coordinator_history(person)
    today = timezone.localdate()
    audit.record_read(request.user, object_type="person", object_id=person.pk, person=person)
    context = {
        "person": person,
        "age": person.age_on(today),
        "supporters": person.supporters.filter(ended_at__isnull=True),
        "care_team": CareTeamMembership.objects.filter(
            person=person, ended_on__isnull=True
        ).select_related("staff__user"),
        "coordinator_history": history,
        "current_coordinator": next((m for m in history if m.ended_on is None), None),
        "continuity": queries.continuity_for(history, today),
        "can_edit": access.can_edit_person(request.user, person),
        "can_invite": access.can_invite(request.user, person),
        "invitation_link": request.session.pop("ourplan_invitation_link", None),
        "open_contributions": person.contributions.filter(acknowledged_at__isnull=True).count(),
    }
    return render(request, "people/person_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: str) -> HttpResponse:
    person = _person_or_404(request, person_id, access.can_edit_person)
    form = PersonForm(data=request.POST or None, instance=Person.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.person_update(actor=request.user, person=person, fields=changed)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Details saved."))
            return redirect("people:person", person_id=person.pk)
    else:
        audit.record_read(request.user, object_type="person", object_id=person.pk, person=person)
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
    person = _person_or_404(request, person_id, access.can_edit_person)
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
@require_http_methods(["GET", "POST"])
def coordinator_change(request: HttpRequest, person_id: str) -> HttpResponse:
    person = _person_or_404(request, person_id, access.can_change_coordinator)
    form = CoordinatorChangeForm(data=request.POST or None, team=person.team)
    if request.method == "POST" and form.is_valid():
        try:
            services.coordinator_change(
                actor=request.user,
                person=person,
                coordinator=form.cleaned_data["coordinator"],
                on=form.cleaned_data["started_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Care coordinator updated."))
            return redirect("people:person", person_id=person.pk)
    else:
        audit.record_read(request.user, object_type="care_team", object_id=person.pk, person=person)
    return render(
        request,
        "people/coordinator_form.html",
        {"form": form, "person": person, "history": queries.coordinator_history(person)},
    )


@login_required
@require_POST
def invite(request: HttpRequest, person_id: str) -> HttpResponse:
    """Issue an invitation link for the person, or for one of their supporters."""
    person = _person_or_404(request, person_id, access.can_invite)
    supporter_id = request.POST.get("supporter")
    supporter = None
    if supporter_id:
        supporter = (
            Supporter.objects.filter(pk=supporter_id, person=person, ended_at__isnull=True).first()
            if _is_uuid(supporter_id)
            else None
        )
        if supporter is None:
            raise PermissionDenied
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


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
@require_GET
def my_home(request: HttpRequest) -> HttpResponse:
    """The person's own home: their details, their care coordinator and the people in their life."""
    person = queries.person_for_user(request.user)
    if person is None or not access.can_view_person(request.user, person):
        raise PermissionDenied
    history = queries.coordinator_history(person)
    audit.record_read(request.user, object_type="person", object_id=person.pk, person=person)
    return render(
        request,
        "people/my_home.html",
        {
            "person": person,
            "coordinator": next((m for m in history if m.ended_on is None), None),
            "supporters": person.supporters.filter(ended_at__isnull=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_details(request: HttpRequest) -> HttpResponse:
    person = queries.person_for_user(request.user)
    if person is None or not access.can_edit_own_details(request.user, person):
        raise PermissionDenied
    form = SelfDetailsForm(data=request.POST or None, instance=Person.objects.get(pk=person.pk))
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
    else:
        audit.record_read(request.user, object_type="person", object_id=person.pk, person=person)
    return render(request, "people/my_details.html", {"form": form, "person": person})


@login_required
@require_GET
def supporter_home(request: HttpRequest) -> HttpResponse:
    """What the person shares with this supporter, crisis help, their messages and their own needs."""
    from ourplan.consent.queries import contributions_for_supporter
    from ourplan.consent.views import supporter_view

    supporter = queries.supporter_for_user(request.user)
    if supporter is None or not access.can_view_supporter_account(request.user, supporter):
        raise PermissionDenied
    context = supporter_view(request, supporter, what="supporter_home")
    context["contributions"] = contributions_for_supporter(supporter)
    return render(request, "people/supporter_home.html", context)


@login_required
@require_GET
def team_overview(request: HttpRequest) -> HttpResponse:
    if not access.can_view_team_overview(request.user):
        raise PermissionDenied
    me = access.staff_member_of(request.user)
    assert me is not None and me.team_id is not None
    team_people = Person.objects.filter(team_id=me.team_id, restricted_at__isnull=True)
    year_ago = timezone.localdate() - timedelta(days=365)
    total = team_people.count()
    with_current = (
        team_people.filter(care_team__is_coordinator=True, care_team__ended_on__isnull=True)
        .distinct()
        .count()
    )
    changed = (
        team_people.filter(care_team__is_coordinator=True, care_team__ended_on__gt=year_ago)
        .distinct()
        .count()
    )
    context = {
        "team": me.team,
        "total": total,
        "unallocated": total - with_current,
        "changed_last_year": changed,
        "coordinators": queries.team_coordinator_loads(me.team_id),
    }
    return render(request, "people/team_overview.html", context)


@login_required
@require_GET
def organisation(request: HttpRequest) -> HttpResponse:
    if not access.can_view_organisation_settings(request.user):
        raise PermissionDenied
    me = access.staff_member_of(request.user)
    assert me is not None
    org = me.organisation
    teams = org.teams.annotate(
        staff_count=Count("staff", distinct=True), people_count=Count("caseload", distinct=True)
    )
    staff = StaffMember.objects.filter(organisation=org).select_related("user", "team")
    from ourplan.consent.models import ContributionVisibility  # consent builds on people
    from ourplan.consent.queries import contribution_policy_of

    policy_label = ContributionVisibility(contribution_policy_of(org.pk)).label
    return render(
        request,
        "people/organisation.html",
        {
            "organisation": org,
            "teams": teams,
            "staff": staff,
            "crisis_lines": org.crisis_lines.all(),
            "contribution_policy_label": policy_label,
        },
    )
