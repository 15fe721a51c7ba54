"""The XSS corpus in the PDFs: the plan's statutory and person-held copies and crisis printout,
the supporter's shared copy, and a study report. Each payload a PDF shows is shown whole, as
text (a payload WeasyPrint had read as markup would lose its tags, or vanish), and making
the PDFs fetches nothing (the canary server counts requests)."""

from __future__ import annotations

import io
import re
import unicodedata
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.security.planting import MARKER, Planted, plant_round
from tests.security.xss_payloads import PAYLOADS


def _comparable(text: str) -> str:
    """Text as a PDF's extracted text can be compared with: ligatures unfolded (NFKC), and
    without the spaces and line breaks wrapping adds or the characters a font may not have."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", "".join(char for char in folded if char.isascii()))


FOOTER = re.compile(r"Page \d+ of \d+")


def _without_footer(page_text: str) -> str:
    """A page's text without its footer ("Page 2 of 9", and any stray glyph beside it), so a
    payload running on to the next page reads as one."""
    lines = page_text.split("\n")
    while lines and (FOOTER.fullmatch(lines[-1].strip()) or len(lines[-1].strip()) <= 3):
        lines.pop()
    return "\n".join(lines)


def _pdf_text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # pypdf reads some of WeasyPrint's embedded fonts' text as UTF-16, a NUL before each letter.
    pages = [(page.extract_text() or "").replace("\x00", "") for page in reader.pages]
    return "\n".join(_without_footer(text) for text in pages)


def _shown_as_text(payload: str, mark: str, comparable: str) -> bool:
    """The whole payload is in the text; for one with characters beyond ASCII (look-alike
    brackets, direction overrides), which text extraction may drop or reorder, its marker is:
    the marker sits inside the would-be tag, so markup read as markup would not show it."""
    if payload.isascii():
        return _comparable(payload) in comparable
    return mark in comparable or mark[::-1] in comparable


@pytest.mark.django_db
def test_pdfs_show_every_payload_as_text_and_fetch_nothing(battery: Any, canary: Any) -> None:
    forms = battery.discover()
    planted = Planted()
    plant_round(forms, battery.clients, 0, canary.url, planted, battery.hints)
    assert planted.server_errors == [], planted.server_errors
    person = battery.standing.person.pk
    study = battery.extras["study_id"]
    documents = {
        "statutory plan": ("coordinator", reverse("plans:statutory_pdf", args=[person])),
        "person-held copy": ("person", reverse("plans:person_copy_pdf", args=[person])),
        "crisis printout": ("person", reverse("plans:crisis_printout_pdf", args=[person])),
        "supporter's shared copy": ("supporter", reverse("consent:shared_pdf")),
        "study report": ("researcher", reverse("studies:report_pdf", args=[study])),
    }
    hidden: list[str] = []
    shown: dict[str, int] = {}
    for document, (role, url) in documents.items():
        text = _pdf_text(battery.clients[role].get(url))
        comparable = _comparable(text)
        fields = {int(match.group(1)) for match in MARKER.finditer(text)}
        shown[document] = 0
        # A field the PDF shows is shown whole: every payload of its value, as text.
        for number in sorted(fields & set(planted.values)):
            for payload_number, mark in planted.values[number].tried:
                payload = PAYLOADS[payload_number]
                if _shown_as_text(payload.text(mark, canary.url), mark, comparable):
                    shown[document] += 1
                else:
                    hidden.append(
                        f"{document}: {planted.field_names[number]}: {PAYLOADS[payload_number].name}"
                    )
    print(f"\nPDFs: payloads shown as text {shown}; {len(canary.requests)} fetches")
    assert hidden == [], "\n".join(hidden[:20])
    assert canary.requests == [], canary.requests
    # Each document showed typed text, so the check above had something to look at.
    assert all(count > 0 for count in shown.values()), shown
