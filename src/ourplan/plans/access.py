"""Who may see and change a recovery plan, and the one road to each of its records. Deny by default.

Supporters are refused every plan URL here, including versions, the statutory
document and the person-held copy, because each of those holds the whole plan.
They see the parts the person shares with them only through the consent app's
supporter pages and PDF, which ask ``ourplan.consent.access.sharing_for`` on
every request (see docs/consent.md).

Views reach plan records only through the ``access_*`` functions below. Each one
checks the person named in the URL with ``access_person(..., audit_read=False)``,
fetches the record with ``fetch_or_refuse`` and refuses one that is not in that
person's plan exactly like a missing or forbidden one (``Refused``; the 403 handler
writes the ``denied`` entry). Unless told ``audit_read=False`` it then writes the
page's one ``read`` entry under the record's own type (the model's ``AUDIT_TYPE``)
and its own id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ourplan.accounts.models import Role
from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.core.refusal import Refused, fetch_or_refuse
from ourplan.people import access as people_access
from ourplan.people.models import Organisation, Person
from ourplan.plans import queries
from ourplan.plans.models import (
    AboutMe,
    CrisisPlan,
    Goal,
    GoalStep,
    Need,
    PersonalContact,
    PersonalSafetyPlan,
    Plan,
    PlanVersion,
    Risk,
    SafetyItem,
    StayingWellPlan,
    Strength,
)

# Pages that show more than one record of a plan are logged under these, with the plan's id
# (a comparison: both versions' ids). Record pages use the model's AUDIT_TYPE.
VERSION_LIST = "plan_versions"
VERSION_COMPARISON = "plan_version_comparison"
STATUTORY_DOCUMENT = "statutory_document"
PERSON_COPY = "person_copy"
REVIEW_HISTORY = "plan_reviews"
ASSESSMENT = "needs_and_risk_assessment"
SAFETY_PLAN = "safety_plan"
CHANGES_TO_MY_WORDS = "plan_changes"
# The one-page crisis printout, for the person or for a crisis team (logged with the plan's id).
CRISIS_PRINTOUT = "crisis_printout"
CRISIS_TEAM_PRINTOUT = "crisis_team_printout"
CONTRIBUTION_RULES_PAGE = "plans:contribution_rules"

PlanRule = Callable[[Any, Person], bool]


def can_view_plan(user: Any, person: Person) -> bool:
    """The person, and clinical staff on the person's team."""
    return people_access.can_view_person(user, person)


def can_edit_plan(user: Any, person: Person) -> bool:
    """The person and their care coordinators and team manager write the plan together."""
    if getattr(user, "role", None) not in {
        Role.SERVICE_USER,
        Role.CARE_COORDINATOR,
        Role.TEAM_MANAGER,
    }:
        return False
    return people_access.can_view_person(user, person)


def _team_may(user: Any, person: Person, rule: str) -> bool:
    """A clinician or peer support worker on the person's team, if the organisation allows ``rule``."""
    role = getattr(user, "role", None)
    if role == Role.CLINICIAN:
        allowed = getattr(queries.contribution_rules_of(person.organisation), f"clinician_{rule}")
    elif role == Role.PEER_SUPPORT_WORKER:
        allowed = getattr(queries.contribution_rules_of(person.organisation), f"peer_{rule}")
    else:
        return False
    if not allowed:
        return False
    return people_access.can_view_person(user, person)


def can_add_step(user: Any, person: Person) -> bool:
    """Those who write the plan, and team members adding a step they do, where allowed."""
    if can_edit_plan(user, person):
        return True
    return _team_may(user, person, "steps")


def can_add_strength(user: Any, person: Person) -> bool:
    """Those who write the plan, and team members noting a strength with the person, where allowed."""
    if can_edit_plan(user, person):
        return True
    return _team_may(user, person, "strengths")


def can_add_treatment_preferences(user: Any, person: Person) -> bool:
    """Those who write the plan, and team members adding to treatment preferences, where allowed."""
    if can_edit_plan(user, person):
        return True
    return _team_may(user, person, "treatment_preferences")


def is_team_contributor(user: Any) -> bool:
    """Clinicians and peer support workers add within the organisation's rules."""
    return getattr(user, "role", None) in {Role.CLINICIAN, Role.PEER_SUPPORT_WORKER}


