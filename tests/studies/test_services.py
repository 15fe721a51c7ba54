"""Study design, rounds, participants and answers: validated in full, nothing saved on error."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ourplan.core.models import AuditEntry
from ourplan.studies import services
from ourplan.studies.models import Participant, Rating, Response, Study
from tests.studies.study_builders import answer, build_study, links


def test_a_study_gets_its_groups_and_planned_rounds(standing: Any, study: Study) -> None:
    assert list(study.panels.values_list("name", flat=True)) == ["service users", "carers"]
    assert list(study.rounds.values_list("number", "status")) == [(1, "planned"), (2, "planned")]
    assert study.agree_min == 4  # the default agree band on a 5-point scale is 4–5
    assert AuditEntry.objects.filter(object_type="study", action="create").count() == 1


def test_the_consensus_definition_cannot_change_after_round_1_opens(
    standing: Any, study: Study
) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    study.refresh_from_db()
    assert study.definition_locked
    with pytest.raises(ValidationError, match="fixed when round 1 opened"):
        services.study_update(
            actor=standing.researcher,
            study=study,
            title="New title",
            purpose=study.purpose,
            groups=["service users", "carers"],
            scale=5,
            planned_rounds=2,
            threshold=0.80,
        )
    study.refresh_from_db()
    assert study.threshold == 0.75 and study.title == "Care coordination"


def test_the_title_can_still_change_after_round_1_opens(standing: Any, study: Study) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    services.study_update(
        actor=standing.researcher,
        study=study,
        title="New title",
        purpose=study.purpose,
        groups=["service users", "carers", "policy makers"],
        scale=5,
        planned_rounds=3,
        threshold=0.75,
    )
    study.refresh_from_db()
    assert study.title == "New title"
    assert study.rounds.count() == 3 and study.panels.count() == 3


def test_an_unusable_consensus_definition_is_refused(standing: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        build_study(standing, threshold=0.5)
    assert "threshold" in caught.value.message_dict
    assert not Study.objects.exists()


def test_merges_must_name_the_studys_groups(standing: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        build_study(standing, merge_groups=["carers+nurses"])
    assert "nurses" in str(caught.value.message_dict["merge_groups"])


def test_rounds_open_in_order_and_need_the_previous_one_closed(standing: Any, study: Study) -> None:
    with pytest.raises(ValidationError, match="Close round 1 first"):
        services.round_open(actor=standing.researcher, study=study, number=2)
    services.round_open(actor=standing.researcher, study=study, number=1)
    with pytest.raises(ValidationError, match="already been opened"):
        services.round_open(actor=standing.researcher, study=study, number=1)


def test_a_round_with_no_responses_cannot_be_closed(standing: Any, study: Study) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    participant = links(standing, study, "carers")[0].participant
    services.participant_consent(participant=participant)
    answer(study, participant, 1, {"CC01": 4}, submit=False)  # a draft is not a response
    with pytest.raises(ValidationError, match="Nobody has submitted"):
        services.round_close(actor=standing.researcher, study=study, number=1)
    assert study.rounds.get(number=1).status == "open"


def test_a_rating_outside_the_scale_is_refused_and_nothing_saved(
    standing: Any, study: Study
) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    participant = links(standing, study, "carers")[0].participant
    services.participant_consent(participant=participant)
    with pytest.raises(ValidationError, match="between 1 and 5"):
        answer(study, participant, 1, {"CC01": 4, "CC02": 6})
    assert not Response.objects.exists() and not Rating.objects.exists()


def test_participants_answer_only_after_consent_and_not_after_withdrawal(
    standing: Any, study: Study
) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    participant = links(standing, study, "carers")[0].participant
    with pytest.raises(ValidationError, match="not taking part"):
        answer(study, participant, 1, {"CC01": 4})
    services.participant_consent(participant=participant)
    answer(study, participant, 1, {"CC01": 4}, submit=False)
    services.participant_withdraw(participant=participant)
    participant.refresh_from_db()
    assert participant.withdrawn_at is not None
    # The unsubmitted draft went with the withdrawal.
    assert not Response.objects.filter(participant=participant).exists()
    with pytest.raises(ValidationError):
        answer(study, participant, 1, {"CC01": 4})


def test_saving_progress_then_submitting_updates_one_response(standing: Any, study: Study) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    participant = links(standing, study, "carers")[0].participant
    services.participant_consent(participant=participant)
    answer(study, participant, 1, {"CC01": 2}, {"CC01": "unsure"}, submit=False)
    response = Response.objects.get()
    assert response.submitted_at is None
    answer(study, participant, 1, {"CC01": 5, "CC02": 3, "RE01": None}, submit=True)
    response.refresh_from_db()
    assert response.submitted_at is not None
    assert dict(response.ratings.values_list("statement__code", "value")) == {"CC01": 5, "CC02": 3}
    # Leaving the comment out on the second save removes it with the blank rating rules.
    assert response.ratings.get(statement__code="CC01").comment == ""


def test_link_tokens_are_stored_only_as_hashes(standing: Any, study: Study) -> None:
    issued = links(standing, study, "carers", count=2)
    for link in issued:
        assert link.token not in link.participant.token_hash
        assert len(link.participant.token_hash) == 64
    assert [link.participant.pseudonym for link in issued] == ["P0001", "P0002"]


def test_an_account_is_invited_once(standing: Any, study: Study) -> None:
    panel = study.panels.get(name="carers")
    services.participant_invite_account(
        actor=standing.researcher, study=study, panel=panel, username="supporter"
    )
    with pytest.raises(ValidationError, match="already invited"):
        services.participant_invite_account(
            actor=standing.researcher, study=study, panel=panel, username="supporter"
        )
    with pytest.raises(ValidationError, match="no active account"):
        services.participant_invite_account(
            actor=standing.researcher, study=study, panel=panel, username="nobody"
        )


def _import(standing: Any, study: Study, text: str) -> int:
    return services.responses_import(
        actor=standing.researcher, study=study, raw=text.encode(), consent_confirmed=True
    )


def test_paper_responses_import_into_the_open_round(standing: Any, study: Study) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    count = _import(
        standing,
        study,
        "respondent_id,group,round,CC01,CC02,RE01\nSU1,service users,1,5,4,\nCA1,carers,1,2,3,1\n",
    )
    assert count == 2
    su1 = Participant.objects.get(pseudonym="SU1")
    assert su1.joined_via == "import" and su1.consented_at is not None
    assert su1.responses.get().ratings.count() == 2  # the blank RE01 is a skipped statement


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("respondent_id,group,round,CC01\nSU1,service users,1,7\n", "outside the 1–5 scale"),
        (
            "respondent_id,group,round,CC01\nSU1,service users,1,4\nSU1,service users,1,5\n",
            "appears more than once in round 1",
        ),
        ("respondent_id,group,round,CC01,XX99\nSU1,service users,1,4,3\n", "XX99"),
        ("respondent_id,group,round,CC01\nSU1,nurses,1,4\n", "not one of the study's groups"),
        ("respondent_id,group,round,CC01\nSU1,service users,2,4\n", "not an open rating round"),
    ],
)
def test_bad_imports_are_refused_with_a_clear_message_and_nothing_saved(
    standing: Any, study: Study, csv_text: str, message: str
) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    with pytest.raises(ValidationError) as caught:
        _import(standing, study, csv_text)
    assert message in " ".join(caught.value.messages)
    assert not Participant.objects.exists() and not Response.objects.exists()


def test_a_respondent_cannot_be_imported_twice_into_one_round(standing: Any, study: Study) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    text = "respondent_id,group,round,CC01\nSU1,service users,1,4\n"
    _import(standing, study, text)
    with pytest.raises(ValidationError, match="already has answers in round 1"):
        _import(standing, study, text)
    assert Response.objects.count() == 1


def test_statements_cannot_change_while_a_round_is_open(standing: Any, study: Study) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    with pytest.raises(ValidationError, match="A round is open"):
        services.statement_add(actor=standing.researcher, study=study, text="Late statement")


def test_an_open_first_round_needs_questions_and_collects_answers(standing: Any) -> None:
    study = build_study(standing, open_first_round=True)
    with pytest.raises(ValidationError, match="open question"):
        services.round_open(actor=standing.researcher, study=study, number=1)
    question = services.question_add(
        actor=standing.researcher, study=study, text="What does care coordination mean to you?"
    )
    services.round_open(actor=standing.researcher, study=study, number=1)
    participant = links(standing, study, "carers")[0].participant
    services.participant_consent(participant=participant)
    services.response_save(
        participant=participant,
        round_number=1,
        ratings={},
        comments={},
        answers={question.pk: "Someone who listens."},
        submit=True,
    )
    services.round_close(actor=standing.researcher, study=study, number=1)
    assert Response.objects.get().answers.get().text == "Someone who listens."
