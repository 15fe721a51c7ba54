"""Phone numbers people type for their contacts: checked, kept as typed, and dialled by a tap."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# What people type around the digits: spaces, dashes, dots, brackets, and a leading +.
_SEPARATORS = re.compile(r"[\s\-.()]")
_DIALLABLE = re.compile(r"\+?\d+")
MIN_DIGITS = 3  # 999, 111 and 116 123 are numbers too
MAX_DIGITS = 15  # the international maximum (ITU-T E.164)


def clean_phone_number(typed: str) -> str:
    """The number as the person typed it, tidied, if it is a phone number; otherwise refused."""
    shown = " ".join(typed.split())
    compact = _SEPARATORS.sub("", shown)
    digits = compact.lstrip("+")
    if (
        not _DIALLABLE.fullmatch(compact)
        or not MIN_DIGITS <= len(digits) <= MAX_DIGITS
        or compact.count("+") > 1
    ):
        raise ValidationError(
            {"phone": _("Enter a phone number, like 01632 960 123 or +44 7700 900 123.")}
        )
    return shown


def dialling_form(number: str) -> str:
    """The number as a ``tel:`` link dials it: digits and a leading +, nothing else."""
    compact = _SEPARATORS.sub("", number or "")
    lead = "+" if compact.startswith("+") else ""
    return lead + re.sub(r"\D", "", compact)
