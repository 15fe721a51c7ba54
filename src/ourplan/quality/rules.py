"""The automatic audit: each template question answered from a signed version's facts.

Every rule is a pure function of ``PlanFacts`` (plain data: the version's snapshot, its
signatures, and a few facts from the person's record and contacts) and returns a
``Finding``: the answer, the reason in words, and the evidence as anchors into the
read-only version page. Where the data cannot decide, the answer is Unclear and the reason
says why. docs/audit.md states every rule; tests/quality/test_rules.py has a Yes, a No
and an Unclear case for each.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from statistics import median
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ourplan.plans.authorship import WordingFacts
from ourplan.quality.template import ITEMS, Answer, Frequency

MEDICAL = "medical_treatment"
SOCIAL_AREAS = frozenset(
    {
        "accommodation",
        "education_training",
        "finance_money",
        "parenting_caring",
        "social_cultural_spiritual",
        "work_occupation",
    }
)
RECOVERY_AREAS = SOCIAL_AREAS | {"personal_care_wellbeing"}
RELATIONSHIP_AREAS = frozenset({"parenting_caring", "social_cultural_spiritual"})
CARER_KINDS = frozenset({"carer", "family", "friend"})
# A version this young may still be signed or sent; before then a missing signature or
# copy is not yet a No.
SETTLING_DAYS = 28
# Contacts in this window before the version tell how often the person is seen.
CONTACT_WINDOW_DAYS = 182
RELAPSE_FIELDS = ("triggers", "triggers_response", "early_signs", "early_signs_response")
PREFERENCE_FIELDS = (
    ("about_me", "medication_preferences"),
    ("about_me", "therapy_preferences"),
    ("crisis", "preferred_treatments"),
    ("crisis", "unacceptable_treatments"),
)


@dataclass(frozen=True)
class Evidence:
    label: str
    anchor: str  # an id on the read-only version page


@dataclass(frozen=True)
class Finding:
    answer: str
    reason: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class PlanFacts:
    """What the automatic audit may read about one signed version."""

    snapshot: dict[str, Any]
    version_day: date
    audit_day: date
    person_signed: bool = False
    not_signed_reason: str = ""
    person_response: str = ""
    coordinator_signed: bool = False
    copy_given: str = ""
    review_supporter_kinds: tuple[str, ...] = ()
    supporters_on_record: int = 0
    contact_days: tuple[date, ...] = ()
    care_programme_from: date | None = None
    gender: str = ""
    date_of_birth: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def goals(self) -> list[dict[str, Any]]:
        return list(self.snapshot.get("goals") or [])

    @property
    def review(self) -> dict[str, Any] | None:
        return self.snapshot.get("review")

    @property
    def age_of_version(self) -> int:
        return (self.audit_day - self.version_day).days


# ----------------------------------------------------------------------------- helpers


def _facts(data: Any) -> WordingFacts | None:
    return WordingFacts.from_data(data) if isinstance(data, dict) else None


def _persons(data: Any) -> bool:
    facts = _facts(data)
    return facts is not None and facts.is_persons_words


def _awaiting(data: Any) -> bool:
    facts = _facts(data)
    return facts is not None and facts.awaits_confirmation


def _together(data: Any) -> bool:
    facts = _facts(data)
    return facts is not None and facts.voice == "together" and bool(facts.confirmed_at)


def _goal(goal: dict[str, Any]) -> Evidence:
    return Evidence(_("Goal: ‘%(text)s’") % {"text": goal.get("text", "")}, f"goal-{goal['id']}")


_SECTION_LABELS = {
    "about-me": gettext_lazy("About me"),
    "goals": gettext_lazy("Goals"),
    "strengths": gettext_lazy("Strengths"),
    "staying-well": gettext_lazy("Staying well"),
    "crisis": gettext_lazy("Crisis plan"),
    "safety": gettext_lazy("Safety plan"),
    "needs": gettext_lazy("Needs"),
    "risks": gettext_lazy("Risks"),
    "review": gettext_lazy("The review"),
    "signatures": gettext_lazy("Signatures and copy"),
    "contacts": gettext_lazy("Contacts"),
    "personal-safety": gettext_lazy("My own safety plan"),
    "person": gettext_lazy("The person's record"),
}


def _section(name: str) -> Evidence:
    return Evidence(str(_SECTION_LABELS[name]), name)


def _words_of(section: dict[str, Any] | None) -> list[Any]:
    return list((section or {}).values())


def _all_words(snapshot: dict[str, Any]) -> list[Any]:
    """Every recorded authorship fact of the version."""
    found: list[Any] = []
    for key in ("about_me_words", "staying_well_words", "crisis_words"):
        found.extend(_words_of(snapshot.get(key)))
    for goal in snapshot.get("goals") or []:
        found.append(goal.get("words"))
        found.extend(step.get("words") for step in goal.get("steps") or [])
    for key in ("safety", "needs", "risks"):
        for item in snapshot.get(key) or []:
            found.extend(_words_of(item.get("words")))
    return [data for data in found if data]


def _filled(section: dict[str, Any] | None, fields: Iterable[str] | None = None) -> list[str]:
    section = section or {}
    names = fields if fields is not None else section.keys()
    return [name for name in names if str(section.get(name) or "").strip()]


def _no_goals() -> Finding:
    return Finding(Answer.UNCLEAR, _("The version holds no goals to judge this by."))


def _views_rule(items: list[dict[str, Any]], anchor: str, none_reason: str) -> Finding:
    """The person's view on each risk or safety item: shared pattern of two items."""
    if not items:
        return Finding(Answer.NOT_APPLICABLE, none_reason)
    with_view = [item for item in items if str(item.get("person_view") or "").strip()]
    if with_view:
        return Finding(
            Answer.YES,
            _("Items that record the person's own view: %(count)s of %(total)s.")
            % {"count": len(with_view), "total": len(items)},
            (_section(anchor),),
        )
    if any(str(item.get("person_view_not_obtained") or "").strip() for item in items):
        return Finding(
            Answer.UNCLEAR,
            _("No item records the person's view; a reason why it was not obtained is given."),
            (_section(anchor),),
        )
    return Finding(
        Answer.NO,
        _("No item records the person's view (items: %(total)s), and no reason is given.")
        % {"total": len(items)},
        (_section(anchor),),
    )


