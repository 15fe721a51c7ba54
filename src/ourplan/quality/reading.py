"""The version under review as the auditor reads it: read-only, and blinded if asked.

Blinding replaces the names of the person's care team wherever they appear in the frozen
version (who wrote each part, who recorded the review, who takes a step, and any mention
in the text) with the words "a member of staff", so the auditor cannot tell whose plan
they are judging. The person's own name never appears either: auditors see the study id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ourplan.plans.authorship import WordingFacts, words_line
from ourplan.plans.models import AboutMe, CrisisPlan, PersonalSafetyPlan, StayingWellPlan
from ourplan.plans.snapshot import field_label


def _pattern(names: list[str]) -> re.Pattern[str] | None:
    words = {name.strip() for name in names if len(name.strip()) >= 3}
    for name in list(words):
        words.update(part for part in name.split() if len(part) >= 3)
    if not words:
        return None
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in ordered) + r")\b", re.IGNORECASE)


def blind(data: Any, names: list[str], hidden: str) -> Any:
    """A copy of the snapshot with every one of ``names`` (and each part of them) replaced."""
    pattern = _pattern(names)
    if pattern is None:
        return data

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(hidden, value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk(data)


def for_auditor(
    snapshot: dict[str, Any], person_names: list[str], staff_names: list[str] | None
) -> Any:
    """The snapshot with the person's names always hidden, and the staff's when blinded."""
    shown = blind(snapshot, person_names, _("the person"))
    if staff_names is not None:
        shown = blind(shown, staff_names, _("a member of staff"))
    return shown


@dataclass(frozen=True)
class Line:
    label: str
    text: str
    words: str


def _words(data: Any, called: str) -> str:
    facts = WordingFacts.from_data(data) if isinstance(data, dict) else None
    return words_line(facts, called=called, to_person=False) if facts else ""


def _section(model: Any, values: dict[str, Any], words: dict[str, Any], called: str) -> list[Line]:
    return [
        Line(field_label(model, name), str(text), _words(words.get(name), called))
        for name, text in values.items()
        if str(text or "").strip()
    ]


def sections(snapshot: dict[str, Any], called: str) -> dict[str, list[Line]]:
    """The worded parts of the version, line by line, with who wrote each line."""
    return {
        "about_me": _section(
            AboutMe, snapshot.get("about_me") or {}, snapshot.get("about_me_words") or {}, called
        ),
        "staying_well": _section(
            StayingWellPlan,
            snapshot.get("staying_well") or {},
            snapshot.get("staying_well_words") or {},
            called,
        ),
        "crisis": _section(
            CrisisPlan, snapshot.get("crisis") or {}, snapshot.get("crisis_words") or {}, called
        ),
        "personal_safety": _section(
            PersonalSafetyPlan, snapshot.get("personal_safety") or {}, {}, called
        ),
    }


def goals(snapshot: dict[str, Any], called: str) -> list[dict[str, Any]]:
    return [
        {
            **goal,
            "words_line": _words(goal.get("words"), called),
            "steps": [
                {**step, "words_line": _words(step.get("words"), called)}
                for step in goal.get("steps") or []
            ],
        }
        for goal in snapshot.get("goals") or []
    ]
