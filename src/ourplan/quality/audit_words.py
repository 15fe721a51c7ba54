"""How care plan audit records read in the person's "who has seen my record" page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from ourplan.core import record_words


def register() -> None:
    record_words.register_label(
        "care_plan_audit", gettext_lazy("A care plan audit of a signed version of your plan")
    )
