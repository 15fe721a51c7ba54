"""Who wrote the words is a recorded fact: every path, on the plan, in the documents and the versions."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ourplan.core.models import AuditAction, AuditEntry
from ourplan.plans import services
from ourplan.plans.models import Goal, NoticeKind, PlanNotice, Voice, Wording
from tests.plans.plans_permissions import PLANS_MATRIX
from tests.plans.submitted import keyed

SRC = Path(__file__).resolve().parents[2] / "src" / "ourplan"
CLAIMS = re.compile(r"own words|written together", re.IGNORECASE)


@pytest.fixture
def plan(standing: Any) -> Any:
    return services.plan_start(actor=standing.coordinator, person=standing.person)


@pytest.fixture
def area(standing: Any, plan: Any) -> Any:
    return services.life_areas_for(standing.organisation).get(code="physical_health")


def _text(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _pdf_text(response: Any) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _page(client: Any, name: str, standing: Any, *args: Any) -> str:
    response = client.get(reverse(name, args=[standing.person.pk, *args]))
    assert response.status_code == 200, name
    return _text(response)


COORDINATOR = "Coordinator Tester, care coordinator"


def test_the_person_writes_their_goal_and_every_place_says_it_is_in_their_own_words(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    client_for(standing.person_user).post(
        reverse("plans:goal_new", args=[standing.person.pk]),
        keyed({"text": "Swim a mile by summer", "life_area": area.pk}),
    )
    goal = Goal.objects.get(plan=plan)
    wording = Wording.objects.get(part_type="goal", part_id=goal.pk, is_current=True)
    assert (wording.voice, wording.written_by, wording.written_by_role) == (
        Voice.OWN,
        standing.person_user,
        "service_user",
    )
    person, staff = client_for(standing.person_user), client_for(standing.coordinator)
    assert "In your own words" in _page(person, "plans:goal", standing, goal.pk)
    assert "In Ada's own words" in _page(staff, "plans:plan", standing)
    assert "In Ada's own words" in _page(staff, "plans:statutory", standing)
    assert "In your own words" in _page(staff, "plans:person_copy", standing)


def test_staff_words_are_shown_as_theirs_and_nothing_claims_the_persons_voice(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    """A plan only staff wrote: no page or document of it says "own words" or "written together"."""
    staff = client_for(standing.coordinator)
    staff.post(
        reverse("plans:goal_new", args=[standing.person.pk]),
        keyed({"text": "Attend the gym twice weekly", "life_area": area.pk}),
    )
    services.save_part(
        actor=standing.coordinator,
        part=plan.about_me,
        revision=plan.about_me.revision,
        person=standing.person,
        fields={"recovery_meaning": "Stable on medication"},
    )
    services.version_create(actor=standing.coordinator, plan=plan)
    assert f"Written by {COORDINATOR}" in _page(staff, "plans:plan", standing)
    extras = plans_url_kwargs_for_this_plan(plan)
    claims = []
    for name, rules in PLANS_MATRIX.items():
        if name in {"plans:contribution_rules", "plans:version_compare"} or "GET" not in rules:
            continue
        for role, user in (("person", standing.person_user), ("coordinator", standing.coordinator)):
            if role not in rules["GET"]:
                continue
            url = _url(name, standing, extras)
            if url is None:
                continue
            response = client_for(user).get(url)
            assert response.status_code == 200, (name, response.status_code)
            shown = _pdf_text(response) if url.endswith(".pdf") else _text(response)
            claims += [f"{name} as {user.username}: {m}" for m in CLAIMS.findall(shown)]
    # Beyond the plan's own pages: the person's home, and the supporter's copy (page and PDF).
    from ourplan.consent import services as consent_services
    from ourplan.consent.models import RecordedHow
    from ourplan.consent.parts import PLAN_PARTS

    consent_services.agreement_set(
        actor=standing.coordinator,
        person=standing.person,
        supporter=standing.supporter_record,
        parts=sorted(PLAN_PARTS),
        crisis_parts=[],
        recorded_how=RecordedHow.IN_PERSON,
    )
    for user, name in (
        (standing.person_user, "people:my_home"),
        (standing.supporter, "consent:supporter_home"),
        (standing.supporter, "consent:shared_pdf"),
    ):
        response = client_for(user).get(reverse(name))
        assert response.status_code == 200, name
        shown = _pdf_text(response) if name.endswith("pdf") else _text(response)
        assert "Attend the gym twice weekly" in shown or name == "people:my_home", name
        claims += [f"{name}: {m}" for m in CLAIMS.findall(shown)]
    assert claims == []


def plans_url_kwargs_for_this_plan(plan: Any) -> dict[str, Any]:
    goal = plan.goals.get()
    version = plan.versions.get()
    return {"goal_id": goal.pk, "number": version.number}


def _url(name: str, standing: Any, extras: dict[str, Any]) -> str | None:
    """The URL, or None when it names a record this plan does not have."""
    from ourplan.plans import urls

    (pattern,) = [p for p in urls.urlpatterns if f"plans:{p.name}" == name]
    kwargs = {}
    for key in getattr(pattern.pattern, "converters", {}):
        if key == "person_id":
            kwargs[key] = standing.person.pk
        elif key in extras:
            kwargs[key] = extras[key]
    if len(kwargs) != len(getattr(pattern.pattern, "converters", {})):
        return None
    return reverse(name, kwargs=kwargs)


def test_staff_record_the_persons_words_and_the_person_confirms_them(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    staff = client_for(standing.coordinator)
    staff.post(
        reverse("plans:goal_new", args=[standing.person.pk]),
        keyed({"text": "Get my bike fixed", "life_area": area.pk, "voice": Voice.AS_SAID}),
    )
    goal = Goal.objects.get(plan=plan)
    wording = Wording.objects.get(part_type="goal", part_id=goal.pk, is_current=True)
    assert wording.voice == Voice.AS_SAID and wording.person_present
    assert PlanNotice.objects.filter(plan=plan, kind=NoticeKind.WORDS_TO_CONFIRM).count() == 1
    before = _page(staff, "plans:goal", standing, goal.pk)
    assert f"Recorded by {COORDINATOR}, as Ada said it. Ada has not confirmed it yet" in before
    assert "own words" not in before
    person = client_for(standing.person_user)
    changes = _page(person, "plans:changes", standing)
    assert "Get my bike fixed" in changes and "Yes, these are my words" in changes
    confirmed = person.post(
        reverse("plans:words_confirm", args=[standing.person.pk]), keyed({"wording": wording.pk})
    )
    assert confirmed.status_code == 302
    after = _page(staff, "plans:goal", standing, goal.pk)
    assert f"In Ada's own words, recorded by {COORDINATOR}, and confirmed by Ada" in after
    assert "In Ada's own words" in _page(staff, "plans:statutory", standing)


def test_written_together_needs_both_there_and_both_confirming(
    standing: Any, plan: Any, client_for: Any
) -> None:
    services.save_part(
        actor=standing.coordinator,
        part=plan.about_me,
        revision=plan.about_me.revision,
        person=standing.person,
        voice=Voice.TOGETHER,
        fields={"what_matters": "My dog and my allotment"},
    )
    staff = client_for(standing.coordinator)
    page = _page(staff, "plans:plan", standing)
    assert f"Written by {COORDINATOR}, with Ada. Ada has not confirmed it yet" in page
    assert not re.search("written together", page, re.IGNORECASE)
    wording = Wording.objects.get(field="what_matters", is_current=True)
    waiting = PlanNotice.objects.get(plan=plan, kind=NoticeKind.WORDS_TO_CONFIRM)
    assert waiting.seen_at is None
    services.wording_confirm(actor=standing.person_user, plan=plan, wording=wording)
    waiting.refresh_from_db()
    assert waiting.seen_at is not None  # answered: nothing of it waits any more
    assert f"Written together by Ada and {COORDINATOR}" in _page(staff, "plans:plan", standing)


def test_staff_change_the_persons_words_the_person_is_told_and_puts_them_back(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    goal = services.goal_add(
        actor=standing.person_user,
        plan=plan,
        text="Get back to the allotment on Saturdays",
        life_area=area,
    )
    services.version_create(actor=standing.coordinator, plan=plan)
    staff = client_for(standing.coordinator)
    staff.post(
        reverse("plans:goal_edit", args=[standing.person.pk, goal.pk]),
        {
            "revision": goal.revision,
            "text": "Attend allotment 2x/week (behavioural activation)",
            "life_area": area.pk,
        },
    )
    goal.refresh_from_db()
    assert goal.text.startswith("Attend allotment")
    services.version_create(actor=standing.coordinator, plan=plan)
    notice = PlanNotice.objects.get(plan=plan, kind=NoticeKind.WORDS_CHANGED)
    assert notice.by == standing.coordinator
    person = client_for(standing.person_user)
    # The label says so, to the person and to everyone else, on the pages and in the documents.
    assert f"Changed by {COORDINATOR}, from your words" in _page(
        person, "plans:goal", standing, goal.pk
    )
    assert f"Changed by {COORDINATOR}, from Ada's words" in _page(staff, "plans:plan", standing)
    statutory = _text(staff.get(reverse("plans:statutory", args=[standing.person.pk])))
    assert f"Changed by {COORDINATOR}, from Ada's words" in statutory
    assert "In Ada's own words" not in statutory
    copy_pdf = _pdf_text(person.get(reverse("plans:person_copy_pdf", args=[standing.person.pk])))
    assert "from your words" in copy_pdf
    # The person's plan page tells them, and the page of changes shows their earlier words.
    assert "change to your plan to look at" in _page(person, "plans:plan", standing)
    changes = _page(person, "plans:changes", standing)
    assert "Get back to the allotment on Saturdays" in changes
    earlier = Wording.objects.get(part_type="goal", part_id=goal.pk, voice=Voice.OWN)
    restored = person.post(
        reverse("plans:words_restore", args=[standing.person.pk]), keyed({"wording": earlier.pk})
    )
    assert restored.status_code == 302
    goal.refresh_from_db()
    assert goal.text == "Get back to the allotment on Saturdays"
    assert "In your own words" in _page(person, "plans:goal", standing, goal.pk)
    assert not PlanNotice.objects.filter(plan=plan, seen_at__isnull=True).exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE,
        object_type="goal",
        object_id=str(goal.pk),
        actor=standing.person_user,
    ).exists()
    # The versions follow: the new version keeps who wrote the goal, and the compare says it in words.
    services.version_create(actor=standing.coordinator, plan=plan)
    compare = _text(
        staff.get(
            reverse("plans:version_compare", args=[standing.person.pk]), {"older": 2, "newer": 3}
        )
    )
    assert f"(Changed by {COORDINATOR}, from Ada's words)" in compare
    assert "Get back to the allotment on Saturdays (In Ada's own words)" in compare


def test_only_the_person_confirms_their_words(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    goal = services.goal_add(
        actor=standing.coordinator, plan=plan, text="Walk more", life_area=area, voice=Voice.AS_SAID
    )
    wording = Wording.objects.get(part_type="goal", part_id=goal.pk, is_current=True)
    with pytest.raises(ValidationError, match="Only Ada can confirm"):
        services.wording_confirm(actor=standing.coordinator, plan=plan, wording=wording)
    with pytest.raises(ValidationError, match="Only Ada can confirm"):
        services.wording_confirm(actor=standing.other_person_user, plan=plan, wording=wording)
    refused = client_for(standing.coordinator).post(
        reverse("plans:words_confirm", args=[standing.person.pk]), keyed({"wording": wording.pk})
    )
    assert refused.status_code == 403
    wording.refresh_from_db()
    assert wording.person_confirmed_at is None


def test_the_person_cannot_confirm_or_restore_words_from_another_plan(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    other_plan = services.plan_start(actor=standing.coordinator, person=standing.other_person)
    other_goal = services.goal_add(
        actor=standing.other_person_user,
        plan=other_plan,
        text="Bea's own goal",
        life_area=services.life_areas_for(standing.organisation).first(),
    )
    services.save_part(
        actor=standing.other_team_coordinator,
        part=other_goal,
        revision=other_goal.revision,
        person=standing.other_person,
        fields={"text": "Bea's goal, reworded"},
    )
    theirs = Wording.objects.get(part_type="goal", part_id=other_goal.pk, voice=Voice.OWN)
    person = client_for(standing.person_user)
    before = Wording.objects.count()
    for name in ("plans:words_restore", "plans:words_confirm"):
        response = person.post(
            reverse(name, args=[standing.person.pk]), keyed({"wording": theirs.pk})
        )
        assert response.status_code == 200
        assert "Choose words from your own plan" in _text(response)
    other_goal.refresh_from_db()
    assert other_goal.text == "Bea's goal, reworded"
    assert Wording.objects.count() == before
    with pytest.raises(ValidationError):
        services.wording_restore(actor=standing.person_user, plan=plan, wording=theirs)
    assert Wording.objects.count() == before


# Templates that may say these words, and why each is not a claim about whose words a plan holds.
NOT_A_CLAIM = {
    # An instruction to a study participant about how to answer, not a label on a plan.
    "studies/templates/studies/participant_round.html": "Answer in your own words.",
}


def test_no_template_claims_the_persons_voice_by_itself() -> None:
    """No template anywhere says "own words" or "written together": only plans/authorship.py
    does, from the recorded facts of one wording (every page, document, copy and version)."""
    templates = sorted(SRC.rglob("templates/**/*.html"))
    assert len(templates) > 100  # every app's templates, and the shared ones
    found = []
    for path in templates:
        name = str(path.relative_to(SRC))
        text = path.read_text(encoding="utf-8")
        if name in NOT_A_CLAIM:
            assert NOT_A_CLAIM[name] in text, f"{name} no longer says what it is allowed to"
            text = text.replace(NOT_A_CLAIM[name], "")
        found += [f"{name}: {match.group(0)}" for match in CLAIMS.finditer(text)]
    assert found == []


def test_the_persons_home_page_does_not_claim_the_plan_is_in_their_own_words(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    """Staff wrote everything in this plan: the person's home does not say it is their words."""
    services.goal_add(
        actor=standing.coordinator, plan=plan, text="Attend the gym twice weekly", life_area=area
    )
    home = client_for(standing.person_user).get(reverse("people:my_home"))
    assert home.status_code == 200
    assert CLAIMS.findall(_text(home)) == []
    assert "My goals, strengths, staying-well plan and crisis plan." in _text(home)


