"""Freeze the whole plan as plain data, and compare two frozen versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ourplan.plans.models import AboutMe, CrisisPlan, Plan, StayingWellPlan


def _fields(part: Any, names: tuple[str, ...]) -> dict[str, str]:
    return {name: getattr(part, name) for name in names} if part is not None else {}


def field_label(model: Any, name: str) -> str:
    """The human label of a model field (the model may be a class or an instance)."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """Everything a signed version must keep, as JSON-ready data with labels."""
    goals = []
    for goal in plan.goals.select_related("life_area").prefetch_related(
        "steps__supporter", "ratings", "strengths"
    ):
        ratings = list(goal.ratings.all())
        goals.append(
            {
                "id": goal.pk,
                "text": goal.text,
                "written_by": goal.written_by,
                "life_area": goal.life_area.label,
                "ctp_area": goal.life_area.ctp_area,
                "status": goal.status,
                "achieved_on": goal.achieved_on.isoformat() if goal.achieved_on else None,
                "latest_progress": ratings[-1].score if ratings else None,
                "strengths": [s.text for s in goal.strengths.all()],
                "steps": [
                    {
                        "id": step.pk,
                        "text": step.text,
                        "owner": step.owner,
                        "who": step.supporter.full_name if step.supporter else step.service,
                        "due_on": step.due_on.isoformat() if step.due_on else None,
                        "status": step.status,
                    }
                    for step in goal.steps.all()
                ],
            }
        )
    return {
        "about_me": _fields(getattr(plan, "about_me", None), AboutMe.TEXT_FIELDS),
        "strengths": [
            {"id": s.pk, "kind": s.kind, "text": s.text}
            for s in plan.strengths.filter(archived_at__isnull=True)
        ],
        "goals": goals,
        "staying_well": _fields(getattr(plan, "staying_well", None), StayingWellPlan.TEXT_FIELDS),
        "crisis": _fields(getattr(plan, "crisis", None), CrisisPlan.TEXT_FIELDS),
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
            }
            for item in plan.safety_items.filter(archived_at__isnull=True)
        ],
    }


@dataclass(frozen=True)
class Change:
    """One difference between two versions."""

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
}


def _flatten(snapshot: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Map (section, item) to comparable text."""
    flat: dict[tuple[str, str], str] = {}
    for key, (model, section) in _SECTION_LABELS.items():
        for name, value in snapshot.get(key, {}).items():
            flat[(str(section), field_label(model, name))] = value or ""
    for strength in snapshot.get("strengths", []):
        flat[(_("Strengths"), f"#{strength['id']}")] = strength["text"]
    for goal in snapshot.get("goals", []):
        flat[(_("Goals"), f"#{goal['id']}")] = _(
            "%(text)s (%(area)s; %(status)s; progress %(progress)s)"
        ) % {
            "text": goal["text"],
            "area": goal["life_area"],
            "status": goal["status"],
            "progress": goal["latest_progress"],
        }
        for step in goal["steps"]:
            flat[(_("Steps"), f"#{step['id']}")] = _(
                "%(text)s (%(owner)s %(who)s; %(status)s; by %(due)s)"
            ) % {
                "text": step["text"],
                "owner": step["owner"],
                "who": step["who"] or "",
                "status": step["status"],
                "due": step["due_on"] or "-",
            }
    for item in snapshot.get("safety", []):
        flat[(_("Safety plan"), f"#{item['id']}")] = "; ".join(
            str(item[k])
            for k in (
                "kind",
                "description",
                "person_view",
                "professional_view",
                "agreed_steps",
                "responsibilities",
                "review_on",
            )
        )
    return flat


def compare_snapshots(older: dict[str, Any], newer: dict[str, Any]) -> list[Change]:
    """Every added, removed or changed item between two versions, in a stable order."""
    before, after = _flatten(older), _flatten(newer)
    changes = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[0], k[1])):
        old, new = before.get(key, ""), after.get(key, "")
        if old != new:
            changes.append(Change(section=key[0], item=key[1], before=old, after=new))
    return changes
