"""The care plan review template as data, and the person record's new front-page facts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from ourplan.people.models import PersonGender
from ourplan.quality import template
from ourplan.quality.template import Answer


def test_the_seventeen_content_items_are_in_the_templates_order() -> None:
    assert template.CONTENT_KEYS == (
        "persons_views",
        "coproduction",
        "strengths_based",
        "personalisation",
        "personal_budget",
        "recovery_oriented",
        "person_centred_goals",
        "system_based_goals",
        "views_in_risk_assessment",
        "views_in_risk_management",
        "views_in_crisis_plan",
        "views_in_relapse_plan",
        "social_outcomes",
        "medical_outcomes",
        "self_management",
        "relationships",
        "advance_directives",
    )


def test_content_items_answer_yes_no_unclear_or_not_applicable_with_guidance() -> None:
    for item in template.CONTENT:
        assert item.options == ("yes", "no", "unclear", "na")
        assert len(str(item.guidance)) > 40


def test_front_page_holds_the_process_questions() -> None:
    assert template.FRONT_KEYS == (
        "signed_by_person",
        "signed_by_coordinator",
        "copy_given",
        "person_at_review",
        "carer_at_review",
        "advocate_at_review",
        "next_review_date",
        "contact_frequency",
    )
    assert template.ITEMS["contact_frequency"].options == (
        "daily",
        "weekly",
        "fortnightly",
        "monthly",
        "other",
        "unclear",
    )


def test_only_system_goals_and_medical_outcomes_read_the_other_way() -> None:
    reversed_keys = {item.key for item in template.CONTENT if item.reverse}
    assert reversed_keys == {"system_based_goals", "medical_outcomes"}
    medical = template.ITEMS["medical_outcomes"]
    assert medical.favourable(Answer.YES) is False
    assert medical.favourable(Answer.NO) is True
    assert template.ITEMS["coproduction"].favourable(Answer.YES) is True
    assert medical.favourable(Answer.UNCLEAR) is None


def test_gender_offers_prefer_not_to_say_and_the_date_on_cpa_is_kept(standing: Any) -> None:
    assert PersonGender.PREFER_NOT_TO_SAY in PersonGender.values
    person = standing.person
    person.gender = PersonGender.PREFER_NOT_TO_SAY
    person.care_programme_from = person.date_of_birth.replace(year=2020)
    person.save()
    person.refresh_from_db()
    assert person.gender == "prefer_not_to_say"
    assert person.care_programme_from.year == 2020


@pytest.mark.django_db
def test_the_database_refuses_an_answer_outside_the_template() -> None:
    from django.db import connection

    with (
        pytest.raises(IntegrityError, match="answer_in_template_values"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO quality_itemanswer (audit_id, item, answer, note) "
            "VALUES (1, 'coproduction', 'maybe', '')"
        )
