"""Designing a study: its groups, rounds, consensus definition, statements and open questions.

The consensus definition and scale are fixed once round 1 opens; statements and questions
may be corrected until the panel has seen them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ourplan.analysis.delphi import ConsensusDefinition, StabilityCriterion, read_statements_csv
from ourplan.analysis.delphi.groups import parse_merge
from ourplan.analysis.errors import AnalysisError
from ourplan.core.models import AuditAction
from ourplan.studies.models import (
    STATEMENT_CODE,
    OpenQuestion,
    Panel,
    Round,
    RoundStatus,
    Statement,
    Study,
)
from ourplan.studies.queries.design import (
    questions_fixed_reason,
    round_is_open,
    statements_fixed_reason,
)
from ourplan.studies.services.uploads import decode_upload
from ourplan.studies.services.writes import locked, next_position, record, refuse_if

DEFINITION_FIELDS = (
    "scale",
    "threshold",
    "agree_min",
    "max_iqr",
    "all_groups",
    "stability_method",
    "stability_max_change",
)
DEFAULT_AGREE_MIN = {5: 4, 7: 5, 9: 7}


GROUP_NAME_LIMIT = 80  # Panel.name's max_length


def _clean_lines(values: Sequence[str]) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]


def _check_design(fields: Mapping[str, Any], groups: Sequence[str]) -> None:
    """Raise ValidationError (field → message) for an unusable design."""
    errors: dict[str, list[str]] = {}
    scale = int(fields["scale"])
    labels = fields.get("scale_labels") or []
    if labels and len(labels) != scale:
        errors.setdefault("scale_labels", []).append(
            _("Give one label per point of the scale (%(n)d), or leave the labels blank.")
            % {"n": scale}
        )
    if not groups:
        errors.setdefault("groups", []).append(_("Name at least one stakeholder group."))
    if len({g.casefold() for g in groups}) != len(groups):
        errors.setdefault("groups", []).append(_("Each group needs a different name."))
    if any(len(g) > GROUP_NAME_LIMIT for g in groups):
        errors.setdefault("groups", []).append(
            _("Keep each group's name to %(n)d characters or fewer.") % {"n": GROUP_NAME_LIMIT}
        )
    if any("+" in g for g in groups):
        errors.setdefault("groups", []).append(
            _("Group names cannot contain '+': it is used to merge groups in the analysis.")
        )
    try:
        definition = ConsensusDefinition(
            scale=scale,
            agree_min=fields["agree_min"],
            threshold=float(fields["threshold"]),
            max_iqr=fields.get("max_iqr"),
            all_groups=bool(fields.get("all_groups")),
            stability=StabilityCriterion(
                fields["stability_method"], float(fields["stability_max_change"])
            )
            if fields.get("stability_method")
            else None,
        )
    except AnalysisError as error:
        errors.setdefault("threshold", []).append(str(error))
    else:
        del definition
    names = set(groups)
    seen: set[str] = set()
    for spec in fields.get("merge_groups") or []:
        try:
            parts = parse_merge(spec)
        except AnalysisError as error:
            errors.setdefault("merge_groups", []).append(str(error))
            continue
        missing = [p for p in parts if p not in names]
        if missing:
            errors.setdefault("merge_groups", []).append(
                _("Merge '%(spec)s' names groups that are not in the study: %(missing)s.")
                % {"spec": spec, "missing": ", ".join(missing)}
            )
        if seen & set(parts):
            errors.setdefault("merge_groups", []).append(_("A group can be in one merge only."))
        seen |= set(parts)
    if errors:
        raise ValidationError(errors)


def _sync_rounds(study: Study) -> None:
    """Create the planned rounds and drop planned ones beyond the plan."""
    existing = {r.number: r for r in study.rounds.all()}
    for number in range(1, study.planned_rounds + 1):
        is_open_ended = number == 1 and study.open_first_round
        current = existing.get(number)
        if current is None:
            Round.objects.create(study=study, number=number, is_open_ended=is_open_ended)
        elif current.status == RoundStatus.PLANNED and current.is_open_ended != is_open_ended:
            current.is_open_ended = is_open_ended
            current.save(update_fields=["is_open_ended"])
    for number, item in existing.items():
        if number > study.planned_rounds and item.status == RoundStatus.PLANNED:
            item.delete()


def _sync_panels(study: Study, groups: Sequence[str]) -> None:
    current = {p.name: p for p in study.panels.all()}
    for name, panel in current.items():
        if name not in groups:
            if panel.participants.exists():
                raise ValidationError(
                    {
                        "groups": _("The group '%(name)s' has participants and cannot be removed.")
                        % {"name": name}
                    }
                )
            panel.delete()
    for position, name in enumerate(groups):
        existing = current.get(name)
        if existing is None:
            Panel.objects.create(study=study, name=name, position=position)
        elif existing.position != position:
            existing.position = position
            existing.save(update_fields=["position"])


def _design_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    scale = int(fields["scale"])
    return {
        "title": str(fields["title"]).strip(),
        "purpose": str(fields["purpose"]).strip(),
        "scale": scale,
        "scale_labels": _clean_lines(fields.get("scale_labels") or []),
        "planned_rounds": int(fields["planned_rounds"]),
        "open_first_round": bool(fields.get("open_first_round")),
        "threshold": float(fields["threshold"]),
        "agree_min": int(fields.get("agree_min") or DEFAULT_AGREE_MIN[scale]),
        "max_iqr": fields.get("max_iqr"),
        "all_groups": bool(fields.get("all_groups")),
        "stability_method": fields.get("stability_method") or "",
        "stability_max_change": float(fields.get("stability_max_change") or 0.15)
        if fields.get("stability_max_change") != 0
        else 0.0,
        "merge_groups": _clean_lines(fields.get("merge_groups") or []),
        "cluster_k": fields.get("cluster_k") or None,
    }


@transaction.atomic
def study_create(*, actor: Any, organisation: Any, groups: Sequence[str], **fields: Any) -> Study:
    """Create a study with its stakeholder groups and planned rounds."""
    values = _design_fields(fields)
    names = _clean_lines(groups)
    _check_design(values, names)
    study = Study.objects.create(organisation=organisation, created_by=actor, **values)
    _sync_panels(study, names)
    _sync_rounds(study)
    record(actor, AuditAction.CREATE, "study", study.pk)
    return study


@transaction.atomic
def study_update(*, actor: Any, study: Study, groups: Sequence[str], **fields: Any) -> Study:
    """Change the design. The consensus definition is fixed once round 1 has opened."""
    study = locked(study)
    values = _design_fields(fields)
    names = _clean_lines(groups)
    _check_design(values, names)
    if study.definition_locked:
        changed = [f for f in DEFINITION_FIELDS if getattr(study, f) != values[f]]
        if changed:
            raise ValidationError(
                _(
                    "The consensus definition and rating scale were fixed when round 1 opened "
                    "and cannot be changed now."
                )
            )
        if values["open_first_round"] != study.open_first_round:
            raise ValidationError(_("Round 1 has opened: its kind cannot be changed now."))
    started = study.rounds.exclude(status=RoundStatus.PLANNED).count()
    if values["planned_rounds"] < started:
        raise ValidationError(
            {"planned_rounds": _("%(n)d rounds have already been opened.") % {"n": started}}
        )
    for name, value in values.items():
        setattr(study, name, value)
    study.save()
    _sync_panels(study, names)
    _sync_rounds(study)
    record(actor, AuditAction.UPDATE, "study", study.pk)
    return study


def _editable_questionnaire(study: Study) -> None:
    if round_is_open(study):
        raise ValidationError(
            _("A round is open. Close it before changing the statements or questions.")
        )


def _next_code(study: Study) -> str:
    """The next free S number; codes of removed statements are never handed out again."""
    taken = set(study.statements.values_list("code", flat=True))
    taken |= set(study.retired_statement_codes)
    number = study.statements.count() + 1
    while f"S{number:02d}" in taken:
        number += 1
    return f"S{number:02d}"


@transaction.atomic
def statement_add(
    *,
    actor: Any,
    study: Study,
    text: str,
    topic: str = "",
    code: str = "",
    from_open_answers: bool = False,
) -> Statement:
    study = locked(study)
    _editable_questionnaire(study)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the statement.")})
    code = code.strip() or _next_code(study)
    try:
        STATEMENT_CODE(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from error
    if study.statements.filter(code=code).exists():
        raise ValidationError({"code": _("Another statement already has the code %s.") % code})
    position = next_position(study.statements.all())
    statement = Statement.objects.create(
        study=study,
        code=code,
        topic=topic.strip(),
        text=text,
        position=position,
        from_open_answers=from_open_answers,
    )
    record(actor, AuditAction.CREATE, "study_statement", statement.pk)
    return statement


@transaction.atomic
def statements_import(*, actor: Any, study: Study, raw: bytes) -> list[Statement]:
    """Add statements from a CSV with columns id, topic, text. All or nothing."""
    study = locked(study)
    _editable_questionnaire(study)
    try:
        parsed = read_statements_csv(io.StringIO(decode_upload(raw)))
    except AnalysisError as error:
        raise ValidationError(str(error)) from error
    problems: list[str] = []
    taken = set(study.statements.values_list("code", flat=True))
    for item in parsed:
        try:
            STATEMENT_CODE(item.id)
        except ValidationError:
            problems.append(
                _("'%(code)s' is not a usable code (a letter, then letters, digits or _).")
                % {"code": item.id}
            )
        if item.id in taken:
            problems.append(_("A statement with the code %(code)s exists.") % {"code": item.id})
    if problems:
        raise ValidationError(problems)
    start = next_position(study.statements.all())
    created = Statement.objects.bulk_create(
        Statement(study=study, code=s.id, topic=s.topic, text=s.text, position=start + i)
        for i, s in enumerate(parsed)
    )
    record(actor, AuditAction.CREATE, "study_statements_import", study.pk)
    return created


@transaction.atomic
def question_add(*, actor: Any, study: Study, text: str) -> OpenQuestion:
    study = locked(study)
    _editable_questionnaire(study)
    if not text.strip():
        raise ValidationError({"text": _("Write the question.")})
    question = OpenQuestion.objects.create(
        study=study, text=text.strip(), position=next_position(study.open_questions.all())
    )
    record(actor, AuditAction.CREATE, "study_question", question.pk)
    return question


# --- Correcting the questionnaire before the panel sees it ---------------------------------


def _statement_of(study: Study, statement: Statement) -> Statement:
    """The statement re-read inside the transaction; a clear message if it has gone."""
    current = study.statements.filter(pk=statement.pk).first()
    if current is None:
        raise ValidationError(_("That statement is no longer in the study: it has been removed."))
    return current


def _question_of(study: Study, question: OpenQuestion) -> OpenQuestion:
    current = study.open_questions.filter(pk=question.pk).first()
    if current is None:
        raise ValidationError(_("That question is no longer in the study: it has been removed."))
    return current


@transaction.atomic
def statement_update(
    *, actor: Any, study: Study, statement: Statement, text: str, topic: str = ""
) -> Statement:
    """Reword a statement or move it to another topic. Its code stays."""
    study = locked(study)
    statement = _statement_of(study, statement)
    refuse_if(statements_fixed_reason(study))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the statement.")})
    statement.text, statement.topic = text, topic.strip()
    statement.save(update_fields=["text", "topic"])
    record(actor, AuditAction.UPDATE, "study_statement", statement.pk)
    return statement


@transaction.atomic
def statement_remove(*, actor: Any, study: Study, statement: Statement) -> None:
    """Remove a statement. Other codes stay as they are; this code is not given out again."""
    study = locked(study)
    statement = _statement_of(study, statement)
    refuse_if(statements_fixed_reason(study))
    if statement.code not in study.retired_statement_codes:
        study.retired_statement_codes = [*study.retired_statement_codes, statement.code]
        study.save(update_fields=["retired_statement_codes"])
    statement_id = statement.pk
    statement.delete()
    record(actor, AuditAction.DELETE, "study_statement", statement_id)


@transaction.atomic
def question_update(*, actor: Any, study: Study, question: OpenQuestion, text: str) -> OpenQuestion:
    """Reword an open question before round 1 opens."""
    study = locked(study)
    question = _question_of(study, question)
    refuse_if(questions_fixed_reason(study))
    if not text.strip():
        raise ValidationError({"text": _("Write the question.")})
    question.text = text.strip()
    question.save(update_fields=["text"])
    record(actor, AuditAction.UPDATE, "study_question", question.pk)
    return question


@transaction.atomic
def question_remove(*, actor: Any, study: Study, question: OpenQuestion) -> None:
    """Remove an open question before round 1 opens."""
    study = locked(study)
    question = _question_of(study, question)
    refuse_if(questions_fixed_reason(study))
    question_id = question.pk
    question.delete()
    record(actor, AuditAction.DELETE, "study_question", question_id)
