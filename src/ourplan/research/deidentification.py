"""Does a table still identify people? Pure functions: no database, no files, no Django.

Everything is judged in a canonical form, so that the way a value or a column name happens
to be written cannot slip past the check:

- column names: Unicode-normalised (NFKC), camelCase split, case-folded, and cut into words
  at every space, underscore, hyphen or dot ("Date of Birth", "date_of_birth", "DateOfBirth"
  and "D.O.B." all become words like ``date of birth`` / ``d o b``), then compared with
  the words and the run-together forms of identifying names and their common synonyms;
- values: NFKC (full-width digits and letters become ASCII), every other Unicode digit
  becomes its ASCII digit, invisible format characters are dropped and every kind of dash
  becomes "-". Patterns then allow the separators and prefixes people write ("NHS 943-476
  5919", a trailing ".0" from a spreadsheet, double spaces).

Every cell of every row is checked, free text included, for NHS numbers (passing the
modulus-11 check digit), email addresses, UK phone numbers, UK postcodes, dates labelled as
a date of birth ("born 3/4/1980", "DOB: 1980-04-03"), and whole-cell dates in a column whose
name does not say what the date is of (a date of birth by another name). Dates in a column
named for an event ("assessment date", "referral_date", "Visit") are study data and allowed.

Speed matters: an upload may hold five million cells, so each column is joined into one
string (cells separated by NUL, which uploads may not contain) and each pattern runs once
over it in C; Python only looks at the few places a pattern matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Literal

IdentifyingKind = Literal[
    "nhs_number", "email", "date_of_birth", "name", "postcode", "address", "phone", "date"
]

# Cells are joined with this; it cannot occur in an accepted upload (NUL is refused first).
CELL_SEPARATOR = "\x00"
# The header is row 1 of the file, so the first data row is row 2 (as a spreadsheet shows it).
FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class Finding:
    """Where a table identifies people: the column, and the row (None: the column's name)."""

    kind: IdentifyingKind
    column: str
    row: int | None


# ---------------------------------------------------------------------------------------
# Canonical text
# ---------------------------------------------------------------------------------------

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


def _canonical_char(char: str) -> str:
    """The ASCII stand-in for one character ('' to drop it), or the character itself."""
    if char.isascii():
        return char
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    if char in _DASHES:
        return "-"
    category = unicodedata.category(char)
    if category == "Cf":  # zero-width spaces and joiners, soft hyphens, direction marks
        return ""
    if category.startswith("Z"):  # any space or line/paragraph separator
        return " "
    return char


class _CanonicalChars(dict[int, str]):
    """A str.translate table filled in as characters are met, so no pass over the text
    is needed to find them first; it stops growing at a bound, whatever a file holds."""

    BOUND = 20_000

    def __missing__(self, code: int) -> str:
        replacement = _canonical_char(chr(code))
        if len(self) < self.BOUND:
            self[code] = replacement
        return replacement


_CANONICAL_CHARS = _CanonicalChars()


def canonical_text(text: str) -> str:
    """Text with Unicode digits, dashes and spaces in their ASCII form; invisible marks gone.

    Digits are mapped before NFKC: a column of Arabic-Indic or full-width digits is then
    ASCII and needs no normalising at all.
    """
    if text.isascii():
        return text
    text = text.translate(_CANONICAL_CHARS)
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    text = unicodedata.normalize("NFKC", text)
    return text if text.isascii() else text.translate(_CANONICAL_CHARS)


_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[^\W_]+")


def canonical_column_name(name: str) -> str:
    """The words of a column name, lower case, one space apart: 'Date-Of Birth ' -> 'date of birth'."""
    text = _CAMEL_BOUNDARY.sub(" ", canonical_text(name))
    return " ".join(_WORD.findall(text.casefold()))


# ---------------------------------------------------------------------------------------
# Column names
# ---------------------------------------------------------------------------------------

# Run-together forms found anywhere in the name with its separators removed.
_JOINED_FORMS: dict[IdentifyingKind, tuple[str, ...]] = {
    "nhs_number": (
        "nhsnumber",
        "nhsno",
        "nhsnum",
        "nhsid",
        "chinumber",
        "chino",
        "hospitalnumber",
        "hospitalno",
        "medicalrecordnumber",
        "healthandcarenumber",
    ),
    "email": ("email",),
    "date_of_birth": ("dateofbirth", "birthdate", "birthday", "dateborn", "borndate"),
    "name": (
        "firstname",
        "lastname",
        "surname",
        "forename",
        "fullname",
        "givenname",
        "familyname",
        "middlename",
        "maidenname",
        "nickname",
        "preferredname",
        "christianname",
        "patientname",
        "clientname",
        "personname",
        "username",
    ),
    "postcode": ("postcode", "postalcode", "zipcode"),
    "address": ("address",),
    "phone": ("phone", "mobile", "telno", "contactnumber"),
}
# Words that are identifying on their own, wherever they stand in the name.
_WORDS: dict[IdentifyingKind, frozenset[str]] = {
    "nhs_number": frozenset({"mrn", "hcn"}),
    "email": frozenset(),
    "date_of_birth": frozenset({"dob", "dobs"}),
    "name": frozenset({"initials"}),
    "postcode": frozenset({"zip"}),
    "address": frozenset({"addr", "street"}),
    "phone": frozenset({"tel", "mob", "mobile", "landline", "fax"}),
}
# "name" is identifying alone or beside a word for a person; "site name" is not.
_NAME_WORDS = frozenset({"name", "names"})
_PERSON_WORDS = frozenset(
    {
        "patient",
        "patients",
        "client",
        "clients",
        "person",
        "persons",
        "people",
        "user",
        "users",
        "participant",
        "participants",
        "respondent",
        "carer",
        "carers",
        "supporter",
        "resident",
        "individual",
        "member",
        "pt",
        "su",
        "first",
        "last",
        "given",
        "family",
        "full",
        "middle",
        "maiden",
        "preferred",
        "legal",
        "birth",
        "contact",
        "kin",
        "mother",
        "father",
        "parent",
        "child",
        "s",  # "patient's name"
    }
)
_NHS_NUMBER_WORDS = frozenset({"number", "no", "num", "id", "identifier"})
# Checked in this order, so "email address" is an email column, not an address.
_KIND_ORDER: tuple[IdentifyingKind, ...] = (
    "nhs_number",
    "email",
    "date_of_birth",
    "name",
    "postcode",
    "address",
    "phone",
)


def _has_run(words: list[str], run: tuple[str, ...]) -> bool:
    """True when ``run`` appears as consecutive words ('d', 'o', 'b' in 'patient d o b')."""
    size = len(run)
    return any(tuple(words[i : i + size]) == run for i in range(len(words) - size + 1))


def identifying_column_kind(name: str) -> IdentifyingKind | None:
    """What an identifying column name holds ('name', 'nhs_number', ...), or None."""
    words = canonical_column_name(name).split()
    if not words:
        return None
    joined = "".join(words)
    present = set(words)
    for kind in _KIND_ORDER:
        if any(form in joined for form in _JOINED_FORMS[kind]) or present & _WORDS[kind]:
            return kind
        if (
            kind == "nhs_number"
            and "nhs" in present
            and (len(words) == 1 or present & _NHS_NUMBER_WORDS)
        ):
            return kind
        if kind == "date_of_birth" and (
            _has_run(words, ("d", "o", "b")) or joined.startswith("dob") or joined.endswith("dob")
        ):
            return kind
        if (
            kind == "name"
            and present & _NAME_WORDS
            and (len(words) == 1 or present & _PERSON_WORDS)
        ):
            return kind
    return None


# Words that say a column's dates are of something in the study, not of a person's birth.
_STUDY_DATE_WORDS = frozenset(
    {
        "date",
        "dates",
        "dated",
        "time",
        "timestamp",
        "datetime",
        "when",
        "day",
        "week",
        "month",
        "visit",
        "session",
        "appointment",
        "admission",
        "admitted",
        "discharge",
        "discharged",
        "referral",
        "referred",
        "assessment",
        "assessed",
        "baseline",
        "followup",
        "follow",
        "start",
        "started",
        "end",
        "ended",
        "completed",
        "submitted",
        "recorded",
        "created",
        "updated",
        "event",
        "onset",
        "review",
        "period",
    }
)


def is_study_date_column(name: str) -> bool:
    """A column whose name says what its dates are of ('assessment date', 'Visit', 'week')."""
    words = set(canonical_column_name(name).split())
    return bool(words & _STUDY_DATE_WORDS) and identifying_column_kind(name) is None


# ---------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------

# Python's regular expressions are fast only when a pattern starts with a literal or a set
# of characters (the engine then skips to where it could match), so each pattern below
# starts that way and checks what comes before its first character with a lookbehind
# placed just after it.

# Ten digits together or as 3-3-4 with up to three separators between groups; not part of a
# longer number and not the fraction part of a decimal ("0.9434765919").
_NHS_CANDIDATE = re.compile(
    r"([0-9]{3})(?<![0-9][0-9]{3})(?<![0-9]\.[0-9]{3})[ \t\-./]{0,3}([0-9]{3})[ \t\-./]{0,3}"
    r"([0-9]{4})(?![0-9])"
)
_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True))


