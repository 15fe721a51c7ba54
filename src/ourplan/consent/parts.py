"""The parts of a person's record that can be shared, one by one, with a supporter."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Part(models.TextChoices):
    ABOUT_ME = "about_me", _("About me")
    GOALS = "goals", _("Goals and progress")
    STAYING_WELL = "staying_well", _("Staying-well plan")
    CRISIS = "crisis", _("Crisis plan")
    SAFETY = "safety", _("Safety plan")
    REVIEWS = "reviews", _("Reviews")
    CONTACTS = "contacts", _("Appointments and contacts")
    QUESTIONNAIRES = "questionnaires", _("Questionnaire results")


ALL_PARTS: frozenset[str] = frozenset(str(part) for part in Part)
PART_ORDER: tuple[str, ...] = tuple(str(part) for part in Part)


def ordered(parts: frozenset[str] | set[str]) -> list[Part]:
    """Parts in the order the plan shows them."""
    return [Part(code) for code in PART_ORDER if code in parts]


def label(code: str) -> str:
    return str(Part(code).label)
