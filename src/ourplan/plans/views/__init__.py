"""The living plan's pages: thin views that call an access function, call a service and render.

One module per part of the plan: ``plan`` (the plan page, its written parts and strengths),
``goals`` (goals, steps and progress), ``safety`` (the safety plan, its items and the
person's contacts), ``assessment`` (needs and risks), ``reviews`` (reviews, versions and
signatures), ``documents`` (the statutory documents, the person-held copy and the crisis
printouts), ``words`` (the person's page of changes: confirming and putting back their
words) and ``team`` (what clinicians and peer support workers may add).
Every change to an existing part goes through ``editing.edit_plan_part``; every form that
creates something carries a one-time submission key (``core.submissions``).
"""

from __future__ import annotations

from django.http import HttpRequest

from ourplan.people.models import Person
from ourplan.plans.forms import Speaker


def is_person(request: HttpRequest) -> bool:
    """The user is the person whose plan it is (only people see their own plan)."""
    return getattr(request.user, "role", "") == "service_user"


def speaker_for(request: HttpRequest, person: Person) -> Speaker:
    """Who is writing, about whom: forms are worded for them and staff say whose words they write."""
    return Speaker(is_person=is_person(request), called=person.called)
