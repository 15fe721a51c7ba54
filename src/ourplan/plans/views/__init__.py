"""The living plan's pages: thin views that call an access function, call a service and render.

One module per part of the plan: ``plan`` (the plan page, its written parts and strengths),
``goals`` (goals, steps and progress), ``safety``, ``reviews`` (reviews, versions and
signatures) and ``documents`` (the statutory document and the person-held copy).
Every change to an existing part goes through ``editing.edit_plan_part``.
"""

from __future__ import annotations

from django.http import HttpRequest


def is_person(request: HttpRequest) -> bool:
    """The user is the person whose plan it is (only people see their own plan)."""
    return getattr(request.user, "role", "") == "service_user"
