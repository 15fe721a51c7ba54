"""What each audited Delphi study object is, in words, for pages that list audit entries.

Registered with ``ourplan.core.record_words`` from ``StudiesConfig.ready()``. Study entries
carry no person (study data are not care records), so they never appear on a person's
"who has seen my record" page; the words keep every audited type readable all the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ourplan.core import record_words
from ourplan.studies.models import Study

WORDS_OF_TITLE = 60

# Object types whose entries name the object by a fixed label (ids are pseudonymous records,
# or "study:count" for bulk writes).
LABELS = {
    "study_statement": gettext_lazy("Delphi study statement"),
    "study_statements_import": gettext_lazy("Delphi study statements, imported"),
    "study_question": gettext_lazy("Delphi study open question"),
    "study_round_open": gettext_lazy("Delphi study round, opened"),
    "study_round_close": gettext_lazy("Delphi study round, closed"),
    "study_participant_links": gettext_lazy("Delphi study invitation links"),
    "study_participant": gettext_lazy("Delphi study participant"),
    "study_invitation": gettext_lazy("Delphi study invitation link"),
    "study_participation": gettext_lazy("Taking part in a Delphi study"),
    "study_consent": gettext_lazy("Consent to take part in a Delphi study"),
    "study_withdrawal": gettext_lazy("Withdrawal from a Delphi study"),
    "study_response": gettext_lazy("Answers to a Delphi study round"),
    "study_responses_import": gettext_lazy("Delphi study paper responses, imported"),
    "study_theme": gettext_lazy("Delphi study codebook theme"),
    "study_codebook_import": gettext_lazy("Delphi study codebook, imported"),
    "study_coding": gettext_lazy("Coding of Delphi study free text"),
    "study_framework_cell": gettext_lazy("Delphi study framework matrix summary"),
    "study_report_html": gettext_lazy("Delphi study report"),
    "study_report_pdf": gettext_lazy("Delphi study report (PDF)"),
    "study_responses_csv": gettext_lazy("Delphi study responses (CSV)"),
    "study_results_csv": gettext_lazy("Delphi study results (CSV)"),
    "study_xlsx": gettext_lazy("Delphi study workbook (XLSX)"),
    "study_sav": gettext_lazy("Delphi study responses (SPSS)"),
    "study_codebook_csv": gettext_lazy("Delphi study codebook (CSV)"),
    # Written before the one road to a record; the audit log is append-only, so those
    # entries keep these names.
    "study_results": gettext_lazy("Delphi study results"),
    "study_list": gettext_lazy("Delphi studies list"),
}


def _uuids(ids: list[str]) -> list[uuid.UUID]:
    found = []
    for object_id in ids:
        try:
            found.append(uuid.UUID(object_id))
        except ValueError:
            continue
    return found


def describe_studies(ids: list[str]) -> Mapping[str, str]:
    studies = Study.objects.filter(pk__in=_uuids(ids)).values_list("pk", "title")
    return {
        str(pk): _("Delphi study: ‘%(title)s’") % {"title": Truncator(title).chars(WORDS_OF_TITLE)}
        for pk, title in studies
    }


def register() -> None:
    record_words.register_label("study", gettext_lazy("Delphi study"))
    record_words.register_describer("study", describe_studies)
    for object_type, label in LABELS.items():
        record_words.register_label(object_type, label)
