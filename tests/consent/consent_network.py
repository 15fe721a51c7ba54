"""Six standing supporters of the standing person, one for each state of sharing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from ourplan.accounts.models import Role, User
from ourplan.consent import services
from ourplan.consent.models import RecordedHow, SharingAgreement
from ourplan.people.models import Supporter, SupporterKind
from ourplan.plans import services as plans
from tests.factories import make_user

# Text written into each part of the plan, so a page can be searched for what it shows.
MARKERS = {
    "about_me": "MARK-ABOUT recovery is my allotment",
    "goals": "MARK-GOALS walk to the park",
    "staying_well": "MARK-WELL morning swim",
    "crisis": "MARK-CRISIS ring my sister first",
    "safety": "MARK-SAFETY nights alone",
    "reviews": "MARK-REVIEWS the review went well",
}
ALL_SHARED = [
    "about_me",
    "goals",
    "staying_well",
    "crisis",
    "safety",
    "reviews",
    "contacts",
    "questionnaires",
]
PARTIAL = ["crisis", "goals"]
IN_CRISIS = ["crisis", "safety"]
KINDS = ("full", "partial", "none", "revoked", "expired", "crisis")


@dataclass
class Network:
    users: dict[str, User]
    supporters: dict[str, Supporter]
    expected: dict[str, set[str]]


def write_plan(standing: Any) -> None:
    plan = plans.plan_start(actor=standing.coordinator, person=standing.person)
    for part, field, text in (
        ("about_me", "recovery_meaning", MARKERS["about_me"]),
        ("staying_well", "keep_me_well", MARKERS["staying_well"]),
        ("crisis", "what_helps", MARKERS["crisis"]),
    ):
        obj = getattr(plan, part)
        plans.save_part(
            actor=standing.coordinator,
            part=obj,
            fields={field: text},
            revision=obj.revision,
            person=standing.person,
        )
    area = plans.life_areas_for(standing.organisation).first()
    plans.goal_add(actor=standing.coordinator, plan=plan, text=MARKERS["goals"], life_area=area)
    plans.safety_item_add(
        actor=standing.coordinator,
        plan=plan,
        kind="concern",
        description=MARKERS["safety"],
        person_view="I cope if I can text someone",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    from ourplan.plans.models import Review

    Review.objects.create(
        plan=plan,
        what_changed=MARKERS["reviews"],
        next_review_on=timezone.localdate() + timedelta(days=300),
        recorded_by=standing.coordinator,
    )


def build_network(standing: Any) -> Network:
    write_plan(standing)
    users: dict[str, User] = {}
    supporters: dict[str, Supporter] = {}
    for kind in KINDS:
        user = make_user(f"sup-{kind}", Role.SUPPORTER)
        users[kind] = user
        supporters[kind] = Supporter.objects.create(
            person=standing.person,
            user=user,
            given_name=kind.title(),
            kind=SupporterKind.FAMILY,
            relationship=f"my {kind} relative",
        )
    coordinator = standing.coordinator

    def share(kind: str, parts: list[str], crisis_parts: list[str] = ()) -> SharingAgreement:  # type: ignore[assignment]
        return services.agreement_set(
            actor=coordinator,
            person=standing.person,
            supporter=supporters[kind],
            parts=parts,
            crisis_parts=crisis_parts,
            recorded_how=RecordedHow.IN_PERSON,
        )

    share("full", ALL_SHARED)
    share("partial", PARTIAL)
    revoked = share("revoked", ALL_SHARED)
    services.agreement_revoke(actor=coordinator, agreement=revoked)
    today = timezone.localdate()
    SharingAgreement.objects.create(
        person=standing.person,
        supporter=supporters["expired"],
        parts=ALL_SHARED,
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=1),
        revisit_on=today,
        recorded_how=RecordedHow.IN_PERSON,
        set_by=coordinator,
    )
    share("crisis", [], IN_CRISIS)
    services.crisis_sharing_start(
        actor=coordinator, person=standing.person, reason="Admitted overnight", hours=24
    )
    return Network(
        users=users,
        supporters=supporters,
        expected={
            "full": set(ALL_SHARED),
            "partial": set(PARTIAL),
            "none": set(),
            "revoked": set(),
            "expired": set(),
            "crisis": set(IN_CRISIS),
        },
    )
