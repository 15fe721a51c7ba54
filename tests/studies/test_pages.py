"""Study pages: organisers, participants with links or accounts, results, exports, free text."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ourplan.accounts.models import Role
from ourplan.core.models import AuditEntry
from ourplan.people.models import Country, Organisation
from ourplan.studies import services
from ourplan.studies.exports import spreadsheet_safe
from ourplan.studies.models import Participant, Response, Study
from tests.factories import make_staff
from tests.studies.study_builders import answer, links


def _design(**extra: Any) -> dict[str, Any]:
    data = {
        "title": "Recovery study",
        "purpose": "Agree what recovery means",
        "groups": "service users\ncarers\nprofessionals",
        "planned_rounds": "2",
        "scale": "7",
        "threshold_percent": "70",
        "stability_method": "",
    }
    data.update(extra)
    return data


def test_an_organiser_creates_a_study_through_the_form(standing: Any, client_for: Any) -> None:
    response = client_for(standing.researcher).post(reverse("studies:create"), _design())
    assert response.status_code == 302
    study = Study.objects.get()
    assert study.organisation == standing.organisation
    assert study.scale == 7 and study.threshold == 0.70 and study.agree_min == 5
    assert study.panels.count() == 3


def test_the_form_explains_labels_that_do_not_fit_the_scale(standing: Any, client_for: Any) -> None:
    response = client_for(standing.researcher).post(
        reverse("studies:create"), _design(scale_labels="Low\nHigh")
    )
    assert response.status_code == 200
    assert "one label per point of the scale (7)" in response.content.decode()
    assert not Study.objects.exists()


def test_a_locked_definition_is_shown_disabled_and_cannot_be_posted(
    standing: Any, client_for: Any, study: Study
) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    client = client_for(standing.researcher)
    page = client.get(reverse("studies:edit", args=[study.pk]))
    assert page.context["form"].fields["threshold_percent"].disabled
    # Disabled fields keep their stored values even when a changed value is posted.
    response = client.post(
        reverse("studies:edit", args=[study.pk]),
        _design(groups="service users\ncarers", scale="5", threshold_percent="90", title="T2"),
    )
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.threshold == 0.75 and study.scale == 5 and study.title == "T2"


def test_an_organiser_from_another_organisation_is_refused_and_audited(
    standing: Any, client_for: Any, study: Study
) -> None:
    other = Organisation.objects.create(name="Other", code="OTH01", country=Country.WALES)
    outsider = make_staff("outsider", Role.RESEARCHER, other, None)
    response = client_for(outsider).get(reverse("studies:results", args=[study.pk]))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(
        action="denied", object_type="study", object_id=str(study.pk), actor=outsider
    ).exists()
    assert study not in client_for(outsider).get(reverse("studies:list")).context["studies"]


def test_a_clinician_cannot_see_studies(standing: Any, client_for: Any, study: Study) -> None:
    assert client_for(standing.clinician).get(reverse("studies:list")).status_code == 403
    denied = AuditEntry.objects.filter(action="denied", actor=standing.clinician)
    assert list(denied.values_list("object_type", "object_id")) == [("page", "studies:list")]


@pytest.mark.parametrize("token", ["x" * 43, "short"])
def test_an_unknown_invitation_link_is_refused_once_and_the_token_is_not_logged(
    client_for: Any, db: Any, token: str
) -> None:
    response = client_for(None).get(reverse("studies:join", args=[token]))
    assert response.status_code == 403
    denied = AuditEntry.objects.filter(action="denied")
    assert list(denied.values_list("object_type", "object_id")) == [("study_invitation", "")]


def test_a_study_of_another_organisation_and_a_missing_one_get_the_same_answer(
    standing: Any, client_for: Any, study: Study
) -> None:
    import uuid

    other = Organisation.objects.create(name="Other", code="OTH01", country=Country.WALES)
    outsider = make_staff("outsider", Role.RESEARCHER, other, None)
    client = client_for(outsider)
    missing_id = uuid.uuid4()
    forbidden = client.get(reverse("studies:detail", args=[study.pk]))
    missing = client.get(reverse("studies:detail", args=[missing_id]))
    assert forbidden.status_code == missing.status_code == 403

    def page(response: Any, study_id: Any) -> str:
        # The page links back to its own address, and CSRF tokens are masked afresh each time.
        html = response.content.decode().replace(str(study_id), "ID")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert page(forbidden, study.pk) == page(missing, missing_id)
    denied = AuditEntry.objects.filter(action="denied", actor=outsider, object_type="study")
    assert denied.count() == 2  # one entry per refusal, written by the 403 handler alone


def _open_with_two(standing: Any, study: Study) -> tuple[Any, Any]:
    services.round_open(actor=standing.researcher, study=study, number=1)
    su = links(standing, study, "service users")[0]
    ca = links(standing, study, "carers")[0]
    return su, ca


def test_a_participant_consents_saves_progress_and_submits_by_link(
    standing: Any, client_for: Any, study: Study
) -> None:
    su, _ca = _open_with_two(standing, study)
    client = client_for(None)
    home = reverse("studies:join", args=[su.token])
    assert "What taking part means" in client.get(home).content.decode()
    assert client.post(home, {"consent": "on"}).status_code == 302
    su.participant.refresh_from_db()
    assert su.participant.consented_at is not None
    round_url = reverse("studies:join_round", args=[su.token, 1])
    ids = {s.code: s.pk for s in study.statements.all()}
    client.post(round_url, {f"rating_{ids['CC01']}": "2", "action": "save"})
    assert Response.objects.get().submitted_at is None
    page = client.get(round_url)
    assert page.context["form"].initial[f"rating_{ids['CC01']}"] == "2"
    client.post(round_url, {f"rating_{ids['CC01']}": "4", "action": "submit"})
    response = Response.objects.get()
    assert response.submitted_at is not None
    assert response.ratings.get(statement__code="CC01").value == 4


def test_a_tampered_rating_gets_a_message_and_nothing_is_saved(
    standing: Any, client_for: Any, study: Study
) -> None:
    su, _ca = _open_with_two(standing, study)
    services.participant_consent(participant=su.participant)
    ids = {s.code: s.pk for s in study.statements.all()}
    page = client_for(None).post(
        reverse("studies:join_round", args=[su.token, 1]),
        {f"rating_{ids['CC01']}": "9", "action": "submit"},
    )
    assert page.status_code == 200
    assert "Choose a rating from 1 to 5." in page.content.decode()
    assert not Response.objects.exists()


def test_round_2_shows_the_panels_distribution_with_my_own_rating_marked(
    standing: Any, client_for: Any, study: Study
) -> None:
    su, ca = _open_with_two(standing, study)
    for link in (su, ca):
        services.participant_consent(participant=link.participant)
    answer(study, su.participant, 1, {"CC01": 5, "CC02": 2, "RE01": 4}, {"CC01": "Yes, always."})
    answer(study, ca.participant, 1, {"CC01": 3, "CC02": 2, "RE01": 4})
    services.round_close(actor=standing.researcher, study=study, number=1)
    services.round_open(actor=standing.researcher, study=study, number=2)
    page = client_for(None).get(reverse("studies:join_round", args=[ca.token, 2]))
    body = page.content.decode()
    cc01 = next(i for i in page.context["items"] if i["statement"].code == "CC01")
    assert cc01["entry"]["your_rating"] == 3
    marked = [row["value"] for row in cc01["feedback"]["rows"] if row["mine"]]
    assert marked == [3]
    assert cc01["feedback"]["groups"] == ["carers", "service users"]
    assert [row["overall"] for row in cc01["feedback"]["rows"]] == [0, 0, 1, 0, 1]
    assert "Your rating in round 1: <strong>3 (Neither agree nor disagree)</strong>" in body
    assert "Yes, always." in body  # the comment, without who wrote it
    assert su.participant.pseudonym not in body
    # The form starts from the participant's earlier rating, which they may change.
    ids = {s.code: s.pk for s in study.statements.all()}
    assert page.context["form"].initial[f"rating_{ids['CC01']}"] == "3"


def test_an_invited_account_takes_part_without_a_link(
    standing: Any, client_for: Any, study: Study
) -> None:
    panel = study.panels.get(name="service users")
    services.participant_invite_account(
        actor=standing.researcher, study=study, panel=panel, username="person"
    )
    client = client_for(standing.person_user)
    mine = client.get(reverse("studies:my_studies"))
    assert study.title in mine.content.decode()
    client.post(reverse("studies:take_part", args=[study.pk]), {"consent": "on"})
    assert Participant.objects.get(user=standing.person_user).consented_at is not None
    other = client_for(standing.other_person_user)
    assert other.get(reverse("studies:take_part", args=[study.pk])).status_code == 403


def test_a_participant_withdraws_and_attrition_shows_it(
    standing: Any, client_for: Any, study: Study
) -> None:
    su, _ca = _open_with_two(standing, study)
    services.participant_consent(participant=su.participant)
    client = client_for(None)
    url = reverse("studies:join_withdraw", args=[su.token])
    assert client.post(url, {}).status_code == 200  # must tick the box
    client.post(url, {"confirm": "on"})
    su.participant.refresh_from_db()
    assert su.participant.withdrawn_at is not None
    page = client_for(standing.researcher).get(reverse("studies:participants", args=[study.pk]))
    rows = {r.group: r for r in page.context["attrition"]}
    assert rows["service users"].withdrawn == 1 and rows["service users"].invited == 1


def test_closing_an_empty_round_shows_a_message(
    standing: Any, client_for: Any, study: Study
) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    client = client_for(standing.researcher)
    response = client.post(reverse("studies:round_close", args=[study.pk, 1]), follow=True)
    assert "Nobody has submitted answers in round 1" in response.content.decode()
    assert study.rounds.get(number=1).status == "open"


def test_results_before_any_answers_say_there_is_nothing_to_analyse(
    standing: Any, client_for: Any, study: Study
) -> None:
    page = client_for(standing.researcher).get(reverse("studies:results", args=[study.pk]))
    assert page.status_code == 200
    assert "nothing to analyse" in page.context["problem"]


def test_the_import_page_refuses_an_unknown_statement_column(
    standing: Any, client_for: Any, study: Study
) -> None:
    services.round_open(actor=standing.researcher, study=study, number=1)
    upload = SimpleUploadedFile(
        "r.csv", b"respondent_id,group,round,CC01,ZZ01\nA1,carers,1,4,4\n", "text/csv"
    )
    page = client_for(standing.researcher).post(
        reverse("studies:responses_import", args=[study.pk]),
        {"file": upload, "consent_confirmed": "on"},
    )
    assert page.status_code == 200
    assert "ZZ01" in page.content.decode()
    assert not Participant.objects.exists()


@pytest.fixture
def demo_study(standing: Any) -> Study:
    """The demo study's statements and synthetic ratings, in the standing organisation."""
    from ourplan.analysis.delphi.demo import demo_study as engine_demo
    from ourplan.analysis.delphi.demo import statements_frame

    panel = engine_demo()
    study = services.study_create(
        actor=standing.researcher,
        organisation=standing.organisation,
        groups=["service users", "carers", "professionals", "policy makers"],
        title="Demo",
        purpose="Demo",
        scale=5,
        planned_rounds=2,
        threshold=0.75,
        merge_groups=["professionals+policy makers"],
    )
    services.statements_import(
        actor=standing.researcher,
        study=study,
        raw=statements_frame(panel.statements).to_csv(index=False).encode(),
    )
    for number in (1, 2):
        services.round_open(actor=standing.researcher, study=study, number=number)
        rows = panel.responses[panel.responses["round"] == number]
        services.responses_import(
            actor=standing.researcher,
            study=study,
            raw=rows.to_csv(index=False).encode(),
            consent_confirmed=True,
        )
        services.round_close(actor=standing.researcher, study=study, number=number)
    return study


