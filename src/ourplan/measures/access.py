"""Who may answer, see and manage questionnaires. Deny by default, one condition per line.

The ``can_*`` rules are pure policy. The ``access_*`` functions at the end are what views
call: they fetch with ``core.refusal.fetch_or_refuse``, apply a rule, and either return the
record, having written its one ``read`` entry, or raise ``Refused`` (logged once, by the
403 handler). A respondent's own carer or staff questionnaire is not part of any person's
record, so reading it writes no ``read`` entry.
"""

from __future__ import annotations

from typing import Any

from ourplan.accounts.models import CLINICAL_ROLES, Role
from ourplan.consent import access as consent_access
from ourplan.consent.parts import Part
from ourplan.core import audit
from ourplan.core.refusal import Refused, fetch_or_refuse, refuse_unless
from ourplan.measures import queries
from ourplan.measures.models import PaperEntry, ReportRun, Respondent, Response, Status
from ourplan.people import access as people_access
from ourplan.people.models import Organisation, Person, StaffMember, Supporter

RESULTS = "questionnaire_results"
_COLLECTING_STAFF = CLINICAL_ROLES
_RESEARCH_ROLES = {Role.RESEARCHER, Role.TEAM_MANAGER}
_STAFF_RESPONDENTS = {
    Role.CARE_COORDINATOR,
    Role.CLINICIAN,
    Role.TEAM_MANAGER,
    Role.PEER_SUPPORT_WORKER,
}


def _logged_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# ----------------------------------------------------------------------------- rules


def can_answer(user: Any, response: Response) -> bool:
    """The respondent in their own login, or the member of staff who started it with the
    person, while it is unfinished."""
    if not _logged_in(user):
        return False
    if response.status != Status.IN_PROGRESS:
        return False
    if response.respondent == Respondent.PERSON and response.mode == "self":
        return response.person is not None and response.person.user_id == user.pk
    if response.respondent == Respondent.PERSON and response.mode == "with_staff":
        return response.entered_by_id == user.pk and can_collect_with(user, response.person)
    if response.respondent == Respondent.CARER:
        return response.supporter is not None and consent_access.can_contribute(
            user, response.supporter
        )
    if response.respondent == Respondent.STAFF:
        return response.staff is not None and response.staff.user_id == user.pk
    return False


def can_view_response(user: Any, response: Response) -> bool:
    """A person's response: whoever may see the person. A carer's or a member of staff's
    own questionnaire: only they."""
    if not _logged_in(user):
        return False
    if response.respondent == Respondent.PERSON:
        return response.person is not None and people_access.can_view_person(user, response.person)
    if response.respondent == Respondent.CARER:
        return response.supporter is not None and response.supporter.user_id == user.pk
    if response.respondent == Respondent.STAFF:
        return response.staff is not None and response.staff.user_id == user.pk
    return False


def can_view_results(user: Any, person: Person) -> bool:
    """The person, and clinical staff on the person's team."""
    return people_access.can_view_person(user, person)


def can_collect_with(user: Any, person: Person | None) -> bool:
    """Clinical staff on the person's team may go through a questionnaire with them."""
    if person is None:
        return False
    if getattr(user, "role", None) not in _COLLECTING_STAFF:
        return False
    return people_access.can_view_person(user, person)


def can_record_care_ending(user: Any, person: Person) -> bool:
    """Care coordinators and managers on the team say when coordination ends."""
    return people_access.can_edit_person(user, person)


def can_answer_as_person(user: Any) -> bool:
    """A service user with a record answers their own questionnaires."""
    if getattr(user, "role", None) != Role.SERVICE_USER:
        return False
    return Person.objects.filter(user=user, restricted_at__isnull=True).exists()


def can_answer_as_staff(user: Any) -> bool:
    """Clinical staff with a staff record answer staff questionnaires and their own details."""
    if getattr(user, "role", None) not in _STAFF_RESPONDENTS:
        return False
    return people_access.staff_member_of(user) is not None


def can_enter_paper(user: Any) -> bool:
    """Administrators key in paper questionnaires for people in their organisation."""
    return people_access.can_view_organisation_settings(user)


