"""Questionnaires on other apps' pages, registered from ``MeasuresConfig.ready()``.

Whatever is recorded is shown back to everyone entitled to it, so questionnaires must be
reachable from where people already are. People, and consent's sharing, sit below this app
and never import it; they show what is registered with them:

* the caseload's "What needs doing" column: how many questionnaires a person has waiting;
* the person's page (the care team): what is waiting, and the way to their results over
  time, to start one together, and to record the end of care coordination;
* the person's own home: what is waiting for them (start or carry on), and their results;
* the team page and the organisation's page: the team's results and the set-up.

The sections show no score: a score is read on the results pages, whose read is audited as
the person's questionnaire results.

``shared_results`` and its template are the "questionnaire results" part of a sharing
agreement as the supporter's home shows it (registered with consent's ``part_content``); the
supporter view's audit entry names the parts shown, this one included.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

from ourplan.consent.part_content import register_part_content
from ourplan.consent.parts import Part
from ourplan.core import audit
from ourplan.measures import access, queries
from ourplan.people.extensions import CaseloadFlag, register_caseload_flags, register_section
from ourplan.people.models import Person
from ourplan.plans.extensions import register_plan_section, register_review_prompt


def caseload_flags(people: list[Person], today: date) -> dict[Any, list[CaseloadFlag]]:
    """One flag per person with questionnaires waiting, read for the whole page at once."""
    return {
        person_id: [
            CaseloadFlag(
                ngettext(
                    "%(count)d questionnaire waiting",
                    "%(count)d questionnaires waiting",
                    count,
                )
                % {"count": count},
                "",
                reverse("measures:person_results", args=[person_id]),
            )
        ]
        for person_id, count in queries.due_on_caseload(people).items()
    }


def person_section(request: HttpRequest, person: Person) -> SafeString | str:
    user = request.user
    if not access.can_view_results(user, person):
        return ""
    return render_to_string(
        "measures/_person_section.html",
        {
            "person": person,
            "due": queries.due_for(person),
            "can_end": access.can_record_care_ending(user, person),
        },
        request=request,
    )


def my_home_section(request: HttpRequest, person: Person) -> SafeString | str:
    if not access.can_answer_as_person(request.user):
        return ""
    return render_to_string(
        "measures/_my_home_section.html",
        {
            "person": person,
            "due": queries.due_for(person),
            "start_url": reverse("measures:start_mine"),
        },
        request=request,
    )


def team_section(request: HttpRequest, team: Any) -> SafeString | str:
    if not access.can_view_team_measures(request.user):
        return ""
    return render_to_string(
        "measures/_team_section.html",
        {"research": access.can_use_measures_research(request.user)},
        request=request,
    )


def organisation_section(request: HttpRequest, organisation: Any) -> SafeString | str:
    if not access.can_manage_definitions(request.user):
        return ""
    return render_to_string("measures/_organisation_section.html", {}, request=request)


WORKLIST_PREVIEW = 8


def worklist_section(request: HttpRequest, people: Any) -> SafeString | str:
    """Questionnaires waiting for people on the worklist (``people``: the ones the worklist
    shows this user, as a queryset); each person named is recorded as listed."""
    waiting, total = queries.waiting_among(people, WORKLIST_PREVIEW)
    if not waiting:
        return ""
    audit.record_listed(request.user, object_type="worklist", people=[p for p, _n in waiting])
    return render_to_string(
        "measures/_worklist_section.html",
        {"waiting": waiting, "total": total, "more": total - len(waiting)},
        request=request,
    )


def results_section(request: HttpRequest, person: Person) -> SafeString | str:
    """The latest questionnaire results, on the plan page and the review page."""
    summary = access.results_summary_for(request.user, person)
    if summary is None:
        return ""
    return render_to_string(
        "measures/_results_summary.html", {"summary": summary, "person": person}, request=request
    )


def shared_results(person: Person) -> dict[str, Any]:
    """The "questionnaire results" part, as a supporter it is shared with sees it."""
    return {"summary": queries.results_summary(person)}


def register() -> None:
    register_caseload_flags(caseload_flags)
    register_section("person", person_section)
    register_section("my_home", my_home_section)
    register_section("team_overview", team_section)
    register_section("organisation", organisation_section)
    register_section("worklist", worklist_section)
    register_plan_section(results_section)
    register_review_prompt(results_section)
    register_part_content(
        Part.QUESTIONNAIRES, loader=shared_results, template="measures/_shared_results.html"
    )
