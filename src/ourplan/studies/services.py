"""Every write to a Delphi study: atomic, validated in full before anything is saved, audited.

Study data are not person records, so audit entries carry no person. Participants act
without an account when they use an invitation link: their entries have no actor and
name only the participant's pseudonymous record id.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ourplan.accounts.models import Invitation, User, hash_token
from ourplan.analysis.delphi import (
    ConsensusDefinition,
    StabilityCriterion,
    read_responses_csv,
    read_statements_csv,
)
from ourplan.analysis.delphi.groups import parse_merge
from ourplan.analysis.delphi.responses import ID_COLUMNS
from ourplan.analysis.errors import AnalysisError
from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.studies.models import (
    STATEMENT_CODE,
    Coding,
    FrameworkCell,
    JoinedVia,
    OpenAnswer,
    OpenQuestion,
    Panel,
    Participant,
    Rating,
    Response,
    Round,
    RoundStatus,
    Statement,
    Study,
    Theme,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_LINKS_AT_ONCE = 200
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


@dataclass(frozen=True)
class IssuedLink:
    """A new participant and the token for their link (shown once, never stored)."""

    participant: Participant
    token: str


def _record(actor: Any, action: str, object_type: str, object_id: object) -> None:
    audit.record(actor=actor, action=action, object_type=object_type, object_id=object_id)


def _locked(study: Study) -> Study:
    """Re-read the study row under a lock so concurrent changes queue up."""
    return Study.objects.select_for_update().get(pk=study.pk)


def definition_of(study: Study) -> ConsensusDefinition:
    """The study's consensus definition for the analysis engine."""
    stability = (
        StabilityCriterion(study.stability_method, study.stability_max_change)  # type: ignore[arg-type]
        if study.stability_method
        else None
    )
    return ConsensusDefinition(
        scale=study.scale,
        agree_min=study.agree_min,
        threshold=study.threshold,
        max_iqr=study.max_iqr,
        all_groups=study.all_groups,
        stability=stability,
    )


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
    _record(actor, AuditAction.CREATE, "study", study.pk)
    return study


@transaction.atomic
def study_update(*, actor: Any, study: Study, groups: Sequence[str], **fields: Any) -> Study:
    """Change the design. The consensus definition is fixed once round 1 has opened."""
    study = _locked(study)
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
    _record(actor, AuditAction.UPDATE, "study", study.pk)
    return study


def _editable_questionnaire(study: Study) -> None:
    if study.rounds.filter(status=RoundStatus.OPEN).exists():
        raise ValidationError(
            _("A round is open. Close it before changing the statements or questions.")
        )


def _next_position(items: QuerySet[Any]) -> int:
    """One past the last position, so new items go last even after removals left gaps."""
    top = items.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


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
    study = _locked(study)
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
    position = _next_position(study.statements.all())
    statement = Statement.objects.create(
        study=study,
        code=code,
        topic=topic.strip(),
        text=text,
        position=position,
        from_open_answers=from_open_answers,
    )
    _record(actor, AuditAction.CREATE, "study_statement", statement.pk)
    return statement


def _decode_upload(raw: bytes) -> str:
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again.")
        ) from error


@transaction.atomic
def statements_import(*, actor: Any, study: Study, raw: bytes) -> list[Statement]:
    """Add statements from a CSV with columns id, topic, text. All or nothing."""
    study = _locked(study)
    _editable_questionnaire(study)
    try:
        parsed = read_statements_csv(io.StringIO(_decode_upload(raw)))
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
    start = _next_position(study.statements.all())
    created = Statement.objects.bulk_create(
        Statement(study=study, code=s.id, topic=s.topic, text=s.text, position=start + i)
        for i, s in enumerate(parsed)
    )
    _record(actor, AuditAction.CREATE, "study_statements_import", study.pk)
    return created


@transaction.atomic
def question_add(*, actor: Any, study: Study, text: str) -> OpenQuestion:
    study = _locked(study)
    _editable_questionnaire(study)
    if not text.strip():
        raise ValidationError({"text": _("Write the question.")})
    question = OpenQuestion.objects.create(
        study=study, text=text.strip(), position=_next_position(study.open_questions.all())
    )
    _record(actor, AuditAction.CREATE, "study_question", question.pk)
    return question


