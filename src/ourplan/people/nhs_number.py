"""NHS number validation (modulus 11 check digit)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def normalise_nhs_number(raw: str) -> str:
    """Strip the spaces and dashes people type, e.g. '943 476 5919'."""
    return re.sub(r"[\s-]", "", raw or "")


def nhs_number_check_digit(first_nine: str) -> int | None:
    """Return the check digit for nine digits, or None when no valid number has them."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(raw: str) -> bool:
    number = normalise_nhs_number(raw)
    if not re.fullmatch(r"\d{10}", number):
        return False
    return nhs_number_check_digit(number[:9]) == int(number[9])


def validate_nhs_number(raw: str) -> None:
    """Django validator: a clear message for a mistyped NHS number."""
    number = normalise_nhs_number(raw)
    if not re.fullmatch(r"\d{10}", number):
        raise ValidationError(
            _("Enter an NHS number with 10 digits, like 943 476 5919."), code="format"
        )
    if nhs_number_check_digit(number[:9]) != int(number[9]):
        raise ValidationError(
            _("This NHS number is not valid. Check it for a mistyped digit."), code="check_digit"
        )


def format_nhs_number(number: str) -> str:
    """Show an NHS number as 3-3-4 digits."""
    number = normalise_nhs_number(number)
    return f"{number[:3]} {number[3:6]} {number[6:]}" if len(number) == 10 else number
