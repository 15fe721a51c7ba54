"""Whether a plan evidences each item of a structured care plan review.

Researchers reviewing care plans against recovery and personalisation (the COCAPP study's
template, appendix 3 of its report) ask, of each plan, whether it shows a set of things:
signatures, attendance at the review, the person's views in each part, and so on. This
reads those answers from the plan as recorded, with where the evidence is, so an auditor
(or a test of the demo data) can see what a plan does and does not show. The item names
here are our own short wording of what each item looks for.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ourplan.plans import queries
from ourplan.plans.authorship import WordingIndex
from ourplan.plans.models import AuthoredPart, Plan, StepOwner, Voice

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
RELATIONSHIP_AREAS = frozenset({"parenting_caring", "social_cultural_spiritual"})


@dataclass(frozen=True)
class Evidence:
    key: str
    label: str
    evidenced: bool
    where: str


def _persons(index: WordingIndex, part: AuthoredPart | None, *fields: str) -> bool:
    """Any of these fields holds words the person wrote or confirmed."""
    if part is None:
        return False
    for field in fields:
        facts = index.facts(part, field)
        if facts is not None and facts.is_persons_words:
            return True
    return False


def _together(index: WordingIndex, parts: list[AuthoredPart]) -> bool:
    for part in parts:
        for field in part.WORDED_FIELDS:
            facts = index.facts(part, field)
            if facts is not None and facts.voice == Voice.TOGETHER and facts.confirmed_at:
                return True
    return False


def evidence(plan: Plan) -> list[Evidence]:
    """Each item of the care plan review, and whether (and where) this plan evidences it."""
    index = queries.wordings_of(plan)
    goals = queries.goals_of(plan)
    review = queries.latest_review(plan)
    version = queries.latest_version(plan)
    risks = queries.risks_of(plan)
    safety = list(queries.safety_items_in_use(plan))
    needs = queries.needs_of(plan)
    crisis, staying, about = plan.crisis, plan.staying_well, plan.about_me
    personal = plan.personal_safety
    areas = {goal.life_area.ctp_area for goal in goals} | {n.life_area.ctp_area for n in needs}
    items = [
        (
            "signed_by_person",
            _("Signed by the person, or a reason given"),
            version is not None
            and (
                version.person_signed_at is not None
                or bool(version.not_signed_reason or version.person_response)
            ),
            _("the latest version's signatures"),
        ),
        (
            "signed_by_coordinator",
            _("Signed by the care coordinator"),
            version is not None and version.coordinator_signed_at is not None,
            _("the latest version's signatures"),
        ),
        (
            "copy_given",
            _("A copy given to the person"),
            version is not None and bool(version.copy_given),
            _("the latest version"),
        ),
        (
            "person_at_review",
            _("The person at the last review"),
            review is not None and review.person_attended,
            _("the last review"),
        ),
        (
            "carer_at_review",
            _("A carer at the last review"),
            review is not None and review.supporters_attended.exists(),
            _("the last review"),
        ),
        (
            "advocate_at_review",
            _("An advocate at the last review"),
            review is not None and bool(review.advocate_attended),
            _("the last review"),
        ),
        (
            "next_review_date",
            _("A date for the next review"),
            review is not None and review.next_review_on is not None,
            _("the last review"),
        ),
        (
            "contact_frequency",
            _("How often the person and care coordinator meet"),
            review is not None and bool(review.contact_frequency),
            _("the last review"),
        ),
        (
            "time_in_care",
            _("How long the person has had care coordination"),
            queries.care_programme_since(plan.person) is not None,
            _("the care team"),
        ),
        (
            "persons_views",
            _("The person's views included"),
            any(_persons(index, g, "text") for g in goals)
            or _persons(index, about, *about.WORDED_FIELDS),
            _("goals and About me, in the person's words"),
        ),
        (
            "coproduction",
            _("Written together"),
            _together(index, [about, staying, crisis, *goals]),
            _("parts written together and confirmed"),
        ),
        (
            "strengths_based",
            _("Goals built on the person's strengths"),
            any(goal.strengths.all() for goal in goals),
            _("strengths linked to goals"),
        ),
        (
            "personalisation",
            _("Choice over care and treatment"),
            bool(
                about.medication_preferences
                or about.therapy_preferences
                or crisis.preferred_treatments
            ),
            _("preferences about treatment"),
        ),
        (
            "personal_budget",
            _("A personal budget or direct payment considered"),
            any(n.personal_budget for n in needs),
            _("needs in the assessment"),
        ),
        (
            "recovery_oriented",
            _("A focus on recovery: relationships, work, learning, money, health"),
            bool(areas & (SOCIAL_AREAS | {"personal_care_wellbeing"})),
            _("life areas of goals and needs"),
        ),
        (
            "person_centred_goals",
            _("Goals from the person's own view of their needs"),
            any(_persons(index, g, "text") for g in goals),
            _("goals in the person's words"),
        ),
        (
            "system_based_goals",
            _("How far the goals are about treatment alone"),
            bool(goals),
            _("life areas of the goals"),
        ),
        (
            "views_in_risk_assessment",
            _("The person's views in the risk assessment"),
            any(r.person_view for r in risks),
            _("risks in the assessment"),
        ),
        (
            "views_in_risk_management",
            _("The person's views in the risk management plan"),
            any(item.person_view for item in safety),
            _("the safety plan"),
        ),
        (
            "views_in_crisis_plan",
            _("The person's views in the crisis plan"),
            _persons(index, crisis, *crisis.WORDED_FIELDS),
            _("the crisis plan, in the person's words"),
        ),
        (
            "views_in_relapse_plan",
            _("The person's views in the relapse prevention plan"),
            _persons(index, staying, "early_signs", "early_signs_response", "triggers"),
            _("the staying-well plan, in the person's words"),
        ),
        (
            "social_outcomes",
            _("Social outcomes"),
            bool({g.life_area.ctp_area for g in goals} & SOCIAL_AREAS),
            _("goals in social life areas"),
        ),
        (
            "medical_outcomes",
            _("Medical outcomes, weighed against personal and social ones"),
            "medical_treatment" in areas,
            _("goals and needs about treatment"),
        ),
        (
            "self_management",
            _("Encouragement to manage things oneself"),
            any(step.owner == StepOwner.ME for g in goals for step in g.steps.all())
            or bool(personal.coping_steps),
            _("steps the person does; coping steps"),
        ),
        (
            "relationships",
            _("Personal relationships recognised"),
            bool({g.life_area.ctp_area for g in goals} & RELATIONSHIP_AREAS),
            _("goals about people"),
        ),
        (
            "advance_directives",
            _("An advance statement or decision, signed"),
            bool(crisis.advance_statement) and crisis.advance_signed,
            _("the crisis plan"),
        ),
    ]
    return [
        Evidence(key, str(label), bool(found), str(where)) for key, label, found, where in items
    ]
