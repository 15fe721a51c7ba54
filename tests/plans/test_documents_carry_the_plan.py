"""Every document carries what its reader is entitled to, in HTML and in the PDF, and nothing else.

CTP, CPA, the person's copy (normal and large print), the supporter's shared copy and the
one-page crisis printouts (for the person and for a crisis team).
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from ourplan.people.models import Country
from ourplan.plans import queries
from ourplan.plans.models import Wording
from ourplan.plans.pdf import pdf_response
from tests.plans.full_plan import CRISIS, MARKERS, SET_ASIDE, SHARED, build_full_plan
from tests.plans.plans_permissions import PLANS_MATRIX

# What the statutory documents and the person's copy must carry: the whole plan.
WHOLE_PLAN = set(MARKERS)


def _words(content: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def _pdf_words(body: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _shown(text: str) -> set[str]:
    # PDF text may break a line inside a marker: compare without spaces.
    squeezed = text.replace(" ", "")
    return {key for key, marker in MARKERS.items() if marker.replace(" ", "") in squeezed}


def _never_shown(text: str) -> set[str]:
    squeezed = text.replace(" ", "")
    return {key for key, marker in SET_ASIDE.items() if marker.replace(" ", "") in squeezed}


@pytest.fixture
def full(standing: Any) -> Any:
    return build_full_plan(standing)


DOCUMENTS = [
    # (name, url name, query string, what it must carry)
    ("CPA", "plans:statutory", "", WHOLE_PLAN),
    ("person's copy", "plans:person_copy", "", WHOLE_PLAN),
    ("person's copy, large print", "plans:person_copy", "?large=1", WHOLE_PLAN),
    ("crisis printout", "plans:crisis_printout", "", CRISIS),
    ("crisis printout for a crisis team", "plans:crisis_printout", "?for=team", CRISIS),
]


@pytest.mark.parametrize(("document", "url_name", "query", "entitled"), DOCUMENTS)
def test_each_document_carries_its_parts_in_html_and_pdf(
    document: str,
    url_name: str,
    query: str,
    entitled: set[str],
    standing: Any,
    full: Any,
    client_for: Any,
) -> None:
    client = client_for(standing.coordinator)
    page = client.get(reverse(url_name, args=[standing.person.pk]) + query)
    assert page.status_code == 200
    pdf = client.get(reverse(f"{url_name}_pdf", args=[standing.person.pk]) + query)
    assert pdf["Content-Type"] == "application/pdf"
    for output, text in (("HTML", _words(page.content.decode())), ("PDF", _pdf_words(pdf.content))):
        shown = _shown(text)
        assert entitled - shown == set(), f"{document} ({output}) leaves out {entitled - shown}"
        assert shown - entitled == set(), f"{document} ({output}) shows {shown - entitled}"
        assert _never_shown(text) == set(), f"{document} ({output}) shows what was set aside"
        if url_name != "plans:crisis_printout":
            # Attendance, as recorded: the person, the carer, the advocate.
            assert "Ada was there" in text and standing.supporter_record.full_name in text
            assert "Signed, witnessed" in text


def test_the_crisis_printouts_fit_on_one_page_and_only_the_teams_names_the_nhs_number(
    standing: Any, full: Any, client_for: Any
) -> None:
    from pypdf import PdfReader

    client = client_for(standing.person_user)
    url = reverse("plans:crisis_printout_pdf", args=[standing.person.pk])
    own, team = client.get(url), client.get(url + "?for=team")
    assert len(PdfReader(io.BytesIO(own.content)).pages) == 1
    assert len(PdfReader(io.BytesIO(team.content)).pages) == 1
    number = standing.person.nhs_number_display.replace(" ", "")
    assert number not in _pdf_words(own.content).replace(" ", "")
    assert number in _pdf_words(team.content).replace(" ", "")


def test_a_welsh_plan_makes_a_ctp_carrying_the_whole_plan(standing: Any, client_for: Any) -> None:
    from ourplan.plans import services
    from ourplan.plans.models import LifeArea

    organisation = standing.organisation
    organisation.country = Country.WALES
    organisation.save()
    services.life_areas_for(organisation)  # the eight areas of the Measure
    # The full plan files its goal and need under two everyday areas, mapped to two of the eight.
    for code, label, ctp in (
        ("leisure", "Hobbies", "social_cultural_spiritual"),
        ("money", "Money", "finance_money"),
    ):
        LifeArea.objects.create(
            organisation=organisation, code=code, label=label, ctp_area=ctp, position=9
        )
    build_full_plan(standing)
    client = client_for(standing.coordinator)
    page = _words(
        client.get(reverse("plans:statutory", args=[standing.person.pk])).content.decode()
    )
    pdf = _pdf_words(client.get(reverse("plans:statutory_pdf", args=[standing.person.pk])).content)
    for text in (page, pdf):
        assert "Care and Treatment Plan" in text
        assert WHOLE_PLAN - _shown(text) == set()
        assert _never_shown(text) == set()
        assert "Ada was there" in text and standing.supporter_record.full_name in text
        assert "Signed, witnessed" in text


@pytest.mark.parametrize("parts", list(SHARED), ids=lambda parts: ",".join(sorted(parts)))
def test_the_supporters_shared_copy_carries_exactly_the_shared_parts(
    parts: frozenset[str], standing: Any, full: Any
) -> None:
    """What plans gives the consent app for the supporter's copy: the shared parts, whole."""
    content = queries.shared_plan_content(standing.person, parts)
    body = "".join(
        render_to_string(
            "plans/_shared_copy_sections.html",
            {"part_code": code, "content": content, "person": standing.person, "for_pdf": True},
        )
        for code in sorted(parts)
    )
    document = f"<!DOCTYPE html><html><body>{body}</body></html>"
    pdf = pdf_response(document, "shared.pdf")
    for output, text in (("HTML", _words(body)), ("PDF", _pdf_words(pdf.content))):
        shown = _shown(text)
        assert shown == SHARED[parts], f"{sorted(parts)} ({output}): shows {sorted(shown)}"
        assert _never_shown(text) == set()
    loaded = set(content) - {"wordings"}
    # Parts not shared are never even loaded.
    assert loaded <= {
        "about_me",
        "goals",
        "staying_well",
        "crisis",
        "personal_contacts",
        "safety",
        "personal_safety",
        "reviews",
    }
    assert not (loaded & {"about_me", "goals"}) or parts & {"about_me", "goals"}
    # Who wrote what is loaded for the shared parts alone: a wording holds its words.
    current = Wording.objects.filter(plan=full.plan, is_current=True)
    kinds = {kind for code in parts for kind in queries.SHARED_PART_TYPES[code]}
    assert len(content["wordings"]) == current.filter(part_type__in=kinds).count()
    assert len(content["wordings"]) < current.count()


