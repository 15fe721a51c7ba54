"""Care coordination's pieces of the people app's pages, registered with ``people.extensions``.

People sits below coordination and never imports it, so the caseload's "What needs doing"
column, and the sections on the person's page, the person's own home and the team page,
are rendered here. Each is read in a fixed number of queries (``queries.people_rows``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ourplan.coordination import access, queries
from ourplan.coordination.forms import ContactForm
from ourplan.people.extensions import CaseloadFlag, register_caseload_flags, register_section
from ourplan.people.models import Person, Team
from ourplan.people.queries import current_supporters


def caseload_flags(people: list[Person], today: date) -> dict[Any, list[CaseloadFlag]]:
    flags: dict[Any, list[CaseloadFlag]] = {}
    for person_id, row in queries.caseload_flag_rows(people, today).items():
        found = []
        if row.crisis is not None:
            found.append(
                CaseloadFlag(
                    _("Crisis sharing on"),
                    "red",
                    reverse("consent:crisis_sharing", args=[person_id]),
                )
            )
        if row.contributions:
            found.append(
                CaseloadFlag(
                    _("Message to acknowledge"),
                    "orange",
                    reverse("consent:contributions", args=[person_id]),
                )
            )
        if row.review_overdue:
            found.append(
                CaseloadFlag(_("Review overdue"), "red", reverse("plans:review", args=[person_id]))
            )
        elif (
            row.summary is not None
            and row.review_due_on is not None
            and (row.review_due_on - today).days <= 28
        ):
            found.append(
                CaseloadFlag(
                    _("Review due %(when)s") % {"when": date_format(row.review_due_on, "j M")},
                    "",
                    reverse("plans:review", args=[person_id]),
                )
            )
        if row.no_contact_for_days is not None:
            found.append(
                CaseloadFlag(
                    ngettext(
                        "No contact for %(weeks)d week",
                        "No contact for %(weeks)d weeks",
                        row.no_contact_for_days // 7,
                    )
                    % {"weeks": row.no_contact_for_days // 7},
                    "orange",
                    reverse("coordination:contact_new", args=[person_id]),
                )
            )
        others = [i for i in row.indicators if i.code != "review_overdue"]
        if others:
            found.append(
                CaseloadFlag(
                    _("May be stuck"),
                    "grey",
                    reverse("people:person", args=[person_id]) + "#where-we-may-be-stuck",
                )
            )
        if row.summary is None:
            found.append(
                CaseloadFlag(_("No plan yet"), "", reverse("plans:plan", args=[person_id]))
            )
        flags[person_id] = found
    return flags


def person_section(request: HttpRequest, person: Person) -> SafeString:
    """On the person's page: contacts, where we may be stuck, the care coordinator's choice."""
    user = request.user
    today = timezone.localdate()
    row = queries.person_row(person, today)
    can_record = access.can_record_contact(user, person)
    quick = None
    if can_record:
        quick = ContactForm(supporters=current_supporters(person).none(), goals=None, steps=None)
    current = queries.current_coordinator_of(person)
    allocations = list(queries.allocations_of(person)[:1])
    return render_to_string(
        "coordination/_person_section.html",
        {
            "person": person,
            "row": row,
            "next_appointment": queries.next_appointment(person),
            "can_record": can_record,
            "quick": quick,
            "can_allocate": access.can_allocate(user, person),
            "current": current,
            "latest_allocation": allocations[0] if allocations else None,
            "handovers": list(queries.handovers_of_person(person)[:3]),
            "preferences": queries.preferences_of(person),
        },
        request=request,
    )


def my_home_section(request: HttpRequest, person: Person) -> SafeString:
    """On the person's own home: their next appointment, how to reach their care coordinator,
    and what may be worth talking about together."""
    today = timezone.localdate()
    row = queries.person_row(person, today)
    current = queries.current_coordinator_of(person)
    profile = getattr(current.staff, "coordinator_profile", None) if current else None
    return render_to_string(
        "coordination/_my_home_section.html",
        {
            "person": person,
            "row": row,
            "next_appointment": queries.next_appointment(person),
            "current": current,
            "profile": profile,
            "unread": queries.unread_count(request.user),
        },
        request=request,
    )


def team_section(request: HttpRequest, team: Team) -> SafeString:
    return render_to_string("coordination/_team_section.html", {"team": team}, request=request)


def organisation_section(request: HttpRequest, organisation: Any) -> SafeString:
    return render_to_string(
        "coordination/_organisation_section.html", {"organisation": organisation}, request=request
    )


def register() -> None:
    register_caseload_flags(caseload_flags)
    register_section("person", person_section)
    register_section("my_home", my_home_section)
    register_section("team_overview", team_section)
    register_section("organisation", organisation_section)
