"""Sharing, crisis sharing, supporters' contributions and carers' own needs. Thin views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.accounts.models import Role
from ourplan.consent import access, forms, queries, services
from ourplan.consent.models import CarerProfile, Contribution, SharingAgreement
from ourplan.consent.parts import ALL_PARTS, ordered
from ourplan.core import audit
from ourplan.core.forms import show_validation_error
from ourplan.core.models import AuditAction
from ourplan.people import access as people_access
from ourplan.people.models import Person, Supporter
from ourplan.plans.pdf import pdf_response

Rule = Callable[[Any, Person], bool]


def _person(request: HttpRequest, person_id: Any, rule: Rule) -> Person:
    """The person, if this user passes ``rule``; otherwise refuse without saying whether they exist."""
    person = Person.objects.select_related("organisation", "team").filter(pk=person_id).first()
    if person is None or not rule(request.user, person):
        audit.record(
            actor=request.user,
            action=AuditAction.DENIED,
            object_type="sharing",
            object_id=person_id,
        )
        raise PermissionDenied
    return person


def _refuse(request: HttpRequest, what: str, object_id: Any) -> PermissionDenied:
    audit.record(
        actor=request.user, action=AuditAction.DENIED, object_type=what, object_id=object_id
    )
    return PermissionDenied()


def _is_person(request: HttpRequest) -> bool:
    return getattr(request.user, "role", "") == Role.SERVICE_USER


@login_required
@require_GET
def sharing(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Who is in the person's life, what each can see, and what each has viewed."""
    person = _person(request, person_id, access.can_view_sharing)
    is_person = _is_person(request)
    network = queries.network_for(person)
    now = timezone.now()
    profiles = {
        p.supporter_id: p
        for p in CarerProfile.objects.filter(supporter__person=person, shared_with_person=True)
    }
    context = {
        "person": person,
        "is_person": is_person,
        "network": network,
        "shared_needs": [
            (row.supporter, profiles[row.supporter.pk])
            for row in network
            if row.supporter.pk in profiles and is_person
        ],
        "reads": queries.supporter_reads(person),
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
    audit.record_read(request.user, object_type="sharing", object_id=person.pk, person=person)
    return render(request, "consent/sharing.html", context)


def _supporter_of(request: HttpRequest, person: Person, supporter_id: Any) -> Supporter:
    supporter = Supporter.objects.filter(
        pk=supporter_id, person=person, ended_at__isnull=True
    ).first()
    if supporter is None:
        raise _refuse(request, "supporter", supporter_id)
    return supporter


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, person_id: Any, supporter_id: Any) -> HttpResponse:
    """The person chooses, part by part, what one supporter sees."""
    person = _person(request, person_id, access.can_change_sharing)
    supporter = _supporter_of(request, person, supporter_id)
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


def _agreement_of(request: HttpRequest, person: Person, agreement_id: Any) -> SharingAgreement:
    agreement = (
        SharingAgreement.objects.select_related("supporter", "person")
        .filter(pk=agreement_id, person=person)
        .first()
    )
    if agreement is None:
        raise _refuse(request, "sharing_agreement", agreement_id)
    return agreement


@login_required
@require_POST
def agreement_stop(request: HttpRequest, person_id: Any, agreement_id: Any) -> HttpResponse:
    """Stop sharing with a supporter. It takes effect on their next request."""
    person = _person(request, person_id, access.can_change_sharing)
    agreement = _agreement_of(request, person, agreement_id)
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
    person = _person(request, person_id, access.can_change_sharing)
    agreement = _agreement_of(request, person, agreement_id)
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
    person = _person(request, person_id, access.can_switch_crisis_sharing)
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
    audit.record_read(
        request.user, object_type="crisis_sharing", object_id=person.pk, person=person
    )
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
    person = _person(request, person_id, access.can_switch_crisis_sharing)
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
    person = _person(request, person_id, access.can_respond_to_contributions)
    audit.record_read(request.user, object_type="contributions", object_id=person.pk, person=person)
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
    person = _person(request, person_id, access.can_respond_to_contributions)
    contribution = Contribution.objects.filter(pk=contribution_id, person=person).first()
    if contribution is None:
        raise _refuse(request, "contribution", contribution_id)
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
    person = _person(request, person_id, access.can_respond_to_contributions)
    supporter = _supporter_of(request, person, supporter_id)
    if not access.can_view_carer_profile(request.user, supporter):
        raise _refuse(request, "carer_profile", supporter.pk)
    profile = CarerProfile.objects.filter(supporter=supporter).first()
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
    audit.record_read(
        request.user, object_type="carer_profile", object_id=supporter.pk, person=None
    )
    return render(
        request,
        "consent/carer_support.html",
        {
            "person": person,
            "supporter": supporter,
            "profile": profile,
            "check_ins": supporter.wellbeing_check_ins.all()[:20],
            "form": form,
        },
    )


