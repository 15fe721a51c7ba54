"""Stuck indicators: when a person and their care team may be stuck, said without blame.

Pure: each indicator is decided from a handful of facts about the plan (``PlanFacts``),
today's date and the organisation's thresholds, so every boundary can be tested without a
database. ``queries.plan_facts`` gathers the facts for many people at once. An indicator
clears the moment its cause clears: nothing here is stored.

Each indicator comes with prompts to reflect on together, drawn from what helped people
become unstuck in the research behind ourplan (shared/seeds/002, section 6): an honest
conversation, probing questions, refocusing goals, and peer support and learning.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# When no review has been recorded, the first is due this long after the plan started:
# the Measure in Wales asks for a review at least once a year, and CPA practice is the same.
FIRST_REVIEW_WITHIN_DAYS = 365


@dataclass(frozen=True)
class Thresholds:
    """An organisation's thresholds (``models.CoordinationSettings``), as plain numbers."""

    no_progress_weeks: int = 12
    unsigned_weeks: int = 4
    new_plan_weeks: int = 4
    goals_unchanged_months: int = 12


@dataclass(frozen=True)
class PlanFacts:
    """What the indicators need to know about one person's plan."""

    has_plan: bool
    plan_started_on: date | None = None
    active_goals: int = 0
    goals: int = 0
    # The newest date an active goal was added, and the newest progress rating on one.
    newest_active_goal_on: date | None = None
    last_active_rating_on: date | None = None
    # The last time any goal was added, changed, achieved or set aside.
    last_goal_change_on: date | None = None
    strengths: int = 0
    next_review_on: date | None = None  # from the latest review; None when there is none
    version_created_on: date | None = None  # the newest version; None when there is none
    version_person_answered: bool = False  # signed, or their answer or reason is recorded
    version_coordinator_signed: bool = False
    in_services_since: date | None = None


class Prompt:
    """Kinds of reflective prompt, as the research found them helping."""

    HONEST = gettext_lazy("An honest conversation")
    PROBING = gettext_lazy("A probing question")
    REFOCUS = gettext_lazy("Refocusing the goals")
    PEER = gettext_lazy("Peer support and learning")


@dataclass(frozen=True)
class Indicator:
    """One indicator that applies. Its words are made when they are shown, in the reader's
    language: a worklist decides hundreds of these and shows a few."""

    code: str
    since: date | None = None  # when the cause began, for sorting by how long
    amount: int = 0  # the weeks, days or months the title speaks of
    variant: str = ""  # for UNSIGNED: "never", "one_side" or "neither"

    @property
    def title(self) -> str:
        """Plain words, read by the person and the coordinator together."""
        return _TITLES[self.code](self)

    @property
    def detail(self) -> str:
        return str(_DETAILS[self.code])

    @property
    def prompts(self) -> tuple[tuple[str, str], ...]:
        """(kind of prompt, the prompt)."""
        return tuple((str(kind), str(prompt)) for kind, prompt in _PROMPTS[self.code])


NO_GOALS = "no_goals"
NO_PROGRESS = "no_progress"
REVIEW_OVERDUE = "review_overdue"
UNSIGNED = "unsigned"
NO_STRENGTHS = "no_strengths"
GOALS_UNCHANGED = "goals_unchanged"
CODES = (NO_GOALS, NO_PROGRESS, REVIEW_OVERDUE, UNSIGNED, NO_STRENGTHS, GOALS_UNCHANGED)


def _unsigned_title(indicator: Indicator) -> str:
    if indicator.variant == "never":
        return _("The plan has not been agreed and signed yet")
    if indicator.variant == "one_side":
        return _("The plan has been signed by one side only")
    return _("The newest version of the plan is not signed")


