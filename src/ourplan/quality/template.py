"""The care plan review template as data: its front page and its 17 content items.

The structure follows the COCAPP study's structured review template (appendix 3 of its
report): a front page of process questions and 17 things a plan may show evidence of, in
that order, each answered Yes, No or Unclear with notes, and an overall note. We add
"Not applicable" (a plan with no risk assessment cannot show the person's view in one).
The guidance is written for ourplan: it says what to look for in a plan as ourplan
records it. Two items read the other way round (``reverse``): a Yes to "system-based
goals" or to "orientation to medical outcomes" counts against the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNCLEAR = "unclear", _("Unclear")
    NOT_APPLICABLE = "na", _("Not applicable")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Fortnightly")
    MONTHLY = "monthly", _("Monthly")
    OTHER = "other", _("Other")
    UNCLEAR = "unclear", _("Unclear")


YES_NO = (Answer.YES, Answer.NO)
YES_NO_UNCLEAR = (Answer.YES, Answer.NO, Answer.UNCLEAR)
CONTENT_ANSWERS = (Answer.YES, Answer.NO, Answer.UNCLEAR, Answer.NOT_APPLICABLE)


@dataclass(frozen=True)
class Item:
    """One question of the template."""

    key: str
    label: Promise
    guidance: Promise
    options: tuple[str, ...]
    reverse: bool = False  # a Yes counts against the plan

    def choices(self) -> list[tuple[str, str]]:
        labels = dict(Answer.choices) | dict(Frequency.choices)
        return [(value, str(labels[value])) for value in self.options]

    def favourable(self, answer: str) -> bool | None:
        """Whether an answer speaks for the plan; None when it says nothing either way."""
        if answer not in (Answer.YES, Answer.NO):
            return None
        return (answer == Answer.YES) != self.reverse


# The front page questions the auditor answers. Reviewer, date, study identifier, gender
# and age are filled in from the audit and the person's record, not asked.
FRONT_PAGE: tuple[Item, ...] = (
    Item(
        "signed_by_person",
        _("Signed by the person"),
        _("The version under review carries the person's own signature."),
        YES_NO_UNCLEAR,
    ),
    Item(
        "signed_by_coordinator",
        _("Signed by the care coordinator"),
        _("The version carries the care coordinator's signature."),
        YES_NO_UNCLEAR,
    ),
    Item(
        "copy_given",
        _("A copy given to the person"),
        _("The record says the person was given the plan, on paper, as a PDF or in the app."),
        YES_NO_UNCLEAR,
    ),
    Item(
        "person_at_review",
        _("The person was at the last review"),
        _("The notes of the review this version came from say the person took part."),
        YES_NO_UNCLEAR,
    ),
    Item(
        "carer_at_review",
        _("A carer was at the last review"),
        _("A carer, family member or friend who supports the person took part in the review."),
        YES_NO_UNCLEAR,
    ),
    Item(
        "advocate_at_review",
        _("An advocate was at the last review"),
        _("An independent advocate took part in the review."),
        YES_NO_UNCLEAR,
    ),
    Item(
        "next_review_date",
        _("A date for the next review"),
        _("The plan says when it will next be reviewed."),
        YES_NO_UNCLEAR,
    ),
    Item(
        "contact_frequency",
        _("How often the person sees their care coordinator"),
        _("What the plan and the contacts recorded show about how often they meet."),
        tuple(Frequency.values),
    ),
)

CONTENT: tuple[Item, ...] = (
    Item(
        "persons_views",
        _("The person's views included"),
        _(
            "Can you hear the person in the plan? Look for goals and an About me written in "
            "their own words, or recorded as they said them and confirmed by them, rather "
            "than staff describing them."
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "coproduction",
        _("Co-production"),
        _(
            "Were goals and plans worked out together, so that both the person and staff own "
            "them? Parts written together and confirmed by the person are the clearest sign."
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "strengths_based",
        _("Strengths-based assessment"),
        _(
            "Do goals build on what the person is good at, enjoys or has found helpful, rather "
            "than only on problems? Look for strengths tied to particular goals."
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "personalisation",
        _("Personalisation"),
        _(
            "Does the person have real choice over their care and treatment, shaped around "
            "them rather than around what the service happens to offer? A plan about "
            "medication, symptoms and risk alone does not count."
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "personal_budget",
        _("Personal budget"),
        _(
            "Is a personal budget or direct payment mentioned or weighed up for any need, so "
            "that the person could choose and buy their own support?"
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "recovery_oriented",
        _("Recovery-oriented practice"),
        _(
            "Does the plan help the person build a life: relationships, learning or work, "
            "money, looking after themselves and their physical health, a sense of purpose?"
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "person_centred_goals",
        _("Person-centred goals"),
        _(
            "Do the goals come from the person's own view of what they need? Most goals "
            "should be theirs, in their words."
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "system_based_goals",
        _("System-based goals"),
        _(
            "Are the goals wholly or mostly about what the service needs, such as taking "
            "medication or keeping appointments? A Yes here counts against the plan."
        ),
        CONTENT_ANSWERS,
        reverse=True,
    ),
    Item(
        "views_in_risk_assessment",
        _("The person's views in the risk assessment"),
        _(
            "Where the plan assesses risks, does it say what the person thinks about each? "
            "Not applicable when the plan holds no risk assessment."
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "views_in_risk_management",
        _("The person's views in the risk management plan"),
        _(
            "Did the person get to discuss how risks will be managed and say whether they "
            "agree? Look at the safety plan's items for the person's own view."
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "views_in_crisis_plan",
        _("The person's views in the crisis plan"),
        _(
            "Does the crisis plan show what the person wants to happen, and that they agree "
            "with it? Please say in the notes what you based this on."
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "views_in_relapse_plan",
        _("The person's views in the relapse plan"),
        _(
            "Where there is a plan for staying well and spotting early signs, is it the "
            "person's own account of their triggers and signs and what helps?"
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "social_outcomes",
        _("Orientation to social outcomes"),
        _(
            "Does the plan aim at things in the person's social life: people and support "
            "around them, a home, work or learning? If only partly, say so in the notes."
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "medical_outcomes",
        _("Orientation to medical outcomes"),
        _(
            "Weighing the whole plan, is there more about symptoms and treatment than about "
            "the person's own and social aims? A Yes here counts against the plan. Say in the "
            "notes how you weighed it."
        ),
        CONTENT_ANSWERS,
        reverse=True,
    ),
    Item(
        "self_management",
        _("Encouragement for self-management"),
        _(
            "Does the plan share responsibility with the person: steps they take themselves, "
            "their own ways of coping, room to make their own plans?"
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "relationships",
        _("Recognition of personal relationships"),
        _(
            "Does the plan help the person keep up the relationships they have, or make new "
            "ones, and give the people who matter to them a part?"
        ),
        CONTENT_ANSWERS,
    ),
    Item(
        "advance_directives",
        _("Advance directives"),
        _(
            "Is there an advance statement or decision for times when the person cannot say "
            "what treatment they want, signed and backed by staff?"
        ),
        CONTENT_ANSWERS,
    ),
)

ITEMS: dict[str, Item] = {item.key: item for item in (*FRONT_PAGE, *CONTENT)}
CONTENT_KEYS: tuple[str, ...] = tuple(item.key for item in CONTENT)
FRONT_KEYS: tuple[str, ...] = tuple(item.key for item in FRONT_PAGE)

OVERALL_GUIDANCE = _(
    "In the overall note, give your sense of the balance of the whole plan: is it mostly "
    "about recovery and the person's own choices, or do they make up a small part of it? "
    "Add anything else about the plan that matters and the questions do not cover."
)
