"""Permission-matrix rows for the Delphi studies app (merged by tests/core/test_permission_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ORGANISERS = {"researcher", "manager"}
EVERYONE = {
    "person",
    "other_person",
    "coordinator",
    "other_team_coordinator",
    "manager",
    "clinician",
    "supporter",
    "researcher",
    "administrator",
    "anonymous",
}
LOGGED_IN = EVERYONE - {"anonymous"}
# The standing person's account is invited to the study (see studies_url_kwargs).
INVITED_ACCOUNT = {"person"}

_ORGANISER_PAGE = {"GET": ORGANISERS, "POST": ORGANISERS}
_ORGANISER_READ = {"GET": ORGANISERS}

STUDIES_MATRIX: dict[str, dict[str, set[str]]] = {
    "studies:list": _ORGANISER_READ,
    "studies:create": _ORGANISER_PAGE,
    "studies:detail": _ORGANISER_READ,
    "studies:edit": _ORGANISER_PAGE,
    "studies:statements": _ORGANISER_PAGE,
    # Correcting the design: a POST without the confirmation box ticked removes nothing.
    "studies:statement_edit": _ORGANISER_PAGE,
    "studies:statement_remove": _ORGANISER_PAGE,
    "studies:question_edit": _ORGANISER_PAGE,
    "studies:question_remove": _ORGANISER_PAGE,
    "studies:participants": _ORGANISER_PAGE,
    "studies:round_open": {"POST": ORGANISERS},
    "studies:round_close": {"POST": ORGANISERS},
    "studies:responses_import": _ORGANISER_PAGE,
    "studies:results": _ORGANISER_READ,
    "studies:report": _ORGANISER_READ,
    "studies:report_pdf": _ORGANISER_READ,
    "studies:export_responses_csv": _ORGANISER_READ,
    "studies:export_results_csv": _ORGANISER_READ,
    "studies:export_xlsx": _ORGANISER_READ,
    "studies:export_sav": _ORGANISER_READ,
    "studies:codebook": _ORGANISER_PAGE,
    "studies:theme_edit": _ORGANISER_PAGE,
    "studies:theme_remove": _ORGANISER_PAGE,
    "studies:codebook_csv": _ORGANISER_READ,
    "studies:coding": _ORGANISER_PAGE,
    "studies:framework": _ORGANISER_PAGE,
    "studies:agreement": _ORGANISER_READ,
    "studies:my_studies": {"GET": LOGGED_IN},
    "studies:take_part": {"GET": INVITED_ACCOUNT, "POST": INVITED_ACCOUNT},
    "studies:take_part_round": {"GET": INVITED_ACCOUNT, "POST": INVITED_ACCOUNT},
    "studies:take_part_withdraw": {"GET": INVITED_ACCOUNT, "POST": INVITED_ACCOUNT},
    # The invitation token is the credential: whoever holds a valid link may use it.
    "studies:join": {"GET": EVERYONE, "POST": EVERYONE},
    "studies:join_round": {"GET": EVERYONE, "POST": EVERYONE},
    "studies:join_withdraw": {"GET": EVERYONE, "POST": EVERYONE},
}


# What an allowed GET leaves in the audit log for the standing person (see the audit matrix).
# Study pages show pseudonymous study data, never a person's care record: organisers see
# participants only as pseudonyms, and a participant sees their own answers and anonymised
# feedback. So no study page writes a `read` entry, for the standing person or anyone else.
# Downloads are audited as `export` and every change as create/update/delete, all without a
# person (tests/studies/test_page_audit.py checks both).
ReadSpec = str | Callable[[Any, dict[str, Any], str], list[tuple[str, object]]]
NO_PERSON_RECORD = "no person record"

STUDIES_READS: dict[str, ReadSpec] = dict.fromkeys(STUDIES_MATRIX, NO_PERSON_RECORD)


def studies_url_kwargs(standing: Any) -> dict[str, Any]:
    """A study in the standing organisation with one link participant and the person invited.

    It has a statement, an open question and a theme for the design-correcting pages.
    """
    from ourplan.studies import services

    study = services.study_create(
        actor=standing.researcher,
        organisation=standing.organisation,
        groups=["service users", "carers"],
        title="Matrix study",
        purpose="Access checks",
        scale=5,
        planned_rounds=2,
        threshold=0.75,
    )
    statement = services.statement_add(actor=standing.researcher, study=study, text="A statement")
    question = services.question_add(actor=standing.researcher, study=study, text="A question?")
    theme = services.theme_add(actor=standing.researcher, study=study, code="T1", name="A theme")
    panel = study.panels.get(name="service users")
    link = services.participants_invite_links(
        actor=standing.researcher, study=study, panel=panel, count=1
    )[0]
    services.participant_invite_account(
        actor=standing.researcher, study=study, panel=panel, username=standing.person_user.username
    )
    return {
        "study_id": study.pk,
        "round_number": 1,
        "participant_token": link.token,
        "statement_id": statement.pk,
        "question_id": question.pk,
        "theme_id": theme.pk,
    }
