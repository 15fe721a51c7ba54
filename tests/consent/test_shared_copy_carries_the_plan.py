"""The supporter's shared copy, as the supporter opens it (page and PDF), carries each part
their agreement covers whole, the same sections as the plan's documents, and nothing else.

Review notes, who came to the review, the advance statement and the safety plan with both
views are in it exactly when the agreement covers the part they belong to. The assessment
(needs and risks) and the person's answer at signing are never a shared part.
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

import pytest
from django.urls import reverse

from ourplan.consent import services
from ourplan.consent.models import RecordedHow
from ourplan.consent.parts import PLAN_PARTS
from ourplan.plans import queries as plan_queries
from tests.plans.full_plan import MARKERS, SET_ASIDE, SHARED, build_full_plan

NEVER_SHARED = {
    "risk",
    "risk_person_view",
    "positive_risk",
    "shared_responsibility",
    "need",
    "signing_comment",
}
# Lines that belong to one part, beside its markers: attendance and the advance statement.
PART_LINES = {
    "reviews": ("Ada was there.", "Carers and supporters: Mo Example (my mum)"),
    "crisis": ("Advance statement or decision", "Signed, witnessed"),
    "safety": ("Professional view",),
}


def _words(content: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def _pdf_words(body: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _squeezed(text: str) -> str:
    # PDF text may break a line inside a marker: compare without spaces.
    return text.replace(" ", "")


def _shown(text: str, markers: dict[str, str]) -> set[str]:
    return {key for key, marker in markers.items() if _squeezed(marker) in _squeezed(text)}


CASES = [*SHARED, frozenset(PLAN_PARTS), frozenset({"crisis", "reviews"})]


def test_the_consent_app_and_the_plan_agree_on_the_plans_parts() -> None:
    assert frozenset(plan_queries.SHARED_PART_CODES) == PLAN_PARTS
    assert set(plan_queries.SHARED_PART_TYPES) == PLAN_PARTS


@pytest.mark.parametrize("parts", CASES, ids=lambda parts: ",".join(sorted(parts)))
def test_the_supporter_sees_exactly_their_parts_in_the_page_and_the_pdf(
    parts: frozenset[str], standing: Any, client_for: Any
) -> None:
    build_full_plan(standing)
    services.agreement_set(
        actor=standing.coordinator,
        person=standing.person,
        supporter=standing.supporter_record,
        parts=sorted(parts),
        crisis_parts=[],
        recorded_how=RecordedHow.IN_PERSON,
    )
    client = client_for(standing.supporter)
    page = client.get(reverse("consent:supporter_home"))
    assert page.status_code == 200
    pdf = client.get(reverse("consent:shared_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    entitled = set().union(*(SHARED[frozenset({code})] for code in parts))
    for output, text in (
        ("HTML", _words(page.content.decode())),
        ("PDF", _pdf_words(pdf.content)),
    ):
        shown = _shown(text, MARKERS)
        assert entitled - shown == set(), f"{output} leaves out {sorted(entitled - shown)}"
        assert shown - entitled == set(), f"{output} shows {sorted(shown - entitled)}"
        assert shown & NEVER_SHARED == set()
        assert _shown(text, SET_ASIDE) == set(), f"{output} shows what was set aside"
        for code, lines in PART_LINES.items():
            for line in lines:
                assert (_squeezed(line) in _squeezed(text)) == (code in parts), (
                    f"{output}: {line!r} with {sorted(parts)}"
                )
    body = page.content.decode()
    if "crisis" in parts:
        # The person's own contact, tap to call, in the page (the PDF has no links to tap).
        assert 'href="tel:07700900777"' in body
    assert 'href="tel:999"' in body


def test_a_plan_not_started_shows_each_shared_part_as_empty(standing: Any, client_for: Any) -> None:
    services.agreement_set(
        actor=standing.coordinator,
        person=standing.person,
        supporter=standing.supporter_record,
        parts=sorted(PLAN_PARTS),
        crisis_parts=[],
        recorded_how=RecordedHow.IN_PERSON,
    )
    page = _words(
        client_for(standing.supporter).get(reverse("consent:supporter_home")).content.decode()
    )
    assert "No review recorded yet." in page and "No goals yet." in page


def test_the_supporters_copy_says_who_changed_the_persons_words_and_follows_them_back(
    standing: Any, client_for: Any
) -> None:
    from ourplan.plans import services as plans
    from ourplan.plans.models import Voice, Wording

    plan = plans.plan_start(actor=standing.coordinator, person=standing.person)
    area = plans.life_areas_for(standing.organisation).first()
    goal = plans.goal_add(actor=standing.person_user, plan=plan, text="Swim again", life_area=area)
    services.agreement_set(
        actor=standing.coordinator,
        person=standing.person,
        supporter=standing.supporter_record,
        parts=["goals"],
        crisis_parts=[],
        recorded_how=RecordedHow.IN_PERSON,
    )
    client = client_for(standing.supporter)

    def copy() -> str:
        return _words(client.get(reverse("consent:supporter_home")).content.decode())

    assert "In Ada's own words" in copy()
    plans.save_part(
        actor=standing.coordinator,
        part=goal,
        revision=goal.revision,
        person=standing.person,
        fields={"text": "Swim weekly (exercise)"},
    )
    changed = copy()
    assert "Changed by Coordinator Tester, care coordinator, from Ada's words" in changed
    assert "In Ada's own words" not in changed
    assert "Changed by" in _pdf_words(client.get(reverse("consent:shared_pdf")).content)
    earlier = Wording.objects.get(part_type="goal", part_id=goal.pk, voice=Voice.OWN)
    plans.wording_restore(actor=standing.person_user, plan=plan, wording=earlier)
    back = copy()
    assert "Swim again" in back and "In Ada's own words" in back and "Changed by" not in back


def test_the_supporters_page_costs_the_same_however_much_the_plan_holds(
    standing: Any, client_for: Any
) -> None:
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from ourplan.plans import services as plans

    full = build_full_plan(standing)
    services.agreement_set(
        actor=standing.coordinator,
        person=standing.person,
        supporter=standing.supporter_record,
        parts=sorted(PLAN_PARTS),
        crisis_parts=[],
        recorded_how=RecordedHow.IN_PERSON,
    )
    client = client_for(standing.supporter)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("consent:supporter_home")).status_code == 200
        return len(queries)

    cost()  # the first request also fills per-process caches
    before = cost()
    area = full.goal.life_area
    for n in range(3):
        goal = plans.goal_add(
            actor=standing.coordinator, plan=full.plan, text=f"Goal {n}", life_area=area
        )
        plans.step_add(actor=standing.coordinator, goal=goal, text=f"Step {n}", owner="me")
        plans.safety_item_add(
            actor=standing.coordinator,
            plan=full.plan,
            kind="concern",
            description=f"Concern {n}",
            person_view_not_obtained="Not asked yet",
            review_on=timezone.localdate() + timedelta(days=30),
        )
        plans.contact_add(
            actor=standing.person_user, plan=full.plan, name=f"Friend {n}", phone="01632 960 123"
        )
    assert cost() == before