# --- Correcting the questionnaire before the panel sees it ---------------------------------


def statements_fixed_reason(study: Study) -> str:
    """Why the statements cannot be changed or removed now, or "" when they can.

    Wording is fixed from the first rating round on (round 1, or round 2 after open
    questions): panel members have rated it, and later rounds must ask the same thing.
    """
    rated = (
        study.rounds.filter(is_open_ended=False)
        .exclude(status=RoundStatus.PLANNED)
        .order_by("number")
        .first()
    )
    if rated is not None:
        return _(
            "Round %(n)d has opened, so the panel has seen these statements. Changing or "
            "removing one now would make the rounds incomparable, so the statements stay as "
            "they are."
        ) % {"n": rated.number}
    if study.rounds.filter(status=RoundStatus.OPEN).exists():
        return _("A round is open. Close it before changing the statements or questions.")
    return ""


def questions_fixed_reason(study: Study) -> str:
    """Why the open questions cannot be changed or removed now, or "" when they can."""
    if study.rounds.exclude(status=RoundStatus.PLANNED).exists():
        return _(
            "Round 1 has opened, so the panel has seen the open questions. Changing or removing "
            "one now would make the answers incomparable, so the questions stay as they are."
        )
    return ""


def _refuse_if(reason: str) -> None:
    if reason:
        raise ValidationError(reason)


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
    study = _locked(study)
    statement = _statement_of(study, statement)
    _refuse_if(statements_fixed_reason(study))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the statement.")})
    statement.text, statement.topic = text, topic.strip()
    statement.save(update_fields=["text", "topic"])
    _record(actor, AuditAction.UPDATE, "study_statement", statement.pk)
    return statement


@transaction.atomic
def statement_remove(*, actor: Any, study: Study, statement: Statement) -> None:
    """Remove a statement. Other codes stay as they are; this code is not given out again."""
    study = _locked(study)
    statement = _statement_of(study, statement)
    _refuse_if(statements_fixed_reason(study))
    if statement.code not in study.retired_statement_codes:
        study.retired_statement_codes = [*study.retired_statement_codes, statement.code]
        study.save(update_fields=["retired_statement_codes"])
    statement_id = statement.pk
    statement.delete()
    _record(actor, AuditAction.DELETE, "study_statement", statement_id)


@transaction.atomic
def question_update(*, actor: Any, study: Study, question: OpenQuestion, text: str) -> OpenQuestion:
    """Reword an open question before round 1 opens."""
    study = _locked(study)
    question = _question_of(study, question)
    _refuse_if(questions_fixed_reason(study))
    if not text.strip():
        raise ValidationError({"text": _("Write the question.")})
    question.text = text.strip()
    question.save(update_fields=["text"])
    _record(actor, AuditAction.UPDATE, "study_question", question.pk)
    return question


@transaction.atomic
def question_remove(*, actor: Any, study: Study, question: OpenQuestion) -> None:
    """Remove an open question before round 1 opens."""
    study = _locked(study)
    question = _question_of(study, question)
    _refuse_if(questions_fixed_reason(study))
    question_id = question.pk
    question.delete()
    _record(actor, AuditAction.DELETE, "study_question", question_id)