def test_results_show_consensus_groups_and_clusters_from_the_engine(
    standing: Any, client_for: Any, demo_study: Study
) -> None:
    from ourplan.analysis.delphi import analyse_study, responses_from_frame
    from ourplan.analysis.delphi.demo import demo_study as engine_demo

    page = client_for(standing.researcher).get(reverse("studies:results", args=[demo_study.pk]))
    assert page.status_code == 200
    results = page.context["results"]
    # The same numbers as the engine run directly on the generator's data (CLI path).
    panel = engine_demo()
    direct = analyse_study(
        responses_from_frame(panel.responses, 5), merge=["professionals+policy makers"]
    )
    web = {(s["id"], s["round"]): s for s in results.data["statements"]}
    for entry in direct["statements"]:
        mine = web[(entry["id"], entry["round"])]
        assert (mine["n"], mine["median"], mine["iqr"], mine["consensus"]) == (
            entry["n"],
            entry["median"],
            entry["iqr"],
            entry["consensus"],
        )
    assert results.clusters is not None and results.clusters.k == direct["clusters"]["k"]
    body = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body
    assert "professionals+policy makers" in body
    assert results.participation[1]["n"] == 30


def test_the_organiser_can_choose_the_number_of_clusters(
    standing: Any, client_for: Any, demo_study: Study
) -> None:
    page = client_for(standing.researcher).get(
        reverse("studies:results", args=[demo_study.pk]), {"round": "1", "clusters": "3"}
    )
    assert page.context["results"].clusters.k == 3
    assert page.context["results"].round == 1


