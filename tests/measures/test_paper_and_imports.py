"""Paper entry keyed twice (differences resolved before saving), and imports of responses
and REDCap files: bad input gets a clear message and writes nothing."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from ourplan.measures import imports, queries, services
from ourplan.measures.models import (
    InstrumentVersion,
    LicensedWording,
    Mode,
    PaperEntry,
    PaperEntryStatus,
    Response,
    Score,
)

pytestmark = pytest.mark.django_db


def _key(page: Any) -> str:
    return re.search(r'name="submission_key" value="([0-9a-f]+)"', page.content.decode()).group(1)


def _answers(value: int, **overrides: Any) -> dict[str, str]:
    data = {f"STARP{i:02d}": str(value) for i in range(1, 13)}
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def test_double_entry_that_agrees_is_saved_and_scored(standing: Any, client_for: Any) -> None:
    client = client_for(standing.administrator)
    url = "/measures/paper/new/?instrument=star_p"
    first = client.post(
        url,
        {
            "instrument": "star_p",
            "nhs_number": standing.person.nhs_number,
            "occasion": "review",
            "completed_on": "2025-03-01",
            "submission_key": _key(client.get(url)),
            **_answers(3),
        },
    )
    assert first.status_code == 302
    entry = PaperEntry.objects.get()
    assert entry.status == PaperEntryStatus.AWAITING_SECOND and not Response.objects.exists()
    second_url = f"/measures/paper/{entry.pk}/second/"
    second = client.post(
        second_url, {"submission_key": _key(client.get(second_url)), **_answers(3)}
    )
    assert second.status_code == 302
    response = Response.objects.get()
    assert response.mode == Mode.PAPER and str(response.completed_on) == "2025-03-01"
    # Nine items of 3, and the three non-supportive items reversed to 1: 30.
    assert Score.objects.get(response=response, score_id="total").value == 30.0


def test_a_double_entry_mismatch_saves_nothing_until_resolved(
    standing: Any, client_for: Any
) -> None:
    entry = services.paper_first_entry(
        actor=standing.administrator,
        person=standing.person,
        instrument_id="star_p",
        occasion="review",
        completed_on=queries.period_start("all") or __import__("datetime").date(2025, 3, 1),
        answers={f"STARP{i:02d}": 3 for i in range(1, 13)},
    )
    client = client_for(standing.administrator)
    second_url = f"/measures/paper/{entry.pk}/second/"
    mismatch = client.post(
        second_url,
        {"submission_key": _key(client.get(second_url)), **_answers(3, STARP04=1, STARP09="")},
    )
    assert mismatch["Location"] == f"/measures/paper/{entry.pk}/resolve/"
    entry.refresh_from_db()
    assert entry.status == PaperEntryStatus.DIFFERENCES and entry.differences == [
        "STARP04",
        "STARP09",
    ]
    assert not Response.objects.exists()
    resolve_url = f"/measures/paper/{entry.pk}/resolve/"
    page = client.get(resolve_url).content.decode()
    assert "First entry: 3. Second entry: 1." in page and "Second entry: blank" in page
    client.post(
        resolve_url,
        {"submission_key": _key(client.get(resolve_url)), "STARP04": "1", "STARP09": "3"},
    )
    response = Response.objects.get()
    assert response.answers["STARP04"] == 1 and response.answers["STARP09"] == 3


def test_paper_entry_refuses_off_scale_answers_with_a_message(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.administrator)
    url = "/measures/paper/new/?instrument=star_p"
    page = client.post(
        url,
        {
            "instrument": "star_p",
            "nhs_number": standing.person.nhs_number,
            "occasion": "review",
            "completed_on": "2025-03-01",
            "submission_key": _key(client.get(url)),
            **_answers(3, STARP02=7),
        },
    )
    assert (
        page.status_code == 200
        and "7 is not an answer on this questionnaire" in page.content.decode()
    )
    assert not PaperEntry.objects.exists()


def _csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


STAR_HEADER = "nhs_number,completed_on,occasion," + ",".join(f"STARP{i:02d}" for i in range(1, 13))


def test_an_import_with_an_unknown_item_writes_nothing(standing: Any, client_for: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(standing.administrator)
    content = _csv(
        STAR_HEADER + ",FAVOURITE_COLOUR",
        f"{standing.person.nhs_number},2025-01-02,other" + ",2" * 12 + ",3",
    )
    page = client.post(
        "/measures/import/",
        {
            "kind": "table",
            "instrument": "star_p",
            "file": SimpleUploadedFile("a.csv", content),
            "submission_key": _key(client.get("/measures/import/")),
        },
    )
    assert page.status_code == 200
    assert (
        "&#x27;FAVOURITE_COLOUR&#x27; is not an item of" in page.content.decode()
        or "'FAVOURITE_COLOUR' is not an item of" in page.content.decode()
    )
    assert not Response.objects.exists()


def test_an_import_is_all_or_nothing(standing: Any) -> None:
    frame = imports.read_upload(
        "a.csv",
        _csv(
            STAR_HEADER,
            f"{standing.person.nhs_number},2025-01-02,other" + ",2" * 12,
            f"{standing.person.nhs_number},2025-02-02,other,9" + ",2" * 11,
        ),
        text_columns=["nhs_number"],
    )
    with pytest.raises(imports.ImportProblem, match="Row 3, STARP01: 9 is off the scale"):
        imports.parse_responses(frame, InstrumentVersion.objects.get(instrument_id="star_p").parsed)
    assert not Response.objects.exists()


def test_a_good_table_import_is_scored(standing: Any) -> None:
    rsa = InstrumentVersion.objects.get(instrument_id="rsa_person", is_current=True).parsed
    header = "nhs_number,completed_on," + ",".join(rsa.item_ids)
    frame = imports.read_upload(
        "a.csv",
        _csv(header, f"{standing.person.nhs_number},2025-01-02," + ",".join(["4"] * 35 + ["9"])),
        text_columns=["nhs_number"],
    )
    rows = queries.import_rows(standing.organisation, imports.parse_responses(frame, rsa))
    [response] = services.import_responses(
        actor=standing.administrator, instrument_id="rsa_person", rows=rows
    )
    assert response.answers["RSA36"] == "na"
    assert Score.objects.get(response=response, score_id="total").answered == 35


def test_an_unknown_nhs_number_stops_the_import(standing: Any) -> None:
    frame = imports.read_upload(
        "a.csv",
        _csv(STAR_HEADER, "9990001928,2025-01-02,other" + ",2" * 12),
        text_columns=["nhs_number"],
    )
    parsed = imports.parse_responses(
        frame, InstrumentVersion.objects.get(instrument_id="star_p").parsed
    )
    with pytest.raises(imports.ImportProblem, match="nobody with the NHS number ending 1928"):
        queries.import_rows(standing.organisation, parsed)


def test_a_redcap_export_skips_redcap_columns(standing: Any) -> None:
    header = (
        "record_id,redcap_survey_identifier,nhs_number,star_p_timestamp,"
        + ",".join(f"STARP{i:02d}" for i in range(1, 13))
        + ",star_p_complete"
    )
    frame = imports.read_upload(
        "r.csv",
        _csv(header, f"1,,{standing.person.nhs_number},2025-04-05 10:11:12" + ",1" * 12 + ",2"),
        text_columns=["nhs_number"],
    )
    [row] = imports.parse_responses(
        frame, InstrumentVersion.objects.get(instrument_id="star_p").parsed, redcap=True
    )
    assert str(row.completed_on) == "2025-04-05" and len(row.answers) == 12


DICTIONARY = """"Variable / Field Name","Form Name","Section Header","Field Type","Field Label","Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number","Text Validation Min","Text Validation Max","Identifier?","Branching Logic (Show field only if...)","Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name","Matrix Ranking?","Field Annotation"
record_id,wellbeing,,text,Record ID,,,,,,,,,,,,,
name,wellbeing,,text,Name,,,,,,y,,,,,,,
wb_1,wellbeing,,radio,"<b>I slept well</b>","1, Never | 2, Sometimes | 3, Often | 9, Not applicable",,,,,,,,,,sleep,,
wb_2,wellbeing,,radio,I felt rested,"1, Never | 2, Sometimes | 3, Often | 9, Not applicable",,,,,,,,,,sleep,,
wb_3,wellbeing,,radio,I saw friends,"1, Never | 2, Sometimes | 3, Often | 8, Prefer not to say",,,,,,,,,,,,
"""


def test_a_redcap_dictionary_becomes_a_definition_with_its_wording(standing: Any) -> None:
    built = imports.parse_redcap_dictionary(
        DICTIONARY.encode(), instrument_id="wellbeing", name="Wellbeing", respondent="person"
    )
    definition = built.definition
    assert definition.item_ids == ("wb_1", "wb_2", "wb_3")
    assert (definition.scale.low, definition.scale.high) == (1, 3)
    assert definition.scale.not_applicable == (9,) and definition.scale.prefer_not_to_answer == 8
    assert [s.id for s in definition.scores] == ["sleep", "total"]
    services.import_dictionary(
        actor=standing.administrator, organisation=standing.organisation, built=built
    )
    assert queries.current_version("wellbeing") is not None
    wording = LicensedWording.objects.get(
        organisation=standing.organisation, instrument_id="wellbeing"
    )
    assert wording.texts["wellbeing.wb_1"] == "I slept well"


def test_a_dictionary_with_a_shipped_id_is_refused(standing: Any) -> None:
    from django.core.exceptions import ValidationError

    built = imports.parse_redcap_dictionary(
        DICTIONARY.encode(), instrument_id="star_p", name="x", respondent="person"
    )
    with pytest.raises(ValidationError):
        services.import_dictionary(
            actor=standing.administrator, organisation=standing.organisation, built=built
        )


def test_a_file_that_is_not_a_dictionary_is_refused() -> None:
    with pytest.raises(imports.ImportProblem, match="not a REDCap data dictionary"):
        imports.parse_redcap_dictionary(
            b"a,b\n1,2\n", instrument_id="x", name="x", respondent="person"
        )
    _unused = io


def test_the_paper_forms_hint_is_one_whole_sentence_for_each_case() -> None:
    # One translatable sentence per case (a translator cannot reorder glued pieces).
    from ourplan.measures.catalogue import shipped_definitions
    from ourplan.measures.forms import PaperAnswersForm

    definitions = shipped_definitions()
    with_codes = PaperAnswersForm(definition=definitions["rsa_person"]).hint
    assert with_codes == (
        "Type each answer as written on the paper copy (1 to 5), leave it blank if there is "
        "none, type 9 for not applicable and 8 for prefer not to answer."
    )
    declined_only = PaperAnswersForm(definition=definitions["star_p"]).hint
    assert declined_only == (
        "Type each answer as written on the paper copy (0 to 4), leave it blank if there is "
        "none, or type 8 for prefer not to answer."
    )
    without = PaperAnswersForm(definition=definitions["gbo"]).hint
    assert without == (
        "Type each answer as written on the paper copy (0 to 10), or leave it blank if there "
        "is none."
    )
