"""The pure de-identification checks: canonical forms, named cases and properties.

The named cases are the ones the "Reliability and security" review found slipping through;
the properties say the same of every way of writing them.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ourplan.people.nhs_number import nhs_number_check_digit
from ourplan.research.deidentification import (
    Finding,
    canonical_column_name,
    canonical_text,
    first_finding,
    first_identifying_value,
    identifying_column_kind,
    identifying_value_kind,
    is_study_date_column,
    nhs_check_digit_matches,
)

VALID_NHS_NUMBERS = ["9434765919", "4010232137", "9000000009", "9876543210"]

# ---------------------------------------------------------------------------------------
# Column names
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        # The four the review found accepted.
        ("Date of Birth", "date_of_birth"),
        ("First Name", "name"),
        ("patient_name", "name"),
        ("E-mail", "email"),
        # Their common synonyms and spellings.
        ("DOB", "date_of_birth"),
        ("D.O.B.", "date_of_birth"),
        ("birth_date", "date_of_birth"),
        ("BirthDate", "date_of_birth"),
        ("Forename", "name"),
        ("Surname", "name"),
        ("Last name", "name"),
        ("full-name", "name"),
        ("FirstName", "name"),
        ("Name", "name"),
        ("Patient's name", "name"),
        ("NHS No.", "nhs_number"),
        ("NHSNumber", "nhs_number"),
        ("nhs_no", "nhs_number"),
        ("NHS", "nhs_number"),
        ("Hospital number", "nhs_number"),
        ("Post Code", "postcode"),
        ("postcode", "postcode"),
        ("ZIP", "postcode"),
        ("Home address", "address"),
        ("Address line 1", "address"),
        ("Email address", "email"),
        ("email", "email"),
        ("Phone", "phone"),
        ("Mobile", "phone"),
        ("Tel", "phone"),
        ("Telephone number", "phone"),
        ("ｆｉｒｓｔ ｎａｍｅ", "name"),  # full-width letters
        ("  Date_Of-Birth  ", "date_of_birth"),
    ],
)
def test_identifying_column_names_are_recognised_however_written(name: str, kind: str) -> None:
    assert identifying_column_kind(name) == kind


@pytest.mark.parametrize(
    "name",
    [
        "site",
        "team name",
        "site name",
        "group",
        "score",
        "phq9_total",
        "age",
        "age band",
        "gender",
        "assessment date",
        "weight",
        "NHS trust",
        "year of birth",
        "participant id",
        "Covariate",
    ],
)
def test_ordinary_study_columns_are_not_called_identifying(name: str) -> None:
    assert identifying_column_kind(name) is None


def test_column_names_are_compared_in_canonical_form() -> None:
    assert canonical_column_name("Date-Of_Birth ") == "date of birth"
    assert canonical_column_name("patientName") == "patient name"
    assert canonical_column_name("NHSNumber") == "nhs number"
    assert canonical_column_name("E-mail") == "e mail"


IDENTIFYING_NAME_WORDS = [
    (["date", "of", "birth"], "date_of_birth"),
    (["dob"], "date_of_birth"),
    (["first", "name"], "name"),
    (["forename"], "name"),
    (["surname"], "name"),
    (["full", "name"], "name"),
    (["patient", "name"], "name"),
    (["nhs", "number"], "nhs_number"),
    (["nhs", "no"], "nhs_number"),
    (["post", "code"], "postcode"),
    (["email"], "email"),
    (["e", "mail"], "email"),
    (["address"], "address"),
    (["phone"], "phone"),
    (["mobile"], "phone"),
]
SEPARATORS = st.sampled_from([" ", "_", "-", ".", "  ", " - ", "/"])


@st.composite
def written_forms(draw: st.DrawFn, words: list[str]) -> str:
    """One way a person or a spreadsheet might write these words as a column name."""
    cased = [draw(st.sampled_from([w.lower(), w.upper(), w.capitalize(), w])) for w in words]
    joiner = draw(st.one_of(SEPARATORS, st.just("")))
    name = joiner.join(cased)
    return draw(st.sampled_from(["", " ", "  "])) + name + draw(st.sampled_from(["", " ", ":"]))


@given(data=st.data(), case=st.sampled_from(IDENTIFYING_NAME_WORDS))
def test_every_spacing_case_and_punctuation_of_an_identifying_name_is_caught(
    data: st.DataObject, case: tuple[list[str], str]
) -> None:
    words, kind = case
    name = data.draw(written_forms(words))
    assert identifying_column_kind(name) == kind, name


@given(data=st.data(), case=st.sampled_from(IDENTIFYING_NAME_WORDS))
def test_an_identifying_name_is_caught_inside_a_longer_name(
    data: st.DataObject, case: tuple[list[str], str]
) -> None:
    words, _kind = case
    prefix = data.draw(st.sampled_from(["patient", "client", "service user", "pt", "carer"]))
    name = data.draw(written_forms([*prefix.split(), *words]))
    assert identifying_column_kind(name) is not None, name


# ---------------------------------------------------------------------------------------
# NHS numbers
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "9434765919",
        "943-476-5919",  # dashes
        " 9434765919",  # a leading space
        "9434765919.0",  # a spreadsheet's trailing .0
        "943  476  5919",  # double spaces
        "NHS 9434765919",  # an NHS prefix
        "NHS no: 943 476 5919",
        "943 – 476 – 5919",  # en dashes
        "943\u00a0476\u00a05919",  # no-break spaces
        "943\u200b4765919",  # a zero-width space
        "٩٤٣٤٧٦٥٩١٩",  # Arabic-Indic digits
        "９４３４７６５９１９",  # full-width digits
        "Seen in clinic; NHS number 943 476 5919, follow up in May",  # free text
    ],
)
def test_nhs_numbers_are_found_however_written(value: str) -> None:
    assert identifying_value_kind(value) == "nhs_number"


@pytest.mark.parametrize(
    "value",
    [
        "9434765918",  # wrong check digit
        "94347659190",  # eleven digits
        "0.9434765919",  # the fraction part of a decimal
        "1111111111",  # one repeated digit: passes the arithmetic, never issued
        "0000000000",
        "12",
        "4.5",
        "score 943",
    ],
)
def test_numbers_that_are_not_nhs_numbers_pass(value: str) -> None:
    assert identifying_value_kind(value) is None


def _with_check_digit(first_nine: str) -> str | None:
    check = nhs_number_check_digit(first_nine)
    return None if check is None else first_nine + str(check)


nine_digits = st.text(alphabet=string.digits, min_size=9, max_size=9)


@given(nine_digits)
def test_the_fast_check_digit_agrees_with_the_people_app(first_nine: str) -> None:
    for last in string.digits:
        number = first_nine + last
        expected = nhs_number_check_digit(first_nine) == int(last) and len(set(number)) > 1
        assert nhs_check_digit_matches(number) == expected


@st.composite
def written_nhs_numbers(draw: st.DrawFn) -> str:
    """A valid NHS number written with any of the separators, prefixes and digits people use."""
    number = draw(nine_digits.map(_with_check_digit).filter(lambda n: n is not None))
    assume(number is not None and len(set(number)) > 1)
    assert number is not None
    separator = draw(st.sampled_from(["", " ", "-", "  ", " - ", ".", "\u2013", "\u00a0"]))
    written = separator.join([number[:3], number[3:6], number[6:]])
    digits = draw(st.sampled_from(["ascii", "fullwidth", "arabic-indic"]))
    if digits == "fullwidth":
        written = written.translate({ord(d): chr(0xFF10 + int(d)) for d in string.digits})
    elif digits == "arabic-indic":
        written = written.translate({ord(d): chr(0x0660 + int(d)) for d in string.digits})
    prefix = draw(st.sampled_from(["", " ", "NHS ", "NHS no. ", "nhs:", "ref (", "Seen today, "]))
    suffix = draw(st.sampled_from(["", " ", ".0", ")", ", then discharged", "\n"]))
    return prefix + written + suffix


@given(written_nhs_numbers())
def test_any_written_form_of_a_valid_nhs_number_is_found(value: str) -> None:
    assert identifying_value_kind(value) == "nhs_number", value


@given(st.lists(st.integers(min_value=0, max_value=1000).map(str), min_size=1, max_size=50))
def test_columns_of_small_scores_never_look_identifying(scores: list[str]) -> None:
    assert first_identifying_value("score", scores) is None


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=50))
def test_columns_of_decimals_never_look_identifying(numbers: list[float]) -> None:
    assert first_identifying_value("measure", [repr(n) for n in numbers]) is None


# ---------------------------------------------------------------------------------------
# Emails, phone numbers, postcodes, dates of birth
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("ann.jones@example.org", "email"),
        ("write to Ann at ann+notes@example.nhs.uk please", "email"),
        ("ann＠example.org", "email"),  # full-width @
        ("07700 900123", "phone"),
        ("07700900123", "phone"),
        ("+44 7700 900123", "phone"),
        ("+44 (0)20 7946 0018", "phone"),
        ("(020) 7946 0018", "phone"),
        ("0161 496 0000", "phone"),
        ("call 0300-123-4567 after 5", "phone"),
        ("CF10 3AT", "postcode"),
        ("cf10 3at", "postcode"),
        ("SW1A1AA", "postcode"),
        ("lives near EC1A 1BB with her sister", "postcode"),
        ("born 12/03/1985", "date_of_birth"),
        ("DOB: 1985-03-12", "date_of_birth"),
        ("d.o.b. 3 March 1985", "date_of_birth"),
        ("Date of birth 3rd of May 1985", "date_of_birth"),
    ],
)
def test_identifying_values_are_found_in_any_cell(value: str, kind: str) -> None:
    assert identifying_value_kind(value) == kind


@pytest.mark.parametrize(
    "value",
    [
        "B12 3rd",  # an ordinal, not a postcode
        "at 3pm",
        "A1",
        "CF10",  # a postcode district names an area, not a home
        "0 1 2 3 4 5 6 7 8 9",
        "x@y",
        "version 2.1.3",
        "stubborn 12/03/2024",
        "PHQ-9 total 14",
        "week 12",
    ],
)
def test_near_misses_pass(value: str) -> None:
    assert identifying_value_kind(value) is None


def test_a_whole_cell_date_outside_a_study_date_column_could_be_a_birth_date() -> None:
    values = ["A", "B", "12/03/1985"]
    assert first_identifying_value("column3", values) == Finding("date", "column3", 4)
    assert first_identifying_value("assessment date", values) is None
    assert first_identifying_value("Visit", ["12 March 2024", "2024-03-19", "19/3/24"]) is None


def test_a_date_inside_free_text_is_study_data_unless_it_is_labelled_a_birth() -> None:
    assert first_identifying_value("notes", ["seen on 12/03/2024 at home"]) is None
    assert first_identifying_value("notes", ["ok", "born 12/03/1985"]) == Finding(
        "date_of_birth", "notes", 3
    )


@pytest.mark.parametrize(
    ("name", "study_date"),
    [
        ("assessment date", True),
        ("Referral_Date", True),
        ("visit", True),
        ("week", True),
        ("completed", True),
        ("column3", False),
        ("score", False),
        ("date of birth", False),
    ],
)
def test_study_date_columns_are_known_by_their_names(name: str, study_date: bool) -> None:
    assert is_study_date_column(name) is study_date


# ---------------------------------------------------------------------------------------
# Whole tables: every row, the first finding, its row
# ---------------------------------------------------------------------------------------


def test_every_row_is_checked_and_the_row_is_named() -> None:
    rows = [["A", str(i)] for i in range(5000)]
    rows[4321][1] = "9434765919"
    assert first_finding(["site", "score"], rows) == Finding("nhs_number", "score", 4323)


def test_row_numbers_follow_the_file_when_blank_lines_were_skipped() -> None:
    finding = first_identifying_value("x", ["1", "ann@example.org"], row_numbers=[2, 7])
    assert finding == Finding("email", "x", 7)


def test_a_column_name_is_reported_before_any_value() -> None:
    rows = [["9434765919", "Ann"]]
    assert first_finding(["score", "First name"], rows) == Finding("name", "First name", None)


def test_a_header_cell_that_is_itself_an_identifier_is_reported_as_row_1() -> None:
    assert first_finding(["9434765919", "5"], [["1", "2"]]) == Finding(
        "nhs_number", "9434765919", 1
    )


@settings(max_examples=50)
@given(
    st.lists(
        st.text(alphabet=string.ascii_letters + string.digits + " .,;-'", max_size=30),
        min_size=1,
        max_size=30,
    ),
    written_nhs_numbers(),
    st.data(),
)
def test_an_nhs_number_anywhere_in_a_column_is_found_on_its_row(
    values: list[str], number: str, data: st.DataObject
) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(values)))
    cells = [*values[:position], number, *values[position:]]
    finding = first_identifying_value("notes", cells)
    assert finding is not None
    assert finding.row is not None and finding.row <= position + 2


def test_canonical_text_leaves_ascii_alone_and_maps_other_digits_and_dashes() -> None:
    assert canonical_text("abc 123") == "abc 123"
    assert canonical_text("٣\u2013٤\u200b5") == "3-45"
