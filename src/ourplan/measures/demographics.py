"""The demographic questions behind the evaluation report's covariates. Every one is optional
and every one offers "prefer not to say".

Ethnic groups are the 2021 Census categories for England and Wales (Office for National
Statistics), grouped under their five high-level headings; the report adjusts for the
high-level group, as small categories would otherwise be suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PREFER_NOT_TO_SAY = "prefer_not_to_say"

GENDER = (
    ("woman", _("Woman")),
    ("man", _("Man")),
    ("non_binary", _("Non-binary")),
    ("other", _("In another way")),
)

# (code, label, high-level group)
ETHNICITY = (
    ("indian", _("Indian"), "asian"),
    ("pakistani", _("Pakistani"), "asian"),
    ("bangladeshi", _("Bangladeshi"), "asian"),
    ("chinese", _("Chinese"), "asian"),
    ("other_asian", _("Any other Asian background"), "asian"),
    ("caribbean", _("Caribbean"), "black"),
    ("african", _("African"), "black"),
    ("other_black", _("Any other Black, Black British or Caribbean background"), "black"),
    ("white_black_caribbean", _("White and Black Caribbean"), "mixed"),
    ("white_black_african", _("White and Black African"), "mixed"),
    ("white_asian", _("White and Asian"), "mixed"),
    ("other_mixed", _("Any other Mixed or multiple ethnic background"), "mixed"),
    ("white_british", _("English, Welsh, Scottish, Northern Irish or British"), "white"),
    ("irish", _("Irish"), "white"),
    ("gypsy_traveller", _("Gypsy or Irish Traveller"), "white"),
    ("roma", _("Roma"), "white"),
    ("other_white", _("Any other White background"), "white"),
    ("arab", _("Arab"), "other"),
    ("other_ethnic", _("Any other ethnic group"), "other"),
)
ETHNIC_GROUPS = (
    ("asian", _("Asian, Asian British or Asian Welsh")),
    ("black", _("Black, Black British, Black Welsh, Caribbean or African")),
    ("mixed", _("Mixed or multiple ethnic groups")),
    ("white", _("White")),
    ("other", _("Other ethnic group")),
)
ETHNIC_GROUP_OF = {code: group for code, _label, group in ETHNICITY}

RELATIONSHIP = (
    ("single", _("Single")),
    ("relationship_together", _("In a relationship, living together")),
    ("relationship_apart", _("In a relationship, living apart")),
    ("married", _("Married or in a civil partnership")),
    ("separated", _("Separated or divorced")),
    ("widowed", _("Widowed")),
)

# The bands seed 001 used for time in services and as a care coordinator.
YEARS = (
    ("under_1", _("Less than a year")),
    ("1_3", _("1 to 3 years")),
    ("4_6", _("4 to 6 years")),
    ("7_9", _("7 to 9 years")),
    ("10_plus", _("10 years or more")),
)
# Band midpoints, so time can enter an adjusted analysis as a number of years.
YEARS_MIDPOINT = {"under_1": 0.5, "1_3": 2.0, "4_6": 5.0, "7_9": 8.0, "10_plus": 12.0}


@dataclass(frozen=True)
class Question:
    code: str
    label: object
    kind: str  # "age", "choice" or "ethnicity"
    choices: tuple[tuple[str, object], ...] = ()


PERSON_QUESTIONS = (
    Question("age", _("Your age in years"), "age"),
    Question("gender", _("Your gender"), "choice", GENDER),
    Question("ethnicity", _("Your ethnic group"), "ethnicity"),
    Question("relationship", _("Your relationship status"), "choice", RELATIONSHIP),
    Question(
        "years_in_services", _("How long you have used mental health services"), "choice", YEARS
    ),
)
STAFF_QUESTIONS = (
    Question("age", _("Your age in years"), "age"),
    Question("gender", _("Your gender"), "choice", GENDER),
    Question("ethnicity", _("Your ethnic group"), "ethnicity"),
    Question(
        "years_in_services",
        _("How long you have worked in mental health services"),
        "choice",
        YEARS,
    ),
    Question(
        "years_as_coordinator", _("How long you have worked as a care coordinator"), "choice", YEARS
    ),
)

# Covariates the evaluation report offers, and how each enters the adjusted analysis.
COVARIATES = {
    "age": ("numeric", _("age")),
    "gender": ("categorical", _("gender")),
    "ethnic_group": ("categorical", _("ethnic group")),
    "relationship": ("categorical", _("relationship status")),
    "years_in_services": ("numeric", _("years in mental health services")),
    "years_as_coordinator": ("numeric", _("years as a care coordinator")),
}


def label_of(choices: tuple[tuple[str, object], ...], code: str) -> str:
    return str(next((label for value, label in choices if value == code), code))


def covariate_value(answers: dict[str, object], covariate: str) -> object:
    """The value a covariate takes for one respondent's answers (None when not recorded)."""
    if covariate == "ethnic_group":
        code = answers.get("ethnicity")
        return ETHNIC_GROUP_OF.get(str(code)) if code else None
    value = answers.get(covariate)
    if value is None or value == PREFER_NOT_TO_SAY:
        return None
    if covariate in ("years_in_services", "years_as_coordinator"):
        return YEARS_MIDPOINT.get(str(value))
    if covariate == "age":
        return value if isinstance(value, int) else None
    return value