_TITLES = {
    NO_GOALS: lambda i: _("There is no goal being worked on"),
    NO_PROGRESS: lambda i: (
        ngettext(
            "No progress has been recorded on any goal for %(weeks)d week",
            "No progress has been recorded on any goal for %(weeks)d weeks",
            i.amount,
        )
        % {"weeks": i.amount}
    ),
    REVIEW_OVERDUE: lambda i: (
        ngettext(
            "The review was due %(days)d day ago", "The review was due %(days)d days ago", i.amount
        )
        % {"days": i.amount}
    ),
    UNSIGNED: _unsigned_title,
    NO_STRENGTHS: lambda i: _("No strengths are recorded"),
    GOALS_UNCHANGED: lambda i: (
        ngettext(
            "The goals have not changed for %(months)d month or more",
            "The goals have not changed for %(months)d months or more",
            i.amount,
        )
        % {"months": i.amount}
    ),
}
_DETAILS = {
    NO_GOALS: gettext_lazy(
        "A plan without a goal it is working towards can leave everyone unsure where it leads."
    ),
    NO_PROGRESS: gettext_lazy("Rating progress together shows what is moving, and what is not."),
    REVIEW_OVERDUE: gettext_lazy("A review is a chance to look at the whole plan again, together."),
    UNSIGNED: gettext_lazy(
        "Signing says the plan is agreed. Choosing not to sign, and saying why, is fine too."
    ),
    NO_STRENGTHS: gettext_lazy(
        "Strengths, in a person and around them, are where goals start from."
    ),
    GOALS_UNCHANGED: gettext_lazy(
        "A long time with the same goals can mean everyone has become stuck."
    ),
}
_PROMPTS = {
    NO_GOALS: (
        (Prompt.PROBING, gettext_lazy("What would you like to be different a year from now?")),
        (
            Prompt.REFOCUS,
            gettext_lazy("Start from what matters to you and your strengths, not from services."),
        ),
        (
            Prompt.PEER,
            gettext_lazy(
                "Hearing how someone else chose a first goal can help: ask about peer support."
            ),
        ),
    ),
    NO_PROGRESS: (
        (Prompt.HONEST, gettext_lazy("Talk openly about what has got in the way, on both sides.")),
        (
            Prompt.PROBING,
            gettext_lazy("Is this still the right goal? What would make a next step easier?"),
        ),
        (
            Prompt.REFOCUS,
            gettext_lazy(
                "A smaller step, a different goal, or setting one aside for now are all fine."
            ),
        ),
    ),
    REVIEW_OVERDUE: (
        (
            Prompt.HONEST,
            gettext_lazy("Book the review together, and ask who you would like there."),
        ),
        (
            Prompt.PROBING,
            gettext_lazy("What has changed since the last review, for better or worse?"),
        ),
    ),
    UNSIGNED: (
        (
            Prompt.HONEST,
            gettext_lazy("Read the plan together: is anything in it not in your words?"),
        ),
        (Prompt.PROBING, gettext_lazy("Is there something in the plan you do not agree with?")),
    ),
    NO_STRENGTHS: (
        (Prompt.PROBING, gettext_lazy("What are you good at? Who and what helps you?")),
        (Prompt.PEER, gettext_lazy("Others who have been there may see strengths you do not.")),
    ),
    GOALS_UNCHANGED: (
        (Prompt.HONEST, gettext_lazy("Reflect together: are these still your goals?")),
        (
            Prompt.REFOCUS,
            gettext_lazy(
                "What would moving on from services look like, and what is one step towards it?"
            ),
        ),
        (
            Prompt.PEER,
            gettext_lazy(
                "Peer support and courses such as a recovery college can bring a new view."
            ),
        ),
    ),
}


