"""Who may draw, read and complete care plan audits. Deny by default, one condition per line.

Team managers draw samples from their own team (from every team of the organisation when
it lets managers see everyone). Auditors are named on the sample; they see only the plans
drawn into it, and only until it closes. A second auditor sees only the plans marked for
double review. Reading a sampled plan's version writes one ``read`` entry for its person.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ourplan.accounts.models import CLINICAL_ROLES, Role
from ourplan.core import audit
from ourplan.core.refusal import fetch_or_refuse, refuse_unless
from ourplan.people import access as people_access
from ourplan.people.models import Team
from ourplan.plans.models import PlanVersion
from ourplan.quality.models import AuditSample, ImprovementAction, SampledPlan, SelfAssessment

AUDITOR_ROLES = frozenset({*CLINICAL_ROLES, Role.RESEARCHER})


# ----------------------------------------------------------------------------- rules


def can_draw_sample(user: Any) -> bool:
    """Team managers with a team draw samples."""
    return people_access.can_view_team_overview(user)


def can_be_auditor(user: Any) -> bool:
    """Clinical staff and researchers with a staff record may be named as auditors."""
    if getattr(user, "role", None) not in AUDITOR_ROLES:
        return False
    return people_access.staff_member_of(user) is not None


def can_open_audit_home(user: Any) -> bool:
    return can_draw_sample(user) or can_be_auditor(user)


def teams_to_sample(user: Any) -> QuerySet[Team]:
    """The teams this manager may draw from."""
    staff = people_access.staff_member_of(user)
    if not can_draw_sample(user) or staff is None or staff.team_id is None:
        return Team.objects.none()
    if people_access.organisation_wide_manager_of(user) is not None:
        return Team.objects.filter(organisation_id=staff.organisation_id)
    return Team.objects.filter(pk=staff.team_id)


def can_manage_sample(user: Any, sample: AuditSample) -> bool:
    """The manager who drew it, or a manager of one of its teams."""
    if not can_draw_sample(user):
        return False
    if sample.drawn_by_id == user.pk:
        return True
    staff = people_access.staff_member_of(user)
    assert staff is not None and staff.team_id is not None  # can_draw_sample found them
    return sample.teams.filter(pk=staff.team_id).exists()


def _is_open(sample: AuditSample) -> bool:
    return sample.is_open_on(timezone.localdate())


def can_audit_sample(user: Any, sample: AuditSample) -> bool:
    """A named auditor of a sample that has not closed."""
    if not can_be_auditor(user):
        return False
    if not _is_open(sample):
        return False
    return user.pk in (sample.first_auditor_id, sample.second_auditor_id)


def can_audit_entry(user: Any, entry: SampledPlan) -> bool:
    """The first auditor for every plan; the second only for those marked for double review."""
    sample = entry.sample
    if not can_audit_sample(user, sample):
        return False
    if user.pk == sample.first_auditor_id:
        return True
    return entry.double_review and user.pk == sample.second_auditor_id


def can_view_sample(user: Any, sample: AuditSample) -> bool:
    return can_manage_sample(user, sample) or can_audit_sample(user, sample)


def can_read_entry(user: Any, entry: SampledPlan) -> bool:
    """The plan under review: its auditors while the audit is open, and its managers."""
    return can_audit_entry(user, entry) or can_manage_sample(user, entry.sample)


# ----------------------------------------------------------------------------- access


def access_home(user: Any) -> None:
    refuse_unless(can_open_audit_home(user), "quality:home")


def access_new_sample(user: Any) -> QuerySet[Team]:
    refuse_unless(can_draw_sample(user), "quality:sample_new")
    return teams_to_sample(user)


def _sample(user: Any, sample_id: object, rule: Any) -> AuditSample:
    # Samples list study identifiers, not people: reading one writes no read entry.
    return fetch_or_refuse(
        AuditSample.objects.select_related("organisation", "first_auditor", "second_auditor"),
        "care_plan_audit_sample",
        sample_id,
        lambda found: rule(user, found),
    )


def access_sample(user: Any, sample_id: object) -> AuditSample:
    return _sample(user, sample_id, can_view_sample)


def access_sample_to_manage(user: Any, sample_id: object) -> AuditSample:
    return _sample(user, sample_id, can_manage_sample)


def _entry(user: Any, sample_id: object, entry_id: object, rule: Any) -> SampledPlan:
    # The entry must belong to the sample named in the address, like any record outside it.
    entry = fetch_or_refuse(
        SampledPlan.objects.select_related("sample", "person", "team", "version"),
        "care_plan_audit_entry",
        entry_id,
        lambda found: str(found.sample_id) == str(sample_id) and rule(user, found),
    )
    audit.record_read(
        user, object_type=PlanVersion.AUDIT_TYPE, object_id=entry.version_id, person=entry.person
    )
    return entry


def access_entry_to_audit(user: Any, sample_id: object, entry_id: object) -> SampledPlan:
    """A sampled plan's version, beside the auditor's own template."""
    return _entry(user, sample_id, entry_id, can_audit_entry)


def access_entry(user: Any, sample_id: object, entry_id: object) -> SampledPlan:
    """A sampled plan's version and its automatic audit, read-only."""
    return _entry(user, sample_id, entry_id, can_read_entry)


# ----------------------------------------------------------------------------- self-assessment


def can_run_self_assessment(user: Any) -> bool:
    """Team managers lead the organisation's recovery self-assessment."""
    return can_draw_sample(user)


def _same_organisation(user: Any, organisation_id: int) -> bool:
    staff = people_access.staff_member_of(user)
    return staff is not None and staff.organisation_id == organisation_id


def can_view_self_assessment(user: Any, assessment: SelfAssessment) -> bool:
    if not can_run_self_assessment(user):
        return False
    return _same_organisation(user, assessment.organisation_id)


def access_self_assessments(user: Any) -> int:
    """The organisation whose assessments this manager sees."""
    refuse_unless(can_run_self_assessment(user), "quality:assessments")
    staff = people_access.staff_member_of(user)
    assert staff is not None  # can_run_self_assessment found one
    return int(staff.organisation_id)


def access_self_assessment(user: Any, assessment_id: object) -> SelfAssessment:
    # The assessment is about the service, not a person: no read entry.
    return fetch_or_refuse(
        SelfAssessment.objects.select_related("organisation"),
        "recovery_self_assessment",
        assessment_id,
        lambda found: can_view_self_assessment(user, found),
    )


def access_improvement_action(
    user: Any, assessment_id: object, action_id: object
) -> ImprovementAction:
    return fetch_or_refuse(
        ImprovementAction.objects.select_related("assessment"),
        "improvement_action",
        action_id,
        lambda found: (
            str(found.assessment_id) == str(assessment_id)
            and can_view_self_assessment(user, found.assessment)
        ),
    )


def access_quality_dashboard(user: Any) -> list[Team]:
    """Managers see the automatic audit of their own team, or every team of the organisation."""
    refuse_unless(can_draw_sample(user), "quality:dashboard")
    return list(teams_to_sample(user))
