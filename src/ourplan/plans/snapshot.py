"""Freeze the whole plan as plain data, and compare two frozen versions in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ourplan.plans.authorship import WordingFacts, WordingIndex, words_line
from ourplan.plans.models import (
    AboutMe,
    ContactFrequency,
    CrisisPlan,
    GoalStatus,
    GoalStep,
    NeedStatus,
    PersonalSafetyPlan,
    Plan,
    Review,
    RiskKind,
    SafetyKind,
    StayingWellPlan,
    StepOwner,
    StepStatus,
    StrengthKind,
    Wording,
)


def _fields(part: Any, names: tuple[str, ...]) -> dict[str, str]:
    return {name: getattr(part, name) for name in names} if part is not None else {}


def field_label(model: Any, name: str) -> str:
    """The human label of a model field (the model may be a class or an instance)."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _review_data(review: Review | None) -> dict[str, Any] | None:
    if review is None:
        return None
    return {
        "id": review.pk,
        "held_on": review.held_on.isoformat(),
        "person_attended": review.person_attended,
        "supporters": [s.full_name for s in review.supporters_attended.all()],
        "advocate": review.advocate_attended,
        "professionals": review.professionals_attended,
        "what_changed": review.what_changed,
        "notes": review.notes,
        "person_view": review.person_view,
        "carer_view": review.carer_view,
        "contact_frequency": review.contact_frequency,
        "next_review_on": review.next_review_on.isoformat(),
        "recorded_by": review.recorded_by.display_name,
    }


def _part(plan: Plan, name: str) -> Any:
    return getattr(plan, name, None)


def plan_snapshot(plan: Plan, review: Review | None = None) -> dict[str, Any]:
    """Everything a signed version must keep, as JSON-ready data, with who wrote each thing."""
    words = WordingIndex(
        Wording.objects.filter(plan=plan, is_current=True).select_related("written_by")
    )
    about, staying, crisis = (
        _part(plan, "about_me"),
        _part(plan, "staying_well"),
        _part(plan, "crisis"),
    )
    personal = PersonalSafetyPlan.objects.filter(plan=plan).first()
    goals = []
    for goal in plan.goals.select_related("life_area").prefetch_related(
        Prefetch("steps", queryset=GoalStep.objects.select_related("supporter", "owner_user")),
        "ratings",
        "strengths",
    ):
        ratings = list(goal.ratings.all())
        goals.append(
            {
                "id": goal.pk,
                "text": goal.text,
                "words": words.facts_data(goal, ("text",)).get("text"),
                "life_area": goal.life_area.label,
                "ctp_area": goal.life_area.ctp_area,
                "status": goal.status,
                "achieved_on": goal.achieved_on.isoformat() if goal.achieved_on else None,
                "latest_progress": ratings[-1].score if ratings else None,
                "strengths": [s.text for s in goal.strengths.all() if s.archived_at is None],
                "steps": [
                    {
                        "id": step.pk,
                        "text": step.text,
                        "words": words.facts_data(step, ("text",)).get("text"),
                        "owner": step.owner,
                        "who": step.supporter.full_name
                        if step.supporter
                        else step.owner_user.display_name
                        if step.owner_user
                        else step.service,
                        "due_on": step.due_on.isoformat() if step.due_on else None,
                        "status": step.status,
                    }
                    for step in goal.steps.all()
                ],
            }
        )
    return {
        "about_me": _fields(about, AboutMe.TEXT_FIELDS),
        "about_me_words": words.facts_data(about, AboutMe.TEXT_FIELDS) if about else {},
        "strengths": [
            {
                "id": s.pk,
                "kind": s.kind,
                "text": s.text,
                "words": words.facts_data(s, ("text",)).get("text"),
            }
            for s in plan.strengths.filter(archived_at__isnull=True)
        ],
        "goals": goals,
        "staying_well": _fields(staying, StayingWellPlan.TEXT_FIELDS),
        "staying_well_words": words.facts_data(staying, StayingWellPlan.TEXT_FIELDS)
        if staying
        else {},
        "crisis": _fields(crisis, CrisisPlan.TEXT_FIELDS),
        "crisis_words": words.facts_data(crisis, CrisisPlan.WORDED_FIELDS) if crisis else {},
        "advance": {
            "signed": crisis.advance_signed,
            "witnessed": crisis.advance_witnessed,
            "original_kept": crisis.advance_original_kept,
        }
        if crisis
        else {},
        "personal_safety": _fields(personal, PersonalSafetyPlan.TEXT_FIELDS),
        "contacts": [
            {"id": c.pk, "name": c.name, "relationship": c.relationship, "phone": c.phone}
            for c in plan.contacts.filter(archived_at__isnull=True)
        ],
        "safety": [
            {
                "id": item.pk,
                "kind": item.kind,
                "description": item.description,
                "person_view": item.person_view,
                "person_view_not_obtained": item.person_view_not_obtained,
                "professional_view": item.professional_view,
                "agreed_steps": item.agreed_steps,
                "responsibilities": item.responsibilities,
                "review_on": item.review_on.isoformat(),
                "words": words.facts_data(item, item.WORDED_FIELDS),
            }
            for item in plan.safety_items.filter(archived_at__isnull=True)
        ],
        "needs": [
            {
                "id": need.pk,
                "life_area": need.life_area.label,
                "ctp_area": need.life_area.ctp_area,
                "description": need.description,
                "person_view": need.person_view,
                "status": need.status,
                "personal_budget": need.personal_budget,
                "words": words.facts_data(need, need.WORDED_FIELDS),
            }
            for need in plan.needs.filter(archived_at__isnull=True).select_related("life_area")
        ],
        "risks": [
            {
                "id": risk.pk,
                "kind": risk.kind,
                "description": risk.description,
                "person_view": risk.person_view,
                "person_view_not_obtained": risk.person_view_not_obtained,
                "professional_view": risk.professional_view,
                "shared_responsibility": risk.shared_responsibility,
                "review_on": risk.review_on.isoformat(),
                "words": words.facts_data(risk, risk.WORDED_FIELDS),
            }
            for risk in plan.risks.filter(archived_at__isnull=True)
        ],
        "review": _review_data(review),
    }


