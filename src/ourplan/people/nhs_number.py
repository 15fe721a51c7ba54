"""NHS numbers: one canonical form (ten ASCII digits) and the modulus 11 check digit.

People type NHS numbers with spaces or dashes, and a phone keyboard or a pasted value may
give digits from another script (Arabic-Indic ``٩٤٣``, full-width ``９４３``) that Python's
``\\d`` and ``int()`` accept. A number is stored, compared and searched only as ten ASCII
digits, so the same number typed two ways is the same number: every caller gets that form
from :func:`normalise_nhs_number` or :func:`canonical_nhs_number`.

No Django at import time beyond translation, so other code (e.g. de-identification of
research files) can use :func:`canonical_nhs_number` and :func:`looks_like_nhs_number`.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_TEN_ASCII_DIGITS = re.compile(r"[0-9]{10}", re.ASCII)


def _is_separator(character: str) -> bool:
    # Any space (incl. no-break and thin spaces) or dash (hyphen-minus, en dash, minus sign...).
    return character.isspace() or unicodedata.category(character) == "Pd" or character == "\u2212"


def normalise_nhs_number(raw: str) -> str:
    """Digits in any script become ASCII digits; spaces and dashes go: '943 476 5919'.

    Other characters are kept, so a value that is not a number stays visibly wrong and
    fails validation rather than being quietly changed into one.
    """
    out = []
    for character in raw or "":
        if _is_separator(character):
            continue
        digit = unicodedata.decimal(character, None)
        out.append(str(digit) if digit is not None else character)
    return "".join(out)


def nhs_number_check_digit(first_nine: str) -> int | None:
    """Return the check digit for nine digits, or None when no valid number has them."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def canonical_nhs_number(text: str) -> str | None:
    """The ten ASCII digits of a valid NHS number written in ``text``, or None.

    ``text`` may have spaces, dashes and digits in any script; it must hold exactly one
    NHS number and nothing else.
    """
    number = normalise_nhs_number(text)
    if not _TEN_ASCII_DIGITS.fullmatch(number):
        return None
    if nhs_number_check_digit(number[:9]) != int(number[9]):
        return None
    return number


def looks_like_nhs_number(text: str) -> bool:
    """True when ``text`` is a valid NHS number, however it is written."""
    return canonical_nhs_number(text) is not None


def is_valid_nhs_number(raw: str) -> bool:
    return looks_like_nhs_number(raw)


def validate_nhs_number(raw: str) -> None:
    """Django validator: a clear message for a mistyped NHS number."""
    number = normalise_nhs_number(raw)
    if not _TEN_ASCII_DIGITS.fullmatch(number):
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