# The weighted sum of the first nine digits is looked up three digits at a time rather than
# added up digit by digit: a file may hold hundreds of thousands of ten-digit numbers.
_FIRST_THREE = {f"{n:03d}": _weighted(f"{n:03d}", _NHS_WEIGHTS[0:3]) for n in range(1000)}
_SECOND_THREE = {f"{n:03d}": _weighted(f"{n:03d}", _NHS_WEIGHTS[3:6]) for n in range(1000)}
# The last four digits: the weighted sum of three of them, and the check digit.
_LAST_FOUR = {
    f"{n:04d}": (_weighted(f"{n:04d}"[:3], _NHS_WEIGHTS[6:9]), n % 10) for n in range(10000)
}


def _passes_check(first: str, second: str, last: str) -> bool:
    partial, check_digit = _LAST_FOUR[last]
    # 11 - (sum mod 11), where 11 means 0 and 10 means no valid number has these nine digits.
    expected = (11 - (_FIRST_THREE[first] + _SECOND_THREE[second] + partial) % 11) % 11
    return expected == check_digit and not (
        first == second == last[:3] and last[3] == first[0] == first[1] == first[2]
    )


def nhs_check_digit_matches(ten_digits: str) -> bool:
    """True when ten ASCII digits pass the NHS modulus-11 check and are not all one digit.

    Numbers of one repeated digit (0000000000, 1111111111) pass the arithmetic but are never
    issued, and turn up as placeholders, so they are not treated as NHS numbers.
    """
    return _passes_check(ten_digits[0:3], ten_digits[3:6], ten_digits[6:10])


