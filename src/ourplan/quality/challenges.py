"""The ten organisational challenges for recovery-focused services, and the progress scale.

The ten challenges come from the organisational change programme described by Perkins
and Slade (2012): services assess themselves against them together (staff, people using
the service and carers), agree priorities, act, study what happened and assess again.
The short descriptions and the scale's descriptors are ourplan's own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Challenge:
    key: str
    label: Promise
    description: Promise
    # Audit items an action on this challenge is most likely to move.
    audit_items: tuple[str, ...] = ()


CHALLENGES: tuple[Challenge, ...] = (
    Challenge(
        "interactions",
        _("Day-to-day interactions"),
        _(
            "Whether every conversation, at every level, conveys hope and treats people as experts in their own lives."
        ),
        ("persons_views", "coproduction"),
    ),
    Challenge(
        "lived_experience_training",
        _("Education and training led by people with lived experience"),
        _("Whether people who have used services design and deliver the training staff receive."),
    ),
    Challenge(
        "recovery_college",
        _("A recovery college"),
        _(
            "Whether there is a place where people, carers and staff learn side by side about recovery and living well."
        ),
        ("self_management",),
    ),
    Challenge(
        "commitment",
        _("Organisational commitment"),
        _(
            "Whether recovery shapes the organisation's plans, budgets, leadership and what it measures."
        ),
    ),
    Challenge(
        "personalisation",
        _("Personalisation and choice"),
        _("Whether people have real control over their support, including personal budgets."),
        ("personalisation", "personal_budget", "person_centred_goals"),
    ),
    Challenge(
        "risk",
        _("Risk"),
        _(
            "Whether risk is thought about with the person, safety is planned together and positive risks are supported."
        ),
        ("views_in_risk_assessment", "views_in_risk_management", "views_in_crisis_plan"),
    ),
    Challenge(
        "involvement",
        _("Redefining involvement"),
        _(
            "Whether people who use services are equal partners in running them, not only consulted about them."
        ),
        ("coproduction",),
    ),
    Challenge(
        "workforce",
        _("The workforce, including peer workers"),
        _(
            "Whether lived experience is valued in recruitment, and peer support workers are part of every team."
        ),
    ),
    Challenge(
        "supporting_staff",
        _("Supporting staff"),
        _(
            "Whether staff wellbeing and their own recovery are looked after, so they can support others."
        ),
    ),
    Challenge(
        "life_beyond_illness",
        _("A life beyond illness"),
        _(
            "Whether services help people towards homes, work, learning, relationships and a place in their community."
        ),
        ("social_outcomes", "recovery_oriented", "relationships"),
    ),
)
CHALLENGE_KEYS: tuple[str, ...] = tuple(c.key for c in CHALLENGES)
BY_KEY = {c.key: c for c in CHALLENGES}


class Progress(models.IntegerChoices):
    """How far a service has come on one challenge."""

    NOT_STARTED = 1, _("1 – Not started: no one is working on this yet")
    EARLY = 2, _("2 – Early days: some people are trying things, here and there")
    UNDER_WAY = 3, _("3 – Under way: a planned effort is changing practice in some teams")
    ESTABLISHED = 4, _("4 – Established: it is usual practice in most places, and checked")
    EMBEDDED = (
        5,
        _("5 – Part of who we are: sustained everywhere, led with people who use services"),
    )


class RaterGroup(models.TextChoices):
    STAFF = "staff", _("Staff")
    PEOPLE = "people", _("People using the service")
    CARERS = "carers", _("Carers and supporters")