def test_every_phone_number_in_the_documents_is_a_tap_to_call_link(
    standing: Any, full: Any, client_for: Any
) -> None:
    client = client_for(standing.coordinator)
    for name in (
        "plans:crisis",
        "plans:safety",
        "plans:statutory",
        "plans:person_copy",
        "plans:crisis_printout",
    ):
        page = client.get(reverse(name, args=[standing.person.pk])).content.decode()
        assert 'href="tel:07700900777"' in page, name
        for line in standing.organisation.crisis_lines.all():
            assert f'href="tel:{line.phone.replace(" ", "")}"' in page, name
        assert 'href="tel:999"' in page, name


def test_every_page_of_a_full_plan_opens_for_everyone_entitled(
    standing: Any, full: Any, client_for: Any
) -> None:
    from ourplan.plans import urls

    plan = full.plan
    ids = {
        "goal_id": full.goal.pk,
        "step_id": full.goal.steps.first().pk,
        "strength_id": plan.strengths.first().pk,
        "item_id": plan.safety_items.first().pk,
        "need_id": plan.needs.first().pk,
        "risk_id": full.risk.pk,
        "contact_id": plan.contacts.first().pk,
        "number": full.version.number,
    }
    users = {
        "person": standing.person_user,
        "coordinator": standing.coordinator,
        "clinician": standing.clinician,
    }
    opened = []
    for pattern in urls.urlpatterns:
        name = f"plans:{pattern.name}"
        kwargs = {
            key: standing.person.pk if key == "person_id" else ids[key]
            for key in getattr(pattern.pattern, "converters", {})
        }
        for role in sorted(PLANS_MATRIX[name].get("GET", set()) & set(users)):
            response = client_for(users[role]).get(reverse(name, kwargs=kwargs))
            assert response.status_code in (200, 302), f"{name} as {role}: {response.status_code}"
            opened.append(name)
    assert "plans:assessment" in opened and "plans:changes" in opened


def test_every_phone_number_on_the_peoples_pages_is_a_tap_to_call_link(
    standing: Any, client_for: Any
) -> None:
    from ourplan.people.models import CrisisLine

    person = standing.person
    person.phone = "07700 900 123"
    person.save()
    CrisisLine.objects.create(
        organisation=standing.organisation, label="Samaritans", phone="116 123", hours="24 hours"
    )
    pages = (
        (standing.person_user, reverse("people:my_home"), "tel:07700900123"),
        (standing.coordinator, reverse("people:person", args=[person.pk]), "tel:07700900123"),
        (standing.administrator, reverse("people:organisation"), "tel:116123"),
    )
    for user, url, link in pages:
        page = client_for(user).get(url)
        assert page.status_code == 200, url
        assert f'href="{link}"' in page.content.decode(), url


def test_the_organisation_page_leads_administrators_to_the_teams_contribution_rules(
    standing: Any, client_for: Any
) -> None:
    page = client_for(standing.administrator).get(reverse("people:organisation"))
    assert f'href="{reverse("plans:contribution_rules")}"' in page.content.decode()
    rules = client_for(standing.administrator).get(reverse("plans:contribution_rules"))
    assert rules.status_code == 200


def test_no_template_shows_a_phone_number_that_cannot_be_tapped() -> None:
    """Every ``{{ ….phone }}`` (or ``work_phone``) in any template is ``|tel``, or sits in a
    ``tel:`` link's href or text."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "ourplan"
    shown = re.compile(r"\{\{\s*([\w.]*phone)\s*((?:\|[^}]*)?)\}\}")
    bare = []
    for path in sorted(src.rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for match in shown.finditer(text):
            if "|tel" in match.group(2):
                continue
            before = text[max(0, match.start() - 200) : match.start()]
            in_link = before.rfind('href="tel:') > before.rfind("</a>")
            if not in_link:
                bare.append(f"{path.relative_to(src)}: {match.group(0)}")
    assert bare == []