def _first_nhs_number(text: str) -> int | None:
    for match in _NHS_CANDIDATE.finditer(text):
        if _passes_check(*match.groups()):
            return match.start()
    return None


# The "@" comes first in the pattern so the search skips straight to it; one character of a
# local part before it is enough to call it an email address.
_EMAIL = re.compile(
    r"@(?<=[A-Za-z0-9._%+\-']@)[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9\-])"
)

# UK numbers: 0, +44, 0044 or +44 (0), then 9 or 10 digits in groups of two or more
# ("07700 900123", "(020) 7946 0018", "+44 161 496 0000", "07700-900-123").
_AFTER_44 = r"44[ \-]{0,2}(?:\(0\)[ \-]{0,2})?"
_PHONE = re.compile(
    r"(?:\+(?<![0-9A-Za-z+]\+)"
    + _AFTER_44
    + r"|0(?<![0-9A-Za-z+]0)(?<![0-9]\.0)(?:0"
    + _AFTER_44
    + r")?"
    + r"|\((?<![0-9A-Za-z+]\()0)"
    r"(?=(?:[ \-()]{0,2}[0-9]){9,10}(?![ \-()]{0,2}[0-9]))"
    r"[1-9][0-9]{1,9}\)?(?:[ \-]{1,2}[0-9]{2,8}){0,3}(?![0-9])"
)

