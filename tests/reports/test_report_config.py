"""Reading and checking report configs: good configs parse, bad ones say what is wrong."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from ourplan.reports.config import ConfigError, ScoreRef, load_config, parse_config
from ourplan.reports.demo_data import SHIPPED_CONFIG


def write_config(folder: Path, text: str, data: str | None = "survey.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if data:
        (folder / data).write_text("site,Q1,Q2\nA,1,2\nB,2,3\n", encoding="utf-8")
    path = folder / "report.yaml"
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """
data: survey.csv
site_column: site
measures:
  - name: Short scale
    items: [Q1, Q2]
"""


def minimal(**changes: object) -> dict:
    raw = yaml.safe_load(MINIMAL)
    raw.update(changes)
    return raw


def parse(tmp_path: Path, raw: dict):
    (tmp_path / "survey.csv").write_text("site,Q1,Q2\nA,1,2\n", encoding="utf-8")
    return parse_config(raw, base_dir=tmp_path)


def test_shipped_demo_config_reads_with_every_section():
    config = load_config(SHIPPED_CONFIG)
    assert [m.id for m in config.measures] == ["rsa", "relationship", "empowerment"]
    relationship = config.measure("relationship")
    assert relationship.scoring == "sum"
    assert relationship.scale == (0.0, 4.0)
    assert relationship.reverse == ("REL_10", "REL_11", "REL_12")
    assert [s.name for s in relationship.subscales] == [
        "Positive collaboration",
        "Positive clinician input",
        "Non-supportive clinician input",
    ]
    assert [(c.column, c.kind) for c in config.covariates] == [
        ("age", "numeric"),
        ("gender", "categorical"),
        ("ethnicity", "categorical"),
        ("years_in_services", "numeric"),
    ]
    assert config.correlations is not None
    assert config.correlations.pairs[3] == (
        ScoreRef("rsa", "Choice"),
        ScoreRef("relationship", "Positive collaboration"),
    )
    assert config.top_items is not None and config.top_items.measures == ("rsa",)
    assert config.data == SHIPPED_CONFIG.parent / "demo_six_sites.csv"


def test_minimal_config_gets_documented_defaults(tmp_path):
    config = load_config(write_config(tmp_path, MINIMAL))
    measure = config.measures[0]
    assert measure.id == "short_scale"
    assert measure.scoring == "mean"
    assert measure.min_answered == 0.5
    assert config.alpha == 0.05
    assert config.site_label == "Site"
    assert config.covariates == ()
    assert config.correlations is None
    assert config.top_items is None


def test_relative_data_path_is_read_from_the_config_folder_not_the_working_folder(
    tmp_path, monkeypatch
):
    path = write_config(tmp_path / "study", MINIMAL)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(os.path.relpath(path, elsewhere))
    assert config.data == (tmp_path / "study" / "survey.csv").resolve()


def test_missing_config_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="No such config file"):
        load_config(tmp_path / "nope.yaml")


def test_missing_data_file_names_the_path_it_looked_for(tmp_path):
    path = write_config(tmp_path, MINIMAL, data=None)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "The data file does not exist" in str(error.value)
    assert str(tmp_path / "survey.csv") in str(error.value)


def test_bad_yaml_says_where(tmp_path):
    path = write_config(tmp_path, "data: survey.csv\nmeasures: [unclosed\n")
    with pytest.raises(ConfigError, match=r"not valid YAML at line \d+"):
        load_config(path)


def test_empty_config_file(tmp_path):
    path = write_config(tmp_path, "")
    with pytest.raises(ConfigError, match="empty"):
        load_config(path)


def test_config_must_be_a_mapping(tmp_path):
    path = write_config(tmp_path, "- just\n- a list\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(path)


@pytest.mark.parametrize("key", ["data", "site_column", "measures"])
def test_required_keys(tmp_path, key):
    raw = minimal()
    del raw[key]
    with pytest.raises(ConfigError, match=f"needs '{key}'"):
        parse(tmp_path, raw)


def test_empty_measures_list_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="needs 'measures'"):
        parse(tmp_path, minimal(measures=[]))


def test_unknown_key_suggests_the_likely_one(tmp_path):
    with pytest.raises(ConfigError, match=r"Unknown key 'covariate'.*Did you mean 'covariates'"):
        parse(tmp_path, minimal(covariate=["age"]))


def test_measure_needs_items_or_prefix_but_not_both(tmp_path):
    both = minimal(measures=[{"name": "X", "items": ["Q1"], "item_prefix": "Q"}])
    with pytest.raises(ConfigError, match=r"either items .* or item_prefix"):
        parse(tmp_path, both)
    neither = minimal(measures=[{"name": "X"}])
    with pytest.raises(ConfigError, match=r"either items .* or item_prefix"):
        parse(tmp_path, neither)


def test_reverse_keying_needs_the_scale(tmp_path):
    raw = minimal(measures=[{"name": "X", "items": ["Q1", "Q2"], "reverse": ["Q2"]}])
    with pytest.raises(ConfigError, match=r"needs scale: \[lowest, highest\]"):
        parse(tmp_path, raw)


def test_reverse_item_must_be_one_of_the_items(tmp_path):
    raw = minimal(
        measures=[{"name": "X", "items": ["Q1", "Q2"], "scale": [1, 5], "reverse": ["Q3"]}]
    )
    with pytest.raises(ConfigError, match="Q3 is not one of the measure's items"):
        parse(tmp_path, raw)


def test_subscale_item_must_be_one_of_the_items(tmp_path):
    raw = minimal(measures=[{"name": "X", "items": ["Q1", "Q2"], "subscales": {"A": ["Q9"]}}])
    with pytest.raises(ConfigError, match="subscale 'A': Q9 is not one of"):
        parse(tmp_path, raw)


@pytest.mark.parametrize("share", [0, 1.5, -0.2])
def test_min_answered_is_a_share(tmp_path, share):
    raw = minimal(measures=[{"name": "X", "items": ["Q1"], "min_answered": share}])
    with pytest.raises(ConfigError, match=r"min_answered .* between 0 and 1"):
        parse(tmp_path, raw)


def test_scale_must_run_low_to_high(tmp_path):
    raw = minimal(measures=[{"name": "X", "items": ["Q1"], "scale": [5, 1]}])
    with pytest.raises(ConfigError, match="lowest below highest"):
        parse(tmp_path, raw)


def test_unknown_scoring(tmp_path):
    raw = minimal(measures=[{"name": "X", "items": ["Q1"], "scoring": "median"}])
    with pytest.raises(ConfigError, match="scoring must be one of mean, sum"):
        parse(tmp_path, raw)


def test_duplicate_measure_ids(tmp_path):
    raw = minimal(
        measures=[{"name": "X", "items": ["Q1"]}, {"name": "Y", "id": "x", "items": ["Q2"]}]
    )
    with pytest.raises(ConfigError, match="Two measures have the id 'x'"):
        parse(tmp_path, raw)


@pytest.mark.parametrize("alpha", [0, 0.5, "0.05", True])
def test_alpha_is_a_sensible_significance_level(tmp_path, alpha):
    with pytest.raises(ConfigError, match="alpha"):
        parse(tmp_path, minimal(alpha=alpha))


def test_covariates_accept_names_or_entries(tmp_path):
    config = parse(
        tmp_path,
        minimal(
            covariates=[
                "years_in_services",
                {"column": "sex", "label": "sex", "type": "categorical"},
            ]
        ),
    )
    assert [(c.column, c.label, c.kind) for c in config.covariates] == [
        ("years_in_services", "years in services", "auto"),
        ("sex", "sex", "categorical"),
    ]


def test_site_column_cannot_be_a_covariate(tmp_path):
    with pytest.raises(ConfigError, match="cannot also be a covariate"):
        parse(tmp_path, minimal(covariates=["site"]))


def test_correlation_pairs_name_measures_and_subscales(tmp_path):
    raw = minimal(
        measures=[
            {"name": "X", "id": "x", "items": ["Q1", "Q2"], "subscales": {"Part one": ["Q1"]}},
            {"name": "Y", "id": "y", "items": ["Q2"]},
        ],
        correlations={"method": "spearman", "pairs": [["x/part ONE", "y"]]},
    )
    config = parse(tmp_path, raw)
    assert config.correlations is not None
    assert config.correlations.method == "spearman"
    assert config.correlations.pairs == ((ScoreRef("x", "Part one"), ScoreRef("y", None)),)


def test_correlation_with_unknown_measure_lists_the_ids(tmp_path):
    raw = minimal(correlations=[["short_scale", "nope"]])
    with pytest.raises(ConfigError, match="'nope' is not a measure id; the ids are short_scale"):
        parse(tmp_path, raw)


def test_correlation_with_unknown_subscale_lists_the_subscales(tmp_path):
    raw = minimal(correlations=[["short_scale/Nope", "short_scale"]])
    with pytest.raises(ConfigError, match="has no subscale 'Nope'"):
        parse(tmp_path, raw)


def test_correlation_of_a_score_with_itself(tmp_path):
    with pytest.raises(ConfigError, match="with itself"):
        parse(tmp_path, minimal(correlations=[["short_scale", "short_scale"]]))


def test_top_items_defaults_to_every_measure_and_checks_ids(tmp_path):
    config = parse(tmp_path, minimal(top_items={"k": 3}))
    assert config.top_items is not None
    assert (config.top_items.k, config.top_items.measures) == (3, ("short_scale",))
    with pytest.raises(ConfigError, match="top_items: 'nope' is not a measure id"):
        parse(tmp_path, minimal(top_items={"measures": ["nope"]}))
    with pytest.raises(ConfigError, match="k must be a whole number"):
        parse(tmp_path, minimal(top_items={"k": 0}))


def test_data_file_type_is_checked(tmp_path):
    with pytest.raises(ConfigError, match=r"must be a \.csv, \.xlsx or \.sav file"):
        parse(tmp_path, minimal(data="survey.txt"))


def test_charts_option(tmp_path):
    assert parse(tmp_path, minimal(charts="all")).charts == "all"
    with pytest.raises(ConfigError, match="charts must be one of"):
        parse(tmp_path, minimal(charts="some"))
