"""Background work for plans: lay out a signed version's PDFs once its signature is saved.

The signing services queue this after their transaction commits (``services``), so the
signature is saved whatever happens here; a PDF not made here is made on its first request
instead (``views.documents.version_pdf``).
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.utils import translation
from django_tasks import task

from ourplan.people.models import Country
from ourplan.plans.models import PlanVersion
from ourplan.plans.pdf import stored_name, version_html, version_kind, version_pdf


@task()
def store_signed_version_pdfs(version_id: int) -> int:
    """Store the PDFs a signed version's readers most often ask for; return how many were new.

    Standard print, for staff and for the person, in English, and in Welsh too for a Welsh
    organisation. Large print is made when first asked for.
    """
    version = (
        PlanVersion.objects.select_related("plan__person__organisation", "coordinator_signed_by")
        .filter(pk=version_id)
        .first()
    )
    if version is None or not version.is_signed:
        return 0
    languages = ["en-gb"]
    if version.plan.person.organisation.country == Country.WALES:
        languages.append("cy")
    made = 0
    for language in languages:
        with translation.override(language):
            for to_person in (False, True):
                kind = version_kind(large_print=False, to_person=to_person)
                html = version_html(version, large_print=False, to_person=to_person)
                if not default_storage.exists(stored_name(version, kind, html)):
                    version_pdf(version, kind, html)
                    made += 1
    return made