def test_csv_exports_round_trip_and_escape_formulas(
    standing: Any, client_for: Any, demo_study: Study
) -> None:
    client = client_for(standing.researcher)
    text = client.get(reverse("studies:export_responses_csv", args=[demo_study.pk])).content
    rows = list(csv.DictReader(io.StringIO(text.decode())))
    assert len(rows) == 82 + 30
    assert set(rows[0]) >= {"respondent_id", "group", "round", "CC01", "RE08"}
    results_csv = client.get(reverse("studies:export_results_csv", args=[demo_study.pk]))
    assert results_csv["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="export", object_type="study_results_csv").exists()
    for dangerous in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(dangerous) == "'" + dangerous
    assert spreadsheet_safe("fine") == "fine" and spreadsheet_safe(3) == 3


def test_xlsx_export_has_the_tables_and_escapes_comment_formulas(
    standing: Any, client_for: Any, study: Study
) -> None:
    from openpyxl import load_workbook

    su, ca = _open_with_two(standing, study)
    for link in (su, ca):
        services.participant_consent(participant=link.participant)
    answer(study, su.participant, 1, {"CC01": 5}, {"CC01": '=HYPERLINK("http://x")'})
    answer(study, ca.participant, 1, {"CC01": 4})
    content = (
        client_for(standing.researcher).get(reverse("studies:export_xlsx", args=[study.pk])).content
    )
    book = load_workbook(io.BytesIO(content))
    assert {"Study", "Attrition", "Results", "Responses", "Comments"} <= set(book.sheetnames)
    comment = book["Comments"].cell(row=2, column=5).value
    assert comment == '\'=HYPERLINK("http://x")'


def test_sav_export_carries_variable_and_value_labels(
    standing: Any, client_for: Any, demo_study: Study, tmp_path: Any
) -> None:
    import pyreadstat

    content = (
        client_for(standing.researcher)
        .get(reverse("studies:export_sav", args=[demo_study.pk]))
        .content
    )
    path = tmp_path / "out.sav"
    path.write_bytes(content)
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == 112
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["RE05"].startswith("Recovery is a return to functioning")
    assert meta.variable_value_labels["CC01"][5.0] == "Strongly agree"
    assert set(meta.variable_value_labels["group"].values()) == {
        "service users",
        "carers",
        "professionals",
        "policy makers",
    }


def test_the_report_comes_as_html_and_pdf(
    standing: Any, client_for: Any, demo_study: Study
) -> None:
    client = client_for(standing.researcher)
    html = client.get(reverse("studies:report", args=[demo_study.pk])).content.decode()
    assert "Consensus definition, fixed before round 1" in html
    assert "data:image/svg+xml;base64," in html
    pdf = client.get(reverse("studies:report_pdf", args=[demo_study.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_free_text_is_coded_into_a_framework_matrix_and_coders_compared(
    standing: Any, client_for: Any, study: Study
) -> None:
    su, ca = _open_with_two(standing, study)
    for link in (su, ca):
        services.participant_consent(participant=link.participant)
    answer(study, su.participant, 1, {"CC01": 5}, {"CC01": "Time with my coordinator matters."})
    answer(study, ca.participant, 1, {"CC01": 4}, {"CC01": "Too much paperwork."})
    researcher = client_for(standing.researcher)
    codebook = SimpleUploadedFile(
        "codebook.csv",
        b"code,name,description\nREL,Relationships,Trust\nBUR,Bureaucracy,Forms\n",
        "text/csv",
    )
    researcher.post(
        reverse("studies:codebook", args=[study.pk]), {"action": "import", "file": codebook}
    )
    themes = {t.code: t.pk for t in study.themes.all()}
    units = [
        u
        for u, _form in researcher.get(reverse("studies:coding", args=[study.pk])).context["units"]
    ]
    by_text = {u.text: u.key for u in units}
    time_unit, paper_unit = (
        by_text["Time with my coordinator matters."],
        by_text["Too much paperwork."],
    )

    def code(client: Any, unit: str, theme_codes: list[str]) -> None:
        client.post(
            reverse("studies:coding", args=[study.pk]),
            {
                "prefix": unit,
                f"{unit}-unit": unit,
                f"{unit}-themes": [themes[c] for c in theme_codes],
            },
        )

    manager = client_for(standing.manager)
    code(researcher, time_unit, ["REL"])
    code(researcher, paper_unit, ["BUR"])
    code(manager, time_unit, ["REL"])
    code(manager, paper_unit, ["REL"])
    matrix = researcher.get(reverse("studies:framework", args=[study.pk]))
    cells = dict(matrix.context["matrix"])
    rel = next(c for c in cells["service users"] if c["theme"].code == "REL")
    assert [u.text for u in rel["quotes"]] == ["Time with my coordinator matters."]
    researcher.post(
        reverse("studies:framework", args=[study.pk]),
        {"theme": themes["REL"], "row": "service users", "summary": "Values time together."},
    )
    matrix = researcher.get(reverse("studies:framework", args=[study.pk]))
    assert "Values time together." in matrix.content.decode()
    agreement = researcher.get(
        reverse("studies:agreement", args=[study.pk]),
        {"coder_a": standing.researcher.pk, "coder_b": standing.manager.pk},
    )
    result = agreement.context["result"]
    assert result.n_units == 2
    rel_row = next(t for t in result.themes if t.theme == "REL")
    assert (rel_row.both, rel_row.only_a, rel_row.only_b, rel_row.neither) == (1, 0, 1, 0)
    exported = researcher.get(reverse("studies:codebook_csv", args=[study.pk])).content.decode()
    assert exported.splitlines()[0] == "code,name,description"
    assert "REL,Relationships,Trust" in exported


def test_the_demo_study_loads_once_for_the_demo_trust(db: Any) -> None:
    from ourplan.people.demo import load_demo
    from ourplan.studies.demo import DEMO_TITLE, load_demo_study

    load_demo()
    assert load_demo_study() == []
    assert load_demo_study() == []
    study = Study.objects.get(title=DEMO_TITLE)
    assert study.organisation.code == "ZZE01"
    assert study.created_by.username == "researcher"
    assert study.statements.count() == 20
    assert study.participants.count() == 82
    assert Response.objects.filter(round__study=study, round__number=2).count() == 30
