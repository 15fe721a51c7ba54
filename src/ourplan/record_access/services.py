"""Every write of the record_access app: questions, answers and IG lead grants. Atomic, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.people.models import Organisation, Person
from ourplan.record_access import queries
from ourplan.record_access.access import can_hold_governance_lead
from ourplan.record_access.models import (
    ANSWER,
    LEAD_TYPE,
    NOTE,
    QUESTION_TYPE,
    GovernanceLead,
    QuestionStatus,
    RecordAccessQuestion,
)


@transaction.atomic
def question_ask(
    *, actor: Any, person: Person, entry_id: int, note: str = ""
) -> RecordAccessQuestion:
    """The person asks about an entry of their log; it waits for their organisation's IG lead.

    Nothing is written unless the entry is on the person's own list and the note fits.
    """
    note = note.strip()
    if len(note) > NOTE:
        raise ValidationError(
            {"note": _("Keep your note to %(max)d characters or fewer.") % {"max": NOTE}}
        )
    if person.user_id is None or actor.pk != person.user_id:
        raise ValidationError(_("Only the person can ask about their own record."))
    entry = queries.record_access_for(person).filter(pk=entry_id).first()
    if entry is None:
        raise ValidationError(_("That entry is not on your list."))
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if RecordAccessQuestion.objects.filter(entry=entry, status=QuestionStatus.OPEN).exists():
        raise ValidationError(
            _("You have already asked about this. You will see the answer on this page.")
        )
    question = RecordAccessQuestion(person=person, entry=entry, asked_by=actor, note=note)
    return audit.save_recorded(
        question,
        actor=actor,
        action=AuditAction.CREATE,
        object_type=QUESTION_TYPE,
        person=person,
    )


@transaction.atomic
def question_answer(
    *, actor: Any, question: RecordAccessQuestion, answer: str
) -> RecordAccessQuestion:
    """An IG lead records the answer, which closes the question; the person reads it."""
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer the person will read.")})
    if len(answer) > ANSWER:
        raise ValidationError(
            {"answer": _("Keep the answer to %(max)d characters or fewer.") % {"max": ANSWER}}
        )
    locked = RecordAccessQuestion.objects.select_for_update().get(pk=question.pk)
    if not locked.is_open:
        raise ValidationError(_("This question has already been answered."))
    locked.answer = answer
    locked.status = QuestionStatus.ANSWERED
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    return audit.save_recorded(
        locked,
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=QUESTION_TYPE,
        person=question.person,
        update_fields=["answer", "status", "answered_by", "answered_at"],
    )


@transaction.atomic
def governance_lead_grant(*, actor: Any, organisation: Organisation, user: Any) -> GovernanceLead:
    """An administrator makes a member of their organisation's staff an IG lead."""
    if not can_hold_governance_lead(user, organisation.pk):
        raise ValidationError(
            {"user": _("Choose a member of your organisation's staff who works with records.")}
        )
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if GovernanceLead.objects.filter(
        organisation=organisation, user=user, ended_at__isnull=True
    ).exists():
        raise ValidationError({"user": _("They are already an information governance lead.")})
    lead = GovernanceLead.objects.create(organisation=organisation, user=user, granted_by=actor)
    audit.record(actor=actor, action=AuditAction.CREATE, object_type=LEAD_TYPE, object_id=lead.pk)
    return lead


@transaction.atomic
def governance_lead_remove(*, actor: Any, lead: GovernanceLead) -> bool:
    """An administrator takes the permission away; the grant is ended, never deleted."""
    locked = GovernanceLead.objects.select_for_update().get(pk=lead.pk)
    if locked.ended_at is not None:
        return False
    locked.ended_at = timezone.now()
    locked.ended_by = actor
    locked.save(update_fields=["ended_at", "ended_by"])
    audit.record(actor=actor, action=AuditAction.UPDATE, object_type=LEAD_TYPE, object_id=locked.pk)
    return True
