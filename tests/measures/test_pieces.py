"""Questionnaires shown back where people already are: the caseload's flags, the person's
page, the person's own home, the team and organisation pages, and the "questionnaire
results" part a person shares with a supporter (shown only under an agreement that shares
it, and named in the one read entry of the supporter's view)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ourplan.consent import services as consent
from ourplan.consent.parts import Part
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.measures import services
from ourplan.measures.models import Occasion
from tests.measures.conftest import all_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(standing: Any) -> Any:
    """The standing person has the plan-start questionnaires waiting (RSA and STAR-P)."""
    services.ask_for_occasion(
        person=standing.person, occasion=Occasion.PLAN_START, occasion_ref="plan:test"
    )
    return standing


def _reads(since: int) -> list[tuple[str, str]]:
    return [
        (e.object_type, e.object_id)
        for e in AuditEntry.objects.filter(action=AuditAction.READ, pk__gt=since).order_by("pk")
    ]


def _last_pk() -> int:
    last = AuditEntry.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_the_caseload_flags_waiting_questionnaires(asked: Any, client_for: Any) -> None:
    page = client_for(asked.coordinator).get(reverse("people:caseload")).content.decode()
    waiting = reverse("measures:person_results", args=[asked.person.pk])
    assert "questionnaires waiting" in page and waiting in page


def test_the_care_team_reaches_the_results_from_the_persons_page(
    asked: Any, client_for: Any
) -> None:
    before = _last_pk()
    page = client_for(asked.coordinator).get(reverse("people:person", args=[asked.person.pk]))
    text = page.content.decode()
    assert 'data-testid="person-questionnaires"' in text
    assert "Recovery Self-Assessment" in text
    assert reverse("measures:person_results", args=[asked.person.pk]) in text
    # The section shows no score, so the page's one read is still the person's page.
    assert _reads(before) == [("person", str(asked.person.pk))]


def test_the_section_is_not_shown_to_whoever_cannot_see_the_results(
    asked: Any, client_for: Any
) -> None:
    page = client_for(asked.other_team_coordinator).get(
        reverse("people:person", args=[asked.person.pk])
    )
    assert 'data-testid="person-questionnaires"' not in page.content.decode()


def test_the_person_starts_a_waiting_questionnaire_from_their_own_home(
    asked: Any, client_for: Any
) -> None:
    client = client_for(asked.person_user)
    home = client.get(reverse("people:my_home")).content.decode()
    assert 'data-testid="my-questionnaires"' in home
    assert "Questionnaires waiting for you" in home
    assert reverse("measures:my_results") in home and reverse("measures:start_mine") in home
    nothing = client_for(asked.other_person_user).get(reverse("people:my_home")).content.decode()
    assert "No questionnaire is waiting for you." in nothing


def test_the_team_page_and_the_organisation_page_link_to_questionnaires(
    standing: Any, client_for: Any
) -> None:
    team = client_for(standing.manager).get(reverse("people:team_overview")).content.decode()
    assert reverse("measures:team") in team and reverse("measures:research_home") in team
    organisation = client_for(standing.administrator).get(reverse("people:organisation"))
    text = organisation.content.decode()
    assert reverse("measures:setup") in text and reverse("measures:paper_list") in text


@pytest.fixture
def finished(standing: Any, respond: Any) -> Any:
    respond(
        actor=standing.person_user,
        instrument="star_p",
        answers=all_items("star_p", 3),
        person=standing.person,
    )
    return standing


def test_a_supporter_reaches_shared_results_only_under_an_agreement(
    finished: Any, client_for: Any
) -> None:
    client = client_for(finished.supporter)
    carer_home = reverse("measures:carer_home")
    shared = reverse("measures:shared_results")
    # Refused: no agreement, then an agreement that shares goals only.
    assert shared not in client.get(carer_home).content.decode()
    assert client.get(shared).status_code == 403
    consent.agreement_set(
        actor=finished.person_user,
        person=finished.person,
        supporter=finished.supporter_record,
        parts=[Part.GOALS],
    )
    assert shared not in client.get(carer_home).content.decode()
    before = _last_pk()
    assert client.get(shared).status_code == 403
    assert _reads(before) == []
    # Allowed: the agreement now shares questionnaire results.
    consent.agreement_set(
        actor=finished.person_user,
        person=finished.person,
        supporter=finished.supporter_record,
        parts=[Part.GOALS, Part.QUESTIONNAIRES],
    )
    assert shared in client.get(carer_home).content.decode()
    before = _last_pk()
    page = client.get(shared).content.decode()
    # STAR-P answered "often" (3) throughout: the three non-supportive items reverse to 1,
    # so 18 + 9 + 3 = 30.
    assert "Scale To Assess the Therapeutic Relationship" in page and "30.00" in page
    assert _reads(before) == [("questionnaire_results", str(finished.person.pk))]


def test_the_shared_part_shows_the_latest_score_of_each_questionnaire(finished: Any) -> None:
    from django.template.loader import render_to_string

    from ourplan.measures.pieces import shared_results

    html = render_to_string(
        "measures/_shared_results.html", {"shared": shared_results(finished.person)}
    )
    assert "Scale To Assess the Therapeutic Relationship" in html
    assert "Total score 30.0 (of 0 to 48)" in html


def test_the_supporters_home_shows_questionnaire_results_only_when_shared(
    finished: Any, client_for: Any
) -> None:
    client = client_for(finished.supporter)
    home = reverse("consent:supporter_home")
    consent.agreement_set(
        actor=finished.person_user,
        person=finished.person,
        supporter=finished.supporter_record,
        parts=[Part.GOALS],
    )
    assert 'data-testid="shared-questionnaire-results"' not in client.get(home).content.decode()
    consent.agreement_set(
        actor=finished.person_user,
        person=finished.person,
        supporter=finished.supporter_record,
        parts=[Part.GOALS, Part.QUESTIONNAIRES],
    )
    before = _last_pk()
    page = client.get(home).content.decode()
    assert 'data-testid="shared-questionnaire-results"' in page
    assert "Total score 30.0 (of 0 to 48)" in page
    # The view's one audit entry names the parts it showed, questionnaire results among them.
    assert ("shared_view", "goals,questionnaires") in [
        (entry.object_type, entry.object_id)
        for entry in AuditEntry.objects.filter(pk__gt=before, action=AuditAction.READ)
    ]


def test_the_care_team_sees_the_latest_results_on_the_plan_and_the_review(
    finished: Any, client_for: Any
) -> None:
    from ourplan.plans import services as plans

    plans.plan_start(actor=finished.coordinator, person=finished.person)
    coordinator = client_for(finished.coordinator)
    for page in ("plans:plan", "plans:review"):
        before = _last_pk()
        html = coordinator.get(reverse(page, args=[finished.person.pk])).content.decode()
        assert 'data-testid="questionnaire-summary"' in html, page
        assert "30.0" in html, page
        # Showing a score is a read of the person's questionnaire results.
        assert ("questionnaire_results", str(finished.person.pk)) in _reads(before), page
    # The person sees their own on their plan too.
    mine = client_for(finished.person_user).get(reverse("plans:plan", args=[finished.person.pk]))
    assert 'data-testid="questionnaire-summary"' in mine.content.decode()


def test_a_plan_without_results_shows_no_results_and_reads_none(
    standing: Any, client_for: Any
) -> None:
    from ourplan.plans import services as plans

    plans.plan_start(actor=standing.coordinator, person=standing.person)
    before = _last_pk()
    url = reverse("plans:plan", args=[standing.person.pk])
    html = client_for(standing.coordinator).get(url).content.decode()
    assert "No questionnaires finished yet." in html
    assert ("questionnaire_results", str(standing.person.pk)) not in _reads(before)


def test_the_worklist_shows_who_has_questionnaires_waiting(asked: Any, client_for: Any) -> None:
    before = _last_pk()
    html = client_for(asked.coordinator).get(reverse("coordination:worklist")).content.decode()
    assert 'data-testid="worklist-questionnaires"' in html
    from ourplan.measures.queries import due_on_caseload

    waiting = due_on_caseload([asked.person])[asked.person.pk]
    assert f"{asked.person.full_name}</a>: {waiting} questionnaires waiting" in html
    # Named on a list, so recorded as listed (not read: no score is shown).
    listed = AuditEntry.objects.filter(
        pk__gt=before, action=AuditAction.SEARCH, person=asked.person
    )
    assert listed.exists()
    # Another team's coordinator's worklist does not name them.
    other = client_for(asked.other_team_coordinator).get(reverse("coordination:worklist"))
    assert asked.person.full_name not in other.content.decode()


def test_the_worklist_says_nothing_of_questionnaires_when_none_wait(
    standing: Any, client_for: Any
) -> None:
    html = client_for(standing.coordinator).get(reverse("coordination:worklist")).content.decode()
    assert 'data-testid="worklist-questionnaires"' not in html