@transaction.atomic
def round_open(*, actor: Any, study: Study, number: int) -> Round:
    """Open a round. Round 1 fixes the consensus definition; later rounds need the last closed."""
    study = _locked(study)
    item = study.rounds.filter(number=number).first()
    if item is None:
        raise ValidationError(_("Round %(n)d is not part of the plan.") % {"n": number})
    if item.status != RoundStatus.PLANNED:
        raise ValidationError(_("Round %(n)d has already been opened.") % {"n": number})
    if (
        number > 1
        and study.rounds.filter(number=number - 1).exclude(status=RoundStatus.CLOSED).exists()
    ):
        raise ValidationError(_("Close round %(n)d first.") % {"n": number - 1})
    if not study.panels.exists():
        raise ValidationError(_("Add at least one stakeholder group first."))
    if item.is_open_ended and not study.open_questions.exists():
        raise ValidationError(_("Add at least one open question before opening this round."))
    if not item.is_open_ended and not study.statements.exists():
        raise ValidationError(_("Add at least one statement before opening this round."))
    now = timezone.now()
    item.status = RoundStatus.OPEN
    item.opened_at = now
    item.save(update_fields=["status", "opened_at"])
    if study.definition_locked_at is None:
        study.definition_locked_at = now
        study.save(update_fields=["definition_locked_at"])
    _record(actor, AuditAction.UPDATE, "study_round_open", item.pk)
    return item


@transaction.atomic
def round_close(*, actor: Any, study: Study, number: int) -> Round:
    """Close an open round; a round nobody has submitted answers to cannot be closed."""
    study = _locked(study)
    item = study.rounds.filter(number=number).first()
    if item is None or item.status != RoundStatus.OPEN:
        raise ValidationError(_("Round %(n)d is not open.") % {"n": number})
    if not item.responses.filter(submitted_at__isnull=False).exists():
        raise ValidationError(
            _("Nobody has submitted answers in round %(n)d yet, so it cannot be closed.")
            % {"n": number}
        )
    item.status = RoundStatus.CLOSED
    item.closed_at = timezone.now()
    item.save(update_fields=["status", "closed_at"])
    _record(actor, AuditAction.UPDATE, "study_round_close", item.pk)
    return item


def _next_pseudonym(study: Study) -> str:
    taken = set(study.participants.values_list("pseudonym", flat=True))
    number = len(taken) + 1
    while f"P{number:04d}" in taken:
        number += 1
    return f"P{number:04d}"


def _panel_of(study: Study, panel: Panel) -> Panel:
    if panel.study_id != study.pk:
        raise ValidationError({"panel": _("Choose one of this study's groups.")})
    return panel


@transaction.atomic
def participants_invite_links(
    *, actor: Any, study: Study, panel: Panel, count: int
) -> list[IssuedLink]:
    """Create ``count`` participants in a group, each with their own invitation link."""
    study = _locked(study)
    panel = _panel_of(study, panel)
    if not 1 <= count <= MAX_LINKS_AT_ONCE:
        raise ValidationError(
            {"count": _("Create between 1 and %(n)d links at a time.") % {"n": MAX_LINKS_AT_ONCE}}
        )
    issued: list[IssuedLink] = []
    for _i in range(count):
        token = Invitation.new_token()
        participant = Participant.objects.create(
            study=study,
            panel=panel,
            pseudonym=_next_pseudonym(study),
            joined_via=JoinedVia.LINK,
            token_hash=hash_token(token),
        )
        issued.append(IssuedLink(participant, token))
    _record(actor, AuditAction.CREATE, "study_participant_links", f"{study.pk}:{count}")
    return issued


@transaction.atomic
def participant_invite_account(
    *, actor: Any, study: Study, panel: Panel, username: str
) -> Participant:
    """Invite an existing account; they find the study under 'My studies'."""
    study = _locked(study)
    panel = _panel_of(study, panel)
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise ValidationError({"username": _("There is no active account with that username.")})
    if study.participants.filter(user=user).exists():
        raise ValidationError({"username": _("That account is already invited to this study.")})
    participant = Participant.objects.create(
        study=study,
        panel=panel,
        pseudonym=_next_pseudonym(study),
        joined_via=JoinedVia.ACCOUNT,
        user=user,
    )
    _record(actor, AuditAction.CREATE, "study_participant", participant.pk)
    return participant


def _participant_actor(participant: Participant) -> Any:
    return participant.user if participant.user_id else None


