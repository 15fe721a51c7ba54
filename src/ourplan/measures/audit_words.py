"""How questionnaire records read in the person's "who has seen my record" page."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ourplan.core import record_words


def _responses(ids: list[str]) -> Mapping[str, str]:
    from ourplan.measures.models import Response

    numbers = [int(i) for i in ids if i.isdigit()]
    found = Response.objects.filter(pk__in=numbers).select_related("instrument")
    return {str(r.pk): _("Questionnaire: ‘%(name)s’") % {"name": r.instrument.name} for r in found}


def _paper_entries(ids: list[str]) -> Mapping[str, str]:
    from ourplan.measures.models import PaperEntry

    numbers = [int(i) for i in ids if i.isdigit()]
    found = PaperEntry.objects.filter(pk__in=numbers).select_related("instrument")
    return {
        str(e.pk): _("Paper questionnaire being entered: ‘%(name)s’") % {"name": e.instrument.name}
        for e in found
    }


def register() -> None:
    record_words.register_describer("questionnaire_response", _responses)
    record_words.register_describer("paper_entry", _paper_entries)
    record_words.register_label("questionnaire_results", gettext_lazy("Questionnaire results"))
    record_words.register_label("questionnaire_request", gettext_lazy("A questionnaire asked for"))
    record_words.register_label("demographics", gettext_lazy("About you (for service evaluation)"))
    record_words.register_label("care_ending", gettext_lazy("End of care coordination"))