def can_manage_definitions(user: Any) -> bool:
    """Administrators load licensed wording, set schedules, adopt definitions and rescore."""
    return people_access.can_view_organisation_settings(user)


def can_import(user: Any) -> bool:
    """Administrators import responses and REDCap files for their organisation."""
    return people_access.can_view_organisation_settings(user)


def can_view_team_measures(user: Any) -> bool:
    """Team managers see their team's questionnaire results, in aggregate."""
    return people_access.can_view_team_overview(user)


def can_use_measures_research(user: Any) -> bool:
    """Researchers and team managers with a staff record run reports on de-identified data."""
    if getattr(user, "role", None) not in _RESEARCH_ROLES:
        return False
    return people_access.staff_member_of(user) is not None


def can_view_report(user: Any, run: ReportRun) -> bool:
    """A report is seen within the organisation it was run for."""
    if not can_use_measures_research(user):
        return False
    staff = people_access.staff_member_of(user)
    return staff is not None and run.organisation_id == staff.organisation_id


def shares_results(user: Any, person: Person) -> bool:
    """A supporter sees results only while an agreement shares "questionnaire results"."""
    return Part.QUESTIONNAIRES in consent_access.sharing_for(user, person).parts


# ----------------------------------------------------------------------------- access


def access_response(user: Any, response_id: object, *, audit_read: bool = True) -> Response:
    """A response this user may see, with its read entry when it is part of a person's record."""
    response = fetch_or_refuse(
        Response.objects.select_related(
            "instrument",
            "person__organisation",
            "person__team",
            "supporter__person",
            "staff",
            "organisation",
        ),
        Response.AUDIT_TYPE,
        response_id,
        lambda found: can_view_response(user, found),
    )
    if audit_read and response.respondent == Respondent.PERSON:
        audit.record_read(
            user, object_type=Response.AUDIT_TYPE, object_id=response.pk, person=response.person
        )
    return response


def access_response_to_answer(
    user: Any, response_id: object, *, audit_read: bool = True
) -> Response:
    """An unfinished response this user may answer now."""
    response = fetch_or_refuse(
        Response.objects.select_related(
            "instrument",
            "person__organisation",
            "person__team",
            "supporter__person",
            "staff",
            "organisation",
        ),
        Response.AUDIT_TYPE,
        response_id,
        lambda found: can_answer(user, found),
    )
    if audit_read and response.respondent == Respondent.PERSON:
        audit.record_read(
            user, object_type=Response.AUDIT_TYPE, object_id=response.pk, person=response.person
        )
    return response


def access_person_results(user: Any, person_id: object, *, audit_read: bool = True) -> Person:
    """The person whose questionnaire results this user may see (read as their results)."""
    return people_access.access_person_record(
        user, person_id, object_type=RESULTS, rule=can_view_results, audit_read=audit_read
    )


def results_summary_for(user: Any, person: Person) -> list[Any] | None:
    """The latest questionnaire results of ``person`` for the plan and the review pages, or
    None where this user may not see them. Showing any result is read as their results."""
    if not can_view_results(user, person):
        return None
    summary = queries.results_summary(person)
    if summary:
        audit.record_read(user, object_type=RESULTS, object_id=person.pk, person=person)
    return summary


def access_person_to_collect_with(user: Any, person_id: object) -> Person:
    """The person this member of staff may go through a questionnaire with. A change only."""
    return people_access.access_person(user, person_id, rule=can_collect_with, audit_read=False)


def access_person_for_care_ending(
    user: Any, person_id: object, *, audit_read: bool = True
) -> Person:
    """The person whose end of care coordination this user may record (read as the person)."""
    return people_access.access_person(
        user, person_id, rule=can_record_care_ending, audit_read=audit_read
    )


def access_own_results(user: Any, *, page: str, audit_read: bool = True) -> Person:
    """The logged-in person's own record, read as their questionnaire results."""
    person = people_access.access_own_person(user, page=page, audit_read=False)
    if audit_read:
        audit.record_read(user, object_type=RESULTS, object_id=person.pk, person=person)
    return person