@transaction.atomic
def participant_consent(*, participant: Participant) -> Participant:
    """Record consent to take part (once)."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.withdrawn_at is not None:
        raise ValidationError(_("You have withdrawn from this study."))
    if participant.consented_at is None:
        participant.consented_at = timezone.now()
        participant.save(update_fields=["consented_at"])
        _record(
            _participant_actor(participant), AuditAction.UPDATE, "study_consent", participant.pk
        )
    return participant


@transaction.atomic
def participant_withdraw(*, participant: Participant) -> Participant:
    """Withdraw: no further rounds; unsubmitted drafts are removed, submitted answers kept."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.withdrawn_at is None:
        participant.withdrawn_at = timezone.now()
        participant.save(update_fields=["withdrawn_at"])
        participant.responses.filter(submitted_at__isnull=True).delete()
        _record(
            _participant_actor(participant), AuditAction.UPDATE, "study_withdrawal", participant.pk
        )
    return participant


@transaction.atomic
def response_save(
    *,
    participant: Participant,
    round_number: int,
    ratings: Mapping[int, int | None],
    comments: Mapping[int, str],
    answers: Mapping[int, str],
    submit: bool,
) -> Response:
    """Save a participant's answers for an open round, as a draft or submitted.

    ``ratings`` and ``comments`` are keyed by statement id, ``answers`` by question id.
    A rating outside the study's scale refuses the whole save.
    """
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    study = participant.study
    if not participant.is_active:
        raise ValidationError(_("You are not taking part in this study at the moment."))
    item = study.rounds.filter(number=round_number).first()
    if item is None or item.status != RoundStatus.OPEN:
        raise ValidationError(_("This round is not open for answers."))
    statements = {s.pk: s for s in study.statements.all()} if not item.is_open_ended else {}
    questions = {q.pk: q for q in study.open_questions.all()} if item.is_open_ended else {}
    problems: list[str] = []
    for statement_id, value in ratings.items():
        statement = statements.get(statement_id)
        if statement is None:
            problems.append(_("An answer was for a statement that is not in this round."))
        elif value is not None and not 1 <= int(value) <= study.scale:
            problems.append(
                _("The rating for %(code)s must be between 1 and %(scale)d.")
                % {"code": statement.code, "scale": study.scale}
            )
    for question_id in answers:
        if question_id not in questions:
            problems.append(_("An answer was for a question that is not in this round."))
    for statement_id in comments:
        if statement_id not in statements:
            problems.append(_("A comment was for a statement that is not in this round."))
    if problems:
        raise ValidationError(problems)
    if submit and not item.is_open_ended and not any(v is not None for v in ratings.values()):
        raise ValidationError(_("Rate at least one statement before you submit."))
    if submit and item.is_open_ended and not any(a.strip() for a in answers.values()):
        raise ValidationError(_("Answer at least one question before you submit."))
    now = timezone.now()
    response, created = Response.objects.get_or_create(
        participant=participant, round=item, defaults={"started_at": now, "updated_at": now}
    )
    for statement_id in statements:
        value = ratings.get(statement_id)
        comment = (comments.get(statement_id) or "").strip()
        if value is None and not comment:
            Rating.objects.filter(response=response, statement_id=statement_id).delete()
            continue
        Rating.objects.update_or_create(
            response=response,
            statement_id=statement_id,
            defaults={"value": value, "comment": comment},
        )
    for question_id in questions:
        text = (answers.get(question_id) or "").strip()
        if not text:
            OpenAnswer.objects.filter(response=response, question_id=question_id).delete()
            continue
        OpenAnswer.objects.update_or_create(
            response=response, question_id=question_id, defaults={"text": text}
        )
    response.updated_at = now
    if submit:
        response.submitted_at = now
    response.save(update_fields=["updated_at", "submitted_at"])
    _record(
        _participant_actor(participant),
        AuditAction.CREATE if created else AuditAction.UPDATE,
        "study_response",
        response.pk,
    )
    return response


def _import_frame(study: Study, text: str) -> pd.DataFrame:
    statements = [s.code for s in study.statements.all()]
    from ourplan.analysis.delphi.responses import Statement as EngineStatement

    known = [EngineStatement(code, "", "") for code in statements]
    try:
        parsed = read_responses_csv(io.StringIO(text), study.scale, known)
    except AnalysisError as error:
        raise ValidationError(str(error)) from error
    return parsed.frame


