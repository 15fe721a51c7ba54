"""The one conflict helper every plan edit goes through, at its edges.

A stale save of exactly what is stored already is not a conflict: nothing needed saving,
and the page says so. A save whose hidden revision was tampered with, lost or made up is
refused with a message the person can see (status 400), and nothing is written.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.urls import reverse

from ourplan.core.models import AuditAction, AuditEntry
from ourplan.plans import services
from ourplan.plans.models import AboutMe, PersonalContact

NOTHING_NEEDED = "Nothing needed saving"
NOT_SAVED = "This page could not be saved"


@pytest.fixture
def plan(standing: Any) -> Any:
    return services.plan_start(actor=standing.coordinator, person=standing.person)


@pytest.fixture
def contact(standing: Any, plan: Any) -> PersonalContact:
    return services.contact_add(
        actor=standing.person_user,
        plan=plan,
        name="Sam",
        relationship="my brother",
        phone="01632 960001",
    )


def _updates() -> int:
    return AuditEntry.objects.filter(action=AuditAction.UPDATE).count()


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_a_stale_save_of_the_words_already_saved_says_nothing_needed_saving(
    standing: Any, plan: Any, client_for: Any
) -> None:
    url = reverse("plans:about_me", args=[standing.person.pk])
    opened_at = plan.about_me.revision
    words = {"recovery_meaning": "Feeling like me again"}
    assert (
        client_for(standing.person_user).post(url, {"revision": opened_at, **words}).status_code
        == 302
    )
    updates = _updates()
    coordinator = client_for(standing.coordinator)
    stale = coordinator.post(url, {"revision": opened_at, **words, "voice": "as_said"})
    assert stale.status_code == 302
    assert stale.url == reverse("plans:plan", args=[standing.person.pk])
    shown = _page(coordinator.get(stale.url))
    assert NOTHING_NEEDED in shown and "same changes" in shown
    about = AboutMe.objects.get(pk=plan.about_me.pk)
    # Nothing written: the person's save stands as theirs, at the revision it made.
    assert about.recovery_meaning == "Feeling like me again"
    assert about.revision == opened_at + 1
    assert about.updated_by == standing.person_user
    assert about.history.count() == 2
    assert _updates() == updates


def test_a_stale_save_of_the_same_step_says_nothing_needed_saving(
    standing: Any, plan: Any, client_for: Any
) -> None:
    area = services.life_areas_for(standing.organisation).get(code="physical_health")
    goal = services.goal_add(actor=standing.person_user, plan=plan, text="Swim", life_area=area)
    step = services.step_add(
        actor=standing.person_user, goal=goal, text="Find the pool", owner="me"
    )
    url = reverse("plans:step_edit", args=[standing.person.pk, step.pk])
    form = {"revision": step.revision, "text": "Find the pool and its times", "owner": "me"}
    person = client_for(standing.person_user)
    assert person.post(url, form).status_code == 302
    stale = person.post(url, form)  # the same form, sent again from a second tab
    assert stale.status_code == 302
    assert NOTHING_NEEDED in _page(person.get(stale.url))
    step.refresh_from_db()
    assert step.revision == form["revision"] + 1


def test_a_stale_save_that_only_asks_to_remove_is_a_conflict_shown_not_silent(
    standing: Any, contact: PersonalContact, client_for: Any
) -> None:
    url = reverse("plans:contact_edit", args=[standing.person.pk, contact.pk])
    opened_at = contact.revision
    same = {"name": "Sam", "relationship": "my brother", "phone": contact.phone}
    person = client_for(standing.person_user)
    assert (
        person.post(
            url, {"revision": opened_at, **same, "relationship": "my big brother"}
        ).status_code
        == 302
    )
    # The other tab still shows the words as they were, and ticks "take this contact off".
    stale = person.post(
        url, {"revision": opened_at, **same, "relationship": "my big brother", "remove": "on"}
    )
    assert stale.status_code == 409
    page = _page(stale)
    assert "Someone else saved changes while you were writing" in page
    assert "Take this contact off my plan" in page
    contact.refresh_from_db()
    assert contact.archived_at is None and contact.relationship == "my big brother"


TAMPERED = {
    "not a number": "two",
    "empty": "",
    "zero": "0",
    "negative": "-4",
    "from the future": "1000",
}


@pytest.mark.parametrize("revision", TAMPERED.values(), ids=TAMPERED.keys())
def test_a_tampered_revision_is_refused_clearly_and_nothing_is_written(
    standing: Any, plan: Any, client_for: Any, revision: str
) -> None:
    url = reverse("plans:about_me", args=[standing.person.pk])
    updates = _updates()
    response = client_for(standing.coordinator).post(
        url, {"revision": revision, "recovery_meaning": "Back at work"}
    )
    assert response.status_code == 400
    page = _page(response)
    assert NOT_SAVED in page and "Nothing was saved" in page
    assert "Back at work" in page  # their text is kept, to copy
    about = AboutMe.objects.get(pk=plan.about_me.pk)
    assert about.recovery_meaning == "" and about.revision == plan.about_me.revision
    assert _updates() == updates


def test_a_missing_revision_is_refused_clearly_and_nothing_is_written(
    standing: Any, plan: Any, client_for: Any
) -> None:
    url = reverse("plans:about_me", args=[standing.person.pk])
    response = client_for(standing.coordinator).post(url, {"recovery_meaning": "Back at work"})
    assert response.status_code == 400
    assert NOT_SAVED in _page(response)
    assert AboutMe.objects.get(pk=plan.about_me.pk).recovery_meaning == ""


@pytest.mark.parametrize("revision", [None, "", "two"], ids=["missing", "empty", "not a number"])
def test_a_tampered_revision_on_a_form_shared_with_new_items_is_refused_too(
    standing: Any, contact: PersonalContact, client_for: Any, revision: str | None
) -> None:
    # The contact form is also the form for a new contact, where no revision is needed,
    # so its revision is optional: an edit must still have one.
    url = reverse("plans:contact_edit", args=[standing.person.pk, contact.pk])
    form = {"name": "Sam", "relationship": "my brother", "phone": "01632 960002"}
    if revision is not None:
        form["revision"] = revision
    response = client_for(standing.person_user).post(url, form)
    assert response.status_code == 400
    assert NOT_SAVED in _page(response)
    contact.refresh_from_db()
    assert contact.phone != "01632960002" and contact.revision == 1


def test_a_tampered_revision_is_named_even_beside_other_mistakes(
    standing: Any, contact: PersonalContact, client_for: Any
) -> None:
    url = reverse("plans:contact_edit", args=[standing.person.pk, contact.pk])
    response = client_for(standing.person_user).post(
        url, {"revision": "x", "name": "", "phone": "01632 960002"}
    )
    assert response.status_code == 400
    assert NOT_SAVED in _page(response)
