"""Every write of the care plan audit: keyword-only, atomic, audited, checked first.

Each check runs before anything is written, so bad input leaves nothing behind.
"""

from __future__ import annotations

import random
import secrets
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.people.models import Organisation, Team
from ourplan.quality import queries
from ourplan.quality.models import AuditRound, AuditSample, ItemAnswer, ManualAudit, SampledPlan
from ourplan.quality.template import CONTENT_KEYS, FRONT_KEYS, ITEMS

SAMPLE_TYPE = "care_plan_audit_sample"
MAX_SEED = 2**62


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED)


def draw_entries(
    eligible: dict[Team, list[tuple[Any, int]]], size: int, seed: int, double_percent: int
) -> list[tuple[Team, Any, int, bool]]:
    """The sample: ``size`` people from each team, chosen at random from ``seed``.

    Pure given its inputs: each team's stream is seeded by the seed and the team's id, so a
    team's draw does not change when other teams are added, and the people are listed in a
    fixed order (queries.eligible_people) before choosing. The double-reviewed share is then
    drawn from the whole sample with its own stream.
    """
    chosen: list[tuple[Team, Any, int]] = []
    for team in sorted(eligible, key=lambda t: t.pk):
        stream = random.Random(f"{seed}:team:{team.pk}")
        picked = stream.sample(eligible[team], size)
        chosen.extend((team, person_id, version_id) for person_id, version_id in picked)
    double_count = round(len(chosen) * double_percent / 100)
    doubled = set(random.Random(f"{seed}:double").sample(range(len(chosen)), double_count))
    return [(team, pid, vid, i in doubled) for i, (team, pid, vid) in enumerate(chosen)]


@transaction.atomic
def sample_draw(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    teams: list[Team],
    size_per_team: int,
    first_auditor: Any,
    closes_on: date,
    seed: int | None = None,
    blinded: bool = True,
    second_auditor: Any = None,
    double_review_percent: int = 0,
) -> AuditSample:
    if not teams:
        raise ValidationError({"teams": _("Choose at least one team.")})
    if any(team.organisation_id != organisation.pk for team in teams):
        raise ValidationError({"teams": _("Choose teams in your own organisation.")})
    if size_per_team < 1:
        raise ValidationError({"size_per_team": _("Draw at least one plan from each team.")})
    if seed is not None and not 0 <= seed < MAX_SEED:
        raise ValidationError({"seed": _("The seed must be a whole number from 0.")})
    if not 0 <= double_review_percent <= 100:
        raise ValidationError(
            {"double_review_percent": _("The double-reviewed share is from 0 to 100 per cent.")}
        )
    if second_auditor is not None and second_auditor.pk == first_auditor.pk:
        raise ValidationError(
            {"second_auditor": _("The second auditor must be someone other than the first.")}
        )
    if double_review_percent and second_auditor is None:
        raise ValidationError(
            {"second_auditor": _("Choose a second auditor for the double-reviewed share.")}
        )
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The closing date must be today or later.")})
    eligible = {team: queries.eligible_people(team) for team in teams}
    for team, people in eligible.items():
        if size_per_team > len(people):
            raise ValidationError(
                {
                    "size_per_team": ngettext(
                        "%(team)s has %(count)s plan with a signed-off version; the sample "
                        "cannot take %(size)s from it.",
                        "%(team)s has %(count)s plans with a signed-off version; the sample "
                        "cannot take %(size)s from it.",
                        len(people),
                    )
                    % {"team": team.name, "count": len(people), "size": size_per_team}
                }
            )
    seed = new_seed() if seed is None else seed
    sample = AuditSample.objects.create(
        organisation=organisation,
        name=name.strip() or _("Care plan audit"),
        size_per_team=size_per_team,
        seed=seed,
        blinded=blinded,
        first_auditor=first_auditor,
        second_auditor=second_auditor,
        double_review_percent=double_review_percent,
        closes_on=closes_on,
        drawn_by=actor,
    )
    sample.teams.set(teams)
    drawn = draw_entries(eligible, size_per_team, seed, double_review_percent)
    SampledPlan.objects.bulk_create(
        SampledPlan(
            sample=sample,
            person_id=person_id,
            team=team,
            version_id=version_id,
            study_id=f"{team.pk}-{position + 1:03d}",
            double_review=doubled,
            position=position,
        )
        for position, (team, person_id, version_id, doubled) in enumerate(drawn)
    )
    audit.record(
        actor=actor, action=AuditAction.CREATE, object_type=SAMPLE_TYPE, object_id=sample.pk
    )
    return sample


def _round_of(entry: SampledPlan, auditor: Any) -> int:
    sample = entry.sample
    if auditor.pk == sample.first_auditor_id:
        return AuditRound.FIRST
    if entry.double_review and auditor.pk == sample.second_auditor_id:
        return AuditRound.SECOND
    raise ValidationError(_("You are not an auditor of this plan."))


def _check_answers(answers: dict[str, str]) -> None:
    errors: dict[str, str] = {}
    for key in (*FRONT_KEYS, *CONTENT_KEYS):
        value = answers.get(key, "")
        if value not in ITEMS[key].options:
            errors[key] = _("Answer %(item)s with one of: %(choices)s.") % {
                "item": ITEMS[key].label,
                "choices": ", ".join(label for _v, label in ITEMS[key].choices()),
            }
    unknown = set(answers) - set(ITEMS)
    if unknown:
        errors["__all__"] = _("These are not questions of the template: %(keys)s.") % {
            "keys": ", ".join(sorted(unknown))
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def manual_audit_save(
    *,
    actor: Any,
    entry: SampledPlan,
    answers: dict[str, str],
    notes: dict[str, str] | None = None,
    overall_note: str = "",
    not_signed_reason: str = "",
    months_on_cpa: int | None = None,
) -> ManualAudit:
    """The auditor's completed template for one plan; saving again replaces their answers."""
    round_number = _round_of(entry, actor)
    _check_answers(answers)
    if months_on_cpa is not None and not 0 <= months_on_cpa <= 1200:
        raise ValidationError({"months_on_cpa": _("Give the time on CPA or CTP in months.")})
    notes = notes or {}
    found, created = ManualAudit.objects.update_or_create(
        entry=entry,
        round=round_number,
        defaults={
            "auditor": actor,
            "overall_note": overall_note.strip(),
            "not_signed_reason": not_signed_reason.strip(),
            "months_on_cpa": months_on_cpa,
            "completed_at": timezone.now(),
        },
    )
    found.answers.all().delete()
    ItemAnswer.objects.bulk_create(
        ItemAnswer(audit=found, item=key, answer=value, note=notes.get(key, "").strip())
        for key, value in answers.items()
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type=ManualAudit.AUDIT_TYPE,
        object_id=found.pk,
        person=entry.person,
    )
    return found
