"""Consent's prompt on the plan review page: every agreement in effect is looked at again.

Plans sits below consent and never imports it; ``ConsentConfig.ready()`` registers this
prompt with ``plans.extensions``.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ourplan.consent import queries
from ourplan.people.models import Person


def sharing_to_look_at_again(request: HttpRequest, person: Person) -> SafeString | str:
    agreements = queries.agreements_in_effect(person)
    if not agreements:
        return ""
    return render_to_string(
        "consent/_review_sharing_prompt.html",
        {"person": person, "agreements": agreements},
        request=request,
    )
