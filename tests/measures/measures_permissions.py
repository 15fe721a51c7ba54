"""Permission-matrix rows and audit specs for the questionnaires app (to merge into
tests/core/test_permission_matrix.py like PLANS_MATRIX and PLANS_READS).

MEASURES_MATRIX: url name -> {method: roles allowed}; methods not listed are refused for
everyone. MEASURES_READS: what one allowed GET leaves in the audit log: "no person record",
or a function (standing, extras, role) giving the (object_type, object_id[, person_id]) of
each `read` entry (a third element names an entry's person when it is not the standing person).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

PEOPLE = {"person", "other_person"}
TEAM_CLINICAL = {"coordinator", "manager", "clinician"}
STAFF_RESPONDENTS = {"coordinator", "other_team_coordinator", "manager", "clinician"}
ADMIN = {"administrator"}
RESEARCH = {"researcher", "manager"}
ANY_STAFF = STAFF_RESPONDENTS | {"researcher", "administrator"}


def _rw(roles: set[str]) -> dict[str, set[str]]:
    return {"GET": roles, "POST": roles}


MEASURES_MATRIX: dict[str, dict[str, set[str]]] = {
    "measures:mine": {"GET": PEOPLE},
    "measures:start_mine": {"POST": PEOPLE},
    "measures:my_results": {"GET": PEOPLE},
    "measures:my_demographics": _rw(PEOPLE),
    "measures:answer": _rw({"person"}),
    "measures:check": {"GET": {"person"}},
    "measures:finish": {"POST": {"person"}},
    "measures:result": {"GET": {"person"} | TEAM_CLINICAL},
    "measures:person_results": {"GET": {"person"} | TEAM_CLINICAL},
    "measures:start_with_person": {"POST": TEAM_CLINICAL},
    "measures:care_ending": _rw({"coordinator", "manager"}),
    "measures:person_fhir": {"GET": {"person"} | TEAM_CLINICAL},
    "measures:carer_home": {"GET": {"supporter"}},
    "measures:start_carer": {"POST": {"supporter"}},
    # The standing supporter has no sharing agreement, so sees no results (see test_sharing).
    "measures:shared_results": {"GET": set()},
    "measures:staff_home": {"GET": STAFF_RESPONDENTS},
    "measures:start_staff": {"POST": STAFF_RESPONDENTS},
    "measures:staff_demographics": _rw(STAFF_RESPONDENTS),
    "measures:team": {"GET": {"manager"}},
    "measures:setup": {"GET": ADMIN},
    "measures:schedule": _rw(ADMIN),
    "measures:wording": _rw(ADMIN),
    "measures:adopt": {"POST": ADMIN},
    "measures:rescore": _rw(ADMIN),
    "measures:paper_list": {"GET": ADMIN},
    "measures:paper_new": _rw(ADMIN),
    "measures:paper_second": _rw(ADMIN),
    "measures:paper_resolve": _rw(ADMIN),
    "measures:import_responses": _rw(ADMIN),
    "measures:import_dictionary": _rw(ADMIN),
    "measures:fhir_questionnaire": {"GET": ANY_STAFF},
    "measures:research_home": {"GET": RESEARCH},
    "measures:site": {"GET": RESEARCH},
    "measures:report_new": _rw(RESEARCH),
    "measures:report": {"GET": RESEARCH},
    "measures:report_progress": {"GET": RESEARCH},
    "measures:report_html": {"GET": RESEARCH},
    "measures:report_pdf": {"GET": RESEARCH},
    "measures:export": _rw(RESEARCH),
}


def measures_url_kwargs(standing: Any) -> dict[str, Any]:
    """An unfinished questionnaire of the standing person, a paper copy whose two entries
    differ, and a finished evaluation report of the standing organisation."""
    from ourplan.measures import services
    from ourplan.measures.models import Mode, ReportRun, ReportStatus

    response = services.start_response(
        actor=standing.person_user, instrument_id="star_p", mode=Mode.SELF, person=standing.person
    )
    services.save_answers(actor=standing.person_user, response=response, answers={"STARP01": 3})
    entry = services.paper_first_entry(
        actor=standing.administrator,
        person=standing.person,
        instrument_id="star_p",
        occasion="review",
        completed_on=date(2025, 3, 1),
        answers={"STARP01": 3},
    )
    services.paper_second_entry(actor=standing.administrator, entry=entry, answers={"STARP01": 2})
    run = ReportRun.objects.create(
        organisation=standing.organisation,
        requested_by=standing.researcher,
        title="Test report",
        parameters={},
        status=ReportStatus.DONE,
        progress=100,
        html="<html><body>report</body></html>",
        body="<p>report</p>",
        pdf=b"%PDF-1.7",
    )
    return {
        "response_id": response.pk,
        "entry_id": entry.pk,
        "instrument_id": "star_p",
        "run_id": run.pk,
    }


ReadSpec = str | Callable[[Any, dict[str, Any], str], list[tuple[Any, ...]]]
NO_PERSON_RECORD: ReadSpec = "no person record"
GET_REFUSED: ReadSpec = NO_PERSON_RECORD  # POST-only URLs answer a GET with 405


def _own(object_type: str) -> ReadSpec:
    """A service user's own page: the standing person's, or the other person's own."""

    def spec(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[Any, ...]]:
        if role == "person":
            return [(object_type, str(standing.person.pk))]
        return [(object_type, str(standing.other_person.pk), standing.other_person.pk)]

    return spec