def _persons_section_rule(section: dict[str, Any], words: dict[str, Any], anchor: str) -> Finding:
    filled = _filled(section)
    if not filled:
        return Finding(Answer.NOT_APPLICABLE, _("This part of the plan is empty."))
    facts = [words.get(name) for name in filled]
    if any(_persons(data) for data in facts):
        return Finding(
            Answer.YES, _("Some of it is in the person's own words."), (_section(anchor),)
        )
    if any(_awaiting(data) for data in facts):
        return Finding(
            Answer.UNCLEAR,
            _("Words recorded as the person said them await the person's confirmation."),
            (_section(anchor),),
        )
    return Finding(Answer.NO, _("All of it was written by staff alone."), (_section(anchor),))


# ----------------------------------------------------------------------------- front page


def signed_by_person(f: PlanFacts) -> Finding:
    evidence = (_section("signatures"),)
    if f.person_signed:
        return Finding(Answer.YES, _("The person signed this version."), evidence)
    if f.not_signed_reason or f.person_response or f.age_of_version >= SETTLING_DAYS:
        return Finding(Answer.NO, _("The person has not signed this version."), evidence)
    return Finding(
        Answer.UNCLEAR,
        _("The version is under four weeks old and the person may still sign it."),
        evidence,
    )


def signed_by_coordinator(f: PlanFacts) -> Finding:
    evidence = (_section("signatures"),)
    if f.coordinator_signed:
        return Finding(Answer.YES, _("The care coordinator signed this version."), evidence)
    if f.age_of_version >= SETTLING_DAYS:
        return Finding(Answer.NO, _("The care coordinator has not signed it."), evidence)
    return Finding(
        Answer.UNCLEAR, _("The version is under four weeks old and not yet signed."), evidence
    )


