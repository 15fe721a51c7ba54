"""Running the rounds: opening and closing them, inviting the panel, consent, answers, imports.

Participants act without an account when they use an invitation link: their entries have
no actor and name only the participant's pseudonymous record id.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ourplan.accounts.models import Invitation, hash_token
from ourplan.analysis.delphi import read_responses_csv
from ourplan.analysis.delphi.responses import ID_COLUMNS
from ourplan.analysis.delphi.responses import Statement as EngineStatement
from ourplan.analysis.errors import AnalysisError
from ourplan.core.models import AuditAction
from ourplan.studies.models import (
    JoinedVia,
    OpenAnswer,
    Panel,
    Participant,
    Rating,
    Response,
    Round,
    RoundStatus,
    Study,
)
from ourplan.studies.queries.rounds import account_to_invite
from ourplan.studies.services.uploads import decode_upload
from ourplan.studies.services.writes import locked, record

MAX_LINKS_AT_ONCE = 200


@dataclass(frozen=True)
class IssuedLink:
    """A new participant and the token for their link (shown once, never stored)."""

    participant: Participant
    token: str


@transaction.atomic
def round_open(*, actor: Any, study: Study, number: int) -> Round:
    """Open a round. Round 1 fixes the consensus definition; later rounds need the last closed."""
    study = locked(study)
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
    record(actor, AuditAction.UPDATE, "study_round_open", item.pk)
    return item


@transaction.atomic
def round_close(*, actor: Any, study: Study, number: int) -> Round:
    """Close an open round; a round nobody has submitted answers to cannot be closed."""
    study = locked(study)
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
    record(actor, AuditAction.UPDATE, "study_round_close", item.pk)
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
    study = locked(study)
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
    record(actor, AuditAction.CREATE, "study_participant_links", f"{study.pk}:{count}")
    return issued


@transaction.atomic
def participant_invite_account(
    *, actor: Any, study: Study, panel: Panel, username: str
) -> Participant:
    """Invite an account of the study's own organisation; they find it under 'My studies'.

    An account of another organisation gets exactly the answer a username nobody has gets,
    so the form cannot be used to find out which usernames exist anywhere.
    """
    study = locked(study)
    panel = _panel_of(study, panel)
    user = account_to_invite(username, study.organisation_id)
    if user is None:
        raise ValidationError(
            {"username": _("There is no active account with that username in this organisation.")}
        )
    if study.participants.filter(user=user).exists():
        raise ValidationError({"username": _("That account is already invited to this study.")})
    participant = Participant.objects.create(
        study=study,
        panel=panel,
        pseudonym=_next_pseudonym(study),
        joined_via=JoinedVia.ACCOUNT,
        user=user,
    )
    record(actor, AuditAction.CREATE, "study_participant", participant.pk)
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
        record(_participant_actor(participant), AuditAction.UPDATE, "study_consent", participant.pk)
    return participant


@transaction.atomic
def participant_withdraw(*, participant: Participant) -> Participant:
    """Withdraw: no further rounds; unsubmitted drafts are removed, submitted answers kept."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.withdrawn_at is None:
        participant.withdrawn_at = timezone.now()
        participant.save(update_fields=["withdrawn_at"])
        participant.responses.filter(submitted_at__isnull=True).delete()
        record(
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
    record(
        _participant_actor(participant),
        AuditAction.CREATE if created else AuditAction.UPDATE,
        "study_response",
        response.pk,
    )
    return response


def _import_frame(study: Study, text: str) -> pd.DataFrame:
    statements = [s.code for s in study.statements.all()]
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
    study = locked(study)
    if not consent_confirmed:
        raise ValidationError(
            {"consent_confirmed": _("Confirm that every respondent consented to take part.")}
        )
    frame = _import_frame(study, decode_upload(raw))
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
    record(actor, AuditAction.CREATE, "study_responses_import", f"{study.pk}:{count}")
    return count
