"""``core.submissions``: each submission key is acted on once, a failed form frees its key, and a
form without a key saves nothing and says so."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.test import RequestFactory

from ourplan.core.models import UsedSubmission
from ourplan.core.submissions import FIELD_NAME, once_per_submission
from ourplan.people.models import Team

pytestmark = pytest.mark.django_db
calls: list[str] = []


@once_per_submission
def add_team(request: HttpRequest) -> HttpResponse:
    """A view that creates something: a team named in the form, or the form again if blank."""
    calls.append(request.method or "")
    name = request.POST.get("name", "")
    if not name:
        return HttpResponse("Name the team", status=400)
    team = Team.objects.create(organisation=request.organisation, name=name)  # type: ignore[attr-defined]
    return redirect(f"/teams/{team.pk}/")


def _post(standing: Any, data: dict[str, str], user: Any = None) -> tuple[HttpResponse, list[str]]:
    request = RequestFactory().post("/teams/new/", data)
    request.user = user or standing.coordinator
    request.organisation = standing.organisation  # type: ignore[attr-defined]
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    response = add_team(request)
    return response, [str(message) for message in get_messages(request)]


@pytest.fixture(autouse=True)
def _no_calls() -> None:
    calls.clear()


def test_a_key_is_acted_on_once_and_a_resend_goes_where_the_first_went(standing: Any) -> None:
    key = uuid.uuid4().hex
    first, _ = _post(standing, {"name": "North", FIELD_NAME: key})
    again, said = _post(standing, {"name": "North", FIELD_NAME: key})
    assert first.status_code == 302 and again.status_code == 302
    assert again["Location"] == first["Location"]
    assert said == ["That was already saved. It has not been saved twice."]
    assert Team.objects.filter(name="North").count() == 1
    assert calls == ["POST"]  # the resend never reached the view
    assert UsedSubmission.objects.get(key=key).result_url == first["Location"]


def test_a_key_may_be_used_again_after_the_form_failed(standing: Any) -> None:
    key = uuid.uuid4().hex
    failed, _ = _post(standing, {"name": "", FIELD_NAME: key})
    assert failed.status_code == 400
    assert not UsedSubmission.objects.filter(key=key).exists()  # released with the failure
    corrected, said = _post(standing, {"name": "South", FIELD_NAME: key})
    assert corrected.status_code == 302 and said == []
    assert Team.objects.filter(name="South").count() == 1
    assert calls == ["POST", "POST"]


@pytest.mark.parametrize("sent", [{}, {FIELD_NAME: "not-a-key"}, {FIELD_NAME: ""}])
def test_a_stale_form_without_a_key_saves_nothing_and_says_so(
    standing: Any, sent: dict[str, str]
) -> None:
    response, said = _post(standing, {"name": "West", **sent})
    assert response.status_code == 302 and response["Location"] == "/teams/new/"
    assert said == ["This form was out of date, so nothing was saved. Please try again."]
    assert not Team.objects.filter(name="West").exists()
    assert calls == []
    assert not UsedSubmission.objects.exists()


def test_one_persons_key_is_not_another_persons_result(standing: Any) -> None:
    """A key is claimed once for everyone: another user sending it creates nothing and is sent
    to the page they were on, never to the first user's result."""
    key = uuid.uuid4().hex
    _post(standing, {"name": "East", FIELD_NAME: key})
    other, said = _post(standing, {"name": "East", FIELD_NAME: key}, user=standing.manager)
    assert other["Location"] == "/teams/new/"
    assert said == ["That was already saved. It has not been saved twice."]
    assert Team.objects.filter(name="East").count() == 1