def copy_given(f: PlanFacts) -> Finding:
    evidence = (_section("signatures"),)
    if f.copy_given:
        return Finding(Answer.YES, _("A copy given to the person is recorded."), evidence)
    if f.age_of_version >= SETTLING_DAYS:
        return Finding(Answer.NO, _("No copy given to the person is recorded."), evidence)
    return Finding(
        Answer.UNCLEAR,
        _("The version is under four weeks old; a copy may not have been recorded yet."),
        evidence,
    )


def _no_review() -> Finding:
    return Finding(Answer.UNCLEAR, _("This version was not made at a recorded review."))


def person_at_review(f: PlanFacts) -> Finding:
    if f.review is None:
        return _no_review()
    if f.review.get("person_attended"):
        return Finding(Answer.YES, _("The review records the person there."), (_section("review"),))
    return Finding(Answer.NO, _("The review records the person as absent."), (_section("review"),))


def carer_at_review(f: PlanFacts) -> Finding:
    if f.review is None:
        return _no_review()
    if CARER_KINDS & set(f.review_supporter_kinds):
        return Finding(
            Answer.YES, _("A carer, relative or friend took part."), (_section("review"),)
        )
    return Finding(
        Answer.NO, _("No carer, relative or friend is recorded there."), (_section("review"),)
    )


def advocate_at_review(f: PlanFacts) -> Finding:
    if f.review is None:
        return _no_review()
    if str(f.review.get("advocate") or "").strip() or "advocate" in f.review_supporter_kinds:
        return Finding(Answer.YES, _("An advocate took part."), (_section("review"),))
    return Finding(Answer.NO, _("No advocate is recorded there."), (_section("review"),))


def next_review_date(f: PlanFacts) -> Finding:
    if f.review is None:
        return _no_review()
    if f.review.get("next_review_on"):
        return Finding(Answer.YES, _("The next review date is set."), (_section("review"),))
    return Finding(Answer.NO, _("No next review date is set."), (_section("review"),))


def _classify_gap(days: float) -> str:
    if days <= 1.5:
        return Frequency.DAILY
    if days <= 10:
        return Frequency.WEEKLY
    if days <= 21:
        return Frequency.FORTNIGHTLY
    if days <= 45:
        return Frequency.MONTHLY
    return Frequency.OTHER


def contact_frequency(f: PlanFacts) -> Finding:
    start = f.version_day.toordinal() - CONTACT_WINDOW_DAYS
    days = sorted(
        {d for d in f.contact_days if start <= d.toordinal() <= f.version_day.toordinal()}
    )
    if len(days) >= 3:
        gaps = [(b - a).days for a, b in itertools.pairwise(days)]
        typical = median(gaps)
        gap = round(typical)
        return Finding(
            _classify_gap(typical),
            # Two sentences so that each number has its own plural: the count is not glued
            # to a noun, and the gap (a median, shown to the nearest day) chooses its own.
            _("Contacts in the six months before the version: %(count)s.") % {"count": len(days)}
            + " "
            + ngettext("Typically %(gap)s day apart.", "Typically %(gap)s days apart.", gap)
            % {"gap": gap},
            (_section("contacts"),),
        )
    recorded = (f.review or {}).get("contact_frequency") or ""
    if recorded in Frequency.values:
        return Finding(
            recorded,
            _("Too few contacts recorded; the frequency agreed at the review is used."),
            (_section("review"),),
        )
    return Finding(
        Frequency.UNCLEAR,
        _("Fewer than three contacts in the six months before the version, and none agreed."),
    )


def months_on_cpa(f: PlanFacts) -> tuple[int | None, str]:
    """Whole months from the date the person came onto CPA/CTP to the version."""
    start = f.care_programme_from
    if start is None:
        return None, _("The date the person came onto CPA or CTP is not recorded.")
    if start > f.version_day:
        return None, _("The recorded date on CPA or CTP is after this version.")
    months = (f.version_day.year - start.year) * 12 + f.version_day.month - start.month
    if f.version_day.day < start.day:
        months -= 1
    return months, _("From the date on the person's record.")


# ----------------------------------------------------------------------------- content


