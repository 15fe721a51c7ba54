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


# The plan's parts always hold data. Appointments and contacts, and questionnaire results,
# hold data only once the app that keeps them registers it (``part_content``); until then a
# supporter they are shared with sees only their names, so a view records nothing of them.
PLAN_PARTS: frozenset[str] = ALL_PARTS - {Part.CONTACTS, Part.QUESTIONNAIRES}
NOTHING_SHOWN = "nothing"


def holding_data() -> frozenset[str]:
    """The parts that show something of the record when shared."""
    from ourplan.consent.part_content import registered_parts

    return PLAN_PARTS | (registered_parts() & ALL_PARTS)


def shown_id(parts: frozenset[str]) -> str:
    """The audit id of one supporter view: the parts with content it showed, in plan order.

    ``"crisis,goals"`` becomes "crisis plan and goals" in the person's log; a view that
    showed nothing of the record is ``"nothing"``.
    """
    held = parts & holding_data()
    return ",".join(code for code in PART_ORDER if code in held) or NOTHING_SHOWN


def parts_of_shown_id(object_id: str) -> list[Part]:
    """The parts a ``shown_id`` names (unknown codes, and ``"nothing"``, name none)."""
    return ordered(frozenset(object_id.split(",")) & ALL_PARTS)
