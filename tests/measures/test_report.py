"""The evaluation report from collected demo data: COCAPP's tables 39-45 and the rest of
chapter 5 (per-team n, mean, SD and CI; reference values; service users and coordinators;
ANOVA, Tukey, ANCOVA; correlations overall and by team; top items; response rates and
demographics), de-identified and small-cell suppressed, built by a background task whose
progress the page shows."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ourplan.measures import evaluation
from ourplan.measures.models import ReportRun, ReportStatus, Response, Score, Status

pytestmark = pytest.mark.django_db

PARAMETERS = {
    "title": "Demo evaluation",
    "measures": ["rsa_person", "star_p", "empowerment"],
    "covariates": ["age", "gender"],
    "compare_staff": True,
}


@pytest.fixture
def demo(db: Any) -> Any:
    from ourplan.measures.demo import SURVEY_TEAMS, load_demo_measures
    from ourplan.people.demo import load_demo
    from ourplan.people.models import Organisation, Team

    load_demo()
    load_demo_measures()
    organisation = Organisation.objects.get(code="ZZE01")
    teams = list(Team.objects.filter(organisation=organisation, name__in=SURVEY_TEAMS))
    return organisation, teams


def _header(html: str, caption: str) -> list[str]:
    """The column headings of the first table whose caption starts with ``caption``."""
    import html as html_module

    for table in re.findall(r"<table.*?</table>", html, re.S):
        found = re.search(r"<caption[^>]*>(.*?)</caption>", table, re.S)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""
        if text.startswith(caption):
            row = re.search(r"<tr.*?</tr>", table, re.S)
            assert row is not None
            return [
                re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", "", cell))).strip()
                for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(0), re.S)
            ]
    raise AssertionError(f"no table captioned {caption!r}")


def test_the_demo_collects_three_questionnaires_across_six_teams_with_missing_answers(
    demo: Any,
) -> None:
    _organisation, teams = demo
    assert len(teams) == 6
    for team in teams:
        people = (
            Response.objects.filter(team=team, respondent="person", status=Status.COMPLETE)
            .values("person")
            .distinct()
            .count()
        )
        assert 90 <= people <= 110
    rsa = list(
        Response.objects.filter(team__in=teams, instrument__instrument_id="rsa_person").values_list(
            "answers", flat=True
        )
    )
    answered = [len(a) for a in rsa]
    assert min(answered) <= 8 and max(answered) == 36  # some stopped after eight items
    assert any("na" in a.values() for a in rsa)
    assert Score.objects.filter(
        response__team__in=teams, score_id="total", value__isnull=True
    ).exists()
    # Loading again changes nothing.
    from ourplan.measures.demo import load_demo_measures

    before = Response.objects.count()
    load_demo_measures()
    assert Response.objects.count() == before


def test_the_report_holds_every_table_of_cocapp_chapter_5(demo: Any) -> None:
    organisation, teams = demo
    steps: list[tuple[int, str]] = []
    built = evaluation.build(
        organisation,
        {**PARAMETERS, "teams": [t.pk for t in teams]},
        progress=lambda percent, stage: steps.append((percent, stage)),
        pdf=False,
    )
    doc = built.document
    assert len(doc.sites) == 6 and 550 <= doc.n_people <= 650 and doc.n_staff >= 30
    # Progress is real: each step is told in order, and ends at 100.
    percents = [p for p, _stage in steps]
    assert percents == sorted(percents) and percents[-1] == 100 and len({s for _p, s in steps}) >= 6
    sections = {s.definition.id: s for s in doc.sections}
    assert set(sections) == {"rsa_person", "star_p", "empowerment"}
    star = sections["star_p"].result
    total = next(s for s in star.scores if s.is_total)
    # Planted: the relationship differs between teams (table 39's significant STAR-P rows).
    assert total.significant and total.anova.table.df_between == 5
    assert total.ancova is not None and total.adjusted_test_lines[0].startswith("F(5,")
    assert total.pairs  # Tukey pairs listed, with Holm-adjusted pairs beside them
    # Table 39/40 cells: each team's mean (SEM).
    assert all(re.fullmatch(r"\d+\.\d\d \(\d\.\d\d\)", cell) for cell in total.cells)
    # n, mean, SD and 95% CI per team.
    described = next(d for d in sections["star_p"].described if d.label == "Total score")
    assert len(described.sites) == 6 and all(
        not s.suppressed and " to " in s.ci for s in described.sites
    )
    # Reference values: STAR-P and ES tested where an SD is published; ES subscales not.
    star_refs = {r.label: r for r in sections["star_p"].references}
    assert "Welch t(" in star_refs["Total score"].test
    es_refs = {r.label: r for r in sections["empowerment"].references}
    assert es_refs["Righteous anger"].test == "not tested: the reference has no published SD"
    # The RSA's reference has an SD (0.69) but no published N, so it is not tested either.
    rsa_refs = {r.label: r for r in sections["rsa_person"].references}
    assert rsa_refs["Total score"].reference == "4.06 (0.69)"
    assert rsa_refs["Total score"].test == (
        "not tested: the reference's number of respondents is not published"
    )
    # Service users compared with care coordinators on the RSA (table 7).
    assert (
        doc.groups
        and doc.groups[-1].label == "Total score"
        and doc.groups[-1].test.startswith("Welch F(1,")
    )
    assert doc.staff_section is not None and len(doc.staff_section.result.scores) == 6
    # Tables 41/42: five top items per team, named by id and the project's label only.
    ranks = sections["rsa_person"].ranks
    assert len(ranks) == 5 and all(
        re.match(r".+: RSA\d\d ", cell) for row in ranks for cell in row.cells
    )
    # Tables 43 and 45: the totals correlated overall and by team; RSA and STAR-P large.
    pair = next(c for c in doc.correlations if "RSA" in c.x_label and "STAR-P" in c.y_label)
    assert pair.size == "large" and pair.r > 0.45
    assert len(doc.correlations_by_site) == 3 and all(
        len(r.cells) == 6 for r in doc.correlations_by_site
    )
    # Table 44: RSA subscales against STAR-P subscales.
    assert len(doc.matrix) == 3 and len(doc.matrix_columns) == 5
    # Response rates and demographics per team.
    assert all("%" in cell for row in doc.rates for cell in row.cells)
    labels = [row.label for row in doc.demographics]
    assert labels[0] == "Respondents" and "Age: mean (SD)" in labels and "Woman" in labels
    html = built.html
    for caption in (
        "Summary score statistics: STAR-P, service users",
        "n, mean, SD and 95% confidence interval per team",
        "compared with published reference values",
        "RSA scores of service users and care coordinators",
        "The five highest rated items of the RSA (person) by team",
        "Correlation analysis of the service users' responses (all teams)",
        "Subscales of the RSA and the STAR-P",
        "Correlation analysis of the service users' responses, by team",
        "Questionnaires answered of those asked for, by team",
        "Demographic characteristics of the service users who responded",
    ):
        assert caption in html, caption
    # The layout of COCAPP's tables (seed 001, chapter 5), column by column.
    names = [f"{site}" for site in doc.sites]
    # Tables 39 and 40: a row per score, the ANOVA, then each site's mean (SEM).
    assert _header(html, "Summary score statistics: STAR-P, service users") == [
        "Score",
        "Analysis",
        *[f"{n} mean (SEM)" for n in names],
    ]
    assert _header(html, "Summary score statistics: RSA (provider), care coordinators")[2:] == [
        f"{n} mean (SEM)" for n in names
    ]
    # Tables 41 and 42: ranks 1 to 5, each site's column headed by its range of item means.
    top = _header(html, "The five highest rated items of the RSA (person) by team, service users")
    assert top[0] == "Rank" and all(
        re.fullmatch(rf"{re.escape(n)} \(mean of \d\.\d\d–\d\.\d\d\)", cell)
        for n, cell in zip(names, top[1:], strict=True)
    )
    # Table 43: each pair of measures with r, its significance and N, all sites together.
    overall = _header(html, "Correlation analysis of the service users' responses (all teams)")
    assert overall[0] == "Measures" and {"r", "Sig.", "N"} <= set(overall)
    # Table 44: the STAR-P subscales against the five RSA subscales.
    assert _header(html, "Subscales of the RSA and the STAR-P (all teams)") == [
        "STAR-P subscale",
        "RSA: Life goals",
        "RSA: Involvement",
        "RSA: Diversity of treatment options",
        "RSA: Choice",
        "RSA: Individually tailored services",
    ]
    # Table 45: the pairs of measures by site, each cell r, Sig. and N.
    assert _header(html, "Correlation analysis of the service users' responses, by team") == [
        "Measures",
        *names,
    ]


def test_only_de_identified_data_reaches_the_analyses(demo: Any) -> None:
    from ourplan.people.models import Person

    organisation, teams = demo
    collected = evaluation.collect(
        organisation,
        evaluation.ReportRequest.from_parameters({**PARAMETERS, "teams": [t.pk for t in teams]}),
    )
    allowed = (
        {"site", "age", "gender"}
        | set(collected.definitions["rsa_person"].item_ids)
        | set(collected.definitions["star_p"].item_ids)
        | set(collected.definitions["empowerment"].item_ids)
    )
    assert evaluation.de_identified_columns(collected) <= allowed
    person = Person.objects.filter(team__in=teams).first()
    text = collected.people.to_csv()
    assert person.nhs_number not in text and str(person.pk) not in text


def test_the_reports_scores_are_the_stored_scores(demo: Any) -> None:
    organisation, teams = demo
    team = teams[0]
    built = evaluation.build(
        organisation, {**PARAMETERS, "teams": [t.pk for t in teams], "covariates": []}, pdf=False
    )
    described = next(
        d
        for d in next(s for s in built.document.sections if s.definition.id == "star_p").described
        if d.label == "Total score"
    )
    shown = next(s for s in described.sites if s.site == team.name)
    stored = [
        v
        for v in Score.objects.filter(
            response__team=team,
            response__instrument__instrument_id="star_p",
            score_id="total",
            superseded_at__isnull=True,
        ).values_list("value", flat=True)
        if v is not None
    ]
    assert shown.n == len(stored)
    assert float(shown.mean) == pytest.approx(sum(stored) / len(stored), abs=0.005)


def test_small_cells_are_suppressed_and_flagged(demo: Any, respond: Any) -> None:
    from ourplan.accounts.models import User
    from ourplan.people.models import Person, Team
    from tests.measures.conftest import all_items

    organisation, teams = demo
    coordinator = User.objects.get(username="coordinator")
    small = Team.objects.create(organisation=organisation, name="Tiny Team")
    for number in ("9434765870", "4010232137", "9000000009"):
        person = Person.objects.create(
            organisation=organisation,
            team=small,
            given_name="T",
            family_name="T",
            date_of_birth="1970-01-01",
            nhs_number=number,
        )
        respond(
            actor=coordinator, instrument="star_p", answers=all_items("star_p", 2), person=person
        )
    built = evaluation.build(
        organisation, {**PARAMETERS, "teams": [t.pk for t in [*teams, small]]}, pdf=False
    )
    doc = built.document
    assert any(
        "Tiny Team had fewer than 5 respondents and is not shown" in note for note in doc.notes
    )
    star = next(s for s in doc.sections if s.definition.id == "star_p")
    assert "Tiny Team" in star.excluded
    assert "Tiny Team" not in {row.site for row in star.result.top_items}
    respondents = doc.demographics[0]
    assert respondents.cells[list(doc.sites).index("Tiny Team")] == "fewer than 5"


@pytest.mark.django_db(transaction=True)
def test_a_researcher_runs_the_report_in_the_background_and_watches_it(
    demo: Any, client_for: Any
) -> None:
    """The real database backend and its worker, run here in-process (docs/measures.md)."""
    from django_tasks.backends.database.management.commands.db_worker import Worker

    from ourplan.accounts.models import User

    _organisation, teams = demo
    client = client_for(User.objects.get(username="researcher"))
    page = client.get("/research/measures/reports/new/")
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    # The task is enqueued once the request's transaction commits.
    started = client.post(
        "/research/measures/reports/new/",
        {
            "submission_key": key,
            "title": "Demo",
            "measures": ["rsa_person", "star_p", "empowerment"],
            "teams": [str(t.pk) for t in teams],
            "covariates": ["age"],
            "compare_staff": "on",
        },
    )
    with pytest.MonkeyPatch.context() as patch:
        # WeasyPrint's layout is checked in test_the_pdf_is_laid_out; here the worker is.
        patch.setattr(evaluation, "render_pdf", lambda html: b"%PDF-1.7 test")
        run = ReportRun.objects.get()
        assert started["Location"] == f"/research/measures/reports/{run.pk}/"
        waiting = client.get(f"/research/measures/reports/{run.pk}/").content.decode()
        assert "<progress" in waiting and 'value="0"' in waiting
        run.refresh_from_db()
        assert run.status == ReportStatus.QUEUED and run.task_id
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test",
        ).run()
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE and run.progress == 100
    progress = client.get(
        f"/research/measures/reports/{run.pk}/progress/", headers={"HX-Request": "true"}
    )
    assert progress["HX-Refresh"] == "true"
    done = client.get(f"/research/measures/reports/{run.pk}/").content.decode()
    assert "Summary score statistics: STAR-P, service users" in done
    assert client.get(f"/research/measures/reports/{run.pk}/evaluation.pdf").content.startswith(
        b"%PDF"
    )
    assert b"<style>" in client.get(f"/research/measures/reports/{run.pk}/evaluation.html").content
    # Another organisation's researcher cannot open it.
    from ourplan.people.models import Country, Organisation
    from tests.factories import make_staff

    elsewhere = Organisation.objects.create(name="Elsewhere", code="ELS01", country=Country.WALES)
    stranger = make_staff("stranger", "researcher", elsewhere, None)
    assert client_for(stranger).get(f"/research/measures/reports/{run.pk}/").status_code == 403


def test_a_report_that_cannot_be_built_says_why(demo: Any) -> None:
    from ourplan.measures.tasks import build_report

    organisation, teams = demo
    run = ReportRun.objects.create(
        organisation=organisation,
        requested_by=organisation.staff.first().user,
        title="x",
        parameters={**PARAMETERS, "teams": [teams[0].pk], "start": "2099-01-01"},
    )
    build_report.call(str(run.pk))
    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED and "a report needs at least 5" in run.error


def test_the_pdf_is_laid_out(demo: Any) -> None:
    import io

    from pypdf import PdfReader

    organisation, teams = demo
    built = evaluation.build(
        organisation, {**PARAMETERS, "teams": [t.pk for t in teams[:3]], "measures": ["star_p"]}
    )
    assert built.pdf is not None and built.pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(built.pdf)).pages)
    assert "Summary score statistics: STAR-P" in text and "Page 1 of" in text
