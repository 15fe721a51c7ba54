"""Turn a rendered plan document into a PDF with WeasyPrint, and keep signed versions' PDFs.

A signed version never changes, except for what is written on it afterwards: a further
signature, the person's answer and comment, a copy given. Its PDF is made once and kept in
Django's default storage (``OURPLAN_DATA_DIR/uploads/plan-documents/``), named by the
version, the document kind, the language and a digest of the document's own HTML. The
HTML costs a few milliseconds; WeasyPrint's layout is most of a PDF's time. So anything
that changes what the document shows (a signature, a comment, a copy given, the person's
name, a translation, the template) gives a new name and a fresh PDF, and nothing has to
remember to invalidate the stored one. Unsigned versions are always rendered live.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from ourplan.plans.models import PlanVersion
from ourplan.plans.snapshot import review_rows

logger = logging.getLogger(__name__)

# The folder of the default storage that holds signed versions' PDFs. It can be emptied at
# any time: each PDF is made again on its next request.
STORED_DOCUMENTS = "plan-documents"


def render_pdf(html: str) -> bytes:
    """Lay out ``html`` (a complete document) as a PDF."""
    # Imported here: WeasyPrint loads pango and fonts, which only PDFs need.
    from weasyprint import CSS, HTML

    from ourplan.core.pdf_fetcher import local_only_fetcher

    stylesheet = finders.find("ourplan/print.css")
    pdf: bytes = HTML(string=html, url_fetcher=local_only_fetcher()).write_pdf(
        stylesheets=[CSS(filename=stylesheet, url_fetcher=local_only_fetcher())]
        if stylesheet
        else None
    )
    return pdf


def pdf_bytes_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def pdf_response(html: str, filename: str) -> HttpResponse:
    """Render ``html`` (a complete document) to a PDF download."""
    return pdf_bytes_response(render_pdf(html), filename)


def version_kind(*, large_print: bool, to_person: bool) -> str:
    """The kind of a version's PDF: its layout and whom the words speak to ("your words" to
    the person), so each reader's copy is kept apart rather than replacing the other's."""
    return "version{}-{}".format(
        "-large" if large_print else "", "person" if to_person else "staff"
    )


def version_html(version: PlanVersion, *, large_print: bool, to_person: bool) -> str:
    """The HTML of a version's PDF in the active language.

    It depends on nothing of the request, so the PDF stored after a signature (plans.tasks)
    is the one a reader's request finds.
    """
    return render_to_string(
        "plans/version_pdf.html",
        {
            "person": version.plan.person,
            "version": version,
            "snapshot": version.snapshot,
            "review_rows": review_rows(version.snapshot.get("review")),
            "is_person": to_person,
            "large_print": large_print,
            "for_pdf": True,
            "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
        },
    )


def stored_name(version: PlanVersion, kind: str, html: str) -> str:
    """Where the PDF of this version, kind and language, showing exactly ``html``, is kept."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    digest = hashlib.sha256(html.encode()).hexdigest()[:32]
    return f"{STORED_DOCUMENTS}/version-{version.pk}/{kind}-{language}-{digest}.pdf"


def _prefix(name: str) -> str:
    # "<kind>-<language>-": the stored PDFs this one replaces.
    return name.rsplit("/", 1)[-1].rsplit("-", 1)[0] + "-"


def _forget_older(name: str) -> None:
    """Delete the PDFs of the same version, kind and language that showed something else."""
    folder, own = name.rsplit("/", 1)
    prefix = _prefix(name)
    try:
        _folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for other in files:
        if other != own and _prefix(other) == prefix:
            default_storage.delete(f"{folder}/{other}")


def version_pdf(version: PlanVersion, kind: str, html: str) -> bytes:
    """The PDF of ``html``: from storage for a signed version, made and stored the first time.

    An unsigned version is rendered every time and never stored: its signatures are still to
    come. A PDF that cannot be stored is still served, and logged.
    """
    if not version.is_signed:
        return render_pdf(html)
    name = stored_name(version, kind, html)
    if default_storage.exists(name):
        try:
            with default_storage.open(name, "rb") as stored:
                return bytes(stored.read())
        except FileNotFoundError:
            pass  # Emptied in between (a clean-up, or the folder cleared): make it again.
    pdf = render_pdf(html)
    try:
        saved = default_storage.save(name, ContentFile(pdf))
        if saved != name:
            # Another request stored the same PDF first: keep one copy.
            default_storage.delete(saved)
        _forget_older(name)
    except OSError:
        logger.exception("Could not store the PDF of plan version %s", version.pk)
    return pdf