def test_the_person_writing_can_never_be_recorded_as_staff(
    standing: Any, plan: Any, area: Any
) -> None:
    goal = services.goal_add(
        actor=standing.person_user, plan=plan, text="Mine", life_area=area, voice=Voice.STAFF
    )
    assert Wording.objects.get(part_id=goal.pk, part_type="goal").voice == Voice.OWN
    with pytest.raises(ValidationError):
        services.goal_add(actor=standing.other_person_user, plan=plan, text="x", life_area=area)


def test_the_person_cannot_confirm_words_staff_wrote_as_their_own(
    standing: Any, plan: Any, area: Any, client_for: Any
) -> None:
    """Staff's own words are not the person's to confirm: nothing turns them into "own words"."""
    goal = services.goal_add(
        actor=standing.coordinator, plan=plan, text="Attend the gym", life_area=area
    )
    staffs = Wording.objects.get(part_type="goal", part_id=goal.pk, is_current=True)
    assert staffs.voice == Voice.STAFF
    updates = AuditEntry.objects.filter(action=AuditAction.UPDATE).count()
    refused = client_for(standing.person_user).post(
        reverse("plans:words_confirm", args=[standing.person.pk]), keyed({"wording": staffs.pk})
    )
    assert refused.status_code == 200
    assert "Choose words from your own plan that are waiting for you." in _text(refused)
    with pytest.raises(ValidationError, match="There is nothing to confirm here"):
        services.wording_confirm(actor=standing.person_user, plan=plan, wording=staffs)
    staffs.refresh_from_db()
    assert staffs.person_confirmed_at is None and staffs.is_current
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE).count() == updates
    page = _page(client_for(standing.coordinator), "plans:goal", standing, goal.pk)
    assert f"Written by {COORDINATOR}" in page and not CLAIMS.search(page)