@dataclass(frozen=True)
class Change:
    """One difference between two versions, in words."""

    section: str
    item: str
    before: str
    after: str

    @property
    def kind(self) -> str:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"


_SECTION_LABELS = {
    "about_me": (AboutMe, _lazy("About me")),
    "staying_well": (StayingWellPlan, _lazy("Staying well")),
    "crisis": (CrisisPlan, _lazy("Crisis plan")),
    "personal_safety": (PersonalSafetyPlan, _lazy("My own safety plan")),
}


def _choice(choices: Any, value: Any) -> str:
    return str(dict(choices.choices).get(value, value or ""))


def _day(value: str | None) -> str:
    return date_format(date.fromisoformat(value), "j F Y") if value else ""


class _Words:
    """Says who wrote a snapshot's words, as the reader of this comparison is told it."""

    def __init__(self, called: str, to_person: bool) -> None:
        self.called, self.to_person = called, to_person

    def __call__(self, data: dict[str, Any] | None) -> str:
        facts = WordingFacts.from_data(data)
        if facts is None:
            return ""
        return words_line(facts, called=self.called, to_person=self.to_person)

    def with_text(self, text: str, data: dict[str, Any] | None) -> str:
        line = self(data)
        return f"{text} ({line})" if text and line else text


# A comparison row: (section, key that matches the row across versions) -> (item words, text).
Flat = dict[tuple[str, str], tuple[str, str]]


def _flatten_sections(snapshot: dict[str, Any], words: _Words, flat: Flat) -> None:
    for key, (model, section) in _SECTION_LABELS.items():
        facts = snapshot.get(f"{key}_words", {})
        for name, value in snapshot.get(key, {}).items():
            label = field_label(model, name)
            flat[(str(section), name)] = (label, words.with_text(value or "", facts.get(name)))
    advance = snapshot.get("advance") or {}
    if advance:
        flat[(str(_SECTION_LABELS["crisis"][1]), "advance_status")] = (
            _("The advance statement"),
            advance_status_words(advance),
        )
        flat[(str(_SECTION_LABELS["crisis"][1]), "advance_original_kept")] = (
            field_label(CrisisPlan, "advance_original_kept"),
            advance.get("original_kept") or "",
        )


def advance_status_words(advance: dict[str, Any]) -> str:
    signed = _("signed") if advance.get("signed") else _("not signed")
    witnessed = _("witnessed") if advance.get("witnessed") else _("not witnessed")
    return f"{signed}, {witnessed}"


def _flatten_goals(snapshot: dict[str, Any], words: _Words, flat: Flat) -> None:
    for strength in snapshot.get("strengths", []):
        flat[(_("Strengths"), str(strength["id"]))] = (
            _choice(StrengthKind, strength.get("kind")),
            words.with_text(strength["text"], strength.get("words")),
        )
    for goal in snapshot.get("goals", []):
        progress = goal.get("latest_progress")
        described = _("%(text)s. %(area)s; %(status)s; progress %(progress)s") % {
            "text": words.with_text(goal["text"], goal.get("words")),
            "area": goal["life_area"],
            "status": _choice(GoalStatus, goal["status"]),
            "progress": _("%(score)s out of 10") % {"score": progress}
            if progress is not None
            else _("not rated"),
        }
        if goal.get("strengths"):
            described += ". " + _("Builds on: %(strengths)s") % {
                "strengths": "; ".join(goal["strengths"])
            }
        flat[(_("Goals"), str(goal["id"]))] = (goal["text"], described)
        for step in goal["steps"]:
            who = _choice(StepOwner, step["owner"])
            if step.get("who"):
                who = f"{who}: {step['who']}"
            flat[(_("Steps"), str(step["id"]))] = (
                goal["text"],
                _("%(text)s. Who: %(who)s; %(status)s; by %(due)s")
                % {
                    "text": words.with_text(step["text"], step.get("words")),
                    "who": who,
                    "status": _choice(StepStatus, step["status"]),
                    "due": _day(step.get("due_on")) or _("no date"),
                },
            )