def months_before(day: date, months: int) -> date:
    """The same day of the month, ``months`` calendar months earlier (the 31st becomes the
    last day of a shorter month)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due_on(facts: PlanFacts) -> date | None:
    """When the next review is due: as the last review set it, or a year after the plan began."""
    if facts.next_review_on is not None:
        return facts.next_review_on
    if facts.plan_started_on is not None:
        return facts.plan_started_on + timedelta(days=FIRST_REVIEW_WITHIN_DAYS)
    return None


def _past_grace(facts: PlanFacts, today: date, thresholds: Thresholds) -> bool:
    """A new plan has a few weeks to find its first goals and strengths before it is flagged."""
    started = facts.plan_started_on or today
    return (today - started).days >= thresholds.new_plan_weeks * 7


def no_goals(facts: PlanFacts, today: date, thresholds: Thresholds) -> Indicator | None:
    if not facts.has_plan or facts.active_goals > 0 or not _past_grace(facts, today, thresholds):
        return None
    return Indicator(NO_GOALS, since=facts.plan_started_on)


def no_progress(facts: PlanFacts, today: date, thresholds: Thresholds) -> Indicator | None:
    """No progress rating on any goal for more than N weeks. A goal added within the N weeks
    counts as a fresh start, so a plan with a goal added today is never flagged."""
    if facts.active_goals == 0:
        return None
    moved = [d for d in (facts.last_active_rating_on, facts.newest_active_goal_on) if d]
    if not moved:
        return None
    last_moved = max(moved)
    days = (today - last_moved).days
    if days <= thresholds.no_progress_weeks * 7:
        return None
    return Indicator(NO_PROGRESS, since=last_moved, amount=days // 7)


def review_overdue(facts: PlanFacts, today: date, thresholds: Thresholds) -> Indicator | None:
    """The review date has passed (the due date itself is not overdue)."""
    if not facts.has_plan:
        return None
    due = review_due_on(facts)
    if due is None or due >= today:
        return None
    return Indicator(REVIEW_OVERDUE, since=due, amount=(today - due).days)


def unsigned(facts: PlanFacts, today: date, thresholds: Thresholds) -> Indicator | None:
    """The newest version has waited more than N weeks for the person's answer or the care
    coordinator's signature; or no version has been made more than N weeks after the plan began."""
    if not facts.has_plan:
        return None
    limit = thresholds.unsigned_weeks * 7
    if facts.version_created_on is None:
        started = facts.plan_started_on or today
        if (today - started).days <= limit:
            return None
        return Indicator(UNSIGNED, since=started, variant="never")
    if facts.version_person_answered and facts.version_coordinator_signed:
        return None
    if (today - facts.version_created_on).days <= limit:
        return None
    one_side = facts.version_person_answered or facts.version_coordinator_signed
    return Indicator(
        UNSIGNED, since=facts.version_created_on, variant="one_side" if one_side else "neither"
    )


def no_strengths(facts: PlanFacts, today: date, thresholds: Thresholds) -> Indicator | None:
    if not facts.has_plan or facts.strengths > 0 or not _past_grace(facts, today, thresholds):
        return None
    return Indicator(NO_STRENGTHS, since=facts.plan_started_on)


def goals_unchanged(facts: PlanFacts, today: date, thresholds: Thresholds) -> Indicator | None:
    """No goal added, changed, achieved or set aside for M months or more, while in services
    for M months or more."""
    if facts.goals == 0 or facts.last_goal_change_on is None or facts.in_services_since is None:
        return None
    cutoff = months_before(today, thresholds.goals_unchanged_months)
    if facts.in_services_since > cutoff or facts.last_goal_change_on > cutoff:
        return None
    return Indicator(
        GOALS_UNCHANGED, since=facts.last_goal_change_on, amount=thresholds.goals_unchanged_months
    )


_RULES = (no_goals, no_progress, review_overdue, unsigned, no_strengths, goals_unchanged)


def stuck_indicators(facts: PlanFacts, today: date, thresholds: Thresholds) -> list[Indicator]:
    """Every indicator that applies now, in a fixed order."""
    found = (rule(facts, today, thresholds) for rule in _RULES)
    return [indicator for indicator in found if indicator is not None]