def access_own_person(user: Any, *, page: str) -> Person:
    """The logged-in person, for a change to their own questionnaires (no read entry)."""
    return people_access.access_own_person(user, page=page, audit_read=False)


def access_own_demographics(user: Any, *, page: str, audit_read: bool = True) -> Person:
    """The logged-in person, read as their answers about themselves."""
    person = people_access.access_own_person(user, page=page, audit_read=False)
    if audit_read:
        audit.record_read(user, object_type="demographics", object_id=person.pk, person=person)
    return person


def access_own_carer_record(user: Any, *, page: str) -> Supporter:
    """This login's supporter record, for their own questionnaires. No read: nothing of the
    person's record is shown."""
    return people_access.access_own_supporter_record(
        user, page=page, rule=consent_access.can_contribute
    )


def access_own_staff_record(user: Any, *, page: str) -> StaffMember:
    """This login's staff record, for staff questionnaires and their own details."""
    refuse_unless(can_answer_as_staff(user), page)
    staff = people_access.staff_member_of(user)
    assert staff is not None
    return staff


def access_shared_results(user: Any, *, page: str) -> Supporter:
    """The supporter's record, if the person shares questionnaire results with them now.

    The read is the person's results, seen by the supporter.
    """
    supporter = people_access.access_own_supporter_record(user, page=page)
    if not shares_results(user, supporter.person):
        raise Refused("page", page)
    audit.record_read(
        user, object_type=RESULTS, object_id=supporter.person.pk, person=supporter.person
    )
    return supporter


def access_paper_area(user: Any, *, page: str) -> Organisation:
    """The organisation whose paper questionnaires this administrator keys in."""
    refuse_unless(can_enter_paper(user), page)
    staff = people_access.staff_member_of(user)
    assert staff is not None
    return staff.organisation


def access_paper_entry(user: Any, entry_id: object, *, audit_read: bool = True) -> PaperEntry:
    """A paper entry in this administrator's organisation."""
    entry = fetch_or_refuse(
        PaperEntry.objects.select_related("instrument", "person", "organisation"),
        PaperEntry.AUDIT_TYPE,
        entry_id,
        lambda found: can_enter_paper(user) and _same_organisation(user, found.organisation_id),
    )
    if audit_read:
        audit.record_read(
            user, object_type=PaperEntry.AUDIT_TYPE, object_id=entry.pk, person=entry.person
        )
    return entry


def _same_organisation(user: Any, organisation_id: int) -> bool:
    staff = people_access.staff_member_of(user)
    return staff is not None and staff.organisation_id == organisation_id


def access_administration(user: Any, *, page: str) -> Organisation:
    """The organisation whose questionnaire set-up this administrator manages."""
    refuse_unless(can_manage_definitions(user), page)
    staff = people_access.staff_member_of(user)
    assert staff is not None
    return staff.organisation


def access_team_measures(user: Any, *, page: str) -> StaffMember:
    """The team manager's staff record (their team's aggregate results)."""
    refuse_unless(can_view_team_measures(user), page)
    staff = people_access.staff_member_of(user)
    assert staff is not None
    return staff


def access_measures_research(user: Any, *, page: str) -> Organisation:
    """The organisation whose de-identified questionnaire data this user reports on."""
    refuse_unless(can_use_measures_research(user), page)
    staff = people_access.staff_member_of(user)
    assert staff is not None
    return staff.organisation


def access_report(user: Any, run_id: object) -> ReportRun:
    """An evaluation report of this user's organisation. De-identified: no read entry."""
    return fetch_or_refuse(
        ReportRun.objects.all(),
        "evaluation_report",
        run_id,
        lambda found: can_view_report(user, found),
    )


def can_view_definitions(user: Any) -> bool:
    """Any member of staff may read an instrument's definition (no person data in it)."""
    if not _logged_in(user):
        return False
    return (
        bool(getattr(user, "is_staff_member", False))
        and people_access.staff_member_of(user) is not None
    )


def access_definitions(user: Any, *, page: str) -> None:
    refuse_unless(can_view_definitions(user), page)