def persons_views(f: PlanFacts) -> Finding:
    about_words = f.snapshot.get("about_me_words") or {}
    about_filled = _filled(f.snapshot.get("about_me"))
    if not f.goals and not about_filled:
        return Finding(
            Answer.UNCLEAR, _("The version has no goals and no About me to hear the person in.")
        )
    evidence = [_goal(g) for g in f.goals if _persons(g.get("words"))]
    if any(_persons(about_words.get(name)) for name in about_filled):
        evidence.append(_section("about-me"))
    if evidence:
        return Finding(
            Answer.YES, _("Goals or About me are in the person's own words."), tuple(evidence)
        )
    pending = [g.get("words") for g in f.goals] + [about_words.get(n) for n in about_filled]
    if any(_awaiting(data) for data in pending):
        return Finding(
            Answer.UNCLEAR,
            _("The person's words are recorded but not yet confirmed by them."),
            (_section("goals"), _section("about-me")),
        )
    return Finding(
        Answer.NO,
        _("Goals and About me were written by staff alone."),
        (_section("goals"), _section("about-me")),
    )


def coproduction(f: PlanFacts) -> Finding:
    words = _all_words(f.snapshot)
    if not words:
        return Finding(Answer.UNCLEAR, _("Nothing in the version has a recorded author."))
    if any(_together(data) for data in words):
        evidence = [_goal(g) for g in f.goals if _together(g.get("words"))]
        return Finding(
            Answer.YES,
            _("Parts were written together and confirmed by the person."),
            tuple(evidence) or (_section("goals"),),
        )
    if any(_awaiting(data) and data.get("voice") == "together" for data in words):
        return Finding(
            Answer.UNCLEAR,
            _("Parts written together await the person's confirmation."),
            (_section("goals"),),
        )
    return Finding(Answer.NO, _("No part of the version was written together."))


def strengths_based(f: PlanFacts) -> Finding:
    if not f.goals:
        return _no_goals()
    linked = [g for g in f.goals if g.get("strengths")]
    if linked:
        return Finding(
            Answer.YES,
            _("Goals that build on a named strength: %(count)s of %(total)s.")
            % {"count": len(linked), "total": len(f.goals)},
            tuple(_goal(g) for g in linked),
        )
    return Finding(
        Answer.NO,
        _("No goal is linked to any of the person's strengths."),
        (_section("goals"), _section("strengths")),
    )


def personalisation(f: PlanFacts) -> Finding:
    if not f.goals:
        return _no_goals()
    other = [g for g in f.goals if g.get("ctp_area") != MEDICAL]
    if not other:
        return Finding(
            Answer.NO,
            _("Every goal is about treatment; nothing else is planned."),
            (_section("goals"),),
        )
    preferences = [
        section
        for section, name in PREFERENCE_FIELDS
        if str((f.snapshot.get(section) or {}).get(name) or "").strip()
    ]
    own = [g for g in other if _persons(g.get("words"))]
    if preferences or own:
        evidence = [_goal(g) for g in own]
        evidence.extend(
            _section("about-me" if s == "about_me" else s) for s in dict.fromkeys(preferences)
        )
        return Finding(
            Answer.YES,
            _("Goals beyond treatment, with the person's preferences or in their own words."),
            tuple(evidence),
        )
    return Finding(
        Answer.UNCLEAR,
        _(
            "There are goals beyond treatment, but no recorded preferences or own words show choice."
        ),
        (_section("goals"),),
    )


def personal_budget(f: PlanFacts) -> Finding:
    needs = list(f.snapshot.get("needs") or [])
    if not needs:
        return Finding(Answer.UNCLEAR, _("The version records no assessed needs."))
    if any(n.get("personal_budget") for n in needs):
        return Finding(
            Answer.YES, _("A personal budget is considered for a need."), (_section("needs"),)
        )
    return Finding(Answer.NO, _("No need mentions a personal budget."), (_section("needs"),))


def _area_rule(f: PlanFacts, areas: frozenset[str], yes: str, no: str) -> Finding:
    if not f.goals:
        return _no_goals()
    found = [g for g in f.goals if g.get("ctp_area") in areas]
    if found:
        return Finding(Answer.YES, yes, tuple(_goal(g) for g in found))
    return Finding(Answer.NO, no, (_section("goals"),))


