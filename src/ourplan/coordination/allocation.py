"""Allocation by fit and choice, not by free space alone.

Pure: ``rank`` orders a team's care coordinators for one person from plain facts, and gives
the reasons in words a manager can check ("speaks Welsh; 18 of 25"). The research behind
ourplan found people were usually given whoever had space on their caseload; here space is
one reason among the person's own wishes.

In Wales only certain professions may be appointed care coordinators (Mental Health (Wales)
Measure 2010, section 16, and the Mental Health (Care Co-ordination and Care and Treatment
Planning) (Wales) Regulations 2011, regulation 4 and Schedule 1: a medical practitioner, a
registered mental health or learning disability nurse, a registered social worker, an
occupational therapist, or a practitioner psychologist). ``may_coordinate_in_wales`` says
which of ourplan's professions those are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ourplan.people.models import Profession

WALES_COORDINATING_PROFESSIONS = frozenset(
    {
        Profession.PSYCHIATRIST,  # a medical practitioner
        Profession.NURSE,  # the regulations ask for a mental health or learning disability nurse
        Profession.SOCIAL_WORKER,
        Profession.OCCUPATIONAL_THERAPIST,
        Profession.PSYCHOLOGIST,
    }
)


def may_coordinate_in_wales(profession: str) -> bool:
    return profession in WALES_COORDINATING_PROFESSIONS


def wales_refusal(profession_label: str) -> str:
    return _(
        "In Wales, this profession (%(profession)s) may not coordinate care: the Mental "
        "Health (Wales) Measure 2010 allows only doctors, mental health or learning disability "
        "nurses, social workers, occupational therapists and psychologists. Choose someone else."
    ) % {"profession": profession_label}


@dataclass(frozen=True)
class Candidate:
    staff_id: int
    name: str
    profession: str
    profession_label: str
    gender: str = ""
    gender_label: str = ""
    speaks_welsh: bool = False
    skills: str = ""
    load: int = 0  # people coordinated now, weighted by need where the organisation says so
    target: int = 25


@dataclass(frozen=True)
class Wishes:
    gender: str = ""
    gender_label: str = ""
    profession: str = ""
    welsh: bool = False
    preferred_staff_id: int | None = None
    avoided_staff_id: int | None = None


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: float
    reasons: list[str] = field(default_factory=list)  # why they fit
    concerns: list[str] = field(default_factory=list)  # what counts against
    allowed: bool = True
    not_allowed_reason: str = ""

    @property
    def staff_id(self) -> int:
        return self.candidate.staff_id

    @property
    def capacity(self) -> str:
        return _("%(load)d of %(target)d") % {
            "load": self.candidate.load,
            "target": self.candidate.target,
        }

    def as_record(self) -> dict[str, object]:
        """What is kept with the allocation: the suggestion as the manager saw it."""
        return {
            "staff": self.staff_id,
            "name": self.candidate.name,
            "score": round(self.score, 1),
            "reasons": self.reasons,
            "concerns": self.concerns,
            "allowed": self.allowed,
        }


# How much each kind of fit counts. A named wish counts most; space counts, but less.
NAMED_PERSON = 50.0
WELSH = 25.0
GENDER = 15.0
PROFESSION = 15.0
CAPACITY = 30.0
AVOIDED = -200.0


def _score(candidate: Candidate, wishes: Wishes) -> tuple[float, list[str], list[str]]:
    score = 0.0
    reasons: list[str] = []
    concerns: list[str] = []
    if wishes.preferred_staff_id == candidate.staff_id:
        score += NAMED_PERSON
        reasons.append(_("the person asked for them"))
    if wishes.avoided_staff_id == candidate.staff_id:
        score += AVOIDED
        concerns.append(_("the person would rather not have them"))
    if wishes.welsh:
        if candidate.speaks_welsh:
            score += WELSH
            reasons.append(_("speaks Welsh"))
        else:
            concerns.append(_("does not speak Welsh"))
    if wishes.gender:
        if candidate.gender == wishes.gender:
            score += GENDER
            reasons.append(str(wishes.gender_label).lower())
        else:
            concerns.append(
                _("not %(wanted)s, as asked") % {"wanted": str(wishes.gender_label).lower()}
            )
    if wishes.profession:
        if candidate.profession == wishes.profession:
            score += PROFESSION
            reasons.append(
                _("%(profession)s, as asked") % {"profession": candidate.profession_label.lower()}
            )
        else:
            concerns.append(_("not the profession asked for"))
    target = max(candidate.target, 1)
    free = (target - candidate.load) / target
    score += CAPACITY * max(min(free, 1.0), -1.0)
    reasons.append(_("%(load)d of %(target)d") % {"load": candidate.load, "target": target})
    if candidate.load >= target:
        concerns.append(_("at or over their caseload target"))
    return score, reasons, concerns


def rank(candidates: Iterable[Candidate], wishes: Wishes, *, in_wales: bool) -> list[Suggestion]:
    """Every candidate, best fit first; those who may not coordinate here come last."""
    suggestions = []
    for candidate in candidates:
        score, reasons, concerns = _score(candidate, wishes)
        allowed = not in_wales or may_coordinate_in_wales(candidate.profession)
        suggestions.append(
            Suggestion(
                candidate=candidate,
                score=score,
                reasons=reasons,
                concerns=concerns,
                allowed=allowed,
                not_allowed_reason="" if allowed else wales_refusal(candidate.profession_label),
            )
        )
    return sorted(suggestions, key=lambda s: (not s.allowed, -s.score, s.candidate.name))
