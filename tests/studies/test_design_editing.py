"""Correcting a study's questionnaire and codebook: before the panel sees it, audited, refused after."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ourplan.accounts.models import Role
from ourplan.core.models import AuditEntry
from ourplan.people.models import Country, Organisation
from ourplan.studies import services
from ourplan.studies.models import Coding, FrameworkCell, OpenQuestion, Statement, Study, Theme
from tests.factories import make_staff
from tests.studies.study_builders import answer, build_study, links


def _audited(action: str, object_type: str, object_id: object) -> bool:
    return AuditEntry.objects.filter(
        action=action, object_type=object_type, object_id=str(object_id)
    ).exists()


def _statements(study: Study) -> list[tuple[str, str, str]]:
    return list(study.statements.values_list("code", "topic", "text"))


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _with_a_submitted_comment(standing: Any, study: Study) -> Any:
    """Open round 1 and have one participant submit a rating with a comment on CC01."""
    services.round_open(actor=standing.researcher, study=study, number=1)
    participant = links(standing, study, "carers")[0].participant
    services.participant_consent(participant=participant)
    response = answer(study, participant, 1, {"CC01": 4}, comments={"CC01": "Listen first."})
    return response.ratings.get()


# --- statements ------------------------------------------------------------------------------


def test_an_organiser_rewords_a_statement_and_moves_it_to_another_topic_before_round_1(
    standing: Any, study: Study
) -> None:
    statement = study.statements.get(code="CC01")
    services.statement_update(
        actor=standing.researcher,
        study=study,
        statement=statement,
        text="  Service users should lead their care coordination.  ",
        topic="recovery",
    )
    statement.refresh_from_db()
    assert (statement.code, statement.topic, statement.text) == (
        "CC01",
        "recovery",
        "Service users should lead their care coordination.",
    )
    assert _audited("update", "study_statement", statement.pk)


def test_an_empty_statement_is_refused_and_nothing_changes(standing: Any, study: Study) -> None:
    statement = study.statements.get(code="CC01")
    before = _statements(study)
    with pytest.raises(ValidationError, match="Write the statement"):
        services.statement_update(
            actor=standing.researcher, study=study, statement=statement, text="   ", topic="x"
        )
    assert _statements(study) == before


def test_an_organiser_removes_a_statement_and_the_other_codes_stay(
    standing: Any, study: Study
) -> None:
    statement = study.statements.get(code="CC02")
    services.statement_remove(actor=standing.researcher, study=study, statement=statement)
    assert list(study.statements.values_list("code", flat=True)) == ["CC01", "RE01"]
    assert _audited("delete", "study_statement", statement.pk)


def test_the_code_of_a_removed_statement_is_not_given_out_again(standing: Any) -> None:
    study = build_study(standing, title="Numbered")
    study.statements.all().delete()
    for text in ("First", "Second", "Third"):
        services.statement_add(actor=standing.researcher, study=study, text=text)
    assert list(study.statements.values_list("code", flat=True)) == ["S01", "S02", "S03"]
    # Without the retired codes, numbering (count + 1) would hand out S03 again here.
    services.statement_remove(
        actor=standing.researcher, study=study, statement=study.statements.get(code="S03")
    )
    fourth = services.statement_add(actor=standing.researcher, study=study, text="Fourth")
    assert fourth.code == "S04"
    services.statement_remove(
        actor=standing.researcher, study=study, statement=study.statements.get(code="S01")
    )
    fifth = services.statement_add(actor=standing.researcher, study=study, text="Fifth")
    assert fifth.code == "S05"
    # New statements come last, after the gaps removals left.
    assert list(study.statements.values_list("code", flat=True)) == ["S02", "S04", "S05"]
    study.refresh_from_db()
    assert study.retired_statement_codes == ["S03", "S01"]


def test_statements_cannot_be_changed_or_removed_once_round_1_has_opened(
    standing: Any, study: Study
) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    statement = study.statements.get(code="CC01")
    before = _statements(study)
    with pytest.raises(ValidationError, match="incomparable"):
        services.statement_update(
            actor=standing.researcher, study=study, statement=statement, text="New", topic=""
        )
    with pytest.raises(ValidationError, match="Round 1 has opened"):
        services.statement_remove(actor=standing.researcher, study=study, statement=statement)
    assert _statements(study) == before
    assert not AuditEntry.objects.filter(
        object_type="study_statement", action__in=["update", "delete"]
    ).exists()


def test_statements_stay_fixed_after_round_1_closes(standing: Any, study: Study) -> None:
    _with_a_submitted_comment(standing, study)
    services.round_close(actor=standing.researcher, study=study, number=1)
    statement = study.statements.get(code="RE01")
    with pytest.raises(ValidationError, match="incomparable"):
        services.statement_remove(actor=standing.researcher, study=study, statement=statement)
    assert study.statements.filter(pk=statement.pk).exists()


def test_statements_drawn_from_open_answers_can_be_corrected_until_the_first_rating_round(
    standing: Any,
) -> None:
    study = build_study(standing, open_first_round=True)
    question = services.question_add(actor=standing.researcher, study=study, text="What helps?")
    services.round_open(actor=standing.researcher, study=study, number=1)
    statement = study.statements.get(code="CC01")
    with pytest.raises(ValidationError, match="A round is open"):
        services.statement_update(
            actor=standing.researcher, study=study, statement=statement, text="Early", topic=""
        )
    participant = links(standing, study, "carers")[0].participant
    services.participant_consent(participant=participant)
    services.response_save(
        participant=participant,
        round_number=1,
        ratings={},
        comments={},
        answers={question.pk: "Being listened to."},
        submit=True,
    )
    services.round_close(actor=standing.researcher, study=study, number=1)
    # Between the open round and the first rating round nobody has seen the statements.
    services.statement_update(
        actor=standing.researcher,
        study=study,
        statement=statement,
        text="Being listened to helps.",
        topic="listening",
    )
    services.round_open(actor=standing.researcher, study=study, number=2)
    with pytest.raises(ValidationError, match="Round 2 has opened"):
        services.statement_update(
            actor=standing.researcher, study=study, statement=statement, text="Late", topic=""
        )
    statement.refresh_from_db()
    assert statement.text == "Being listened to helps."


def test_a_statement_removed_meanwhile_gets_a_clear_message(standing: Any, study: Study) -> None:
    statement = study.statements.get(code="CC01")
    services.statement_remove(actor=standing.researcher, study=study, statement=statement)
    with pytest.raises(ValidationError, match="no longer in the study"):
        services.statement_remove(actor=standing.researcher, study=study, statement=statement)
    with pytest.raises(ValidationError, match="no longer in the study"):
        services.statement_update(
            actor=standing.researcher, study=study, statement=statement, text="x", topic=""
        )


# --- open questions --------------------------------------------------------------------------


def test_an_organiser_rewords_and_removes_open_questions_before_round_1(
    standing: Any, study: Study
) -> None:
    first = services.question_add(actor=standing.researcher, study=study, text="What helps?")
    second = services.question_add(actor=standing.researcher, study=study, text="What hinders?")
    services.question_update(
        actor=standing.researcher, study=study, question=first, text="What helps you most?"
    )
    services.question_remove(actor=standing.researcher, study=study, question=second)
    assert list(study.open_questions.values_list("text", flat=True)) == ["What helps you most?"]
    assert _audited("update", "study_question", first.pk)
    assert _audited("delete", "study_question", second.pk)


def test_open_questions_cannot_be_changed_or_removed_once_round_1_has_opened(
    standing: Any,
) -> None:
    study = build_study(standing, open_first_round=True)
    question = services.question_add(actor=standing.researcher, study=study, text="What helps?")
    services.round_open(actor=standing.researcher, study=study, number=1)
    with pytest.raises(ValidationError, match="incomparable"):
        services.question_update(
            actor=standing.researcher, study=study, question=question, text="Changed?"
        )
    with pytest.raises(ValidationError, match="Round 1 has opened"):
        services.question_remove(actor=standing.researcher, study=study, question=question)
    assert list(study.open_questions.values_list("text", flat=True)) == ["What helps?"]


# --- themes ----------------------------------------------------------------------------------


def test_an_unused_theme_can_be_renamed_recoded_and_removed(standing: Any, study: Study) -> None:
    theme = services.theme_add(actor=standing.researcher, study=study, code="T1", name="Listen")
    services.theme_update(
        actor=standing.researcher,
        study=study,
        theme=theme,
        code="LISTEN",
        name="Being listened to",
        description="Staff hear what the person says.",
    )
    theme.refresh_from_db()
    assert (theme.code, theme.name, theme.description) == (
        "LISTEN",
        "Being listened to",
        "Staff hear what the person says.",
    )
    assert _audited("update", "study_theme", theme.pk)
    services.theme_remove(actor=standing.researcher, study=study, theme=theme)
    assert not study.themes.exists()
    assert _audited("delete", "study_theme", theme.pk)


def test_a_theme_cannot_take_another_themes_code(standing: Any, study: Study) -> None:
    services.theme_add(actor=standing.researcher, study=study, code="T1", name="One")
    second = services.theme_add(actor=standing.researcher, study=study, code="T2", name="Two")
    with pytest.raises(ValidationError, match="Another theme already has the code T1"):
        services.theme_update(
            actor=standing.researcher, study=study, theme=second, code="T1", name="Two"
        )
    assert sorted(study.themes.values_list("code", flat=True)) == ["T1", "T2"]


def test_a_theme_in_use_keeps_its_code_but_can_be_renamed(standing: Any, study: Study) -> None:
    rating = _with_a_submitted_comment(standing, study)
    theme = services.theme_add(actor=standing.researcher, study=study, code="T1", name="Listen")
    services.codings_set(
        actor=standing.researcher, study=study, unit=f"c{rating.pk}", theme_ids=[theme.pk]
    )
    with pytest.raises(ValidationError, match="1 coding uses the code T1"):
        services.theme_update(
            actor=standing.researcher, study=study, theme=theme, code="T9", name="Listening"
        )
    theme.refresh_from_db()
    assert (theme.code, theme.name) == ("T1", "Listen")
    services.theme_update(
        actor=standing.researcher, study=study, theme=theme, code="T1", name="Listening"
    )
    theme.refresh_from_db()
    assert (theme.code, theme.name) == ("T1", "Listening")
    assert Coding.objects.get().theme == theme


def test_a_theme_used_by_codings_cannot_be_removed_and_the_message_counts_them(
    standing: Any, study: Study
) -> None:
    rating = _with_a_submitted_comment(standing, study)
    theme = services.theme_add(actor=standing.researcher, study=study, code="T1", name="Listen")
    for coder in (standing.researcher, standing.manager):
        services.codings_set(actor=coder, study=study, unit=f"c{rating.pk}", theme_ids=[theme.pk])
    with pytest.raises(ValidationError, match="2 codings use this theme"):
        services.theme_remove(actor=standing.researcher, study=study, theme=theme)
    assert study.themes.filter(pk=theme.pk).exists()
    assert Coding.objects.filter(theme=theme).count() == 2
    assert not _audited("delete", "study_theme", theme.pk)


def test_a_theme_with_a_framework_summary_cannot_be_removed(standing: Any, study: Study) -> None:
    theme = services.theme_add(actor=standing.researcher, study=study, code="T1", name="Listen")
    services.framework_cell_save(
        actor=standing.researcher,
        study=study,
        theme=theme,
        row_kind="group",
        row_key="carers",
        summary="Carers want to be heard.",
    )
    with pytest.raises(ValidationError, match="1 framework matrix summary uses this theme"):
        services.theme_remove(actor=standing.researcher, study=study, theme=theme)
    assert FrameworkCell.objects.filter(theme=theme).exists()


def test_themes_stay_editable_after_round_1_opens(standing: Any, study: Study) -> None:
    theme = services.theme_add(actor=standing.researcher, study=study, code="T1", name="Listen")
    services.round_open(actor=standing.researcher, study=study, number=1)
    services.theme_update(actor=standing.researcher, study=study, theme=theme, code="T1", name="L")
    theme.refresh_from_db()
    assert theme.name == "L"


# --- pages -----------------------------------------------------------------------------------


def test_the_statements_page_offers_change_and_remove_only_before_round_1(
    standing: Any, client_for: Any, study: Study
) -> None:
    client = client_for(standing.researcher)
    statement = study.statements.get(code="CC01")
    page = client.get(reverse("studies:statements", args=[study.pk])).content.decode()
    assert reverse("studies:statement_edit", args=[study.pk, statement.pk]) in page
    assert reverse("studies:statement_remove", args=[study.pk, statement.pk]) in page
    services.round_open(actor=standing.researcher, study=study, number=1)
    page = client.get(reverse("studies:statements", args=[study.pk])).content.decode()
    assert reverse("studies:statement_edit", args=[study.pk, statement.pk]) not in page


def test_an_organiser_changes_a_statement_through_the_form(
    standing: Any, client_for: Any, study: Study
) -> None:
    statement = study.statements.get(code="CC02")
    url = reverse("studies:statement_edit", args=[study.pk, statement.pk])
    client = client_for(standing.manager)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["text"] == statement.text
    response = client.post(url, {"topic": "recovery", "text": "Repeating assessments tires."})
    assert response.status_code == 302
    statement.refresh_from_db()
    assert (statement.code, statement.topic, statement.text) == (
        "CC02",
        "recovery",
        "Repeating assessments tires.",
    )


def test_changing_a_statement_after_round_1_opens_explains_why_and_changes_nothing(
    standing: Any, client_for: Any, study: Study
) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    statement = study.statements.get(code="CC01")
    url = reverse("studies:statement_edit", args=[study.pk, statement.pk])
    client = client_for(standing.researcher)
    page = client.get(url)
    assert page.context["fixed"] and "incomparable" in page.content.decode()
    assert '<form method="post"' not in page.content.decode().split("<main")[1]
    response = client.post(url, {"topic": "", "text": "Changed"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("studies:statements", args=[study.pk])
    assert any("incomparable" in m for m in _messages(response))
    statement.refresh_from_db()
    assert statement.text == "Service users should be active participants."


def test_removing_needs_the_box_ticked(standing: Any, client_for: Any, study: Study) -> None:
    statement = study.statements.get(code="CC01")
    url = reverse("studies:statement_remove", args=[study.pk, statement.pk])
    client = client_for(standing.researcher)
    page = client.get(url)
    assert statement.text in page.content.decode()
    unticked = client.post(url, {})
    assert unticked.status_code == 200
    assert "Tick the box to confirm the removal." in unticked.content.decode()
    assert Statement.objects.filter(pk=statement.pk).exists()
    removed = client.post(url, {"confirm": "on"}, follow=True)
    assert "Statement CC01 has been removed." in _messages(removed)
    assert not Statement.objects.filter(pk=statement.pk).exists()


def test_removing_a_statement_twice_says_it_has_gone_instead_of_failing(
    standing: Any, client_for: Any, study: Study
) -> None:
    statement = study.statements.get(code="CC01")
    url = reverse("studies:statement_remove", args=[study.pk, statement.pk])
    client = client_for(standing.researcher)
    client.post(url, {"confirm": "on"})
    again = client.post(url, {"confirm": "on"}, follow=True)
    assert again.status_code == 200
    assert again.redirect_chain[-1][0] == reverse("studies:statements", args=[study.pk])
    assert "That statement is no longer in the study: it has been removed." in _messages(again)
    assert (
        client.get(reverse("studies:statement_edit", args=[study.pk, statement.pk])).status_code
        == 302
    )


def test_removing_a_question_after_round_1_opens_is_refused_with_a_message(
    standing: Any, client_for: Any
) -> None:
    study = build_study(standing, open_first_round=True)
    question = services.question_add(actor=standing.researcher, study=study, text="What helps?")
    services.round_open(actor=standing.researcher, study=study, number=1)
    url = reverse("studies:question_remove", args=[study.pk, question.pk])
    response = client_for(standing.researcher).post(url, {"confirm": "on"}, follow=True)
    assert any("Round 1 has opened" in m for m in _messages(response))
    assert OpenQuestion.objects.filter(pk=question.pk).exists()


def test_an_organiser_changes_and_removes_a_question_through_the_pages(
    standing: Any, client_for: Any, study: Study
) -> None:
    question = services.question_add(actor=standing.researcher, study=study, text="What helps?")
    client = client_for(standing.researcher)
    client.post(
        reverse("studies:question_edit", args=[study.pk, question.pk]), {"text": "What helps most?"}
    )
    question.refresh_from_db()
    assert question.text == "What helps most?"
    client.post(reverse("studies:question_remove", args=[study.pk, question.pk]), {"confirm": "on"})
    assert not OpenQuestion.objects.filter(pk=question.pk).exists()


def test_the_theme_removal_page_says_how_many_codings_use_it(
    standing: Any, client_for: Any, study: Study
) -> None:
    rating = _with_a_submitted_comment(standing, study)
    theme = services.theme_add(actor=standing.researcher, study=study, code="T1", name="Listen")
    services.codings_set(
        actor=standing.researcher, study=study, unit=f"c{rating.pk}", theme_ids=[theme.pk]
    )
    url = reverse("studies:theme_remove", args=[study.pk, theme.pk])
    client = client_for(standing.researcher)
    page = client.get(url)
    assert "1 coding uses this theme, so it cannot be removed." in page.content.decode()
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert any("1 coding uses this theme" in m for m in _messages(response))
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_the_codebook_download_follows_edits_and_imports_back_unchanged(
    standing: Any, client_for: Any, study: Study
) -> None:
    keep = services.theme_add(actor=standing.researcher, study=study, code="T1", name="Listen")
    drop = services.theme_add(actor=standing.researcher, study=study, code="T2", name="Wait")
    client = client_for(standing.researcher)
    client.post(
        reverse("studies:theme_edit", args=[study.pk, keep.pk]),
        {"code": "LISTEN", "name": "Being listened to", "description": "Heard"},
    )
    client.post(reverse("studies:theme_remove", args=[study.pk, drop.pk]), {"confirm": "on"})
    download = client.get(reverse("studies:codebook_csv", args=[study.pk])).content.decode()
    assert list(csv.reader(io.StringIO(download))) == [
        ["code", "name", "description"],
        ["LISTEN", "Being listened to", "Heard"],
    ]
    client.post(
        reverse("studies:codebook", args=[study.pk]),
        {
            "action": "import",
            "file": SimpleUploadedFile("codebook.csv", download.encode(), "text/csv"),
        },
    )
    assert list(study.themes.values_list("code", "name", "description")) == [
        ("LISTEN", "Being listened to", "Heard")
    ]


# --- who may correct a design ----------------------------------------------------------------


def test_an_organiser_of_another_organisation_cannot_change_or_remove_anything(
    standing: Any, client_for: Any, study: Study
) -> None:
    other = Organisation.objects.create(name="Other", code="OTH01", country=Country.WALES)
    outsider = make_staff("outsider", Role.RESEARCHER, other, None)
    statement = study.statements.get(code="CC01")
    theme = services.theme_add(actor=standing.researcher, study=study, code="T1", name="Listen")
    question = services.question_add(actor=standing.researcher, study=study, text="What helps?")
    client = client_for(outsider)
    attempts = [
        ("studies:statement_edit", statement.pk, {"topic": "", "text": "Hijacked"}),
        ("studies:statement_remove", statement.pk, {"confirm": "on"}),
        ("studies:question_edit", question.pk, {"text": "Hijacked?"}),
        ("studies:question_remove", question.pk, {"confirm": "on"}),
        ("studies:theme_edit", theme.pk, {"code": "T1", "name": "Hijacked"}),
        ("studies:theme_remove", theme.pk, {"confirm": "on"}),
    ]
    for name, pk, data in attempts:
        assert client.post(reverse(name, args=[study.pk, pk]), data).status_code == 403, name
    statement.refresh_from_db()
    theme.refresh_from_db()
    question.refresh_from_db()
    assert (statement.text, theme.name, question.text) == (
        "Service users should be active participants.",
        "Listen",
        "What helps?",
    )
    assert AuditEntry.objects.filter(action="denied", actor=outsider).count() == len(attempts)


@pytest.mark.parametrize("role", ["coordinator", "clinician", "person", "administrator"])
def test_people_who_do_not_organise_studies_cannot_remove_statements(
    standing: Any, client_for: Any, study: Study, role: str
) -> None:
    statement = study.statements.get(code="CC01")
    url = reverse("studies:statement_remove", args=[study.pk, statement.pk])
    response = client_for(getattr(standing, role if role != "person" else "person_user")).post(
        url, {"confirm": "on"}
    )
    assert response.status_code == 403
    assert Statement.objects.filter(pk=statement.pk).exists()


def test_an_item_of_another_study_cannot_be_reached_through_this_one(
    standing: Any, client_for: Any, study: Study
) -> None:
    other_study = build_study(standing, title="Second study")
    theirs = other_study.statements.get(code="CC01")
    theme = services.theme_add(actor=standing.researcher, study=other_study, code="T1", name="X")
    client = client_for(standing.researcher)
    response = client.post(
        reverse("studies:statement_remove", args=[study.pk, theirs.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("studies:theme_remove", args=[study.pk, theme.pk]), {"confirm": "on"}
    )
    assert response["Location"] == reverse("studies:codebook", args=[study.pk])
    assert Statement.objects.filter(pk=theirs.pk).exists()
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_the_statement_and_question_boxes_each_have_their_own_label(
    standing: Any, client_for: Any, study: Study
) -> None:
    page = client_for(standing.researcher).get(reverse("studies:statements", args=[study.pk]))
    html = page.content.decode()
    assert html.count('id="id_text"') == 1
    assert 'for="question_text"' in html and 'id="question_text"' in html
