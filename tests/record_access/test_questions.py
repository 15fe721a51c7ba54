"""Asking the information governance lead about an entry, and the lead's answer."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ourplan.accounts.models import Role
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.people.models import Country, Organisation, Team
from ourplan.record_access.models import NOTE, QuestionStatus, RecordAccessQuestion
from tests.factories import make_staff
from tests.record_access.record_access_builders import days_ago, logged, make_lead, visible_text


def _entry(standing: Any, **kwargs: Any) -> AuditEntry:
    return logged(
        standing.clinician, standing.person, "person", standing.person.pk, at=days_ago(2), **kwargs
    )


def _ask(client: Any, entry: AuditEntry, note: str = "", chosen: AuditEntry | None = None) -> Any:
    return client.post(
        reverse("record_access:ask", args=[entry.pk]),
        {"entry": (chosen or entry).pk, "note": note},
    )


def test_the_ask_page_shows_what_is_being_asked_about_in_words(
    standing: Any, client_for: Any
) -> None:
    entry = _entry(standing)
    logged(standing.clinician, standing.person, "crisis_plan", 4, at=days_ago(2, 11))
    page = client_for(standing.person_user).get(reverse("record_access:ask", args=[entry.pk]))
    assert page.status_code == 200
    text = visible_text(page.content.decode())
    assert "Personal details and care team – looked at" in text
    assert "Crisis plan – looked at" in text
    assert standing.organisation.name in text
    # Two things that day: the person says which one they mean.
    assert 'type="radio"' in page.content.decode()


def test_asking_reaches_the_ig_lead_of_the_organisation_and_nobody_else(
    standing: Any, client_for: Any
) -> None:
    make_lead(standing)
    entry = _entry(standing)
    response = _ask(client_for(standing.person_user), entry, note="I have never met them")
    assert response.status_code == 302
    question = RecordAccessQuestion.objects.get()
    assert (question.entry, question.person, question.note, question.status) == (
        entry,
        standing.person,
        "I have never met them",
        QuestionStatus.OPEN,
    )
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE,
        object_type="record_access_question",
        object_id=str(question.pk),
        person=standing.person,
        actor=standing.person_user,
    ).exists()

    worklist = client_for(standing.manager).get(reverse("record_access:questions"))
    assert worklist.status_code == 200
    text = visible_text(worklist.content.decode())
    assert standing.person.full_name in text
    assert "Personal details and care team" in text
    assert standing.clinician.display_name in text

    # Not the person's own care team, not another organisation's lead, not the administrator.
    other_org = Organisation.objects.create(name="Elsewhere", code="ELS01", country=Country.WALES)
    elsewhere = make_staff(
        "elsewhere", Role.TEAM_MANAGER, other_org, Team.objects.create(organisation=other_org)
    )
    from ourplan.record_access import services

    services.governance_lead_grant(
        actor=standing.administrator, organisation=other_org, user=elsewhere
    )
    for outsider in (standing.coordinator, standing.clinician, standing.administrator, elsewhere):
        page = client_for(outsider).get(reverse("record_access:question", args=[question.pk]))
        assert page.status_code == 403
    lead_elsewhere = client_for(elsewhere).get(reverse("record_access:questions"))
    assert standing.person.full_name not in lead_elsewhere.content.decode()
    for not_a_lead in (standing.coordinator, standing.clinician, standing.administrator):
        assert client_for(not_a_lead).get(reverse("record_access:questions")).status_code == 403


def test_the_lead_answers_and_the_person_sees_the_status_and_the_answer(
    standing: Any, client_for: Any
) -> None:
    make_lead(standing)
    entry = _entry(standing)
    person = client_for(standing.person_user)
    _ask(person, entry, note="Who is this?")
    question = RecordAccessQuestion.objects.get()
    waiting = visible_text(person.get(reverse("record_access:mine")).content.decode())
    assert "Your questions Waiting for an answer" in waiting
    assert "You asked about this: waiting for an answer" in waiting

    lead = client_for(standing.manager)
    page = lead.get(reverse("record_access:question", args=[question.pk]))
    assert "Who is this?" in page.content.decode()
    answer = "Dr Tester covered the clinic on Monday and read your details before seeing you."
    response = lead.post(reverse("record_access:question", args=[question.pk]), {"answer": answer})
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.status, question.answered_by, question.answer) == (
        QuestionStatus.ANSWERED,
        standing.manager,
        answer,
    )
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_type="record_access_question", actor=standing.manager
    ).exists()

    seen = visible_text(person.get(reverse("record_access:mine")).content.decode())
    assert "Answered" in seen and answer in seen
    # The lead's look at the question is itself on the list, with why.
    assert standing.manager.display_name in seen
    assert "Why: To answer your question about who has seen your record" in seen
    # An answered question leaves the worklist, and cannot be answered twice.
    assert (
        standing.person.full_name
        not in lead.get(reverse("record_access:questions")).content.decode()
    )
    again = lead.post(reverse("record_access:question", args=[question.pk]), {"answer": "Other"})
    assert again.status_code == 200
    question.refresh_from_db()
    assert question.answer == answer


def test_a_note_that_is_too_long_is_refused_and_nothing_is_written(
    standing: Any, client_for: Any
) -> None:
    entry = _entry(standing)
    client = client_for(standing.person_user)
    before = AuditEntry.objects.exclude(action=AuditAction.READ).count()
    response = _ask(client, entry, note="x" * (NOTE + 1))
    assert response.status_code == 200
    assert "1000 characters" in response.content.decode()
    assert RecordAccessQuestion.objects.count() == 0
    assert AuditEntry.objects.exclude(action=AuditAction.READ).count() == before


def test_an_entry_that_is_not_the_persons_is_refused_and_nothing_is_written(
    standing: Any, client_for: Any
) -> None:
    someone_elses = logged(
        standing.other_team_coordinator, standing.other_person, "person", standing.other_person.pk
    )
    listed = logged(
        standing.coordinator,
        standing.person,
        "caseload",
        standing.person.pk,
        action=AuditAction.SEARCH,
    )
    own = logged(standing.person_user, standing.person, "person", standing.person.pk)
    refusal = logged(
        standing.other_team_coordinator, standing.person, "person", "x", action="denied"
    )
    client = client_for(standing.person_user)
    for entry in (someone_elses, listed, own, refusal):
        before = AuditEntry.objects.count()
        for response in (
            client.get(reverse("record_access:ask", args=[entry.pk])),
            _ask(client, entry),
        ):
            assert response.status_code == 403
        written = AuditEntry.objects.order_by("pk")[before:]
        assert [e.action for e in written] == [AuditAction.DENIED, AuditAction.DENIED]
    assert client.get(reverse("record_access:ask", args=[999999])).status_code == 403
    assert RecordAccessQuestion.objects.count() == 0


def test_only_an_entry_of_the_same_group_can_be_chosen(standing: Any, client_for: Any) -> None:
    entry = _entry(standing)
    logged(standing.clinician, standing.person, "crisis_plan", 4, at=days_ago(2, 11))
    elsewhere = logged(standing.coordinator, standing.person, "crisis_plan", 4, at=days_ago(9))
    response = _ask(client_for(standing.person_user), entry, chosen=elsewhere)
    assert response.status_code == 200
    assert RecordAccessQuestion.objects.count() == 0


def test_asking_twice_about_the_same_entry_keeps_one_open_question(
    standing: Any, client_for: Any
) -> None:
    entry = _entry(standing)
    client = client_for(standing.person_user)
    assert _ask(client, entry).status_code == 302
    second = _ask(client, entry)
    assert second.status_code == 200
    assert "You have already asked about this." in second.content.decode()
    assert RecordAccessQuestion.objects.count() == 1


def test_staff_and_supporters_cannot_ask_about_a_persons_entries(
    standing: Any, client_for: Any
) -> None:
    entry = _entry(standing)
    for user in (standing.coordinator, standing.supporter, standing.other_person_user):
        assert _ask(client_for(user), entry).status_code == 403
    assert RecordAccessQuestion.objects.count() == 0