# Full UK postcodes ("CF10 3AT", "sw1a1aa"), any case, but not ordinals ("B12 3rd"). The
# search starts at the outward code's digit (text has far fewer digits than letters) and
# looks back for its one or two letters; the letters are spelled out in both cases, as
# re.IGNORECASE would stop the engine skipping ahead.
_POSTCODE = re.compile(
    r"[0-9](?:(?<=(?<![A-Za-z0-9])[A-PR-UWYZa-pr-uwyz][0-9])"
    r"|(?<=(?<![A-Za-z0-9])[A-PR-UWYZa-pr-uwyz][A-HK-Ya-hk-y][0-9]))"
    r"[0-9A-HJKMNPR-Ya-hjkmnpr-y]?"
    r" {0,2}[0-9](?!st|nd|rd|th)[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}(?![A-Za-z0-9])"
)

_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_MONTH_NAME = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORDINAL = r"(?i:st|nd|rd|th)?"
_YEAR = r"(?:[0-9]{4}|[0-9]{2})"
_NUMERIC_DATE = (
    r"(?:[0-9]{4}(?P<iso>[\-/.])"
    + _MONTH
    + r"(?P=iso)"
    + _DAY  # 1985-03-12
    + r"|"
    + _DAY
    + r"(?P<dmy>[/.\-])"
    + _MONTH
    + r"(?P=dmy)"
    + _YEAR  # 12/03/1985, 12.3.85
    + r"|"
    + _MONTH
    + r"(?P<mdy>[/.\-])"
    + _DAY
    + r"(?P=mdy)"
    + _YEAR
    + r")"  # 3/28/1985
)
_TEXT_DATE = (
    r"(?:"
    + _DAY
    + _ORDINAL
    + r"[ \-]{1,2}(?i:of )?"
    + _MONTH_NAME
    + r",?[ \-]{1,2}"
    + r"(?:[0-9]{4}|[0-9]{2})"  # 12 March 1985, 3rd of May 85
    + r"|"
    + _MONTH_NAME
    + r" {1,2}"
    + _DAY
    + _ORDINAL
    + r",? {1,2}[0-9]{4})"  # March 12, 1985
)
_TIME = (
    r"(?:[T ]{1,2}[0-9]{1,2}[:.][0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?: ?(?i:[ap]m))?"
    r"(?:Z|[+\-][0-9]{2}:?[0-9]{2})?)?"
)
# A cell that is a date and nothing else. The joined column is searched with a separator
# before its first cell, so every cell starts just after one: the literal the search skips
# to. Numeric forms are looked for loosely (any a/b/yy shape is "date-like"); the cheap
# shape keeps five million one-digit cells fast.
_WHOLE_CELL_NUMERIC_DATE = re.compile(
    r"\x00 {0,8}(?:[0-9]{4}(?P<a>[\-/.])[0-9]{1,2}(?P=a)[0-9]{1,2}"
    r"|[0-9]{1,2}(?P<b>[/.\-])[0-9]{1,2}(?P=b)(?:[0-9]{4}|[0-9]{2}))" + _TIME + r" {0,8}(?=\x00|\Z)"
)
_WHOLE_CELL_TEXT_DATE = re.compile(r"\x00 {0,8}" + _TEXT_DATE + _TIME + r" {0,8}(?=\x00|\Z)")
# "born 3/4/1980", "DOB: 1980-04-03", "date of birth 3 April 1980", in any cell.
_LABELLED_BIRTH_DATE = re.compile(
    r"[BbDd](?<![A-Za-z][BbDd])(?i:orn|irth ?date|irthday|ob|\.o\.b\.?|ate of birth)"
    r"(?![A-Za-z])[ \t:=\-,(]{0,5}(?i:on |is |was )?(?:" + _NUMERIC_DATE + "|" + _TEXT_DATE + ")"
)
# Cheap looks that let a column skip the patterns it cannot match.
_ANY_LETTER = re.compile(r"[A-Za-z]")
_ANY_DATE_SEPARATOR = re.compile(r"[/.\-]")
_BIRTH_WORD = re.compile(r"born|dob|d\.o\.b|birth")
_MONTH_STEM = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")