def recovery_oriented(f: PlanFacts) -> Finding:
    return _area_rule(
        f,
        RECOVERY_AREAS,
        _("Goals aim at home, money, work, learning, people or physical health."),
        _("No goal aims beyond treatment at the rest of the person's life."),
    )


def person_centred_goals(f: PlanFacts) -> Finding:
    if not f.goals:
        return _no_goals()
    own = [g for g in f.goals if _persons(g.get("words"))]
    counts = {"count": len(own), "total": len(f.goals)}
    if not own:
        return Finding(Answer.NO, _("No goal is in the person's own words."), (_section("goals"),))
    if 2 * len(own) >= len(f.goals):
        return Finding(
            Answer.YES,
            _("Goals in the person's own words: %(count)s of %(total)s.") % counts,
            tuple(_goal(g) for g in own),
        )
    return Finding(
        Answer.UNCLEAR,
        _("Goals in the person's own words: only %(count)s of %(total)s.") % counts,
        tuple(_goal(g) for g in own),
    )


def system_based_goals(f: PlanFacts) -> Finding:
    """Reversed: a Yes (mostly treatment goals) counts against the plan."""
    if not f.goals:
        return _no_goals()
    medical = [g for g in f.goals if g.get("ctp_area") == MEDICAL]
    counts = {"count": len(medical), "total": len(f.goals)}
    evidence = tuple(_goal(g) for g in medical) or (_section("goals"),)
    if 2 * len(medical) > len(f.goals):
        return Finding(
            Answer.YES, _("Goals about treatment: %(count)s of %(total)s.") % counts, evidence
        )
    if 2 * len(medical) < len(f.goals):
        return Finding(
            Answer.NO, _("Goals about treatment: %(count)s of %(total)s.") % counts, evidence
        )
    return Finding(
        Answer.UNCLEAR,
        _("Exactly half the goals are about treatment: %(count)s of %(total)s.") % counts,
        evidence,
    )


def views_in_risk_assessment(f: PlanFacts) -> Finding:
    risks = [r for r in f.snapshot.get("risks") or [] if r.get("kind") != "positive"]
    return _views_rule(risks, "risks", _("The version holds no risk assessment."))


def views_in_risk_management(f: PlanFacts) -> Finding:
    items = list(f.snapshot.get("safety") or [])
    return _views_rule(items, "safety", _("The version holds no risk management plan."))


def views_in_crisis_plan(f: PlanFacts) -> Finding:
    return _persons_section_rule(
        f.snapshot.get("crisis") or {}, f.snapshot.get("crisis_words") or {}, "crisis"
    )


def views_in_relapse_plan(f: PlanFacts) -> Finding:
    staying = f.snapshot.get("staying_well") or {}
    section = {name: staying.get(name, "") for name in RELAPSE_FIELDS}
    return _persons_section_rule(
        section, f.snapshot.get("staying_well_words") or {}, "staying-well"
    )


def social_outcomes(f: PlanFacts) -> Finding:
    return _area_rule(
        f,
        SOCIAL_AREAS,
        _("Goals aim at home, money, work, learning or the people around the person."),
        _("No goal aims at a social outcome."),
    )


def medical_outcomes(f: PlanFacts) -> Finding:
    """Reversed: a Yes (treatment outweighs the rest) counts against the plan."""
    areas = [g.get("ctp_area") for g in f.goals] + [
        n.get("ctp_area") for n in f.snapshot.get("needs") or []
    ]
    if not areas:
        return Finding(Answer.UNCLEAR, _("The version holds no goals or needs to weigh."))
    medical = sum(1 for area in areas if area == MEDICAL)
    other = len(areas) - medical
    counts = {"medical": medical, "other": other}
    evidence = (_section("goals"), _section("needs"))
    if medical > other:
        return Finding(
            Answer.YES,
            _(
                "Goals and needs about treatment (%(medical)s) outweigh those about the rest "
                "(%(other)s)."
            )
            % counts,
            evidence,
        )
    if medical < other:
        return Finding(
            Answer.NO,
            _(
                "Goals and needs about the rest (%(other)s) outweigh those about treatment "
                "(%(medical)s)."
            )
            % counts,
            evidence,
        )
    return Finding(
        Answer.UNCLEAR,
        _("Treatment and the rest weigh the same: %(medical)s each.") % counts,
        evidence,
    )


