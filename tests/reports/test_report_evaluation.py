"""The evaluation report: scoring, wiring to ourplan.analysis, methods text, HTML output.

Statistics are not re-derived here: the tests check that the report shows what the
analysis functions return for the same scores.  PDF output is checked end to end in
test_cli_report.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ourplan.analysis.ancova import ancova, ancova_report
from ourplan.analysis.anova import anova_report, one_way_anova, tukey_hsd, welch_anova
from ourplan.analysis.correlation import correlate
from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.ranking import top_items
from ourplan.reports import demo_data
from ourplan.reports.config import ConfigError, load_config, parse_config
from ourplan.reports.evaluation import (
    build_report,
    format_p,
    render_html,
    score_measures,
    stars,
)

SITES = (
    "Site A (England)",
    "Site B (Wales)",
    "Site C (Wales)",
    "Site D (England)",
    "Site E (England)",
    "Site F (England)",
)


@pytest.fixture(scope="module")
def demo_config():
    return load_config(demo_data.SHIPPED_CONFIG)


@pytest.fixture(scope="module")
def demo_report(demo_config):
    return build_report(demo_config, generated_on=dt.date(2025, 3, 14))


@pytest.fixture(scope="module")
def demo_html(demo_report):
    return render_html(demo_report)


def small_config(tmp_path: Path, frame: pd.DataFrame, **changes: object):
    frame.to_csv(tmp_path / "data.csv", index=False)
    raw: dict[str, object] = {
        "data": "data.csv",
        "site_column": "site",
        "measures": [
            {"name": "Scale", "id": "scale", "items": ["Q1", "Q2", "Q3"], "scale": [1, 5]}
        ],
        "charts": "none",
    }
    raw.update(changes)
    return parse_config(raw, base_dir=tmp_path)


def small_frame(sites=("North", "South", "East"), n=12, seed=1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = len(sites) * n
    return pd.DataFrame(
        {
            "site": np.repeat(sites, n),
            "age": rng.integers(20, 70, rows),
            "Q1": rng.integers(1, 6, rows),
            "Q2": rng.integers(1, 6, rows),
            "Q3": rng.integers(1, 6, rows),
        }
    )


# ----------------------------------------------------------------------------- demo data


def test_shipped_csv_is_exactly_what_the_generator_makes_with_the_fixed_seed():
    shipped = demo_data.SHIPPED_CSV.read_text(encoding="utf-8")
    assert shipped == demo_data.demo_csv_text(demo_data.DEMO_SEED)


def test_shipped_csv_stays_commit_sized():
    assert demo_data.SHIPPED_CSV.stat().st_size < 300_000


def test_demo_data_has_six_sites_of_about_a_hundred_with_items_in_range():
    frame = demo_data.demo_frame()
    counts = frame["site"].value_counts()
    assert sorted(counts.index) == list(SITES)
    assert counts.between(90, 110).all()
    rsa = frame[demo_data.item_ids("RSA", 36)]
    rel = frame[demo_data.item_ids("REL", 12)]
    emp = frame[demo_data.item_ids("EMP", 28)]
    assert rsa.min().min() >= 1 and rsa.max().max() <= 5
    assert rel.min().min() >= 0 and rel.max().max() <= 4
    assert emp.min().min() >= 1 and emp.max().max() <= 4
    assert 0.02 < frame[rsa.columns].isna().to_numpy().mean() < 0.1
    for column in ("age", "gender", "ethnicity", "years_in_services"):
        assert frame[column].isna().any()


def test_a_different_seed_gives_different_respondents():
    assert demo_data.demo_csv_text(1) != demo_data.demo_csv_text(2)


def test_write_demo_puts_a_working_config_next_to_the_data(tmp_path):
    files = demo_data.write_demo(tmp_path)
    config = load_config(files.config)
    assert config.data == files.data.resolve()


# ----------------------------------------------------------------------------- planted effects


def test_planted_effects_show_in_the_demo_report(demo_report):
    relationship = demo_report.score("relationship")
    assert relationship.anova.table.p < 0.001
    means = {g.group: g.mean for g in relationship.anova.table.groups}
    assert max(means, key=means.get) == "Site B (Wales)"
    assert min(means, key=means.get) == "Site F (England)"
    assert demo_report.score("empowerment").anova.table.p > 0.05
    assert demo_report.score("rsa/Choice").significant
    first = demo_report.correlations[0]
    assert first.x_label.startswith("Recovery-oriented practice")
    assert first.size == "large"


def test_age_adjustment_shrinks_the_oldest_sites_lead(demo_report):
    relationship = demo_report.score("relationship")
    raw = {g.group: g.mean for g in relationship.anova.table.groups}
    adjusted = {m.group: m.mean for m in relationship.ancova.adjusted_means}
    lead_raw = raw["Site E (England)"] - np.mean(list(raw.values()))
    lead_adjusted = adjusted["Site E (England)"] - np.mean(list(adjusted.values()))
    assert lead_adjusted < lead_raw


# ----------------------------------------------------------------------------- wiring


def test_anova_values_in_the_table_are_what_the_anova_functions_return(demo_report):
    scores = demo_report.scores
    values, sites = scores["relationship"], scores["site"]
    row = demo_report.score("relationship")
    assert row.anova.table == one_way_anova(values, sites)
    assert row.anova.welch == welch_anova(values, sites)
    assert row.anova.welch_error is None
    assert row.anova.tukey == tuple(tukey_hsd(values, sites))
    a = row.anova.table
    assert row.test_lines[0] == f"F({a.df_between}, {a.df_within}) = {a.F:.2f}"
    by_site = {g.group: g for g in a.groups}
    for site, cell in zip(demo_report.sites, row.cells, strict=True):
        g = by_site[site]
        assert cell == f"{g.mean:.2f} ({g.sem:.2f})"


def test_the_reports_anova_agrees_with_the_anova_command(demo_report):
    # `ourplan analyse anova` prints anova_report; the report must give the same numbers.
    scores = demo_report.scores
    expected = anova_report(scores["rsa/Choice"], scores["site"])
    comparison = demo_report.score("rsa/Choice").anova
    table = comparison.table
    assert {k: getattr(table, k) for k in expected["anova"]} == expected["anova"]
    assert [(g.group, g.n, g.mean, g.sd, g.sem, list(g.ci95)) for g in table.groups] == [
        (g["group"], g["n"], g["mean"], g["sd"], g["sem"], g["ci95"]) for g in expected["groups"]
    ]
    welch = comparison.welch
    assert (welch.F, welch.df1, welch.df2, welch.p) == tuple(
        expected["welch"][k] for k in ("F", "df1", "df2", "p")
    )
    assert [
        (c.group_a, c.group_b, c.diff, c.se, list(c.ci95), c.p_adj) for c in comparison.tukey
    ] == [
        (c["group_a"], c["group_b"], c["diff"], c["se"], c["ci95"], c["p_adj"])
        for c in expected["tukey"]
    ]


def test_welch_that_cannot_be_run_is_shown_as_not_available(tmp_path):
    frame = small_frame()
    # Every North respondent gives the same answers: Welch's ANOVA needs variation in every site.
    frame.loc[frame["site"] == "North", ["Q1", "Q2", "Q3"]] = 3
    report = build_report(small_config(tmp_path, frame, welch=True))
    row = report.score("scale")
    assert row.anova is not None
    assert row.anova.welch is None
    assert "North" in row.anova.welch_error
    assert row.test_lines[-1] == "Welch: not available"
    frame.loc[frame.index[0], "Q1"] = 4
    row = build_report(small_config(tmp_path, frame, welch=True)).score("scale")
    w = row.anova.welch
    assert row.test_lines[-1].startswith(f"Welch F({w.df1:.0f}, {w.df2:.1f}) = {w.F:.2f}, ")


def test_adjusted_values_are_what_ancova_returns(demo_report, demo_config):
    scores = demo_report.scores
    frame = pd.read_csv(demo_config.data, dtype={"gender": str, "ethnicity": str})
    frame["score"] = scores["rsa/Choice"].to_numpy()
    covariates = [c.column for c in demo_config.covariates]
    categorical = ["gender", "ethnicity"]
    expected = ancova(frame, "score", "site", covariates, categorical=categorical)
    row = demo_report.score("rsa/Choice")
    assert row.ancova == expected
    # ...and the same numbers as `ourplan analyse ancova` prints.
    contract = ancova_report(frame, "score", "site", covariates, categorical=categorical)
    assert {k: getattr(row.ancova.factor, k) for k in contract["factor"]} == contract["factor"]
    f = expected.factor
    assert row.adjusted_test_lines[0] == f"F({f.df1}, {f.df2}) = {f.F:.2f}"
    by_site = {m.group: m for m in expected.adjusted_means}
    for site, cell in zip(demo_report.sites, row.adjusted_cells, strict=True):
        assert cell == f"{by_site[site].mean:.2f} ({by_site[site].se:.2f})"


def test_significant_tukey_pairs_are_listed_from_tukey_hsd(demo_report):
    row = demo_report.score("relationship/Positive collaboration")
    significant = {
        frozenset((p.group_a, p.group_b))
        for p in row.anova.tukey
        if p.p_adj < demo_report.config.alpha
    }
    listed = {frozenset((p.higher, p.lower)) for p in row.pairs if p.significant}
    assert listed == significant
    assert significant


def test_correlations_are_what_correlate_returns(demo_report):
    scores = demo_report.scores
    expected = correlate(scores["rsa"], scores["relationship"], "pearson")
    shown = demo_report.correlations[0]
    assert shown.r == expected.r
    assert shown.n == expected.n
    assert shown.p == expected.p
    assert shown.size == expected.label


def test_top_items_are_what_top_items_returns(demo_report, demo_config):
    frame = pd.read_csv(demo_config.data)
    items = demo_data.item_ids("RSA", 36)
    expected = top_items(frame, items, group="site", k=5)
    measure = next(m for m in demo_report.measures if m.id == "rsa")
    assert [row.site for row in measure.top_items] == [r.group for r in expected]
    for row, ranking in zip(measure.top_items, expected, strict=True):
        assert [c.item for c in row.items] == [i.item for i in ranking.items]
        assert [c.mean for c in row.items] == [f"{i.mean:.2f}" for i in ranking.items]


def test_each_measure_has_its_subscales_then_the_total(demo_report):
    relationship = next(m for m in demo_report.measures if m.id == "relationship")
    assert [s.label for s in relationship.scores] == [
        "Positive collaboration",
        "Positive clinician input",
        "Non-supportive clinician input",
        "Total score",
    ]
    assert relationship.scores[-1].range_text == "0–48"
    assert relationship.scores[0].range_text == "0–24"


def test_charts_follow_the_charts_option(demo_report):
    charted = {m.id: [c.title for c in m.charts] for m in demo_report.measures}
    # "significant": every total, plus subscales whose sites differ.
    assert "Empowerment: Total score" in charted["empowerment"]
    assert len(charted["empowerment"]) == 1
    assert "Recovery-oriented practice: Choice" in charted["rsa"]
    assert all(c.adjusted_svg for m in demo_report.measures for c in m.charts)


# ----------------------------------------------------------------------------- scoring


def test_score_is_mean_of_answered_items_when_enough_are_answered(tmp_path):
    frame = pd.DataFrame(
        {"site": ["A", "A", "B"], "Q1": [1, 4, None], "Q2": [3, None, None], "Q3": [5, None, 2]}
    )
    config = small_config(tmp_path, frame)
    scores = score_measures(config, frame).scores["scale"]
    assert scores[0] == 3.0  # all answered
    assert math.isnan(scores[1])  # 1 of 3 answered, below 50%
    assert math.isnan(scores[2])


def test_sum_scoring_prorates_missing_answers(tmp_path):
    frame = pd.DataFrame({"site": ["A"], "Q1": [2], "Q2": [4], "Q3": [None]})
    config = small_config(
        tmp_path,
        frame,
        measures=[{"name": "S", "id": "scale", "items": ["Q1", "Q2", "Q3"], "scoring": "sum"}],
    )
    assert score_measures(config, frame).scores["scale"][0] == 9.0  # mean 3 × 3 items


def test_reverse_keyed_items_and_missing_codes(tmp_path):
    frame = pd.DataFrame({"site": ["A"], "Q1": [1], "Q2": [1], "Q3": [9]})
    config = small_config(
        tmp_path,
        frame,
        measures=[
            {
                "name": "S",
                "id": "scale",
                "items": ["Q1", "Q2", "Q3"],
                "scale": [1, 5],
                "reverse": ["Q2"],
                "missing_codes": [9],
            }
        ],
    )
    assert score_measures(config, frame).scores["scale"][0] == 3.0  # (1 + 5) / 2


def test_answer_outside_the_scale_is_refused_with_its_row(tmp_path):
    frame = pd.DataFrame({"site": ["A", "B"], "Q1": [1, 7], "Q2": [1, 1], "Q3": [1, 1]})
    config = small_config(tmp_path, frame)
    with pytest.raises(
        AnalysisError, match=r"Item Q1 .* answer 7 in data row 2, outside its scale 1–5"
    ):
        score_measures(config, frame)


def test_min_answered_share_is_configurable(tmp_path):
    frame = pd.DataFrame({"site": ["A"], "Q1": [2], "Q2": [None], "Q3": [None]})
    config = small_config(
        tmp_path,
        frame,
        measures=[{"name": "S", "id": "scale", "items": ["Q1", "Q2", "Q3"], "min_answered": 0.3}],
    )
    assert score_measures(config, frame).scores["scale"][0] == 2.0


# ----------------------------------------------------------------------------- errors


def test_unknown_site_column_is_named_with_a_suggestion(tmp_path):
    config = small_config(tmp_path, small_frame(), site_column="sites")
    with pytest.raises(
        ConfigError, match=r"site column 'sites' is not a column of data.csv. Did you mean 'site'"
    ):
        build_report(config)


def test_unknown_covariate_column_is_named(tmp_path):
    config = small_config(tmp_path, small_frame(), covariates=["income"])
    with pytest.raises(ConfigError, match="covariate 'income' is not a column"):
        build_report(config)


def test_unknown_item_column_is_named(tmp_path):
    config = small_config(tmp_path, small_frame(), measures=[{"name": "S", "items": ["Q1", "Q9"]}])
    with pytest.raises(ConfigError, match=r"Item 'Q9' of 'S' is not a column of data.csv"):
        build_report(config)


def test_item_prefix_that_matches_nothing(tmp_path):
    config = small_config(tmp_path, small_frame(), measures=[{"name": "S", "item_prefix": "RSA_"}])
    with pytest.raises(
        ConfigError, match="no column in the data starts with the item prefix 'RSA_'"
    ):
        build_report(config)


def test_a_single_site_cannot_be_compared(tmp_path):
    config = small_config(tmp_path, small_frame(sites=("Only",)))
    with pytest.raises(ConfigError, match="at least two"):
        build_report(config)


def test_a_site_too_small_to_test_becomes_a_note_not_a_crash(tmp_path):
    frame = small_frame()
    frame = pd.concat([frame, frame.iloc[[0]].assign(site="Tiny")], ignore_index=True)
    report = build_report(small_config(tmp_path, frame))
    assert report.score("scale").anova is None
    assert any("Tiny" in note for note in report.notes)
    assert "Notes on the analysis" in render_html(report)


# ----------------------------------------------------------------------------- methods


def test_methods_describe_the_options_used(demo_report):
    text = " ".join(demo_report.methods)
    assert "601 responses from 6 sites" in text
    assert "adjusting for age, gender, ethnicity and years in services" in text
    assert "REL_10, REL_11 and REL_12 were reverse-keyed" in text
    assert "at least 50% of its items" in text
    assert "Tukey" in text and "Holm" in text
    assert "Pearson's correlation" in text
    assert "within each site" in text
    assert "p < 0.05" in text


def test_methods_change_with_covariates_alpha_method_and_scoring(tmp_path):
    frame = small_frame()
    plain = build_report(small_config(tmp_path, frame))
    assert "No covariates were named" in " ".join(plain.methods)
    adjusted = build_report(
        small_config(
            tmp_path,
            frame,
            covariates=[{"column": "age", "label": "age at survey"}],
            alpha=0.01,
            site_label="Team",
            correlations={"method": "spearman", "pairs": [["scale", "other"]]},
            measures=[
                {"name": "Scale", "id": "scale", "items": ["Q1", "Q2"], "min_answered": 1},
                {"name": "Other", "id": "other", "items": ["Q3"], "scoring": "sum"},
            ],
        )
    )
    text = " ".join(adjusted.methods)
    assert "adjusting for age at survey" in text
    assert "No covariates" not in text
    assert "p < 0.01" in text
    assert "Spearman's rank correlation" in text
    assert "3 teams" in text
    assert "100% for Scale and 50% for Other" in text
    assert "Other (1 item) was scored as the total" in text
    assert plain.methods != adjusted.methods


# ----------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("p", "text", "marks"),
    [
        (0.0004, "p < .001", "***"),
        (0.004, "p = .004", "**"),
        (0.04, "p = .040", "*"),
        (0.2, "p = .200", ""),
    ],
)
def test_p_values_and_significance_marks(p, text, marks):
    assert format_p(p) == text
    assert stars(p) == marks


# ----------------------------------------------------------------------------- HTML


def test_html_shows_sites_measures_sections_and_methods(demo_html, demo_report):
    for site in SITES:
        assert site in demo_html
    for name in ("Recovery-oriented practice", "Therapeutic relationship", "Empowerment"):
        assert name in demo_html
    for heading in (
        "Summary of findings",
        "Respondents",
        "Which sites differ",
        "Correlations between scores",
        "Methods",
    ):
        assert heading in demo_html
    assert demo_report.methods[0].replace("'", "&#x27;") in demo_html
    assert '<html lang="en">' in demo_html
    assert "14 March 2025" in demo_html


def test_html_has_accessible_tables_and_charts(demo_html):
    assert '<th scope="col"' in demo_html and '<th scope="row"' in demo_html
    assert "<caption>" in demo_html
    assert demo_html.count("<svg ") == demo_html.count('<svg role="img"') > 0


def test_item_wording_never_appears_only_identifiers(demo_html):
    assert "RSA_" in demo_html
    assert "Staff " not in demo_html


def test_data_values_are_escaped(tmp_path):
    frame = small_frame(sites=("<script>alert(1)</script>", "Team & Co", 'Quote "team"'))
    config = small_config(tmp_path, frame, title="<b>Title</b>", charts="totals")
    html = render_html(build_report(config))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Title</b>" not in html


def test_more_than_six_sites_use_landscape_pages(tmp_path):
    frame = small_frame(sites=tuple(f"Team {i}" for i in range(8)), n=6)
    html = render_html(build_report(small_config(tmp_path, frame)))
    assert 'class="measure wide"' in html


def test_report_model_is_immutable(demo_report):
    with pytest.raises(dataclasses.FrozenInstanceError):
        demo_report.n_rows = 0  # type: ignore[misc]


# ----------------------------------------------------------------------------- file types


def test_excel_data_give_the_same_report_values_as_csv(tmp_path):
    frame = small_frame()
    from_csv = build_report(small_config(tmp_path, frame))
    frame.to_excel(tmp_path / "data.xlsx", index=False)
    from_xlsx = build_report(
        dataclasses.replace(small_config(tmp_path, frame), data=tmp_path / "data.xlsx")
    )
    assert from_xlsx.score("scale").anova == from_csv.score("scale").anova


def test_spss_site_codes_are_replaced_by_their_value_labels(tmp_path):
    import pyreadstat

    frame = small_frame().assign(site=lambda f: f["site"].map({"North": 1, "South": 2, "East": 3}))
    pyreadstat.write_sav(
        frame,
        str(tmp_path / "data.sav"),
        variable_value_labels={"site": {1: "North", 2: "South", 3: "East"}},
    )
    config = dataclasses.replace(small_config(tmp_path, small_frame()), data=tmp_path / "data.sav")
    report = build_report(config)
    assert report.sites == ("East", "North", "South")


def test_documented_age_story_holds_for_site_e_against_site_f(demo_report):
    # docs/reports.md: significant unadjusted, not significant after adjustment.
    for key in ("relationship", "relationship/Positive clinician input"):
        [pair] = [
            p
            for p in demo_report.score(key).pairs
            if (p.higher, p.lower) == ("Site E (England)", "Site F (England)")
        ]
        assert pair.significant
        assert not pair.adjusted_significant


def test_charts_drawn_in_worker_processes_are_the_same(demo_config, demo_report):
    parallel = build_report(demo_config, generated_on=dt.date(2025, 5, 1), chart_workers=2)
    assert [m.charts for m in parallel.measures] == [m.charts for m in demo_report.measures]
    assert sum(len(m.charts) for m in parallel.measures) >= 2
