"""What each audited part of a plan is, in words, for the person's "who has seen my record" page.

Registered with ``ourplan.core.record_words`` from ``PlansConfig.ready()``. Each describer
costs one query for a whole page of entries. Entries written before the audit types were
made canonical (the model's name, e.g. ``goalstep``) are described under their old names
too: the audit log is append-only, so those entries keep the names they were written with.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ourplan.core import record_words
from ourplan.plans import access
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
    ProgressRating,
    Review,
    Risk,
    RiskKind,
    SafetyItem,
    StayingWellPlan,
    Strength,
    Wording,
)

WORDS_OF_TEXT = 60


def _pks(ids: list[str]) -> list[int]:
    return [int(object_id) for object_id in ids if object_id.isdigit()]


def _quoted(text: str) -> str:
    return Truncator(text).chars(WORDS_OF_TEXT)


def describe_goals(ids: list[str]) -> Mapping[str, str]:
    goals = Goal.objects.filter(pk__in=_pks(ids)).values_list("pk", "text")
    return {str(pk): _("Goal: ‘%(text)s’") % {"text": _quoted(text)} for pk, text in goals}


def describe_strengths(ids: list[str]) -> Mapping[str, str]:
    strengths = Strength.objects.filter(pk__in=_pks(ids)).values_list("pk", "text")
    return {str(pk): _("Strength: ‘%(text)s’") % {"text": _quoted(text)} for pk, text in strengths}


def describe_steps(ids: list[str]) -> Mapping[str, str]:
    steps = GoalStep.objects.filter(pk__in=_pks(ids)).values_list("pk", "text")
    return {str(pk): _("Step: ‘%(text)s’") % {"text": _quoted(text)} for pk, text in steps}


def describe_ratings(ids: list[str]) -> Mapping[str, str]:
    ratings = ProgressRating.objects.filter(pk__in=_pks(ids)).values_list("pk", "goal__text")
    return {
        str(pk): _("Progress on the goal ‘%(text)s’") % {"text": _quoted(text)}
        for pk, text in ratings
    }


def describe_safety_items(ids: list[str]) -> Mapping[str, str]:
    items = SafetyItem.objects.filter(pk__in=_pks(ids)).values_list("pk", "description")
    return {str(pk): _("Safety plan: ‘%(text)s’") % {"text": _quoted(text)} for pk, text in items}


def describe_needs(ids: list[str]) -> Mapping[str, str]:
    needs = Need.objects.filter(pk__in=_pks(ids)).values_list("pk", "description")
    return {str(pk): _("Need: ‘%(text)s’") % {"text": _quoted(text)} for pk, text in needs}


def describe_risks(ids: list[str]) -> Mapping[str, str]:
    risks = Risk.objects.filter(pk__in=_pks(ids)).values_list("pk", "kind", "description")
    return {
        str(pk): (
            _("Positive risk: ‘%(text)s’") if kind == RiskKind.POSITIVE else _("Risk: ‘%(text)s’")
        )
        % {"text": _quoted(text)}
        for pk, kind, text in risks
    }


def describe_contacts(ids: list[str]) -> Mapping[str, str]:
    contacts = PersonalContact.objects.filter(pk__in=_pks(ids)).values_list("pk", "name")
    return {str(pk): _("Contact: %(name)s") % {"name": _quoted(name)} for pk, name in contacts}


def describe_wordings(ids: list[str]) -> Mapping[str, str]:
    wordings = Wording.objects.filter(pk__in=_pks(ids)).values_list("pk", "text")
    return {str(pk): _("Wording: ‘%(text)s’") % {"text": _quoted(text)} for pk, text in wordings}


def describe_reviews(ids: list[str]) -> Mapping[str, str]:
    reviews = Review.objects.filter(pk__in=_pks(ids)).values_list("pk", "held_on")
    return {
        str(pk): _("Review of %(day)s") % {"day": date_format(held_on, "j F Y")}
        for pk, held_on in reviews
    }


def _version_words(version: PlanVersion) -> str:
    if version.is_signed:
        return _("Signed version %(number)d") % {"number": version.number}
    return _("Version %(number)d") % {"number": version.number}


def describe_versions(ids: list[str]) -> Mapping[str, str]:
    versions = PlanVersion.objects.filter(pk__in=_pks(ids)).only(
        "number", "person_signed_at", "coordinator_signed_at"
    )
    return {str(version.pk): _version_words(version) for version in versions}


def describe_comparisons(ids: list[str]) -> Mapping[str, str]:
    """Comparisons are logged as "older-pk:newer-pk"."""
    pairs = {object_id: object_id.split(":") for object_id in ids if object_id.count(":") == 1}
    wanted = _pks([pk for pair in pairs.values() for pk in pair])
    numbers = dict(PlanVersion.objects.filter(pk__in=wanted).values_list("pk", "number"))
    words = {}
    for object_id, (older, newer) in pairs.items():
        if older.isdigit() and newer.isdigit() and {int(older), int(newer)} <= set(numbers):
            words[object_id] = _("Versions %(older)d and %(newer)d, compared") % {
                "older": numbers[int(older)],
                "newer": numbers[int(newer)],
            }
    return words


def describe_statutory_documents(ids: list[str]) -> Mapping[str, str]:
    """The document's name depends on the country: CTP in Wales, CPA in England."""
    countries = Plan.objects.filter(pk__in=_pks(ids)).values_list(
        "pk", "person__organisation__country"
    )
    return {
        str(pk): _("Care and Treatment Plan document")
        if country == "wales"
        else _("Personalised care and support plan document")
        for pk, country in countries
    }