@transaction.atomic
def responses_import(*, actor: Any, study: Study, raw: bytes, consent_confirmed: bool) -> int:
    """Import submitted ratings (wide CSV, e.g. from paper questionnaires) into open rounds.

    Each ``respondent_id`` becomes a participant with that pseudonym (or matches one
    imported before). Everything is checked before anything is saved. Returns the number
    of responses imported.
    """
    study = _locked(study)
    if not consent_confirmed:
        raise ValidationError(
            {"consent_confirmed": _("Confirm that every respondent consented to take part.")}
        )
    frame = _import_frame(study, _decode_upload(raw))
    problems: list[str] = []
    panels = {p.name: p for p in study.panels.all()}
    rounds = {r.number: r for r in study.rounds.all()}
    for number in sorted({int(r) for r in frame["round"]}):
        target = rounds.get(number)
        if target is None or target.status != RoundStatus.OPEN or target.is_open_ended:
            problems.append(
                _("Round %(n)d is not an open rating round; open it before importing.")
                % {"n": number}
            )
    for name in sorted({str(g) for g in frame["group"]} - set(panels)):
        problems.append(_("'%(group)s' is not one of the study's groups.") % {"group": name})
    existing = {p.pseudonym: p for p in study.participants.all()}
    for rid, group in frame[["respondent_id", "group"]].drop_duplicates().itertuples(index=False):
        known = existing.get(str(rid))
        if known is not None and known.joined_via != JoinedVia.IMPORT:
            problems.append(
                _("Respondent %(id)s is a participant who answers online.") % {"id": rid}
            )
        elif known is not None and known.panel.name != group:
            problems.append(
                _("Respondent %(id)s is in the group %(group)s in this study.")
                % {"id": rid, "group": known.panel.name}
            )
    answered = set(
        Response.objects.filter(round__study=study).values_list(
            "participant__pseudonym", "round__number"
        )
    )
    for rid, number in frame[["respondent_id", "round"]].itertuples(index=False):
        if (str(rid), int(number)) in answered:
            problems.append(
                _("Respondent %(id)s already has answers in round %(n)d.")
                % {"id": rid, "n": int(number)}
            )
    if problems:
        raise ValidationError(problems[:8])
    statements = {s.code: s for s in study.statements.all()}
    codes = [c for c in frame.columns if c not in ID_COLUMNS]
    now = timezone.now()
    count = 0
    for row in frame.to_dict("records"):
        rid = str(row["respondent_id"])
        participant = existing.get(rid)
        if participant is None:
            participant = Participant.objects.create(
                study=study,
                panel=panels[str(row["group"])],
                pseudonym=rid,
                joined_via=JoinedVia.IMPORT,
                consented_at=now,
            )
            existing[rid] = participant
        response = Response.objects.create(
            participant=participant,
            round=rounds[int(row["round"])],
            started_at=now,
            updated_at=now,
            submitted_at=now,
        )
        Rating.objects.bulk_create(
            Rating(response=response, statement=statements[code], value=int(row[code]))
            for code in codes
            if row[code] == row[code]  # NaN is a skipped statement
        )
        count += 1
    _record(actor, AuditAction.CREATE, "study_responses_import", f"{study.pk}:{count}")
    return count


# --- Coding free text (framework analysis) -------------------------------------------------

CODEBOOK_COLUMNS = ("code", "name", "description")