def can_start_plan(user: Any, person: Person) -> bool:
    if getattr(user, "role", None) not in {Role.CARE_COORDINATOR, Role.TEAM_MANAGER}:
        return False
    return people_access.can_view_person(user, person)


def can_record_review(user: Any, person: Person) -> bool:
    """Reviews are recorded by a care coordinator or the team manager."""
    return can_start_plan(user, person)


def can_sign_as_person(user: Any, person: Person) -> bool:
    if getattr(user, "role", None) != Role.SERVICE_USER:
        return False
    return person.user_id == user.pk


def can_sign_as_coordinator(user: Any, person: Person) -> bool:
    """A care coordinator on the person's team (the named one, or one covering), or the team manager.

    The signature records who signed, so a covering coordinator is visible as such.
    """
    if getattr(user, "role", None) not in {Role.CARE_COORDINATOR, Role.TEAM_MANAGER}:
        return False
    return people_access.can_view_person(user, person)


def can_record_copy_given(user: Any, person: Person) -> bool:
    """A copy given to the person can be recorded at any time, by those who record reviews."""
    return can_record_review(user, person)


def can_speak_as_person(user: Any, person: Person) -> bool:
    """Confirming words as theirs, putting their words back, answering a version: the person only."""
    return can_sign_as_person(user, person)


def can_set_contribution_rules(user: Any) -> bool:
    """An organisation's administrator sets what clinicians and peer support workers may add."""
    if getattr(user, "role", None) != Role.ADMINISTRATOR:
        return False
    return people_access.staff_member_of(user) is not None


def can_sign_version(user: Any, person: Person) -> bool:
    """Someone who may see the plan and sign it, as the person or as care coordinator."""
    if not can_view_plan(user, person):
        return False
    if can_sign_as_person(user, person):
        return True
    return can_sign_as_coordinator(user, person)


def _read(user: Any, object_type: str, object_id: object, plan: Plan) -> None:
    audit.record_read(user, object_type=object_type, object_id=object_id, person=plan.person)


def _plan_of(user: Any, person_id: object, rule: PlanRule) -> Plan:
    """The plan of the person in the URL, if ``rule`` lets this user at them."""
    person = people_access.access_person(user, person_id, rule=rule, audit_read=False)
    plan = queries.plan_for(person)
    if plan is None:
        # The URL names the person: a plan not yet started is refused as the person's page.
        raise Refused("person", person_id)
    plan.person = person
    return plan


def access_person_and_plan(user: Any, person_id: object) -> tuple[Person, Plan | None]:
    """For the plan page: the person, and their plan once it is started.

    Logged as a read of the plan, or of the person while there is no plan to show.
    """
    person = people_access.access_person(user, person_id, rule=can_view_plan, audit_read=False)
    plan = queries.plan_for(person)
    if plan is None:
        audit.record_read(user, object_type="person", object_id=person.pk, person=person)
        return person, None
    plan.person = person
    _read(user, Plan.AUDIT_TYPE, plan.pk, plan)
    return person, plan


def access_plan(
    user: Any, person_id: object, *, rule: PlanRule = can_view_plan, audit_read: bool = True
) -> Plan:
    """The person's plan (with ``plan.person``), if ``rule`` lets this user at the person."""
    plan = _plan_of(user, person_id, rule)
    if audit_read:
        _read(user, Plan.AUDIT_TYPE, plan.pk, plan)
    return plan


def access_about_me(user: Any, person_id: object, *, rule: PlanRule = can_edit_plan) -> AboutMe:
    about_me = _plan_of(user, person_id, rule).about_me
    _read(user, AboutMe.AUDIT_TYPE, about_me.pk, about_me.plan)
    return about_me


def access_staying_well_plan(
    user: Any, person_id: object, *, rule: PlanRule = can_edit_plan
) -> StayingWellPlan:
    staying_well = _plan_of(user, person_id, rule).staying_well
    _read(user, StayingWellPlan.AUDIT_TYPE, staying_well.pk, staying_well.plan)
    return staying_well


def access_crisis_plan(
    user: Any, person_id: object, *, rule: PlanRule = can_view_plan
) -> CrisisPlan:
    crisis = _plan_of(user, person_id, rule).crisis
    _read(user, CrisisPlan.AUDIT_TYPE, crisis.pk, crisis.plan)
    return crisis


