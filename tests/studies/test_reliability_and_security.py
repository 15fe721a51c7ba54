"""Findings from "Reliability and security": invitations stay inside the organisation, and
uploads with NUL bytes are refused with a form error instead of failing on PostgreSQL.

Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://postgres@127.0.0.1:5432/test):
PostgreSQL cannot store a NUL character in text, which is how the old code failed there.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ourplan.accounts.models import Role
from ourplan.people.models import Country, Organisation, Supporter, SupporterKind, Team
from ourplan.studies import services
from ourplan.studies.models import Participant, Statement, Study, Theme
from tests.factories import make_person, make_staff, make_user


@pytest.fixture
def welsh(db: Any) -> dict[str, Any]:
    """Accounts of a Welsh health board: a service user, a researcher and a supporter."""
    board = Organisation.objects.create(name="Welsh board", code="WAL01", country=Country.WALES)
    team = Team.objects.create(organisation=board, name="Tîm y gogledd")
    person_user = make_user("welshperson", Role.SERVICE_USER)
    person = make_person(team, "4010232137", given="Elin", user=person_user)
    supporter_user = make_user("welshsupporter", Role.SUPPORTER)
    Supporter.objects.create(
        person=person,
        user=supporter_user,
        given_name="Siôn",
        kind=SupporterKind.FRIEND,
        relationship="my friend",
    )
    return {
        "person": person_user,
        "researcher": make_staff("welshresearcher", Role.RESEARCHER, board, None),
        "supporter": supporter_user,
    }


def _invite(standing: Any, study: Study, username: str) -> Participant:
    return services.participant_invite_account(
        actor=standing.researcher,
        study=study,
        panel=study.panels.get(name="service users"),
        username=username,
    )


def _refusal(standing: Any, study: Study, username: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        _invite(standing, study, username)
    return caught.value.message_dict["username"]


# --- invitations: the study's own organisation only, and the same words for every refusal ---


@pytest.mark.parametrize("who", ["person", "researcher", "supporter"])
def test_an_account_of_another_organisation_cannot_be_invited(
    standing: Any, study: Study, welsh: dict[str, Any], who: str
) -> None:
    refusal = _refusal(standing, study, welsh[who].username)
    assert not Participant.objects.filter(user=welsh[who]).exists()
    # Exactly what an unknown username gets, so the form says nothing about who exists.
    assert refusal == _refusal(standing, study, "nobody-at-all")


def test_an_inactive_account_gets_the_same_refusal(standing: Any, study: Study) -> None:
    standing.other_person_user.is_active = False
    standing.other_person_user.save(update_fields=["is_active"])
    assert _refusal(standing, study, "otherperson") == _refusal(standing, study, "nobody-at-all")


@pytest.mark.parametrize("who", ["person_user", "supporter", "coordinator"])
def test_accounts_of_the_studys_own_organisation_can_be_invited(
    standing: Any, study: Study, who: str
) -> None:
    user = getattr(standing, who)
    assert _invite(standing, study, user.username).user == user


def test_an_ended_supporter_is_no_longer_of_the_organisation(standing: Any, study: Study) -> None:
    from django.utils import timezone

    standing.supporter_record.ended_at = timezone.now()
    standing.supporter_record.save(update_fields=["ended_at"])
    assert _refusal(standing, study, "supporter") == _refusal(standing, study, "nobody-at-all")


def test_the_participants_page_says_the_same_for_unknown_and_foreign_accounts(
    standing: Any, client_for: Any, study: Study, welsh: dict[str, Any]
) -> None:
    client = client_for(standing.researcher)
    url = reverse("studies:participants", args=[study.pk])
    panel = study.panels.get(name="service users")

    def errors_for(username: str) -> list[str]:
        page = client.post(url, {"action": "account", "panel": panel.pk, "username": username})
        assert page.status_code == 200
        return list(page.context["account_form"].errors["username"])

    foreign = errors_for(welsh["person"].username)
    assert foreign == errors_for("nobody-at-all")
    assert "no active account with that username" in foreign[0]
    assert not Participant.objects.exists()


# --- NUL bytes in uploads: a clear form error, nothing saved --------------------------------


def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("upload.csv", content, "text/csv")


NUL_MESSAGE = "NUL"


def test_a_statements_file_with_a_nul_byte_is_refused_and_nothing_saved(
    standing: Any, client_for: Any, study: Study
) -> None:
    before = Statement.objects.count()
    page = client_for(standing.researcher).post(
        reverse("studies:statements", args=[study.pk]),
        {"action": "import", "file": _upload(b"id,topic,text\nNB01,care,Nul\x00here\n")},
    )
    assert page.status_code == 200
    errors = " ".join(page.context["import_form"].non_field_errors())
    assert NUL_MESSAGE in errors and "CSV UTF-8" in errors
    assert Statement.objects.count() == before


def test_a_codebook_with_a_nul_byte_is_refused_and_nothing_saved(
    standing: Any, client_for: Any, study: Study
) -> None:
    page = client_for(standing.researcher).post(
        reverse("studies:codebook", args=[study.pk]),
        {
            "action": "import",
            "file": _upload(b"code,name,description\nREL,Relation\x00ships,Trust\nBUR,Forms,x\n"),
        },
    )
    assert page.status_code == 200
    errors = " ".join(page.context["import_form"].non_field_errors())
    assert NUL_MESSAGE in errors and "CSV UTF-8" in errors
    assert not Theme.objects.exists()


def test_a_utf16_file_is_refused_rather_than_read_as_text_with_nul_bytes(
    standing: Any, study: Study
) -> None:
    # A spreadsheet saved as "Unicode text" is UTF-16: every other byte of plain letters is NUL.
    raw = "code,name,description\nREL,Relationships,Trust\n".encode("utf-16-le")
    with pytest.raises(ValidationError, match=NUL_MESSAGE):
        services.codebook_import(actor=standing.researcher, study=study, raw=raw)
    assert not Theme.objects.exists()


def test_paper_responses_with_a_nul_byte_are_refused_and_nothing_saved(
    standing: Any, client_for: Any, study: Study
) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    page = client_for(standing.researcher).post(
        reverse("studies:responses_import", args=[study.pk]),
        {
            "file": _upload(b"respondent_id,group,round,CC01\nSU\x001,service users,1,4\n"),
            "consent_confirmed": "on",
        },
    )
    assert page.status_code == 200
    assert NUL_MESSAGE in " ".join(page.context["form"].non_field_errors())
    assert not Participant.objects.exists()
