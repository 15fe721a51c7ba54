"""Property: whatever the network and agreements, a supporter is shown no more than was consented.

The pure policy is checked on 2,000 random agreements; the real policy (database reads)
with the supporter render path on 1,000 random networks of up to three supporters.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ourplan.accounts.models import Role
from ourplan.consent import access, queries
from ourplan.consent.models import CrisisSharing, RecordedHow, SharingAgreement
from ourplan.consent.parts import ALL_PARTS, ordered
from ourplan.people.models import Supporter, SupporterKind
from tests.consent.consent_network import MARKERS, write_plan
from tests.factories import make_user

PARTS = sorted(ALL_PARTS)
parts_sets = st.frozensets(st.sampled_from([*PARTS, "not_a_part"]))
offsets = st.integers(min_value=-400, max_value=400)


def oracle(terms: dict[str, Any] | None, today: date, crisis_on: bool) -> frozenset[str]:
    """What was consented, written independently of the policy code."""
    if not terms or terms["revoked"]:
        return frozenset()
    if not terms["start"] <= today:
        return frozenset()
    if terms["end"] is not None and not today <= terms["end"]:
        return frozenset()
    consented = set(terms["parts"])
    if crisis_on:
        consented |= terms["crisis_parts"]
    return frozenset(consented) & ALL_PARTS


terms_strategy = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "parts": parts_sets,
            "crisis_parts": parts_sets,
            "start": offsets,
            "end": st.one_of(st.none(), offsets),
            "revoked": st.booleans(),
        }
    ),
)


@settings(max_examples=2000, deadline=None)
@given(terms=terms_strategy, crisis_on=st.booleans(), day=offsets)
def test_the_policy_never_shares_more_than_was_consented(
    terms: dict[str, Any] | None, crisis_on: bool, day: int
) -> None:
    base = date(2026, 1, 1)
    today = base + timedelta(days=day)
    concrete = None
    if terms is not None:
        start = base + timedelta(days=terms["start"])
        end = None if terms["end"] is None else start + timedelta(days=abs(terms["end"]))
        terms = {**terms, "start": start, "end": end}
        concrete = access.Terms(
            parts=terms["parts"],
            crisis_parts=terms["crisis_parts"],
            starts_on=start,
            ends_on=end,
            revoked=terms["revoked"],
        )
    granted = access.parts_in_effect(concrete, today=today, crisis_active=crisis_on)
    assert granted == oracle(terms, today, crisis_on)
    assert granted <= ALL_PARTS


crisis_states = st.sampled_from(["none", "active", "expired", "ended"])
supporter_terms = st.lists(terms_strategy, min_size=1, max_size=3)


@pytest.fixture
def three_supporters(standing: Any) -> list[tuple[Any, Supporter]]:
    write_plan(standing)
    found = []
    for n in range(3):
        user = make_user(f"prop{n}", Role.SUPPORTER)
        found.append(
            (
                user,
                Supporter.objects.create(
                    person=standing.person,
                    user=user,
                    given_name=f"Prop{n}",
                    kind=SupporterKind.FRIEND,
                    relationship="a friend",
                ),
            )
        )
    return found


class _Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(network=supporter_terms, crisis=crisis_states)
def test_what_each_supporter_is_shown_is_a_subset_of_what_was_consented(
    standing: Any, three_supporters: list[tuple[Any, Supporter]], network: list[Any], crisis: str
) -> None:
    person = standing.person
    now = timezone.now()
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            if crisis != "none":
                started = now - timedelta(hours=100 if crisis == "expired" else 1)
                CrisisSharing.objects.create(
                    person=person,
                    reason="test",
                    started_at=started,
                    ends_at=started + timedelta(hours=72 if crisis == "expired" else 24),
                    switched_on_by=standing.coordinator,
                    ended_at=now - timedelta(minutes=1) if crisis == "ended" else None,
                )
            crisis_on = crisis == "active"
            expected = {}
            for (user, supporter), terms in zip(three_supporters, network, strict=False):
                if terms is not None:
                    start = today + timedelta(days=terms["start"])
                    end = (
                        None if terms["end"] is None else start + timedelta(days=abs(terms["end"]))
                    )
                    terms = {**terms, "start": start, "end": end}
                    SharingAgreement.objects.create(
                        person=person,
                        supporter=supporter,
                        parts=sorted(terms["parts"]),
                        crisis_parts=sorted(terms["crisis_parts"]),
                        starts_on=start,
                        ends_on=end,
                        revisit_on=today,
                        recorded_how=RecordedHow.IN_PERSON,
                        set_by=standing.coordinator,
                        revoked_at=now if terms["revoked"] else None,
                    )
                expected[user.pk] = oracle(terms, today, crisis_on)
            for user, _supporter in three_supporters:
                sharing = access.sharing_for(user, person)
                consented = expected.get(user.pk, frozenset())
                assert sharing.parts <= consented
                assert sharing.parts == consented
                html = render_to_string(
                    "consent/_shared_parts.html",
                    {
                        "shared": ordered(sharing.parts),
                        "sharing": sharing,
                        "content": queries.shared_content(person, sharing.parts),
                    },
                )
                shown = {part for part, marker in MARKERS.items() if marker in html}
                assert shown <= consented
            raise _Rollback
    except _Rollback:
        pass
