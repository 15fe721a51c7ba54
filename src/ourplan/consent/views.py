"""Sharing, crisis sharing, supporters' contributions and carers' own needs. Thin views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.accounts.models import Role
from ourplan.consent import access, audit_words, forms, queries, services
from ourplan.consent.parts import ALL_PARTS, ordered
from ourplan.core import audit
from ourplan.core.forms import show_validation_error
from ourplan.core.refusal import refuse_unless
from ourplan.core.submissions import once_per_submission
from ourplan.people import access as people_access
from ourplan.people.models import Person, Supporter
from ourplan.plans.pdf import pdf_response


def _is_person(request: HttpRequest) -> bool:
    return getattr(request.user, "role", "") == Role.SERVICE_USER


@login_required
@require_GET
def sharing(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Who is in the person's life, what each can see, and what each has viewed."""
    person = access.access_sharing(request.user, person_id)
    is_person = _is_person(request)
    network = queries.network_for(person)
    now = timezone.now()
    profiles = queries.shared_carer_needs(person) if is_person else {}
    with_logins = queries.supporters_with_logins(person)
    views_filter = forms.SupporterViewsFilterForm(data=request.GET, supporters=with_logins)
    chosen = views_filter.chosen_supporter()
    views_page, views_days = queries.supporter_views(
        person,
        supporters=[chosen] if chosen else with_logins,
        page_number=request.GET.get("page"),
    )
    context = {
        "person": person,
        "is_person": is_person,
        "network": network,
        "shared_needs": [
            (row.supporter, profiles[row.supporter.pk])
            for row in network
            if row.supporter.pk in profiles
        ],
        "views_filter": views_filter if len(with_logins) > 1 else None,
        "views_page": views_page,
        "views_days": audit_words.supporter_view_days(views_days, with_logins),
        "crisis_active": access.active_crisis_sharing(person, now),
        "crisis_history": queries.crisis_history(person)[:10],
        "disclosures": queries.crisis_disclosures(person)[:200],
        "contributions": (
            queries.contributions_for_person(person)
            if is_person
            else queries.contributions_for_staff(person)
        ),
        "revisits": queries.revisits_due_for_person(person, timezone.localdate()),
        "can_change": access.can_change_sharing(request.user, person),
        "can_switch_crisis": access.can_switch_crisis_sharing(request.user, person),
        "can_respond": access.can_respond_to_contributions(request.user, person),
    }
    return render(request, "consent/sharing.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, person_id: Any, supporter_id: Any) -> HttpResponse:
    """The person chooses, part by part, what one supporter sees."""
    supporter = access.access_supporter_to_share_with(
        request.user, person_id, supporter_id, audit_read=request.method == "GET"
    )
    person = supporter.person
    current = queries.current_agreement(supporter)
    is_person = _is_person(request)
    initial = (
        {
            "parts": current.parts,
            "crisis_parts": current.crisis_parts,
            "ends_on": current.ends_on,
            "capacity_note": current.capacity_note,
        }
        if current
        else {}
    )
    form = forms.AgreementForm(data=request.POST or None, initial=initial, is_person=is_person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_set(
                actor=request.user,
                person=person,
                supporter=supporter,
                parts=data["parts"],
                crisis_parts=data["crisis_parts"],
                ends_on=data["ends_on"],
                recorded_how=data.get("recorded_how") or "",
                capacity_note=data.get("capacity_note") or "",
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Saved. %(name)s sees only what you chose.") % {"name": supporter.full_name},
            )
            return redirect("consent:sharing", person_id=person.pk)
    return render(
        request,
        "consent/agreement_form.html",
        {
            "person": person,
            "supporter": supporter,
            "form": form,
            "current": current,
            "is_person": is_person,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def agreement_stop(request: HttpRequest, person_id: Any, agreement_id: Any) -> HttpResponse:
    """Stop sharing with a supporter. It takes effect on their next request."""
    agreement = access.access_agreement(request.user, person_id, agreement_id)
    person = agreement.person
    if services.agreement_revoke(actor=request.user, agreement=agreement):
        messages.success(
            request,
            _("Sharing with %(name)s has stopped. They now see nothing of your record.")
            % {"name": agreement.supporter.full_name},
        )
    else:
        messages.info(request, _("Sharing had already stopped."))
    return redirect("consent:sharing", person_id=person.pk)


@login_required
@require_POST
def agreement_confirm(request: HttpRequest, person_id: Any, agreement_id: Any) -> HttpResponse:
    """The agreement was looked at again and stays as it is."""
    agreement = access.access_agreement(request.user, person_id, agreement_id)
    person = agreement.person
    try:
        services.agreement_confirm(actor=request.user, agreement=agreement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Checked. It stays as it is."))
    return redirect("consent:sharing", person_id=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def crisis_sharing(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Staff switch on the person's advance crisis agreement, with a reason, for a limited time."""
    # A GET is the read; a POST is audited as the change it makes.
    person = access.access_crisis_agreements(
        request.user, person_id, audit_read=request.method == "GET"
    )
    return _crisis_sharing(request, person)


@once_per_submission
def _crisis_sharing(request: HttpRequest, person: Person) -> HttpResponse:
    form = forms.CrisisSharingForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.crisis_sharing_start(
                actor=request.user,
                person=person,
                reason=form.cleaned_data["reason"],
                hours=form.cleaned_data["hours"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Crisis sharing is on. Everything seen is logged."))
            return redirect("consent:sharing", person_id=person.pk)
    network = queries.network_for(person)
    return render(
        request,
        "consent/crisis_sharing.html",
        {
            "person": person,
            "form": form,
            "network": network,
            "active": access.active_crisis_sharing(person, timezone.now()),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def crisis_sharing_end(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = access.access_crisis_agreements(request.user, person_id, audit_read=False)
    active = access.active_crisis_sharing(person, timezone.now())
    if active is not None and services.crisis_sharing_end(actor=request.user, crisis=active):
        messages.success(request, _("Crisis sharing is off."))
    else:
        messages.info(request, _("Crisis sharing was not on."))
    return redirect("consent:sharing", person_id=person.pk)


@login_required
@require_GET
def contributions(request: HttpRequest, person_id: Any) -> HttpResponse:
    """What supporters have sent to the team, with replies and acknowledgements."""
    person = access.access_contributions(request.user, person_id)
    return render(
        request,
        "consent/contributions.html",
        {
            "person": person,
            "contributions": queries.contributions_for_staff(person),
            "form": forms.RespondForm(),
            "policy": queries.contribution_policy(person),
        },
    )


@login_required
@require_POST
def contribution_respond(
    request: HttpRequest, person_id: Any, contribution_id: Any
) -> HttpResponse:
    contribution = access.access_contribution(request.user, person_id, contribution_id)
    person = contribution.person
    form = forms.RespondForm(data=request.POST)
    if form.is_valid():
        services.contribution_respond(
            actor=request.user, contribution=contribution, reply=form.cleaned_data["reply"]
        )
        messages.success(request, _("Acknowledged. The supporter can see this."))
    else:
        messages.error(request, _("The reply is too long."))
    return redirect("consent:contributions", person_id=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def carer_support(request: HttpRequest, person_id: Any, supporter_id: Any) -> HttpResponse:
    """Staff see a carer's own needs and record the support offered to them."""
    supporter = access.access_carer_support(
        request.user, person_id, supporter_id, audit_read=request.method == "GET"
    )
    person = supporter.person
    profile = queries.carer_profile_of(supporter)
    initial = (
        {
            "assessment_offered_on": profile.assessment_offered_on,
            "assessment_outcome": profile.assessment_outcome,
            "information_given": profile.information_given,
            "signposting": profile.signposting,
        }
        if profile
        else {}
    )
    form = forms.CarerSupportForm(data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.carer_support_update(
                actor=request.user, supporter=supporter, **form.cleaned_data
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("consent:carer_support", person_id=person.pk, supporter_id=supporter.pk)
    return render(
        request,
        "consent/carer_support.html",
        {
            "person": person,
            "supporter": supporter,
            "profile": profile,
            "check_ins": queries.recent_check_ins(supporter),
            "form": form,
        },
    )


@login_required
@require_GET
def revisits_due(request: HttpRequest) -> HttpResponse:
    """Sharing agreements on the team's caseload that are due to be looked at again."""
    refuse_unless(access.can_view_revisits_due(request.user), "consent:revisits_due")
    staff = people_access.staff_member_of(request.user)
    due = list(queries.revisits_due(staff.team_id if staff else None, timezone.localdate()))
    audit.record_listed(
        request.user, object_type="sharing_revisits", people=list({a.person for a in due})
    )
    return render(request, "consent/revisits_due.html", {"due": due, "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def contribute(request: HttpRequest) -> HttpResponse:
    """A supporter sends information or a concern to the team. Always possible."""
    supporter = access.access_contributing_supporter(request.user, page="consent:contribute")
    return _contribute(request, supporter)


@once_per_submission
def _contribute(request: HttpRequest, supporter: Supporter) -> HttpResponse:
    policy = queries.contribution_policy(supporter.person)
    form = forms.ContributionForm(data=request.POST or None, initial={"policy_shown": policy})
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_send(actor=request.user, supporter=supporter, **form.cleaned_data)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Sent. The team will read it and let you know."))
            return redirect("consent:supporter_home")
    return render(
        request,
        "consent/contribute.html",
        {
            "supporter": supporter,
            "form": form,
            "called": supporter.person.called,
            "policy": policy,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_needs(request: HttpRequest) -> HttpResponse:
    """A carer's own needs and wellbeing: seen by them and staff, by the person only if shared."""
    supporter = access.access_contributing_supporter(request.user, page="consent:my_needs")
    profile = queries.carer_profile_of(supporter)
    form = forms.CarerNeedsForm(
        data=request.POST or None,
        initial={"own_needs": profile.own_needs, "shared_with_person": profile.shared_with_person}
        if profile
        else {},
    )
    if request.method == "POST" and form.is_valid():
        services.carer_needs_update(actor=request.user, supporter=supporter, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("consent:my_needs")
    return render(
        request,
        "consent/my_needs.html",
        {
            "supporter": supporter,
            "profile": profile,
            "form": form,
            "check_in_form": forms.CheckInForm(),
            "check_ins": queries.recent_check_ins(supporter),
        },
    )


@login_required
@require_POST
def check_in(request: HttpRequest) -> HttpResponse:
    supporter = access.access_contributing_supporter(request.user, page="consent:check_in")
    return _check_in(request, supporter)


@once_per_submission
def _check_in(request: HttpRequest, supporter: Supporter) -> HttpResponse:
    form = forms.CheckInForm(data=request.POST)
    if form.is_valid():
        services.wellbeing_check_in(actor=request.user, supporter=supporter, **form.cleaned_data)
        messages.success(request, _("Thank you. Your check-in is saved."))
    else:
        messages.error(request, _("Choose how you are doing, from 1 to 5."))
    return redirect("consent:my_needs")


def _shared_view_context(view: access.SharedView) -> dict[str, Any]:
    """What a supporter is shown now. Parts outside the agreement are never even loaded."""
    supporter, sharing = view.supporter, view.sharing
    person = supporter.person
    if sharing.crisis is not None and sharing.by_crisis:
        services.disclosures_record(
            crisis=sharing.crisis, supporter=supporter, parts=sharing.by_crisis
        )
    return {
        "supporter": supporter,
        "person": person,
        "called": person.called,
        "sharing": sharing,
        "parts": sharing.parts,
        "shared": ordered(sharing.parts),
        "not_shared": ordered(ALL_PARTS - sharing.parts),
        "content": queries.shared_content(person, sharing.parts),
        "lines": list(person.organisation.crisis_lines.all()),
    }


@login_required
@require_GET
def supporter_home(request: HttpRequest) -> HttpResponse:
    """What the person shares with this supporter, crisis help, their messages and their own needs."""
    view = access.access_shared_view(request.user, page="consent:supporter_home")
    context = _shared_view_context(view)
    context["contributions"] = queries.contributions_for_supporter(view.supporter)
    return render(request, "consent/supporter_home.html", context)


@login_required
@require_GET
def shared_pdf(request: HttpRequest) -> HttpResponse:
    """The parts shared with this supporter, printable. Nothing else is ever in it."""
    view = access.access_shared_view(request.user, page="consent:shared_pdf", printed=True)
    context = _shared_view_context(view)
    context |= {"generated_on": timezone.localdate(), "for_pdf": True}
    return pdf_response(
        render_to_string("consent/shared_copy.html", context, request=request), "shared-plan.pdf"
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_policy(request: HttpRequest) -> HttpResponse:
    """An administrator documents whether people see what their supporters send."""
    organisation = access.access_organisation_for_contribution_policy(request.user)
    current = queries.contribution_policy_record(organisation.pk)
    form = forms.ContributionPolicyForm(
        data=request.POST or None,
        initial={"person_sees_contributions": queries.contribution_policy_of(organisation.pk)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_policy_set(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Policy saved. Supporters are told it from now on."))
            return redirect("people:organisation")
    return render(
        request,
        "consent/contribution_policy.html",
        {
            "organisation": organisation,
            "form": form,
            "current": current,
            "history": queries.contribution_policy_history(organisation.pk),
        },
        status=400 if request.method == "POST" else 200,
    )