def _reads(object_type: str, key: str | None = None) -> ReadSpec:
    def spec(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[Any, ...]]:
        return [(object_type, str(extras[key] if key else standing.person.pk))]

    return spec


MEASURES_READS: dict[str, ReadSpec] = {
    "measures:mine": _own("questionnaire_results"),
    "measures:start_mine": GET_REFUSED,
    "measures:my_results": _own("questionnaire_results"),
    "measures:my_demographics": _own("demographics"),
    "measures:answer": _reads("questionnaire_response", "response_id"),
    "measures:check": _reads("questionnaire_response", "response_id"),
    "measures:finish": GET_REFUSED,
    "measures:result": _reads("questionnaire_response", "response_id"),
    "measures:person_results": _reads("questionnaire_results"),
    "measures:start_with_person": GET_REFUSED,
    "measures:care_ending": _reads("person"),
    # A download is also recorded as an export; that entry is not a read.
    "measures:person_fhir": _reads("questionnaire_results"),
    # A carer's own questionnaires are not part of the person's record.
    "measures:carer_home": NO_PERSON_RECORD,
    "measures:start_carer": GET_REFUSED,
    "measures:shared_results": _reads("questionnaire_results"),
    "measures:staff_home": NO_PERSON_RECORD,
    "measures:start_staff": GET_REFUSED,
    "measures:staff_demographics": NO_PERSON_RECORD,
    # Aggregates only, small cells suppressed.
    "measures:team": NO_PERSON_RECORD,
    "measures:setup": NO_PERSON_RECORD,
    "measures:schedule": NO_PERSON_RECORD,
    "measures:wording": NO_PERSON_RECORD,
    "measures:adopt": GET_REFUSED,
    "measures:rescore": NO_PERSON_RECORD,
    "measures:paper_list": NO_PERSON_RECORD,
    "measures:paper_new": NO_PERSON_RECORD,
    # The entry's two versions differ, so its page sends the administrator on to resolve them.
    "measures:paper_second": NO_PERSON_RECORD,
    "measures:paper_resolve": _reads("paper_entry", "entry_id"),
    "measures:import_responses": NO_PERSON_RECORD,
    "measures:import_dictionary": NO_PERSON_RECORD,
    "measures:fhir_questionnaire": NO_PERSON_RECORD,
    # The research area holds de-identified, small-cell-suppressed data only.
    "measures:research_home": NO_PERSON_RECORD,
    "measures:site": NO_PERSON_RECORD,
    "measures:report_new": NO_PERSON_RECORD,
    "measures:report": NO_PERSON_RECORD,
    "measures:report_progress": NO_PERSON_RECORD,
    "measures:report_html": NO_PERSON_RECORD,
    "measures:report_pdf": NO_PERSON_RECORD,
    "measures:export": NO_PERSON_RECORD,
}