def _views(item: dict[str, Any], words: _Words) -> list[str]:
    facts = item.get("words") or {}
    parts = []
    if item.get("person_view"):
        parts.append(
            _("The person's view: %(view)s")
            % {"view": words.with_text(item["person_view"], facts.get("person_view"))}
        )
    elif item.get("person_view_not_obtained"):
        parts.append(
            _("The person's view was not recorded: %(why)s")
            % {"why": item["person_view_not_obtained"]}
        )
    if item.get("professional_view"):
        parts.append(
            _("Professional view: %(view)s")
            % {"view": words.with_text(item["professional_view"], facts.get("professional_view"))}
        )
    return parts


def _flatten_safety(snapshot: dict[str, Any], words: _Words, flat: Flat) -> None:
    for item in snapshot.get("safety", []):
        parts = [item["description"], *_views(item, words)]
        if item.get("agreed_steps"):
            parts.append(_("Agreed steps: %(steps)s") % {"steps": item["agreed_steps"]})
        if item.get("responsibilities"):
            parts.append(_("Who does what: %(who)s") % {"who": item["responsibilities"]})
        parts.append(_("Review by %(day)s") % {"day": _day(item.get("review_on"))})
        flat[(_("Safety plan"), str(item["id"]))] = (
            _choice(SafetyKind, item["kind"]),
            ". ".join(parts),
        )
    for risk in snapshot.get("risks", []):
        parts = [risk["description"], *_views(risk, words)]
        if risk.get("shared_responsibility"):
            parts.append(
                _("Who shares the responsibility: %(who)s") % {"who": risk["shared_responsibility"]}
            )
        flat[(_("Risks and positive risk-taking"), str(risk["id"]))] = (
            _choice(RiskKind, risk["kind"]),
            ". ".join(parts),
        )
    for need in snapshot.get("needs", []):
        parts = [need["description"]]
        if need.get("person_view"):
            parts.append(
                _("The person's view: %(view)s")
                % {
                    "view": words.with_text(
                        need["person_view"], (need.get("words") or {}).get("person_view")
                    )
                }
            )
        parts.append(_choice(NeedStatus, need["status"]))
        if need.get("personal_budget"):
            parts.append(_("A personal budget or direct payment could help"))
        flat[(_("Needs"), str(need["id"]))] = (need["life_area"], ". ".join(parts))
    for contact in snapshot.get("contacts", []):
        flat[(_("My contacts"), str(contact["id"]))] = (
            contact["name"],
            ", ".join(v for v in (contact["name"], contact["relationship"], contact["phone"]) if v),
        )


def review_rows(review: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A frozen review as (label, words) rows, attendance included, internal codes never."""
    if not review:
        return []
    rows = [
        (_("Date of the review"), _day(review.get("held_on"))),
        (
            _("The person was there"),
            _("Yes") if review.get("person_attended") else _("No"),
        ),
        (_("Carers and supporters there"), ", ".join(review.get("supporters") or []) or _("None")),
        (_("Advocate there"), review.get("advocate") or _("None")),
        (_("Professionals there"), review.get("professionals") or _("None")),
        (_("What changed"), review.get("what_changed") or ""),
        (_("Notes of the review"), review.get("notes") or ""),
        (_("What the person thought of the review"), review.get("person_view") or ""),
        (_("What carers and supporters thought of the review"), review.get("carer_view") or ""),
        (
            _("How often we agreed to meet"),
            _choice(ContactFrequency, review.get("contact_frequency")),
        ),
        (_("Next review"), _day(review.get("next_review_on"))),
        (_("Recorded by"), review.get("recorded_by") or ""),
    ]
    return [(label, value) for label, value in rows if value]


def _flatten(snapshot: dict[str, Any], words: _Words) -> Flat:
    """Map (section, key) to (item words, comparable text)."""
    flat: Flat = {}
    _flatten_sections(snapshot, words, flat)
    _flatten_goals(snapshot, words, flat)
    _flatten_safety(snapshot, words, flat)
    for label, value in review_rows(snapshot.get("review")):
        flat[(_("The review"), str(label))] = (str(label), value)
    return flat


def compare_snapshots(
    older: dict[str, Any],
    newer: dict[str, Any],
    *,
    called: str = "",
    to_person: bool = False,
) -> list[Change]:
    """Every added, removed or changed item between two versions, in a stable order, in words."""
    words = _Words(called, to_person)
    before, after = _flatten(older, words), _flatten(newer, words)
    changes = []
    for key in sorted(set(before) | set(after)):
        old_item, old = before.get(key, ("", ""))
        new_item, new = after.get(key, ("", ""))
        if old != new:
            changes.append(Change(section=key[0], item=new_item or old_item, before=old, after=new))
    return changes
