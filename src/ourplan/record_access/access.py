"""Who may see who has seen a record, ask about it, answer, and name IG leads. Deny by default.

- A person sees only their own log, and asks only about entries in it.
- An information governance (IG) lead is a member of staff an administrator of their
  organisation has named; they see and answer questions from that organisation's people.
- Only an administrator names or removes IG leads, for their own organisation.

Each access function fetches with ``core.refusal`` and refuses missing and forbidden alike;
on success it writes the one ``read`` entry for the page, under the object's own type and id.
"""

from __future__ import annotations

from typing import Any

from ourplan.accounts.models import STAFF_ROLES, Role
from ourplan.core import audit
from ourplan.core.models import AuditEntry
from ourplan.core.refusal import fetch_or_refuse, refuse_unless
from ourplan.people.access import staff_member_of
from ourplan.people.models import Person
from ourplan.people.queries import person_for_user
from ourplan.record_access import queries
from ourplan.record_access.models import (
    ENTRY_TYPE,
    LEAD_TYPE,
    LOG_TYPE,
    QUESTION_TYPE,
    GovernanceLead,
    RecordAccessQuestion,
)


def _is_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_see_own_record_access(user: Any, person: Person) -> bool:
    """A person sees who has looked at their own record, and asks about it."""
    if not _is_active(user):
        return False
    if user.role != Role.SERVICE_USER:
        return False
    return person.user_id == user.pk


def can_hold_governance_lead(user: Any, organisation_id: int) -> bool:
    """Staff of the organisation may be named IG lead; researchers never see records."""
    if not _is_active(user):
        return False
    if user.role not in STAFF_ROLES:
        return False
    if user.role == Role.RESEARCHER:
        return False
    staff = staff_member_of(user)
    if staff is None:
        return False
    return staff.organisation_id == organisation_id


def is_governance_lead(user: Any, organisation_id: int) -> bool:
    """Named IG lead of this organisation by an administrator, and not removed."""
    if not can_hold_governance_lead(user, organisation_id):
        return False
    return GovernanceLead.objects.filter(
        organisation_id=organisation_id, user_id=user.pk, ended_at__isnull=True
    ).exists()


def can_view_questions(user: Any) -> bool:
    """IG leads see the questions of their own organisation's people."""
    staff = staff_member_of(user)
    if staff is None:
        return False
    return is_governance_lead(user, staff.organisation_id)


def can_answer_question(user: Any, question: RecordAccessQuestion) -> bool:
    return is_governance_lead(user, question.person.organisation_id)


def can_manage_governance_leads(user: Any) -> bool:
    """Administrators name and remove their organisation's IG leads."""
    if getattr(user, "role", None) != Role.ADMINISTRATOR:
        return False
    return staff_member_of(user) is not None


def access_own_record_access(user: Any, *, audit_read: bool = True) -> Person:
    """The person whose log this user may see (their own), or ``Refused``.

    Writes the page's one ``read`` entry: the log, under the person's own id.
    """
    person = person_for_user(user)
    refuse_unless(
        person is not None and can_see_own_record_access(user, person), "record_access:mine"
    )
    assert person is not None  # refuse_unless raised otherwise
    if audit_read:
        audit.record_read(user, object_type=LOG_TYPE, object_id=person.pk, person=person)
    return person


def access_own_entry(
    user: Any, entry_id: object, *, audit_read: bool = True
) -> tuple[Person, AuditEntry]:
    """An entry shown on this user's own log (the person and the entry), or ``Refused``.

    Entries about someone else, list appearances, refusals and the person's own actions
    are refused exactly like ids that do not exist.
    """
    person = person_for_user(user)
    allowed = person is not None and can_see_own_record_access(user, person)
    entries = (
        queries.record_access_for(person)
        if allowed and person is not None
        else AuditEntry.objects.none()
    )
    entry = fetch_or_refuse(entries, ENTRY_TYPE, entry_id, lambda found: allowed)
    assert person is not None  # fetch_or_refuse raised otherwise
    if audit_read:
        audit.record_read(user, object_type=ENTRY_TYPE, object_id=entry.pk, person=person)
    return person, entry


def access_questions_organisation(user: Any) -> int:
    """The organisation whose questions this IG lead works through, or ``Refused``.

    A list page: it writes no ``read`` entry (the view lists each person shown instead).
    """
    refuse_unless(can_view_questions(user), "record_access:questions")
    staff = staff_member_of(user)
    assert staff is not None  # can_view_questions needs one
    return staff.organisation_id


def access_question(user: Any, question_id: object, *, audit_read: bool = True) -> Any:
    """A question for this IG lead to read and answer, or ``Refused``."""
    question = fetch_or_refuse(
        RecordAccessQuestion.objects.select_related(
            "person__organisation", "person__team", "entry__actor", "answered_by"
        ),
        QUESTION_TYPE,
        question_id,
        lambda found: can_answer_question(user, found),
    )
    if audit_read:
        audit.record_read(
            user, object_type=QUESTION_TYPE, object_id=question.pk, person=question.person
        )
    return question


def access_leads_organisation(user: Any) -> Any:
    """The organisation whose IG leads this administrator names, or ``Refused``."""
    refuse_unless(can_manage_governance_leads(user), "record_access:leads")
    staff = staff_member_of(user)
    assert staff is not None  # can_manage_governance_leads needs one
    return staff.organisation


def access_governance_lead(user: Any, lead_id: object) -> GovernanceLead:
    """A current IG lead grant of this administrator's organisation, or ``Refused``."""
    staff = staff_member_of(user)
    return fetch_or_refuse(
        GovernanceLead.objects.filter(ended_at__isnull=True).select_related("user"),
        LEAD_TYPE,
        lead_id,
        lambda lead: (
            can_manage_governance_leads(user)
            and staff is not None
            and lead.organisation_id == staff.organisation_id
        ),
    )
