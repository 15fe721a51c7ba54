"""Definition versions: a change never silently rescores history; an explicit, audited
rescore keeps the old scores. Licensed wording: shown when loaded, refused for the wrong
instrument (nothing written)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ourplan.core.models import AuditEntry
from ourplan.measures import catalogue, queries, services
from ourplan.measures.catalogue import WordingError
from ourplan.measures.models import InstrumentVersion, LicensedWording, Rescore, Score
from ourplan.measures.scoring import parse_definition
from tests.measures.conftest import all_items

pytestmark = pytest.mark.django_db


def _changed_star_p() -> Any:
    """STAR-P with item 10 moved into positive collaboration: a corrected key."""
    raw = copy.deepcopy(dict(catalogue.shipped_definitions()["star_p"].raw))
    raw["version"] = "2007.2"
    for item in raw["items"]:
        if item["id"] == "STARP10":
            item["subscales"] = ["positive_collaboration"]
    return parse_definition(raw)


def test_a_definition_change_then_an_explicit_rescore_keeps_the_old_scores(
    standing: Any, respond: Any
) -> None:
    answers = all_items("star_p", 2) | {"STARP10": 4}
    response = respond(
        actor=standing.person_user, instrument="star_p", answers=answers, person=standing.person
    )
    old = {s.score_id: s.value for s in Score.objects.filter(response=response)}
    assert old["positive_input"] == 8.0  # items 1, 10, 12: 2 + 4 + 2

    # A new version of the definition is registered and made current...
    changed = _changed_star_p()
    version = services.register_definition(
        actor=standing.administrator, definition=changed, origin="test", make_current=True
    )
    assert InstrumentVersion.objects.filter(instrument_id="star_p").count() == 2
    # ...and nothing about the stored scores changes by itself.
    assert {
        s.score_id: s.value
        for s in Score.objects.filter(response=response, superseded_at__isnull=True)
    } == old
    status = next(
        s for s in queries.definition_statuses(standing.organisation) if s.instrument_id == "star_p"
    )
    assert status.outdated_scores == 4

    run = services.rescore(
        actor=standing.administrator, instrument_id="star_p", reason="Corrected key"
    )
    assert run.rescored == 1
    current = {
        s.score_id: s for s in Score.objects.filter(response=response, superseded_at__isnull=True)
    }
    # Positive collaboration now has 7 items (six 2s and a 4: mean 16/7, prorated over 7).
    assert current["positive_collaboration"].value == pytest.approx(16.0)
    # Positive input keeps items 1 and 12 (both 2): mean 2, prorated over its 2 items.
    assert current["positive_input"].value == pytest.approx(4.0)
    assert all(s.instrument == version for s in current.values())
    history = Score.objects.filter(response=response, superseded_at__isnull=False)
    assert {s.score_id: s.value for s in history} == old
    assert all(s.superseded_by == run for s in history)
    assert AuditEntry.objects.filter(object_type=Rescore.AUDIT_TYPE, object_id=str(run.pk)).exists()
    # The response still says which version it was answered under.
    response.refresh_from_db()
    assert response.instrument.version == "2007.1"


def test_a_rescore_needs_a_reason(standing: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.rescore(actor=standing.administrator, instrument_id="star_p", reason="  ")
    assert not Rescore.objects.exists()


def test_scores_cannot_be_edited() -> None:
    from django.db.models import ProtectedError

    score = Score(score_id="x", answered=1, n_items=1)
    score.pk = 1
    with pytest.raises(ProtectedError):
        score.save(update_fields=["value"])


def test_licensed_wording_is_shown_once_loaded(
    standing: Any, client_for: Any, respond: Any
) -> None:
    definition = catalogue.shipped_definitions()["star_p"]
    lines = "\n".join(f'  {i.text_key}: "Licensed wording of {i.id}."' for i in definition.items)
    text = f"instrument: star_p\nlanguage: en-gb\nholder: Test Trust\nitems:\n{lines}\n"
    services.load_wording(
        actor=standing.administrator,
        organisation=standing.organisation,
        instrument_id="star_p",
        text=text,
    )
    response = respond(
        actor=standing.person_user,
        instrument="star_p",
        answers={},
        person=standing.person,
        finish=False,
    )
    page = client_for(standing.person_user).get(f"/questionnaires/{response.pk}/").content.decode()
    assert "Licensed wording of STARP01." in page and "Short names only" not in page
    # Another organisation's people still see short names.
    assert queries.wording_for(None, "star_p") is None


def test_wording_for_the_wrong_instrument_is_refused_and_nothing_is_written(standing: Any) -> None:
    text = "instrument: rsa_person\nlanguage: en-gb\nitems:\n  rsa_person.01: x\n"
    before = LicensedWording.objects.count()
    with pytest.raises(WordingError, match="is for the instrument 'rsa_person', not 'star_p'"):
        services.load_wording(
            actor=standing.administrator,
            organisation=standing.organisation,
            instrument_id="star_p",
            text=text,
        )
    assert LicensedWording.objects.count() == before


def test_wording_missing_an_item_or_with_a_stranger_is_refused(standing: Any) -> None:
    definition = catalogue.shipped_definitions()["star_p"]
    some = "\n".join(f"  {i.text_key}: x" for i in definition.items[:11])
    with pytest.raises(WordingError, match=r"no wording for star_p\.12"):
        catalogue.parse_wording_text(
            f"instrument: star_p\nlanguage: en-gb\nitems:\n{some}\n", definition
        )
    stray = some + "\n  star_p.99: x\n  star_p.12: y"
    with pytest.raises(WordingError, match=r"star_p\.99"):
        catalogue.parse_wording_text(
            f"instrument: star_p\nlanguage: en-gb\nitems:\n{stray}\n", definition
        )


def test_the_wording_page_shows_the_problem(standing: Any, client_for: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(standing.administrator)
    page = client.get("/measures/setup/wording/").content.decode()
    import re

    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page).group(1)
    upload = SimpleUploadedFile(
        "w.yaml", b"instrument: rsa_person\nlanguage: en-gb\nitems:\n  a: b\n"
    )
    answer = client.post(
        "/measures/setup/wording/", {"instrument": "star_p", "file": upload, "submission_key": key}
    )
    assert answer.status_code == 200
    assert "is for the instrument" in answer.content.decode()
    assert not LicensedWording.objects.filter(organisation=standing.organisation).exists()


def test_a_licensed_shell_is_scored_only_with_its_licensed_key(standing: Any, respond: Any) -> None:
    answers = all_items("reqol10", 2) | {"REQOL01": 4}
    unscored = respond(
        actor=standing.person_user, instrument="reqol10", answers=answers, person=standing.person
    )
    assert not Score.objects.filter(response=unscored).exists()
    definition = catalogue.shipped_definitions()["reqol10"]
    lines = "\n".join(f"  {i.text_key}: w" for i in definition.items)
    services.load_wording(
        actor=standing.administrator,
        organisation=standing.organisation,
        instrument_id="reqol10",
        text=f"instrument: reqol10\nlanguage: en-gb\nreverse: [REQOL01]\nitems:\n{lines}\n",
    )
    scored = respond(
        actor=standing.person_user, instrument="reqol10", answers=answers, person=standing.person
    )
    assert Score.objects.get(response=scored).value == 18.0
    services.rescore(actor=standing.administrator, instrument_id="reqol10", reason="Licence loaded")
    assert Score.objects.get(response=unscored, superseded_at__isnull=True).value == 18.0
