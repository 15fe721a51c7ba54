"""Turn a rendered plan document into a PDF with WeasyPrint."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import HttpResponse


def pdf_response(html: str, filename: str) -> HttpResponse:
    """Render ``html`` (a complete document) to a PDF download."""
    # Imported here: WeasyPrint loads pango and fonts, which only PDFs need.
    from weasyprint import CSS, HTML

    stylesheet = finders.find("ourplan/print.css")
    pdf = HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