def _first_match(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    return None if match is None else match.start()


def _first_whole_cell_date(text: str, lower: str | None) -> int | None:
    """The offset of the first cell that is only a date (the separator found is just before it)."""
    cells = CELL_SEPARATOR + text
    found = []
    if _ANY_DATE_SEPARATOR.search(text):
        found.append(_first_match(_WHOLE_CELL_NUMERIC_DATE, cells))
    if lower is not None and _MONTH_STEM.search(lower):
        found.append(_first_match(_WHOLE_CELL_TEXT_DATE, cells))
    offsets = [offset for offset in found if offset is not None]
    return min(offsets) if offsets else None


def _first_identifying_offset(
    text: str, *, dates_allowed: bool
) -> tuple[int, IdentifyingKind] | None:
    """The earliest identifying value in canonical ``text`` (offset and kind), or None."""
    # Postcodes, labelled birth dates and dates with a month's name all need a letter.
    lower = text.lower() if _ANY_LETTER.search(text) else None
    detectors: list[tuple[IdentifyingKind, int | None]] = [
        ("nhs_number", _first_nhs_number(text)),
        ("email", _first_match(_EMAIL, text) if "@" in text else None),
        ("phone", _first_match(_PHONE, text)),
    ]
    if lower is not None:
        detectors.append(("postcode", _first_match(_POSTCODE, text)))
        if _BIRTH_WORD.search(lower):
            detectors.append(("date_of_birth", _first_match(_LABELLED_BIRTH_DATE, text)))
    if not dates_allowed:
        detectors.append(("date", _first_whole_cell_date(text, lower)))
    # The first cell with anything in it; within a cell, the likeliest reading first (a
    # ten-digit number starting 0 can be an NHS number and a phone number's shape).
    found = [
        (text.count(CELL_SEPARATOR, 0, offset), priority, offset, kind)
        for priority, (kind, offset) in enumerate(detectors)
        if offset is not None
    ]
    if not found:
        return None
    _, _, offset, kind = min(found)
    return offset, kind


def identifying_value_kind(value: str, *, dates_allowed: bool = True) -> IdentifyingKind | None:
    """What identifying value one cell holds, or None. ``dates_allowed``: a study-date column."""
    text = canonical_text(value).replace(CELL_SEPARATOR, " ")
    hit = _first_identifying_offset(text, dates_allowed=dates_allowed)
    return None if hit is None else hit[1]


def _finding_in_column(
    column: str, joined: str, count: int, row_numbers: Sequence[int] | None
) -> Finding | None:
    if joined.count(CELL_SEPARATOR) != count - 1:  # a value holds the separator itself
        joined = joined.replace(CELL_SEPARATOR, " ")  # then judged as one cell, row 2
        row_numbers = [row_numbers[0] if row_numbers else FIRST_DATA_ROW]
    text = canonical_text(joined)
    hit = _first_identifying_offset(text, dates_allowed=is_study_date_column(column))
    if hit is None:
        return None
    offset, kind = hit
    index = text.count(CELL_SEPARATOR, 0, offset)
    row = row_numbers[index] if row_numbers is not None else index + FIRST_DATA_ROW
    return Finding(kind=kind, column=column, row=row)


def first_identifying_value(
    column: str, values: Sequence[str], *, row_numbers: Sequence[int] | None = None
) -> Finding | None:
    """The first cell of a column that identifies someone, with its row of the file.

    ``row_numbers`` gives each value's row of the file when it is not simply 2, 3, 4, ...
    (for example when blank lines were skipped).
    """
    if not values:
        return None
    return _finding_in_column(column, CELL_SEPARATOR.join(values), len(values), row_numbers)


def first_finding(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    row_numbers: Sequence[int] | None = None,
) -> Finding | None:
    """The first way a table identifies people: a column's name, then any value in it.

    ``rows`` are the data rows, each with one value per column. Column names are checked
    first (the clearest thing to fix), then the header cells as values (a file saved
    without a header row starts with data), then every cell, column by column.
    """
    for column in columns:
        kind = identifying_column_kind(column)
        if kind is not None:
            return Finding(kind=kind, column=column, row=None)
    for column in columns:
        kind = identifying_value_kind(column)
        if kind is not None:
            return Finding(kind=kind, column=column, row=1)
    if not rows:
        return None
    for position, column in enumerate(columns):
        joined = CELL_SEPARATOR.join(map(itemgetter(position), rows))
        finding = _finding_in_column(column, joined, len(rows), row_numbers)
        if finding is not None:
            return finding
    return None
