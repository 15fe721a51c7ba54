"""Builders for Delphi studies in the standing organisation (imported by the study tests)."""

from __future__ import annotations

from typing import Any

from ourplan.studies import services
from ourplan.studies.models import Study


def build_study(standing: Any, **overrides: Any) -> Study:
    fields: dict[str, Any] = {
        "title": "Care coordination",
        "purpose": "What matters in care coordination",
        "groups": ["service users", "carers"],
        "scale": 5,
        "planned_rounds": 2,
        "threshold": 0.75,
    }
    fields.update(overrides)
    study = services.study_create(
        actor=standing.researcher, organisation=standing.organisation, **fields
    )
    for code, topic, text in [
        ("CC01", "care coordination", "Service users should be active participants."),
        ("CC02", "care coordination", "Repeating assessments is a negative experience."),
        ("RE01", "recovery", "Recovery is self-defined hope and personal meaning."),
    ]:
        services.statement_add(
            actor=standing.researcher, study=study, code=code, topic=topic, text=text
        )
    return study


def links(standing: Any, study: Study, group: str, count: int = 1) -> list[Any]:
    panel = study.panels.get(name=group)
    return services.participants_invite_links(
        actor=standing.researcher, study=study, panel=panel, count=count
    )


def answer(
    study: Study,
    participant: Any,
    round_number: int,
    values: dict[str, int | None],
    comments: dict[str, str] | None = None,
    submit: bool = True,
) -> Any:
    by_code = {s.code: s.pk for s in study.statements.all()}
    return services.response_save(
        participant=participant,
        round_number=round_number,
        ratings={by_code[c]: v for c, v in values.items()},
        comments={by_code[c]: t for c, t in (comments or {}).items()},
        answers={},
        submit=submit,
    )