@login_required
@require_GET
def revisits_due(request: HttpRequest) -> HttpResponse:
    """Sharing agreements on the team's caseload that are due to be looked at again."""
    if not access.can_view_revisits_due(request.user):
        raise _refuse(request, "revisits_due", "")
    staff = people_access.staff_member_of(request.user)
    due = list(queries.revisits_due(staff.team_id if staff else None, timezone.localdate()))
    audit.record_listed(
        request.user, object_type="sharing_revisits", people=list({a.person for a in due})
    )
    return render(request, "consent/revisits_due.html", {"due": due, "today": timezone.localdate()})


def _supporter(request: HttpRequest) -> Supporter:
    supporter = access.contributing_supporter(request.user)
    if supporter is None:
        raise _refuse(request, "supporter", "")
    return supporter


@login_required
@require_http_methods(["GET", "POST"])
def contribute(request: HttpRequest) -> HttpResponse:
    """A supporter sends information or a concern to the team. Always possible."""
    supporter = _supporter(request)
    policy = queries.contribution_policy(supporter.person)
    form = forms.ContributionForm(data=request.POST or None, initial={"policy_shown": policy})
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_send(actor=request.user, supporter=supporter, **form.cleaned_data)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Sent. The team will read it and let you know."))
            return redirect("people:supporter_home")
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
    supporter = _supporter(request)
    profile = CarerProfile.objects.filter(supporter=supporter).first()
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
            "check_ins": supporter.wellbeing_check_ins.all()[:20],
        },
    )


@login_required
@require_POST
def check_in(request: HttpRequest) -> HttpResponse:
    supporter = _supporter(request)
    form = forms.CheckInForm(data=request.POST)
    if form.is_valid():
        services.wellbeing_check_in(actor=request.user, supporter=supporter, **form.cleaned_data)
        messages.success(request, _("Thank you. Your check-in is saved."))
    else:
        messages.error(request, _("Choose how you are doing, from 1 to 5."))
    return redirect("consent:my_needs")


def supporter_view(request: HttpRequest, supporter: Supporter, *, what: str) -> dict[str, Any]:
    """What a supporter may see now, audited part by part. Every supporter read goes through here."""
    person = supporter.person
    sharing = access.sharing_for(request.user, person)
    content = queries.shared_content(person, sharing.parts)
    ids = queries.object_ids(content)
    for part in ordered(sharing.parts):
        audit.record_read(
            request.user,
            object_type=f"{what}:{part}",
            object_id=ids.get(str(part), person.pk),
            person=person,
        )
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
        "content": content,
        "lines": list(person.organisation.crisis_lines.all()),
    }


@login_required
@require_GET
def shared_pdf(request: HttpRequest) -> HttpResponse:
    """The parts shared with this supporter, printable. Nothing else is ever in it."""
    supporter = _supporter(request)
    if not access.sharing_for(request.user, supporter.person).parts:
        raise _refuse(request, "shared_copy", supporter.pk)
    context = supporter_view(request, supporter, what="shared_copy")
    context |= {"generated_on": timezone.localdate(), "for_pdf": True}
    return pdf_response(
        render_to_string("consent/shared_copy.html", context, request=request), "shared-plan.pdf"
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_policy(request: HttpRequest) -> HttpResponse:
    """An administrator documents whether people see what their supporters send."""
    organisation = access.organisation_for_contribution_policy(request.user)
    if organisation is None:
        raise PermissionDenied
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
