"""Life areas for goals: the eight Welsh CTP areas, and a broader default list for England."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The eight areas of the Mental Health (Wales) Measure 2010 care and treatment plan.
CTP_AREAS = (
    ("accommodation", _("Accommodation")),
    ("education_training", _("Education and training")),
    ("finance_money", _("Finance and money")),
    ("medical_treatment", _("Medical and other forms of treatment, including psychological")),
    ("parenting_caring", _("Parenting or caring relationships")),
    ("personal_care_wellbeing", _("Personal care and physical well-being")),
    ("social_cultural_spiritual", _("Social, cultural or spiritual")),
    ("work_occupation", _("Work and occupation")),
)
CTP_AREA_CODES = tuple(code for code, _label in CTP_AREAS)

# England: a broader list in everyday words, each mapped to a CTP area so plans
# can still be compared and reported across the border. Organisations can change it.
ENGLISH_DEFAULT_AREAS = (
    ("home", _("Home and where I live"), "accommodation"),
    ("money", _("Money and benefits"), "finance_money"),
    ("work", _("Work and volunteering"), "work_occupation"),
    ("learning", _("Learning and courses"), "education_training"),
    ("family", _("Family, children and caring"), "parenting_caring"),
    ("relationships", _("Friends and relationships"), "social_cultural_spiritual"),
    ("community", _("Community, faith and culture"), "social_cultural_spiritual"),
    ("leisure", _("Hobbies, sport and things I enjoy"), "social_cultural_spiritual"),
    ("physical_health", _("Physical health, sleep and eating"), "personal_care_wellbeing"),
    ("self_care", _("Looking after myself"), "personal_care_wellbeing"),
    ("mental_wellbeing", _("Mental health and wellbeing"), "medical_treatment"),
    ("treatment", _("Medication, therapy and treatment"), "medical_treatment"),
)