def access_personal_safety_plan(
    user: Any, person_id: object, *, rule: PlanRule = can_edit_plan
) -> PersonalSafetyPlan:
    """The person's own safety steps: reasons for living, coping steps, safer surroundings."""
    plan = _plan_of(user, person_id, rule)
    personal = queries.personal_safety_plan_of(plan)
    personal.plan = plan
    _read(user, PersonalSafetyPlan.AUDIT_TYPE, personal.pk, plan)
    return personal


def access_crisis_printout(
    user: Any, person_id: object, *, for_team: bool, as_pdf: bool = False
) -> Plan:
    """The one-page crisis printout: the person's own, or the one for a crisis team."""
    kind = CRISIS_TEAM_PRINTOUT if for_team else CRISIS_PRINTOUT
    return _document(user, person_id, kind, as_pdf=as_pdf)


def access_plan_page(
    user: Any, person_id: object, page: str, *, rule: PlanRule = can_view_plan
) -> Plan:
    """A page showing many records of the plan (reviews, the assessment, the safety plan,
    changes to the person's words): one read entry naming the page, with the plan's id."""
    plan = _plan_of(user, person_id, rule)
    _read(user, page, plan.pk, plan)
    return plan


def access_strength(
    user: Any,
    person_id: object,
    strength_id: object,
    *,
    rule: PlanRule = can_edit_plan,
    audit_read: bool = True,
) -> Strength:
    """One strength of this person's plan; a strength of any other plan is refused."""
    plan = _plan_of(user, person_id, rule)
    strength = fetch_or_refuse(
        Strength.objects.all(),
        Strength.AUDIT_TYPE,
        strength_id,
        lambda found: found.plan_id == plan.pk,
    )
    strength.plan = plan
    if audit_read:
        _read(user, Strength.AUDIT_TYPE, strength.pk, plan)
    return strength


def access_goal(
    user: Any,
    person_id: object,
    goal_id: object,
    *,
    rule: PlanRule = can_view_plan,
    audit_read: bool = True,
) -> Goal:
    """One goal of this person's plan, with its life area; a goal of any other plan is refused."""
    plan = _plan_of(user, person_id, rule)
    goal = fetch_or_refuse(
        Goal.objects.select_related("life_area"),
        Goal.AUDIT_TYPE,
        goal_id,
        lambda found: found.plan_id == plan.pk,
    )
    goal.plan = plan
    if audit_read:
        _read(user, Goal.AUDIT_TYPE, goal.pk, plan)
    return goal


def access_step(
    user: Any,
    person_id: object,
    step_id: object,
    *,
    rule: PlanRule = can_edit_plan,
    audit_read: bool = True,
) -> GoalStep:
    """One step of a goal in this person's plan; a step of any other plan is refused."""
    plan = _plan_of(user, person_id, rule)
    step = fetch_or_refuse(
        GoalStep.objects.select_related("goal", "supporter"),
        GoalStep.AUDIT_TYPE,
        step_id,
        lambda found: found.goal.plan_id == plan.pk,
    )
    step.goal.plan = plan
    if audit_read:
        _read(user, GoalStep.AUDIT_TYPE, step.pk, plan)
    return step


def access_safety_item(
    user: Any, person_id: object, item_id: object, *, rule: PlanRule = can_edit_plan
) -> SafetyItem:
    """One concern or opportunity in this person's safety plan; any other is refused."""
    plan = _plan_of(user, person_id, rule)
    item = fetch_or_refuse(
        SafetyItem.objects.all(),
        SafetyItem.AUDIT_TYPE,
        item_id,
        lambda found: found.plan_id == plan.pk,
    )
    item.plan = plan
    _read(user, SafetyItem.AUDIT_TYPE, item.pk, plan)
    return item


def access_need(
    user: Any, person_id: object, need_id: object, *, rule: PlanRule = can_edit_plan
) -> Need:
    """One need in this person's assessment; a need of any other plan is refused."""
    plan = _plan_of(user, person_id, rule)
    need = fetch_or_refuse(
        Need.objects.select_related("life_area"),
        Need.AUDIT_TYPE,
        need_id,
        lambda found: found.plan_id == plan.pk,
    )
    need.plan = plan
    _read(user, Need.AUDIT_TYPE, need.pk, plan)
    return need


