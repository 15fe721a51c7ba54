"""The shared mean ± 95% CI chart: valid, accessible, self-contained SVG."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from ourplan.reports.charts import (
    POINT_COLOUR,
    mean_ci_chart,
    mean_ci_figure,
    mean_ci_text,
)

SVG = "{http://www.w3.org/2000/svg}"

GROUPS = [
    {"group": "Site A (England)", "mean": 3.27, "ci95": [3.03, 3.51]},
    {"group": "Site B (Wales)", "mean": 3.41, "ci95": (3.2, 3.62)},
    {"group": "Site C (Wales)", "mean": 2.98, "ci95": [2.7, 3.26]},
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def all_text(root: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def test_chart_is_well_formed_svg_without_xml_prologue():
    svg = mean_ci_chart(GROUPS, "Total score", "mean item score (1–5)")
    assert svg.startswith("<svg")
    assert parse(svg).tag == f"{SVG}svg"


def test_chart_names_itself_with_the_text_alternative():
    svg = mean_ci_chart(GROUPS, "Total score", "mean item score (1–5)")
    root = parse(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert root.get("aria-labelledby") == title.get("id")
    assert title.text == mean_ci_text(GROUPS, "Total score", "mean item score (1–5)")


def test_text_alternative_gives_every_group_its_mean_and_interval():
    text = mean_ci_text(GROUPS, "Total score", "mean item score")
    assert "Site A (England): 3.27 (95% CI 3.03 to 3.51)" in text
    assert "Highest: Site B (Wales); lowest: Site C (Wales)." in text
    assert text.startswith("Chart: Total score.")


def test_labels_stay_real_text_so_they_can_be_read_and_searched():
    root = parse(mean_ci_chart(GROUPS, "Choice", "mean item score"))
    text = all_text(root)
    for group in ("Site A (England)", "Site B (Wales)", "Site C (Wales)"):
        assert group in text
    assert "Choice" in text


def test_group_names_are_escaped():
    groups = [
        {"group": "<script>alert(1)</script>", "mean": 1.0, "ci95": [0.5, 1.5]},
        {"group": "Team & co", "mean": 2.0, "ci95": [1.5, 2.5]},
    ]
    svg = mean_ci_chart(groups, "A <b>title</b>", "score")
    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "<script>alert(1)</script>" in all_text(parse(svg))


def test_dollar_signs_are_shown_not_read_as_maths():
    groups = [
        {"group": "$5 budget team", "mean": 1.0, "ci95": [0.5, 1.5]},
        {"group": "$10 budget team", "mean": 2.0, "ci95": [1.5, 2.5]},
    ]
    text = all_text(parse(mean_ci_chart(groups, "Cost $ per $", "score")))
    assert "$5 budget team" in text


def test_a_group_without_an_estimate_is_labelled_not_dropped():
    groups = [*GROUPS, {"group": "Site D (England)", "mean": None, "ci95": [None, None]}]
    svg = mean_ci_chart(groups, "Total", "score")
    text = all_text(parse(svg))
    assert "Site D (England)" in text
    assert "no estimate" in text
    assert "Site D (England): no estimate" in mean_ci_text(groups, "Total", "score")


def test_two_charts_in_one_page_do_not_share_element_ids():
    first = parse(mean_ci_chart(GROUPS, "Unadjusted", "score"))
    second = parse(mean_ci_chart(GROUPS[:2], "Adjusted", "score"))
    ids_first = {e.get("id") for e in first.iter() if e.get("id")}
    ids_second = {e.get("id") for e in second.iter() if e.get("id")}
    assert ids_first and ids_second
    assert not ids_first & ids_second


def test_every_internal_reference_points_at_an_element_of_the_same_chart():
    svg = mean_ci_chart(GROUPS, "Total", "score", reference=3.2)
    root = parse(svg)
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    refs = [
        value[1:]
        for e in root.iter()
        for key, value in e.attrib.items()
        if key.endswith("href") and value.startswith("#")
    ]
    assert refs
    assert set(refs) <= ids


def test_same_data_give_the_same_svg():
    assert mean_ci_chart(GROUPS, "Total", "score") == mean_ci_chart(GROUPS, "Total", "score")


def test_reference_line_is_labelled_directly():
    svg = mean_ci_chart(GROUPS, "Total", "score", reference=3.2, reference_label="All sites")
    assert "All sites" in all_text(parse(svg))


def test_value_range_and_description_options_are_honoured():
    svg = mean_ci_chart(
        GROUPS, "Total", "score", value_range=(0, 5), description="Custom description."
    )
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Custom description."
    tick_text = all_text(root)
    assert "0" in tick_text and "5" in tick_text


def test_colour_is_from_the_colour_blind_safe_palette():
    svg = mean_ci_chart(GROUPS, "Total", "score")
    assert POINT_COLOUR.lower() == "#0072b2"
    assert POINT_COLOUR.lower() in svg.lower()


def test_figure_returns_chart_and_text_together():
    figure = mean_ci_figure(GROUPS, "Total", "score")
    assert figure.svg.startswith("<svg")
    assert figure.text == mean_ci_text(GROUPS, "Total", "score")


def test_no_groups_is_an_error():
    with pytest.raises(ValueError, match="at least one group"):
        mean_ci_chart([], "Total", "score")


def test_many_groups_grow_the_chart_instead_of_crowding_it():
    few = parse(mean_ci_chart(GROUPS, "Total", "score"))
    many_groups = [
        {"group": f"Team {i}", "mean": float(i), "ci95": [i - 0.5, i + 0.5]} for i in range(15)
    ]
    many = parse(mean_ci_chart(many_groups, "Total", "score"))
    assert float(many.get("height").removesuffix("pt")) > float(
        few.get("height").removesuffix("pt")
    )


def test_charts_module_does_not_import_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys, ourplan.reports.charts as c; "
        "c.mean_ci_chart([{'group': 'a', 'mean': 1, 'ci95': [0, 2]}], 't', 'y'); "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
