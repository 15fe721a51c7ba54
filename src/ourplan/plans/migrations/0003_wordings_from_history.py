"""Record who wrote the words already in plans, from their history, and give every plan its
own safety steps part.

Before wordings were recorded, a "written by" field defaulted to "together" and could be
set by anyone. It is not carried over: the words' author is taken from the edits themselves
(the user who last changed each field, from django-simple-history), as the person's own
words when that user is the person and as that member of staff's words otherwise. Nothing
is marked as confirmed or written together, because nobody confirmed it.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# model name -> worded fields, as they were when this migration was written.
WORDED = {
    "AboutMe": (
        "recovery_meaning",
        "what_matters",
        "what_helped",
        "what_has_not_helped",
        "medication_preferences",
        "therapy_preferences",
        "meeting_preferences",
        "hopes_and_dreams",
        "my_story",
    ),
    "StayingWellPlan": (
        "keep_me_well",
        "daily_routine",
        "triggers",
        "triggers_response",
        "early_signs",
        "early_signs_response",
        "breaking_down",
        "after_crisis",
    ),
    "CrisisPlan": (
        "signs_others_notice",
        "who_to_involve",
        "who_not_to_involve",
        "preferred_treatments",
        "unacceptable_treatments",
        "practical_matters",
        "what_helps",
        "what_does_not_help",
        "advance_statement",
    ),
    "Strength": ("text",),
    "Goal": ("text",),
    "GoalStep": ("text",),
    "SafetyItem": (
        "description",
        "person_view",
        "person_view_not_obtained",
        "professional_view",
        "agreed_steps",
        "responsibilities",
    ),
}
AUDIT_TYPES = {
    "AboutMe": "about_me",
    "StayingWellPlan": "staying_well_plan",
    "CrisisPlan": "crisis_plan",
    "Strength": "strength",
    "Goal": "goal",
    "GoalStep": "goal_step",
    "SafetyItem": "safety_item",
}


def _last_changes(history: list[Any], fields: tuple[str, ...]) -> dict[str, tuple[Any, Any]]:
    """For each field: (user id, time) of the history record where it last changed."""
    last: dict[str, tuple[Any, Any]] = {}
    previous: dict[str, Any] = {}
    for record in history:
        for name in fields:
            value = getattr(record, name)
            if name not in previous or previous[name] != value:
                last[name] = (record.history_user_id, record.history_date)
            previous[name] = value
    return last


def record_wordings(apps: Any, schema_editor: Any) -> None:
    Wording = apps.get_model("plans", "Wording")
    User = apps.get_model("accounts", "User")
    roles = dict(User.objects.values_list("pk", "role"))
    made = []
    for model_name, fields in WORDED.items():
        model = apps.get_model("plans", model_name)
        historical = apps.get_model("plans", f"Historical{model_name}")
        for part in model.objects.all():
            plan_id = (
                model.objects.filter(pk=part.pk).values_list("goal__plan_id", flat=True).first()
                if model_name == "GoalStep"
                else part.plan_id
            )
            history = list(
                historical.objects.filter(id=part.pk).order_by("history_date", "history_id")
            )
            changes = _last_changes(history, fields)
            for name in fields:
                text = getattr(part, name) or ""
                if not text:
                    continue
                user_id, when = changes.get(name, (None, None))
                user_id = user_id or part.updated_by_id or part.created_by_id
                role = roles.get(user_id, "")
                made.append(
                    Wording(
                        plan_id=plan_id,
                        part_type=AUDIT_TYPES[model_name],
                        part_id=part.pk,
                        field=name,
                        text=text,
                        voice="own" if role == "service_user" else "staff",
                        written_by_id=user_id,
                        written_by_role=role,
                        written_at=when or part.updated_at,
                        is_current=True,
                    )
                )
    Wording.objects.bulk_create(made, batch_size=500)


def give_every_plan_its_safety_steps(apps: Any, schema_editor: Any) -> None:
    Plan = apps.get_model("plans", "Plan")
    PersonalSafetyPlan = apps.get_model("plans", "PersonalSafetyPlan")
    PersonalSafetyPlan.objects.bulk_create(
        PersonalSafetyPlan(plan_id=plan.pk, created_by_id=plan.started_by_id)
        for plan in Plan.objects.filter(personal_safety__isnull=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_recorded_authorship_assessment_and_signing"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(record_wordings, migrations.RunPython.noop),
        migrations.RunPython(give_every_plan_its_safety_steps, migrations.RunPython.noop),
    ]