def self_management(f: PlanFacts) -> Finding:
    steps = [
        (goal, step)
        for goal in f.goals
        for step in goal.get("steps") or []
        if step.get("status") != "stopped"
    ]
    own = [goal for goal, step in steps if step.get("owner") == "me"]
    coping = _filled(f.snapshot.get("personal_safety"), ("coping_steps",))
    if own or coping:
        evidence = [_goal(g) for g in {g["id"]: g for g in own}.values()]
        if coping:
            evidence.append(_section("personal-safety"))
        return Finding(
            Answer.YES,
            _("The person takes steps themselves or has their own ways of coping."),
            tuple(evidence),
        )
    if not steps:
        return Finding(Answer.UNCLEAR, _("The version has no steps and no coping steps."))
    return Finding(Answer.NO, _("Every step is someone else's to take."), (_section("goals"),))


def relationships(f: PlanFacts) -> Finding:
    goals = [g for g in f.goals if g.get("ctp_area") in RELATIONSHIP_AREAS]
    helped = [
        g for g in f.goals if any(s.get("owner") == "supporter" for s in g.get("steps") or [])
    ]
    found = {g["id"]: g for g in (*goals, *helped)}
    if found:
        return Finding(
            Answer.YES,
            _("Goals about relationships, or steps taken with people who support the person."),
            tuple(_goal(g) for g in found.values()),
        )
    if f.supporters_on_record or f.snapshot.get("contacts"):
        return Finding(
            Answer.UNCLEAR,
            _("People in the person's life are recorded, but no goal or step involves them."),
            (_section("person"),),
        )
    return Finding(Answer.NO, _("No relationships appear in the plan or the record."))


def advance_directives(f: PlanFacts) -> Finding:
    text = str((f.snapshot.get("crisis") or {}).get("advance_statement") or "").strip()
    advance = f.snapshot.get("advance") or {}
    if not text:
        return Finding(Answer.NO, _("There is no advance statement."), (_section("crisis"),))
    if advance.get("signed"):
        return Finding(
            Answer.YES, _("A signed advance statement is recorded."), (_section("crisis"),)
        )
    return Finding(
        Answer.UNCLEAR, _("An advance statement is written but not signed."), (_section("crisis"),)
    )


RULES: dict[str, Callable[[PlanFacts], Finding]] = {
    "signed_by_person": signed_by_person,
    "signed_by_coordinator": signed_by_coordinator,
    "copy_given": copy_given,
    "person_at_review": person_at_review,
    "carer_at_review": carer_at_review,
    "advocate_at_review": advocate_at_review,
    "next_review_date": next_review_date,
    "contact_frequency": contact_frequency,
    "persons_views": persons_views,
    "coproduction": coproduction,
    "strengths_based": strengths_based,
    "personalisation": personalisation,
    "personal_budget": personal_budget,
    "recovery_oriented": recovery_oriented,
    "person_centred_goals": person_centred_goals,
    "system_based_goals": system_based_goals,
    "views_in_risk_assessment": views_in_risk_assessment,
    "views_in_risk_management": views_in_risk_management,
    "views_in_crisis_plan": views_in_crisis_plan,
    "views_in_relapse_plan": views_in_relapse_plan,
    "social_outcomes": social_outcomes,
    "medical_outcomes": medical_outcomes,
    "self_management": self_management,
    "relationships": relationships,
    "advance_directives": advance_directives,
}


def audit(facts: PlanFacts) -> dict[str, Finding]:
    """Every front-page and content question, in the template's order."""
    return {key: rule(facts) for key, rule in RULES.items()}


def plan_score(findings: dict[str, Finding], keys: Iterable[str]) -> tuple[int, int]:
    """(favourable, decided) over these content items; reversed items count a No."""
    favourable = decided = 0
    for key in keys:
        verdict = ITEMS[key].favourable(findings[key].answer)
        if verdict is None:
            continue
        decided += 1
        favourable += int(verdict)
    return favourable, decided