@transaction.atomic
def theme_add(*, actor: Any, study: Study, code: str, name: str, description: str = "") -> Theme:
    study = _locked(study)
    code = code.strip()
    try:
        STATEMENT_CODE(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from error
    if study.themes.filter(code=code).exists():
        raise ValidationError({"code": _("Another theme already has the code %s.") % code})
    if not name.strip():
        raise ValidationError({"name": _("Name the theme.")})
    theme = Theme.objects.create(
        study=study,
        code=code,
        name=name.strip(),
        description=description.strip(),
        position=_next_position(study.themes.all()),
    )
    _record(actor, AuditAction.CREATE, "study_theme", theme.pk)
    return theme


def _theme_of(study: Study, theme: Theme) -> Theme:
    current = study.themes.filter(pk=theme.pk).first()
    if current is None:
        raise ValidationError(_("That theme is no longer in the codebook: it has been removed."))
    return current


def theme_removal_refusal(theme: Theme) -> str:
    """Why a theme cannot be removed (text has been coded or summarised with it), or ""."""
    codings = theme.codings.count()
    if codings:
        return ngettext(
            "%(n)d coding uses this theme, so it cannot be removed. Each coder who used it "
            "must take it off that text on the coding page first.",
            "%(n)d codings use this theme, so it cannot be removed. Each coder who used it "
            "must take it off that text on the coding page first.",
            codings,
        ) % {"n": codings}
    cells = theme.cells.count()
    if cells:
        return ngettext(
            "%(n)d framework matrix summary uses this theme, so it cannot be removed. Clear "
            "it on the framework matrix page first.",
            "%(n)d framework matrix summaries use this theme, so it cannot be removed. Clear "
            "them on the framework matrix page first.",
            cells,
        ) % {"n": cells}
    return ""


@transaction.atomic
def theme_update(
    *, actor: Any, study: Study, theme: Theme, code: str, name: str, description: str = ""
) -> Theme:
    """Rename or describe a theme at any time; its code changes only while no text uses it.

    Codings follow the theme, not its code, but coders, agreement results and downloaded
    codebooks know a theme by its code, so a theme in use keeps it.
    """
    study = _locked(study)
    theme = _theme_of(study, theme)
    code = code.strip()
    if code != theme.code:
        try:
            STATEMENT_CODE(code)
        except ValidationError as error:
            raise ValidationError({"code": error.messages}) from error
        used = theme.codings.count()
        if used:
            raise ValidationError(
                {
                    "code": ngettext(
                        "%(n)d coding uses the code %(code)s, so the code stays. You can still "
                        "change the name and description.",
                        "%(n)d codings use the code %(code)s, so the code stays. You can still "
                        "change the name and description.",
                        used,
                    )
                    % {"n": used, "code": theme.code}
                }
            )
        if study.themes.filter(code=code).exclude(pk=theme.pk).exists():
            raise ValidationError({"code": _("Another theme already has the code %s.") % code})
    if not name.strip():
        raise ValidationError({"name": _("Name the theme.")})
    theme.code, theme.name, theme.description = code, name.strip(), description.strip()
    theme.save(update_fields=["code", "name", "description"])
    _record(actor, AuditAction.UPDATE, "study_theme", theme.pk)
    return theme


@transaction.atomic
def theme_remove(*, actor: Any, study: Study, theme: Theme) -> None:
    """Remove a theme nobody has used; one in use stays, with a message saying how much."""
    study = _locked(study)
    theme = _theme_of(study, theme)
    _refuse_if(theme_removal_refusal(theme))
    theme_id = theme.pk
    theme.delete()
    _record(actor, AuditAction.DELETE, "study_theme", theme_id)


@transaction.atomic
def codebook_import(*, actor: Any, study: Study, raw: bytes) -> int:
    """Add or update themes from a CSV with columns code, name, description. All or nothing."""
    study = _locked(study)
    text = _decode_upload(raw)
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as error:
        raise ValidationError(_("The file could not be read as CSV: %s") % error) from error
    header = [h.strip() for h in (csv.reader(io.StringIO(text)).__next__() if text else [])]
    if "code" not in header or "name" not in header:
        raise ValidationError(_("The codebook needs the columns code, name and description."))
    problems: list[str] = []
    seen: set[str] = set()
    clean: list[tuple[str, str, str]] = []
    for line, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        try:
            STATEMENT_CODE(code)
        except ValidationError:
            problems.append(
                _("Line %(line)d: '%(code)s' is not a usable code.") % {"line": line, "code": code}
            )
        if not name:
            problems.append(_("Line %(line)d: the theme has no name.") % {"line": line})
        if code in seen:
            problems.append(
                _("Line %(line)d: the code %(code)s is repeated.") % {"line": line, "code": code}
            )
        seen.add(code)
        clean.append((code, name, (row.get("description") or "").strip()))
    if not clean:
        problems.append(_("The codebook has no themes."))
    if problems:
        raise ValidationError(problems[:8])
    existing = {t.code: t for t in study.themes.all()}
    position = _next_position(study.themes.all())
    for code, name, description in clean:
        theme = existing.get(code)
        if theme is None:
            existing[code] = Theme.objects.create(
                study=study,
                code=code,
                name=name,
                description=description,
                position=position,
            )
            position += 1
        else:
            theme.name, theme.description = name, description
            theme.save(update_fields=["name", "description"])
    _record(actor, AuditAction.UPDATE, "study_codebook_import", study.pk)
    return len(clean)


def _unit_of(study: Study, unit: str) -> tuple[OpenAnswer | None, Rating | None]:
    """An answer ('a<id>') or a comment ('c<id>') of this study, from submitted responses."""
    kind, number = unit[:1], unit[1:]
    if not number.isdigit():
        raise ValidationError(_("That text is not part of this study."))
    if kind == "a":
        answer = OpenAnswer.objects.filter(
            pk=int(number),
            response__round__study=study,
            response__submitted_at__isnull=False,
        ).first()
        if answer is not None:
            return answer, None
    if kind == "c":
        rating = (
            Rating.objects.filter(
                pk=int(number),
                response__round__study=study,
                response__submitted_at__isnull=False,
            )
            .exclude(comment="")
            .first()
        )
        if rating is not None:
            return None, rating
    raise ValidationError(_("That text is not part of this study."))


@transaction.atomic
def codings_set(*, actor: Any, study: Study, unit: str, theme_ids: Sequence[int]) -> int:
    """Replace this coder's themes for one unit of text. Returns how many themes now apply."""
    answer, rating = _unit_of(study, unit)
    themes = list(study.themes.filter(pk__in=list(theme_ids)))
    if len(themes) != len(set(theme_ids)):
        raise ValidationError(_("Choose themes from this study's codebook."))
    mine = Coding.objects.filter(study=study, coder=actor, answer=answer, rating=rating)
    mine.exclude(theme__in=themes).delete()
    have = set(mine.values_list("theme_id", flat=True))
    for theme in themes:
        if theme.pk not in have:
            try:
                with transaction.atomic():
                    Coding.objects.create(
                        study=study, coder=actor, theme=theme, answer=answer, rating=rating
                    )
            except IntegrityError:  # the same coder saved twice at once
                pass
    _record(actor, AuditAction.UPDATE, "study_coding", f"{study.pk}:{unit}")
    return len(themes)


@transaction.atomic
def framework_cell_save(
    *, actor: Any, study: Study, theme: Theme, row_kind: str, row_key: str, summary: str
) -> FrameworkCell | None:
    """Write (or clear, with an empty summary) the summary of one framework matrix cell."""
    if theme.study_id != study.pk:
        raise ValidationError({"theme": _("Choose a theme from this study's codebook.")})
    if row_kind == "group":
        valid = study.panels.filter(name=row_key).exists()
    elif row_kind == "respondent":
        valid = study.participants.filter(pseudonym=row_key).exists()
    else:
        valid = False
    if not valid:
        raise ValidationError({"row": _("Choose a row of the matrix.")})
    summary = summary.strip()
    existing = FrameworkCell.objects.filter(theme=theme, row_kind=row_kind, row_key=row_key)
    if not summary:
        existing.delete()
        _record(actor, AuditAction.DELETE, "study_framework_cell", f"{theme.pk}:{row_key}")
        return None
    cell, _created = FrameworkCell.objects.update_or_create(
        theme=theme,
        row_kind=row_kind,
        row_key=row_key,
        defaults={"study": study, "summary": summary, "updated_at": timezone.now()},
    )
    _record(actor, AuditAction.UPDATE, "study_framework_cell", cell.pk)
    return cell


def record_export(*, actor: Any, study: Study, what: str) -> None:
    """Audit an export or report download."""
    _record(actor, AuditAction.EXPORT, f"study_{what}", study.pk)