LABELS = {
    Plan.AUDIT_TYPE: gettext_lazy("Recovery plan"),
    AboutMe.AUDIT_TYPE: gettext_lazy("About me"),
    StayingWellPlan.AUDIT_TYPE: gettext_lazy("Staying-well plan"),
    CrisisPlan.AUDIT_TYPE: gettext_lazy("Crisis plan"),
    PersonalSafetyPlan.AUDIT_TYPE: gettext_lazy("Own safety steps"),
    access.VERSION_LIST: gettext_lazy("List of plan versions"),
    access.PERSON_COPY: gettext_lazy("Own copy of the plan"),
    access.STATUTORY_DOCUMENT: gettext_lazy("Care plan document"),
    access.REVIEW_HISTORY: gettext_lazy("Reviews of the plan"),
    access.ASSESSMENT: gettext_lazy("Needs and risk assessment"),
    access.SAFETY_PLAN: gettext_lazy("Safety plan"),
    access.CHANGES_TO_MY_WORDS: gettext_lazy("Changes to the plan, and words to check"),
    access.CRISIS_PRINTOUT: gettext_lazy("Crisis plan on one page"),
    access.CRISIS_TEAM_PRINTOUT: gettext_lazy("Crisis plan on one page, for a crisis team"),
    "plan_contribution_rules": gettext_lazy("What the whole team may add to plans"),
}

DESCRIBERS: dict[str, Callable[[list[str]], Mapping[str, str]]] = {
    Goal.AUDIT_TYPE: describe_goals,
    Strength.AUDIT_TYPE: describe_strengths,
    GoalStep.AUDIT_TYPE: describe_steps,
    ProgressRating.AUDIT_TYPE: describe_ratings,
    SafetyItem.AUDIT_TYPE: describe_safety_items,
    Need.AUDIT_TYPE: describe_needs,
    Risk.AUDIT_TYPE: describe_risks,
    PersonalContact.AUDIT_TYPE: describe_contacts,
    Wording.AUDIT_TYPE: describe_wordings,
    Review.AUDIT_TYPE: describe_reviews,
    PlanVersion.AUDIT_TYPE: describe_versions,
    access.VERSION_COMPARISON: describe_comparisons,
    access.STATUTORY_DOCUMENT: describe_statutory_documents,
}

# The names entries were written with before the types were canonical.
EARLIER_NAMES = {
    "aboutme": AboutMe.AUDIT_TYPE,
    "stayingwellplan": StayingWellPlan.AUDIT_TYPE,
    "crisisplan": CrisisPlan.AUDIT_TYPE,
    "goalstep": GoalStep.AUDIT_TYPE,
    "progressrating": ProgressRating.AUDIT_TYPE,
    "safetyitem": SafetyItem.AUDIT_TYPE,
    "planversion": PlanVersion.AUDIT_TYPE,
    "statutory_plan": access.STATUTORY_DOCUMENT,
    "person_held_copy": access.PERSON_COPY,
}


def register() -> None:
    for object_type, label in LABELS.items():
        record_words.register_label(object_type, label)
    for object_type, describe_many in DESCRIBERS.items():
        record_words.register_describer(object_type, describe_many)
    for earlier, canonical in EARLIER_NAMES.items():
        if canonical in LABELS:
            record_words.register_label(earlier, LABELS[canonical])
        if canonical in DESCRIBERS:
            record_words.register_describer(earlier, DESCRIBERS[canonical])
