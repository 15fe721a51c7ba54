"""One read per supporter view, told to the person in plain words, a page of days at a time;
and consent's pages on the one road: refusals logged once, each page's read written once."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ourplan.consent import services
from ourplan.consent.models import RecordedHow
from ourplan.consent.parts import ALL_PARTS, NOTHING_SHOWN, parts_of_shown_id, shown_id
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.core.record_words import describe_objects, is_registered
from ourplan.people.models import Supporter, SupporterKind
from tests.consent.consent_network import write_plan

pytestmark = pytest.mark.django_db

INTERNAL_CODES = re.compile(r"shared_view|shared_copy|supporter_home|[a-z]+_[a-z]+:[a-z_]+")


def _share(standing: Any, supporter: Supporter, parts: list[str]) -> None:
    services.agreement_set(
        actor=standing.coordinator,
        person=standing.person,
        supporter=supporter,
        parts=parts,
        recorded_how=RecordedHow.IN_PERSON,
    )


def _last_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _reads_after(before: int) -> list[tuple[str, str, Any]]:
    return [
        (e.object_type, e.object_id, e.person_id)
        for e in AuditEntry.objects.filter(pk__gt=before, action=AuditAction.READ).order_by("pk")
    ]


def _sharing_page(client: Any, standing: Any, **query: Any) -> str:
    url = reverse("consent:sharing", args=[standing.person.pk])
    return client.get(url, query).content.decode()


def _log(page: str) -> str:
    """The text of the supporter-views log on the sharing page, tags removed."""
    match = re.search(r'data-testid="supporter-reads">(.*?)</div>', page, re.S)
    assert match, "no supporter-views log on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def test_the_supporter_home_is_still_at_its_address(standing: Any, client_for: Any) -> None:
    assert reverse("consent:supporter_home") == "/supporting/"
    page = client_for(standing.supporter).get("/supporting/")
    assert page.status_code == 200
    assert "Hello, Mo" in page.content.decode()


def test_a_supporter_page_view_writes_one_read_with_the_parts_shown(
    standing: Any, client_for: Any
) -> None:
    write_plan(standing)
    _share(standing, standing.supporter_record, ["crisis", "goals", "contacts"])
    before = _last_id()
    client_for(standing.supporter).get(reverse("consent:supporter_home"))
    # Appointments and contacts are held by care coordination, so a view shows them too.
    assert _reads_after(before) == [("shared_view", "goals,crisis,contacts", standing.person.pk)]


def test_the_log_says_in_words_who_saw_what_and_never_shows_internal_codes(
    standing: Any, client_for: Any
) -> None:
    write_plan(standing)
    _share(standing, standing.supporter_record, ["crisis", "goals"])
    carer = client_for(standing.supporter)
    carer.get(reverse("consent:supporter_home"))
    carer.get(reverse("consent:supporter_home"))
    carer.get(reverse("consent:shared_pdf"))
    page = _sharing_page(client_for(standing.person_user), standing)
    log = _log(page)
    assert "Mo Example (carer) saw your goals and crisis plan (2 times)" in log
    assert "Mo Example (carer) downloaded a copy of your goals and crisis plan" in log
    assert timezone.localdate().strftime("%-d %B %Y") in log
    assert not INTERNAL_CODES.search(log), log


def test_views_before_one_entry_per_view_still_read_as_words(
    standing: Any, client_for: Any
) -> None:
    for part in ("crisis", "reviews"):
        AuditEntry.objects.create(
            actor=standing.supporter,
            actor_role="supporter",
            action=AuditAction.READ,
            object_type=f"supporter_home:{part}",
            object_id="12",
            person=standing.person,
        )
    AuditEntry.objects.create(
        actor=standing.supporter,
        actor_role="supporter",
        action=AuditAction.READ,
        object_type="shared_copy:reviews",
        object_id="3",
        person=standing.person,
    )
    log = _log(_sharing_page(client_for(standing.person_user), standing))
    assert "Mo Example (carer) saw your crisis plan and latest review (2 times)" in log
    assert "downloaded a copy of your latest review" in log
    assert not INTERNAL_CODES.search(log), log


def test_a_view_with_nothing_shared_is_told_as_such(standing: Any, client_for: Any) -> None:
    before = _last_id()
    client_for(standing.supporter).get(reverse("consent:supporter_home"))
    assert _reads_after(before) == [("shared_view", NOTHING_SHOWN, standing.person.pk)]
    log = _log(_sharing_page(client_for(standing.person_user), standing))
    assert "Mo Example (carer) opened their page; nothing of your plan was shared with them" in log


def _views_on_days(standing: Any, user: Any, days: int, parts: str = "crisis") -> None:
    now = timezone.now()
    for back in range(days):
        AuditEntry.objects.create(
            at=now - timedelta(days=back),
            actor=user,
            actor_role="supporter",
            action=AuditAction.READ,
            object_type="shared_view",
            object_id=parts,
            person=standing.person,
        )


def test_the_log_is_grouped_by_day_twenty_days_a_page(standing: Any, client_for: Any) -> None:
    _views_on_days(standing, standing.supporter, 45)
    person = client_for(standing.person_user)
    first = _sharing_page(person, standing)
    assert _log(first).count("saw your crisis plan") == 20
    assert "Earlier days" in first and "Later days" not in first
    third = _sharing_page(person, standing, page=3)
    assert _log(third).count("saw your crisis plan") == 5
    assert "Later days" in third and "Earlier days" not in third
    oldest = (timezone.localtime() - timedelta(days=44)).date()
    assert oldest.strftime("%-d %B %Y") in _log(third)


def test_the_log_can_show_one_supporter(standing: Any, client_for: Any) -> None:
    from ourplan.accounts.models import Role
    from tests.factories import make_user

    ray = Supporter.objects.create(
        person=standing.person,
        user=make_user("ray", Role.SUPPORTER),
        given_name="Ray",
        family_name="Friend",
        kind=SupporterKind.FRIEND,
        relationship="my friend",
    )
    _views_on_days(standing, standing.supporter, 2, "crisis")
    _views_on_days(standing, ray.user, 1, "goals")
    person = client_for(standing.person_user)
    everyone = _sharing_page(person, standing)
    assert 'data-testid="supporter-views-filter"' in everyone
    assert "Ray Friend (friend) saw your goals" in _log(everyone)
    assert "Mo Example (carer) saw your crisis plan" in _log(everyone)
    only_ray = _log(_sharing_page(person, standing, seen_by=str(ray.pk)))
    assert "Ray Friend (friend) saw your goals" in only_ray and "Mo Example" not in only_ray
    # A supporter of someone else is not a choice: the filter falls back to everyone.
    stranger = Supporter.objects.create(
        person=standing.other_person, given_name="Zed", kind=SupporterKind.FRIEND, relationship="x"
    )
    assert "Mo Example" in _log(_sharing_page(person, standing, seen_by=str(stranger.pk)))


def test_choosing_what_a_supporter_sees_reads_that_supporter_once(
    standing: Any, client_for: Any
) -> None:
    before = _last_id()
    url = reverse("consent:agreement_edit", args=[standing.person.pk, standing.supporter_record.pk])
    assert client_for(standing.person_user).get(url).status_code == 200
    assert _reads_after(before) == [
        ("supporter", str(standing.supporter_record.pk), standing.person.pk)
    ]


def test_a_supporter_of_someone_else_is_refused_and_logged_once(
    standing: Any, client_for: Any
) -> None:
    stranger = Supporter.objects.create(
        person=standing.other_person, given_name="Zed", kind=SupporterKind.FRIEND, relationship="x"
    )
    before = _last_id()
    url = reverse("consent:agreement_edit", args=[standing.person.pk, stranger.pk])
    assert client_for(standing.person_user).get(url).status_code == 403
    denied = AuditEntry.objects.filter(pk__gt=before, action=AuditAction.DENIED)
    assert [(e.object_type, e.object_id) for e in denied] == [("supporter", str(stranger.pk))]
    assert _reads_after(before) == []


def test_the_policy_page_refused_to_staff_is_logged_once(standing: Any, client_for: Any) -> None:
    before = _last_id()
    response = client_for(standing.manager).get(reverse("consent:contribution_policy"))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk__gt=before, action=AuditAction.DENIED).count() == 1


def test_every_part_set_fits_in_an_audit_id_and_reads_back() -> None:
    longest = shown_id(ALL_PARTS)
    assert len(longest) <= AuditEntry._meta.get_field("object_id").max_length
    assert {str(part) for part in parts_of_shown_id(longest)} == {
        "about_me",
        "goals",
        "staying_well",
        "crisis",
        "safety",
        "reviews",
        "contacts",  # held by care coordination (consent.part_content)
        "questionnaires",  # held by measures
    }
    assert shown_id(frozenset()) == NOTHING_SHOWN and parts_of_shown_id(NOTHING_SHOWN) == []


def test_every_object_type_consent_audits_has_words(standing: Any) -> None:
    types = [
        "sharing",
        "sharing_agreement",
        "sharing_agreement_stopped",
        "sharing_agreement_revisited",
        "sharing_revisits",
        "crisis_agreements",
        "crisis_sharing",
        "crisis_sharing_ended",
        "contribution",
        "contributions",
        "contribution_policy",
        "carer_profile",
        "carer_check_in",
        "carer_support",
        "shared_view",
        "shared_copy",
        "supporter_home:goals",
        "shared_copy:crisis",
    ]
    assert [t for t in types if not is_registered(t)] == []
    words = describe_objects(
        [
            ("shared_view", "goals,crisis"),
            ("shared_view", NOTHING_SHOWN),
            ("carer_support", str(standing.supporter_record.pk)),
        ]
    )
    assert words[("shared_view", "goals,crisis")] == (
        "What is shared with a supporter: Goals and progress, Crisis plan"
    )
    assert words[("shared_view", NOTHING_SHOWN)] == "A supporter's page, with nothing shared"
    assert words[("carer_support", str(standing.supporter_record.pk))] == (
        "Support for Mo Example as a carer"
    )
