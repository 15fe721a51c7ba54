"""Exports (formula-safe CSV and XLSX, SPSS .sav with labels and missing codes, FHIR R4
that validates) and who sees results: a supporter only under a sharing agreement."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from ourplan.core.models import AuditAction, AuditEntry
from ourplan.measures import exports, fhir
from ourplan.measures.models import InstrumentVersion
from tests.measures.conftest import all_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(standing: Any, respond: Any) -> Any:
    respond(
        actor=standing.person_user,
        instrument="rsa_person",
        answers=all_items("rsa_person", 4) | {"RSA13": "na", "RSA14": "declined"},
        person=standing.person,
    )
    respond(
        actor=standing.person_user,
        instrument="star_p",
        answers=all_items("star_p", 2),
        person=standing.person,
    )
    return standing


def _version(instrument: str) -> InstrumentVersion:
    return InstrumentVersion.objects.get(instrument_id=instrument, is_current=True)


def test_the_export_table_is_de_identified(answered: Any) -> None:
    table = exports.export_table(
        _version("rsa_person"), exports.responses_for_export(answered.organisation, "rsa_person")
    )
    assert list(table.frame.columns[:5]) == [
        "respondent",
        "team",
        "completed_on",
        "occasion",
        "mode",
    ]
    row = table.frame.iloc[0]
    # One respondent in East team: under the small-cell limit, so the team is not named.
    assert row["respondent"] == "R0001"
    assert row["team"] == "a team with fewer than 5 respondents"
    assert row["RSA13"] == 9.0 and row["RSA14"] == 8.0  # the definition's codes
    assert row["score_total"] == pytest.approx(4.0)
    text = exports.to_csv(table).decode("utf-8-sig")
    for identifying in (
        answered.person.nhs_number,
        answered.person.family_name,
        str(answered.person.pk),
    ):
        assert identifying not in text


def _nhs_numbers(count: int) -> list[str]:
    """Valid NHS numbers (modulus 11 check digit) that no other test record uses."""
    out = []
    stem = 987_650_000
    while len(out) < count:
        stem += 1
        digits = [int(d) for d in str(stem)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            out.append(f"{stem}{check}")
    return out


def test_the_export_names_a_team_only_with_enough_respondents(answered: Any, respond: Any) -> None:
    from ourplan.people.models import Person

    for number in _nhs_numbers(4):
        person = Person.objects.create(
            organisation=answered.organisation,
            team=answered.team,
            given_name="T",
            family_name="T",
            date_of_birth="1970-01-01",
            nhs_number=number,
        )
        respond(
            actor=answered.coordinator,
            instrument="rsa_person",
            answers=all_items("rsa_person", 3),
            person=person,
        )
    table = exports.export_table(
        _version("rsa_person"), exports.responses_for_export(answered.organisation, "rsa_person")
    )
    assert set(table.frame["team"]) == {"East team"}
    assert table.frame["respondent"].nunique() == 5


def test_csv_and_xlsx_are_formula_safe(answered: Any, settings: Any) -> None:
    from openpyxl import load_workbook

    settings.OURPLAN_MEASURES_MIN_CELL = 1  # the one respondent's team is named

    from ourplan.people.models import Team

    Team.objects.filter(pk=answered.team.pk).update(name="=HYPERLINK(1)")
    table = exports.export_table(
        _version("star_p"), exports.responses_for_export(answered.organisation, "star_p")
    )
    assert ",'=HYPERLINK(1)," in exports.to_csv(table).decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(table))).active
    assert sheet["B2"].value == "'=HYPERLINK(1)"


def test_the_sav_round_trips_through_pyreadstat_with_its_labels(
    answered: Any, tmp_path: Path
) -> None:
    import pyreadstat

    table = exports.export_table(
        _version("rsa_person"), exports.responses_for_export(answered.organisation, "rsa_person")
    )
    path = tmp_path / "rsa.sav"
    path.write_bytes(exports.to_sav(table))
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert meta.column_names_to_labels["RSA01"] == "RSA (person) RSA01: Community connections"
    assert meta.column_names_to_labels["score_total"].startswith("RSA (person) Total score")
    labels = meta.variable_value_labels["RSA01"]
    assert labels[1.0] == "Strongly disagree" and labels[5.0] == "Strongly agree"
    assert labels[9.0] == "Not applicable" and labels[8.0] == "Prefer not to answer"
    assert {tuple(sorted(r.values())) for r in meta.missing_ranges["RSA01"]} == {
        (8.0, 8.0),
        (9.0, 9.0),
    }
    assert frame.loc[0, "RSA13"] == 9.0 and frame.loc[0, "RSA02"] == 4.0
    # Every item and score comes back as written.
    for column in [*table.definition.item_ids, *table.score_columns]:
        assert frame[column].tolist() == pytest.approx(
            table.frame[column].astype(float).tolist(), nan_ok=True
        )
    # Read the ordinary way, the missing codes are missing.
    plain, _meta = pyreadstat.read_sav(str(path))
    assert plain["RSA13"].isna().all()


def test_fhir_questionnaire_and_responses_validate(answered: Any) -> None:
    version = _version("star_p")
    questionnaire = fhir.questionnaire(version.parsed)
    fhir.validate(questionnaire)
    assert all("text" in item and item["text"] for item in questionnaire["item"])
    bundle = exports.to_fhir(version, exports.responses_for_export(answered.organisation, "star_p"))
    fhir.validate(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("QuestionnaireResponse") == 1 and kinds.count("Observation") == 4
    observation = next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "star_p.total"
    )
    assert observation["valueQuantity"]["value"] == 24.0
    assert observation["status"] == "final"
    # The validator looks inside the bundle: a score with no code is refused.
    from pydantic import ValidationError

    broken = json.loads(json.dumps(bundle))
    next(
        e["resource"] for e in broken["entry"] if e["resource"]["resourceType"] == "Observation"
    ).pop("code")
    with pytest.raises(ValidationError):
        fhir.validate(broken)
    assert observation["subject"]["identifier"]["value"] == "R0001"
    assert answered.person.nhs_number not in json.dumps(bundle)


def test_an_unscored_score_is_a_data_absent_observation(standing: Any, respond: Any) -> None:
    respond(
        actor=standing.person_user, instrument="qpr15", answers={"QPR01": 2}, person=standing.person
    )
    bundle = exports.to_fhir(
        _version("qpr15"), exports.responses_for_export(standing.organisation, "qpr15")
    )
    fhir.validate(bundle)
    observation = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    )
    assert (
        "valueQuantity" not in observation
        and observation["dataAbsentReason"]["coding"][0]["code"] == "not-performed"
    )


def test_the_person_fhir_download_names_the_patient_and_is_audited(
    answered: Any, client_for: Any
) -> None:
    reply = client_for(answered.coordinator).get(
        f"/people/{answered.person.pk}/questionnaires/fhir/"
    )
    bundle = json.loads(reply.content)
    fhir.validate(bundle)
    subjects = {
        e["resource"]["subject"]["identifier"]["value"]
        for e in bundle["entry"]
        if "subject" in e["resource"]
    }
    assert subjects == {answered.person.nhs_number}
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, person=answered.person).exists()


def test_the_export_page_downloads_each_format(answered: Any, client_for: Any) -> None:
    client = client_for(answered.researcher)
    for chosen, kind in (
        ("csv", "text/csv"),
        ("xlsx", "spreadsheetml"),
        ("sav", "spss"),
        ("fhir", "fhir+json"),
    ):
        reply = client.post(
            "/research/measures/export/", {"instrument": "rsa_person", "format": chosen}
        )
        assert reply.status_code == 200 and kind in reply["Content-Type"], chosen
    assert (
        AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="measures_export").count()
        == 4
    )


def test_a_supporter_sees_results_only_under_a_sharing_agreement(
    answered: Any, client_for: Any
) -> None:
    from ourplan.consent import services as consent
    from ourplan.consent.parts import Part

    client = client_for(answered.supporter)
    assert client.get("/supporter/questionnaire-results/").status_code == 403
    consent.agreement_set(
        actor=answered.person_user,
        person=answered.person,
        supporter=answered.supporter_record,
        parts=[Part.GOALS],
    )
    assert client.get("/supporter/questionnaire-results/").status_code == 403
    consent.agreement_set(
        actor=answered.person_user,
        person=answered.person,
        supporter=answered.supporter_record,
        parts=[Part.GOALS, Part.QUESTIONNAIRES],
    )
    before = AuditEntry.objects.filter(action=AuditAction.READ).count()
    page = client.get("/supporter/questionnaire-results/")
    assert (
        page.status_code == 200
        and "Scale To Assess the Therapeutic Relationship" in page.content.decode()
    )
    read = AuditEntry.objects.filter(action=AuditAction.READ).order_by("-pk").first()
    assert AuditEntry.objects.filter(action=AuditAction.READ).count() == before + 1
    assert (read.object_type, read.object_id, read.person) == (
        "questionnaire_results",
        str(answered.person.pk),
        answered.person,
    )
    assert (
        "supporter/questionnaire-results"
        in client.get("/supporter/questionnaires/").content.decode()
    )


def test_researchers_never_reach_a_persons_results(answered: Any, client_for: Any) -> None:
    client = client_for(answered.researcher)
    assert client.get(f"/people/{answered.person.pk}/questionnaires/").status_code == 403
    team = client.get("/research/measures/teams/?period=all").content.decode()
    # One person answered: below the small-cell limit, so no figures are shown.
    assert "fewer than 5" in team and "4.00" not in team
    _unused = re
