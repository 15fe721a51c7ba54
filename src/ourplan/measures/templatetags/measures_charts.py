"""``{{ svg|as_image:text }}``: a chart as an <img> with a data: URI and its text alternative.

The report's charts are self-contained SVG with their own styles; as images they keep them
under the page's Content Security Policy (images may be ``data:``), and WeasyPrint lays them
out the same way in the PDF.
"""

from __future__ import annotations

import base64

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def as_image(svg: str | None, text: str = "") -> str:
    if not svg:
        return ""
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return format_html('<img class="report-chart__image" src="{}" alt="{}">', uri, text or "")