def access_risk(
    user: Any,
    person_id: object,
    risk_id: object,
    *,
    rule: PlanRule = can_edit_plan,
    audit_read: bool = True,
) -> Risk:
    """One risk or positive risk decision in this person's assessment; any other is refused."""
    plan = _plan_of(user, person_id, rule)
    risk = fetch_or_refuse(
        Risk.objects.all(), Risk.AUDIT_TYPE, risk_id, lambda found: found.plan_id == plan.pk
    )
    risk.plan = plan
    if audit_read:
        _read(user, Risk.AUDIT_TYPE, risk.pk, plan)
    return risk


def access_contact(
    user: Any, person_id: object, contact_id: object, *, rule: PlanRule = can_edit_plan
) -> PersonalContact:
    """One of the person's own contacts; a contact of any other plan is refused."""
    plan = _plan_of(user, person_id, rule)
    contact = fetch_or_refuse(
        PersonalContact.objects.all(),
        PersonalContact.AUDIT_TYPE,
        contact_id,
        lambda found: found.plan_id == plan.pk,
    )
    contact.plan = plan
    _read(user, PersonalContact.AUDIT_TYPE, contact.pk, plan)
    return contact


def _version_of(plan: Plan, number: int) -> PlanVersion:
    # Versions are named by their number within the plan, so the lookup is by number;
    # a number the plan does not have is refused like any record outside it.
    version = queries.version_numbered(plan, number)
    if version is None:
        raise Refused(PlanVersion.AUDIT_TYPE, f"plan {plan.pk} number {number}")
    version.plan = plan
    return version


def access_version(
    user: Any,
    person_id: object,
    number: int,
    *,
    rule: PlanRule = can_view_plan,
    audit_read: bool = True,
) -> PlanVersion:
    """Version ``number`` of this person's plan."""
    plan = _plan_of(user, person_id, rule)
    version = _version_of(plan, number)
    if audit_read:
        _read(user, PlanVersion.AUDIT_TYPE, version.pk, plan)
    return version


def access_version_pdf(user: Any, person_id: object, number: int) -> PlanVersion:
    """Version ``number`` as a PDF: read as the version, and, as it leaves the system, an export."""
    version = access_version(user, person_id, number)
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type=PlanVersion.AUDIT_TYPE,
        object_id=version.pk,
        person=version.plan.person,
    )
    return version


def access_versions(user: Any, person_id: object) -> Plan:
    """The plan whose list of versions is shown: logged as that list, under the plan's id."""
    plan = _plan_of(user, person_id, can_view_plan)
    _read(user, VERSION_LIST, plan.pk, plan)
    return plan


def access_versions_compared(
    user: Any, person_id: object, older: int, newer: int
) -> tuple[PlanVersion, PlanVersion]:
    """Two versions of this person's plan, side by side: one read entry naming both."""
    plan = _plan_of(user, person_id, can_view_plan)
    first, second = _version_of(plan, older), _version_of(plan, newer)
    _read(user, VERSION_COMPARISON, f"{first.pk}:{second.pk}", plan)
    return first, second


def _document(user: Any, person_id: object, object_type: str, *, as_pdf: bool) -> Plan:
    plan = _plan_of(user, person_id, can_view_plan)
    _read(user, object_type, plan.pk, plan)
    if as_pdf:
        # A download leaves the system: it is recorded as an export as well as a read.
        audit.record(
            actor=user,
            action=AuditAction.EXPORT,
            object_type=object_type,
            object_id=plan.pk,
            person=plan.person,
        )
    return plan


def access_statutory_document(user: Any, person_id: object, *, as_pdf: bool = False) -> Plan:
    """The plan the CTP or CPA document is generated from."""
    return _document(user, person_id, STATUTORY_DOCUMENT, as_pdf=as_pdf)


def access_person_copy(user: Any, person_id: object, *, as_pdf: bool = False) -> Plan:
    """The plan the person-held copy is generated from."""
    return _document(user, person_id, PERSON_COPY, as_pdf=as_pdf)


def access_contribution_rules(user: Any) -> Organisation:
    """The administrator's own organisation, whose contribution rules they set."""
    staff = people_access.staff_member_of(user) if can_set_contribution_rules(user) else None
    if staff is None:
        raise Refused("page", CONTRIBUTION_RULES_PAGE)
    return staff.organisation
