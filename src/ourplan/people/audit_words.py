"""What people's audited objects are, in words, for the person's "Who has seen my record"."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ourplan.core.record_words import register_describer, register_label
from ourplan.people.models import Supporter


def _describe_supporters(ids: list[str]) -> Mapping[str, str]:
    """ "Supporter: Mo Example", for every supporter named, in one query."""
    valid = []
    for object_id in ids:
        try:
            valid.append(uuid.UUID(object_id))
        except ValueError:
            continue  # an audit id is free text; a query for a malformed UUID would fail
    return {
        str(s.pk): _("Supporter: %(name)s") % {"name": s.full_name}
        for s in Supporter.objects.filter(pk__in=valid)
    }


def register() -> None:
    """Words for every object type the people app audits. Called from ``PeopleConfig.ready``."""
    register_label("person", gettext_lazy("Personal details and care team"))
    register_label("care_team", gettext_lazy("Care coordinator and care team"))
    register_label("care_team_membership", gettext_lazy("Care coordinator"))
    register_label("caseload", gettext_lazy("The team's caseload list"))
    register_label("organisation", gettext_lazy("The organisation's settings"))
    register_describer("supporter", _describe_supporters)
