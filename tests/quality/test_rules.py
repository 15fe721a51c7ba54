"""Each automatic rule: a Yes, a No and an Unclear case (and Not applicable where it can be).

Pure functions over plain data: no database. The snapshots are shaped like
plans.snapshot.plan_snapshot's output.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from ourplan.quality import rules
from ourplan.quality.template import CONTENT_KEYS, ITEMS

DAY = date(2026, 6, 1)
OWN = {"voice": "own", "by_name": "Ada", "by_role": "service_user", "confirmed_at": ""}
STAFF = {"voice": "staff", "by_name": "Grace", "by_role": "care_coordinator", "confirmed_at": ""}
AS_SAID = {
    "voice": "as_said",
    "by_name": "Grace",
    "by_role": "care_coordinator",
    "confirmed_at": "",
}
TOGETHER = {**AS_SAID, "voice": "together", "confirmed_at": "2026-05-01T10:00:00+00:00"}
TOGETHER_PENDING = {**AS_SAID, "voice": "together"}


def goal(
    gid: int = 1,
    area: str = "work_occupation",
    words: dict[str, Any] | None = None,
    strengths: list[str] | None = None,
    steps: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "id": gid,
        "text": f"Goal {gid}",
        "words": words if words is not None else STAFF,
        "ctp_area": area,
        "strengths": strengths or [],
        "steps": steps or [],
    }


def facts(**snapshot: Any) -> rules.PlanFacts:
    extra = snapshot.pop("_facts", {})
    return rules.PlanFacts(
        snapshot=snapshot, version_day=DAY, audit_day=extra.pop("audit_day", DAY), **extra
    )


def answer(key: str, f: rules.PlanFacts) -> str:
    return str(rules.RULES[key](f).answer)


REVIEW = {"id": 5, "person_attended": True, "advocate": "", "next_review_on": "2026-12-01"}

# (rule, facts, expected answer). Each rule appears with yes, no and unclear.
CASES: list[tuple[str, rules.PlanFacts, str]] = [
    ("signed_by_person", facts(_facts={"person_signed": True}), "yes"),
    ("signed_by_person", facts(_facts={"not_signed_reason": "unwell"}), "no"),
    ("signed_by_person", facts(_facts={"audit_day": DAY + timedelta(days=60)}), "no"),
    ("signed_by_person", facts(_facts={"audit_day": DAY + timedelta(days=3)}), "unclear"),
    ("signed_by_coordinator", facts(_facts={"coordinator_signed": True}), "yes"),
    ("signed_by_coordinator", facts(_facts={"audit_day": DAY + timedelta(days=28)}), "no"),
    ("signed_by_coordinator", facts(), "unclear"),
    ("copy_given", facts(_facts={"copy_given": "pdf"}), "yes"),
    ("copy_given", facts(_facts={"audit_day": DAY + timedelta(days=40)}), "no"),
    ("copy_given", facts(), "unclear"),
    ("person_at_review", facts(review=REVIEW), "yes"),
    ("person_at_review", facts(review={**REVIEW, "person_attended": False}), "no"),
    ("person_at_review", facts(review=None), "unclear"),
    ("carer_at_review", facts(review=REVIEW, _facts={"review_supporter_kinds": ("carer",)}), "yes"),
    (
        "carer_at_review",
        facts(review=REVIEW, _facts={"review_supporter_kinds": ("advocate",)}),
        "no",
    ),
    ("carer_at_review", facts(), "unclear"),
    ("advocate_at_review", facts(review={**REVIEW, "advocate": "Sam (Mind)"}), "yes"),
    ("advocate_at_review", facts(review=REVIEW), "no"),
    ("advocate_at_review", facts(), "unclear"),
    ("next_review_date", facts(review=REVIEW), "yes"),
    ("next_review_date", facts(review={**REVIEW, "next_review_on": None}), "no"),
    ("next_review_date", facts(), "unclear"),
    ("persons_views", facts(goals=[goal(words=OWN)]), "yes"),
    ("persons_views", facts(goals=[goal()], about_me={"what_matters": "x"}), "no"),
    ("persons_views", facts(goals=[goal(words=AS_SAID)]), "unclear"),
    ("persons_views", facts(), "unclear"),
    ("coproduction", facts(goals=[goal(words=TOGETHER)]), "yes"),
    ("coproduction", facts(goals=[goal(words=OWN)]), "no"),
    ("coproduction", facts(goals=[goal(words=TOGETHER_PENDING)]), "unclear"),
    ("strengths_based", facts(goals=[goal(strengths=["patient"])]), "yes"),
    ("strengths_based", facts(goals=[goal()]), "no"),
    ("strengths_based", facts(), "unclear"),
    ("personalisation", facts(goals=[goal(words=OWN)]), "yes"),
    (
        "personalisation",
        facts(goals=[goal()], about_me={"medication_preferences": "low dose"}),
        "yes",
    ),
    ("personalisation", facts(goals=[goal(area="medical_treatment", words=OWN)]), "no"),
    ("personalisation", facts(goals=[goal()]), "unclear"),
    (
        "personal_budget",
        facts(needs=[{"ctp_area": "accommodation", "personal_budget": True}]),
        "yes",
    ),
    ("personal_budget", facts(needs=[{"ctp_area": "accommodation"}]), "no"),
    ("personal_budget", facts(), "unclear"),
    ("recovery_oriented", facts(goals=[goal(area="personal_care_wellbeing")]), "yes"),
    ("recovery_oriented", facts(goals=[goal(area="medical_treatment")]), "no"),
    ("recovery_oriented", facts(), "unclear"),
    ("person_centred_goals", facts(goals=[goal(1, words=OWN), goal(2)]), "yes"),
    ("person_centred_goals", facts(goals=[goal()]), "no"),
    ("person_centred_goals", facts(goals=[goal(1, words=OWN), goal(2), goal(3)]), "unclear"),
    (
        "system_based_goals",
        facts(goals=[goal(1, "medical_treatment"), goal(2, "medical_treatment"), goal(3)]),
        "yes",
    ),
    ("system_based_goals", facts(goals=[goal(1, "medical_treatment"), goal(2), goal(3)]), "no"),
    ("system_based_goals", facts(goals=[goal(1, "medical_treatment"), goal(2)]), "unclear"),
    ("views_in_risk_assessment", facts(risks=[{"kind": "risk", "person_view": "fine"}]), "yes"),
    ("views_in_risk_assessment", facts(risks=[{"kind": "risk", "person_view": ""}]), "no"),
    (
        "views_in_risk_assessment",
        facts(risks=[{"kind": "risk", "person_view_not_obtained": "too unwell"}]),
        "unclear",
    ),
    ("views_in_risk_assessment", facts(risks=[{"kind": "positive", "person_view": ""}]), "na"),
    ("views_in_risk_management", facts(safety=[{"person_view": "agreed"}]), "yes"),
    ("views_in_risk_management", facts(safety=[{"person_view": ""}]), "no"),
    (
        "views_in_risk_management",
        facts(safety=[{"person_view": "", "person_view_not_obtained": "declined"}]),
        "unclear",
    ),
    ("views_in_risk_management", facts(), "na"),
    (
        "views_in_crisis_plan",
        facts(crisis={"what_helps": "quiet"}, crisis_words={"what_helps": OWN}),
        "yes",
    ),
    (
        "views_in_crisis_plan",
        facts(crisis={"what_helps": "quiet"}, crisis_words={"what_helps": STAFF}),
        "no",
    ),
    (
        "views_in_crisis_plan",
        facts(crisis={"what_helps": "quiet"}, crisis_words={"what_helps": AS_SAID}),
        "unclear",
    ),
    ("views_in_crisis_plan", facts(crisis={"what_helps": ""}), "na"),
    (
        "views_in_relapse_plan",
        facts(staying_well={"early_signs": "sleep"}, staying_well_words={"early_signs": OWN}),
        "yes",
    ),
    (
        "views_in_relapse_plan",
        facts(staying_well={"early_signs": "sleep"}, staying_well_words={"early_signs": STAFF}),
        "no",
    ),
    (
        "views_in_relapse_plan",
        facts(staying_well={"triggers": "x"}, staying_well_words={"triggers": TOGETHER_PENDING}),
        "unclear",
    ),
    # Only the relapse fields count: a daily routine is not a relapse plan.
    ("views_in_relapse_plan", facts(staying_well={"daily_routine": "walk"}), "na"),
    ("social_outcomes", facts(goals=[goal(area="accommodation")]), "yes"),
    ("social_outcomes", facts(goals=[goal(area="personal_care_wellbeing")]), "no"),
    ("social_outcomes", facts(), "unclear"),
    ("medical_outcomes", facts(goals=[goal(1, "medical_treatment")]), "yes"),
    (
        "medical_outcomes",
        facts(goals=[goal(1, "medical_treatment")], needs=[{"ctp_area": "finance_money"}] * 2),
        "no",
    ),
    ("medical_outcomes", facts(goals=[goal(1, "medical_treatment"), goal(2)]), "unclear"),
    ("self_management", facts(goals=[goal(steps=[{"owner": "me", "status": "to_do"}])]), "yes"),
    ("self_management", facts(personal_safety={"coping_steps": "walk the dog"}), "yes"),
    (
        "self_management",
        facts(goals=[goal(steps=[{"owner": "coordinator", "status": "doing"}])]),
        "no",
    ),
    # A stopped step of the person's own does not count.
    (
        "self_management",
        facts(goals=[goal(steps=[{"owner": "me", "status": "stopped"}])]),
        "unclear",
    ),
    ("relationships", facts(goals=[goal(area="parenting_caring")]), "yes"),
    ("relationships", facts(goals=[goal(steps=[{"owner": "supporter"}])]), "yes"),
    ("relationships", facts(goals=[goal()]), "no"),
    ("relationships", facts(goals=[goal()], _facts={"supporters_on_record": 2}), "unclear"),
    (
        "advance_directives",
        facts(crisis={"advance_statement": "no ECT"}, advance={"signed": True}),
        "yes",
    ),
    ("advance_directives", facts(crisis={"advance_statement": ""}), "no"),
    (
        "advance_directives",
        facts(crisis={"advance_statement": "no ECT"}, advance={"signed": False}),
        "unclear",
    ),
]


@pytest.mark.parametrize(("key", "given", "expected"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_rule(key: str, given: rules.PlanFacts, expected: str) -> None:
    finding = rules.RULES[key](given)
    assert finding.answer == expected, finding.reason
    assert finding.reason


def test_every_content_and_yes_no_front_page_rule_has_a_yes_a_no_and_an_unclear_case() -> None:
    seen: dict[str, set[str]] = {}
    for key, _given, expected in CASES:
        seen.setdefault(key, set()).add(expected)
    for key in rules.RULES:
        if key == "contact_frequency":
            continue
        assert {"yes", "no", "unclear"} <= seen.get(key, set()), key


def _contacts(start: date, every: int, count: int) -> tuple[date, ...]:
    return tuple(start + timedelta(days=every * i) for i in range(count))


@pytest.mark.parametrize(
    ("every", "expected"),
    [(1, "daily"), (7, "weekly"), (14, "fortnightly"), (30, "monthly"), (60, "other")],
)
def test_contact_frequency_from_the_typical_gap_between_contacts(every: int, expected: str) -> None:
    days = _contacts(DAY - timedelta(days=every * 2), every, 3)
    finding = rules.contact_frequency(facts(_facts={"contact_days": days}))
    assert finding.answer == expected


def test_contact_frequency_falls_back_to_the_agreed_arrangement_then_unclear() -> None:
    few = (DAY - timedelta(days=3),)
    agreed = facts(review={**REVIEW, "contact_frequency": "monthly"}, _facts={"contact_days": few})
    assert rules.contact_frequency(agreed).answer == "monthly"
    assert rules.contact_frequency(facts(_facts={"contact_days": few})).answer == "unclear"
    # Contacts after the version, or long before it, are not counted.
    later = _contacts(DAY + timedelta(days=1), 7, 5)
    assert rules.contact_frequency(facts(_facts={"contact_days": later})).answer == "unclear"


def test_months_on_cpa_from_the_recorded_date() -> None:
    assert rules.months_on_cpa(facts(_facts={"care_programme_from": date(2024, 6, 2)}))[0] == 23
    assert rules.months_on_cpa(facts(_facts={"care_programme_from": date(2024, 6, 1)}))[0] == 24
    assert rules.months_on_cpa(facts())[0] is None
    assert rules.months_on_cpa(facts(_facts={"care_programme_from": date(2027, 1, 1)}))[0] is None


def test_evidence_names_the_goals_it_rests_on() -> None:
    finding = rules.strengths_based(facts(goals=[goal(7, strengths=["kind"]), goal(8)]))
    assert [e.anchor for e in finding.evidence] == ["goal-7"]


def test_plan_score_counts_a_no_to_the_reversed_items_in_the_plans_favour() -> None:
    findings = rules.audit(facts(goals=[goal(1, words=TOGETHER, strengths=["kind"])]))
    assert findings["system_based_goals"].answer == "no"
    favourable, decided = rules.plan_score(findings, CONTENT_KEYS)
    expected = sum(1 for k in CONTENT_KEYS if ITEMS[k].favourable(findings[k].answer) is True)
    assert favourable == expected
    assert "system_based_goals" in {
        k for k in CONTENT_KEYS if ITEMS[k].favourable(findings[k].answer)
    }
    assert decided >= favourable


@pytest.mark.parametrize(
    ("every", "words"), [(1, "Typically 1 day apart."), (7, "Typically 7 days apart.")]
)
def test_the_typical_gap_takes_its_own_plural(every: int, words: str) -> None:
    days = _contacts(DAY - timedelta(days=every * 2), every, 3)
    reason = rules.contact_frequency(facts(_facts={"contact_days": days})).reason
    assert reason == f"Contacts in the six months before the version: 3. {words}"


def test_a_median_gap_between_whole_days_is_shown_to_the_nearest_day() -> None:
    # Gaps of 1 and 2 days: the median is 1.5, shown as 2 days (a half-day reads oddly).
    days = (DAY - timedelta(days=3), DAY - timedelta(days=2), DAY)
    reason = rules.contact_frequency(facts(_facts={"contact_days": days})).reason
    assert reason.endswith("Typically 2 days apart.")


def test_counts_are_never_glued_to_a_plural_noun_in_the_reasons() -> None:
    # "1 of 1 goals" would read wrongly in English; the counts follow a colon instead.
    one = facts(goals=[goal(1, strengths=["kind"])])
    assert rules.strengths_based(one).reason == "Goals that build on a named strength: 1 of 1."
    weighed = rules.medical_outcomes(facts(goals=[goal(1, area=rules.MEDICAL)]))
    assert "treatment (1) outweigh those about the rest (0)" in weighed.reason
