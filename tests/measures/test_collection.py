"""Collecting questionnaires: in the person's own login (one question a screen or one page,
resumable), with staff, by a carer; scores stored with their definition version; due
questionnaires asked for at plan start, each review and discharge."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ourplan.core.models import AuditAction, AuditEntry
from ourplan.measures import queries, services
from ourplan.measures.models import Mode, Occasion, Request, Respondent, Response, Score, Status
from tests.measures.conftest import all_items

pytestmark = pytest.mark.django_db


def _start(client: Any, url: str, instrument: str) -> Any:
    page = client.get(url)
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    return client.post(
        url.replace("/questionnaires/", "/questionnaires/start/") if "start" not in url else url,
        {"instrument": instrument, "submission_key": key},
    )


def test_a_person_answers_one_question_a_screen_leaves_halfway_and_resumes(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.person_user)
    mine = client.get("/me/questionnaires/")
    assert mine.status_code == 200
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', mine.content.decode()).group(1)
    started = client.post(
        "/me/questionnaires/start/", {"instrument": "star_p", "submission_key": key}
    )
    response = Response.objects.get()
    assert started["Location"] == f"/questionnaires/{response.pk}/"
    assert response.mode == Mode.SELF and response.respondent == Respondent.PERSON
    # Six answers, then "save and finish later".
    for index in range(6):
        page = client.get(f"/questionnaires/{response.pk}/?q={index}")
        assert f"Question {index + 1} of 12" in page.content.decode()
        client.post(f"/questionnaires/{response.pk}/", {"q": index, "answer": "3", "next": "1"})
    left = client.post(f"/questionnaires/{response.pk}/", {"q": 6, "answer": "2", "later": "1"})
    assert left["Location"] == "/me/questionnaires/"
    response.refresh_from_db()
    assert response.position == 7 and len(response.answers) == 7
    # Back on the home page it says where they got to; opening it resumes there.
    assert "7 of 12 answered" in client.get("/me/questionnaires/").content.decode()
    assert "Question 8 of 12" in client.get(f"/questionnaires/{response.pk}/").content.decode()
    for index in range(7, 12):
        client.post(
            f"/questionnaires/{response.pk}/",
            {"q": index, "answer": "declined" if index == 11 else "4", "next": "1"},
        )
    check = client.get(f"/questionnaires/{response.pk}/check/")
    assert (
        "12 of 12 questions answered" in check.content.decode()
    )  # "prefer not to answer" is an answer
    sent = client.post(f"/questionnaires/{response.pk}/send/")
    assert sent["Location"] == f"/questionnaires/{response.pk}/result/"
    response.refresh_from_db()
    assert response.status == Status.COMPLETE
    scores = {s.score_id: s for s in Score.objects.filter(response=response)}
    # Items 1-6 are 3, 7 is 2 (reverse: 2), 8-11 are 4 (9 reversed: 0), 12 declined.
    # Collaboration: items 2, 3, 5, 6 are 3, items 8 and 11 are 4: 20.
    assert scores["positive_collaboration"].value == pytest.approx(20.0)
    assert scores["total"].answered == 11
    assert all(s.instrument_id == response.instrument_id for s in scores.values())
    result = client.get(f"/questionnaires/{response.pk}/result/").content.decode()
    assert "Positive collaboration" in result and "20.00" in result


def test_one_page_by_choice(standing: Any, client_for: Any, respond: Any) -> None:
    response = respond(
        actor=standing.person_user,
        instrument="review_check",
        answers={},
        person=standing.person,
        finish=False,
    )
    client = client_for(standing.person_user)
    page = client.get(f"/questionnaires/{response.pk}/?view=all")
    assert (
        page.content.decode().count('type="radio"') == 5 * 6
    )  # 5 answers + prefer not, 5 questions
    client.post(
        f"/questionnaires/{response.pk}/", {"view": "all", "RC1": "5", "RC2": "4", "next": "1"}
    )
    response.refresh_from_db()
    assert response.answers == {"RC1": 5, "RC2": 4} and response.one_page
    # The choice sticks when they come back.
    assert "All the questions" in client.get(f"/questionnaires/{response.pk}/").content.decode()


def test_the_project_written_checks_show_their_wording_and_licensed_ones_short_names(
    standing: Any, client_for: Any, respond: Any
) -> None:
    client = client_for(standing.person_user)
    mine = respond(
        actor=standing.person_user,
        instrument="review_check",
        answers={},
        person=standing.person,
        finish=False,
    )
    text = client.get(f"/questionnaires/{mine.pk}/").content.decode()
    assert "I was listened to." in text and "Short names only" not in text
    rsa = respond(
        actor=standing.person_user,
        instrument="rsa_person",
        answers={},
        person=standing.person,
        finish=False,
    )
    text = client.get(f"/questionnaires/{rsa.pk}/").content.decode()
    assert "Short names only" in text and "Community connections" in text


def test_staff_with_the_person_is_marked_as_such(standing: Any, client_for: Any) -> None:
    client = client_for(standing.coordinator)
    page = client.get(f"/people/{standing.person.pk}/questionnaires/")
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    client.post(
        f"/people/{standing.person.pk}/questionnaires/start/",
        {"instrument": "empowerment", "submission_key": key},
    )
    response = Response.objects.get()
    assert response.mode == Mode.WITH_STAFF and response.entered_by == standing.coordinator
    assert response.person == standing.person
    assert (
        "You are going through this with"
        in client.get(f"/questionnaires/{response.pk}/").content.decode()
    )
    # The person cannot answer it in their own login, and another team cannot at all.
    assert (
        client_for(standing.person_user).get(f"/questionnaires/{response.pk}/").status_code == 403
    )
    assert (
        client_for(standing.other_team_coordinator)
        .get(f"/questionnaires/{response.pk}/")
        .status_code
        == 403
    )


def test_a_carer_completes_the_carer_check_and_it_is_not_part_of_the_persons_record(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.supporter)
    home = client.get("/supporter/questionnaires/")
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', home.content.decode()).group(1)
    client.post(
        "/supporter/questionnaires/start/", {"instrument": "carer_wellbeing", "submission_key": key}
    )
    response = Response.objects.get()
    assert (
        response.respondent == Respondent.CARER and response.supporter == standing.supporter_record
    )
    before = AuditEntry.objects.filter(action=AuditAction.READ, person=standing.person).count()
    for index, value in enumerate(["1", "1", "2", "1", "4", "1"]):
        client.post(f"/questionnaires/{response.pk}/", {"q": index, "answer": value, "next": "1"})
    client.post(f"/questionnaires/{response.pk}/send/")
    page = client.get("/supporter/questionnaires/").content.decode()
    assert "Things sound hard at the moment" in page  # (1+1+2+1+0+1)/6 = 1.0
    assert (
        AuditEntry.objects.filter(action=AuditAction.READ, person=standing.person).count() == before
    )
    # Nobody else sees a carer's own answers: not the person, not the team.
    for user in (standing.person_user, standing.coordinator):
        assert client_for(user).get(f"/questionnaires/{response.pk}/result/").status_code == 403


def test_scheduling_asks_at_plan_start_review_and_discharge(standing: Any) -> None:
    from ourplan.plans import services as plans

    plan = plans.plan_start(actor=standing.coordinator, person=standing.person)
    asked = {(r.instrument_id, r.occasion) for r in Request.objects.filter(person=standing.person)}
    assert asked >= {
        ("rsa_person", "plan_start"),
        ("star_p", "plan_start"),
        ("empowerment", "plan_start"),
    }
    due = {d.instrument_id for d in queries.due_for(standing.person)}
    assert due == {"rsa_person", "star_p", "empowerment"}
    today = timezone.localdate()
    plans.review_record(
        actor=standing.coordinator,
        plan=plan,
        held_on=today,
        next_review_on=today + timedelta(days=180),
        person_attended=True,
    )
    occasions = set(
        Request.objects.filter(person=standing.person).values_list("occasion", flat=True)
    )
    assert Occasion.REVIEW in occasions
    assert "review_check" in {d.instrument_id for d in queries.due_for(standing.person)}
    # The carer wellbeing check is asked of the identified carer at a review.
    assert Request.objects.filter(
        supporter=standing.supporter_record, instrument_id="carer_wellbeing"
    ).exists()
    assert [d.instrument_id for d in queries.due_for_supporter(standing.supporter_record)] == [
        "carer_wellbeing"
    ]
    services.record_care_ending(
        actor=standing.coordinator, person=standing.person, ends_on=date(2026, 9, 1)
    )
    assert Request.objects.filter(
        person=standing.person, occasion=Occasion.DISCHARGE, instrument_id="rsa_person"
    ).exists()


def test_an_organisation_chooses_its_own_schedule(standing: Any) -> None:
    services.save_schedule(
        actor=standing.administrator,
        organisation=standing.organisation,
        choices={"qpr15": [Occasion.PLAN_START], "rsa_person": []},
    )
    from ourplan.plans import services as plans

    plans.plan_start(actor=standing.coordinator, person=standing.person)
    assert list(
        Request.objects.filter(person=standing.person).values_list("instrument_id", flat=True)
    ) == ["qpr15"]


def test_a_finished_response_answers_its_request(standing: Any, respond: Any) -> None:
    services.ask_for_occasion(
        person=standing.person, occasion=Occasion.PLAN_START, occasion_ref="plan:1"
    )
    response = respond(
        actor=standing.person_user,
        instrument="star_p",
        answers=all_items("star_p", 2),
        person=standing.person,
    )
    request = Request.objects.get(person=standing.person, instrument_id="star_p")
    assert request.response == response and response.occasion == Occasion.PLAN_START
    assert "star_p" not in {d.instrument_id for d in queries.due_for(standing.person)}


def test_answers_are_checked_against_the_scale(standing: Any, respond: Any) -> None:
    response = respond(
        actor=standing.person_user,
        instrument="star_p",
        answers={},
        person=standing.person,
        finish=False,
    )
    with pytest.raises(ValidationError):
        services.save_answers(actor=standing.person_user, response=response, answers={"STARP01": 5})
    with pytest.raises(ValidationError):
        services.save_answers(actor=standing.person_user, response=response, answers={"NOPE": 1})
    with pytest.raises(ValidationError):  # STAR-P has no "not applicable"
        services.save_answers(
            actor=standing.person_user, response=response, answers={"STARP01": "na"}
        )
    with pytest.raises(ValidationError):
        services.finish_response(actor=standing.person_user, response=response)
    assert Response.objects.get().status == Status.IN_PROGRESS
