"""Turn a rendered plan document into a PDF with WeasyPrint."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import HttpResponse


def pdf_response(html: str, filename: str) -> HttpResponse:
    """Render ``html`` (a complete document) to a PDF download."""
    # Imported here: WeasyPrint loads pango and fonts, which only PDFs need.
    from weasyprint import CSS, HTML

    from ourplan.core.pdf_fetcher import local_only_fetcher

    stylesheet = finders.find("ourplan/print.css")
    pdf = HTML(string=html, url_fetcher=local_only_fetcher()).write_pdf(
        stylesheets=[CSS(filename=stylesheet, url_fetcher=local_only_fetcher())]
        if stylesheet
        else None
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
