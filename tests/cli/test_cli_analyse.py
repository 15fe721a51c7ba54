"""`ourplan analyse` end to end: file formats, output formats and input errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ourplan.cli

# R's PlantGrowth, with the groups also coded 1, 2, 3.
PLANT = {
    "ctrl": [4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14],
    "trt1": [4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69],
    "trt2": [6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26],
}

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``ourplan.cli.main`` with only this module's sub-command registered."""
    monkeypatch.setattr(ourplan.cli, "COMMAND_MODULES", ("ourplan.cli.analyse",))

    def _run(*argv: str | Path) -> tuple[int, str, str]:
        try:
            code = ourplan.cli.main([str(a) for a in argv])
        except SystemExit as exit_:  # argparse errors
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def plant_frame() -> pd.DataFrame:
    rows = [
        {"weight": w, "group": g, "code": i + 1, "height": w * 2 + (j % 3)}
        for i, (g, ws) in enumerate(PLANT.items())
        for j, w in enumerate(ws)
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def plant_csv(tmp_path: Path) -> Path:
    path = tmp_path / "plants.csv"
    plant_frame().to_csv(path, index=False)
    return path


def csv_blocks(text: str) -> list[list[list[str]]]:
    return [list(csv.reader(io.StringIO(block))) for block in text.strip().split("\n\n")]


def check_plant_kruskal(report: dict[str, object], labels: list[str]) -> None:
    # kruskal.test(weight ~ group, data = PlantGrowth): chi-squared = 7.9882, p = 0.01842
    assert report["H"] == pytest.approx(7.9882, abs=5e-5)
    assert report["df"] == 2
    assert report["p"] == pytest.approx(0.01842, abs=5e-6)
    groups = report["groups"]
    assert isinstance(groups, list)
    assert [g["group"] for g in groups] == labels
    dunn = report["dunn"]
    assert isinstance(dunn, list) and len(dunn) == 3
    assert set(dunn[0]) >= {"group_a", "group_b", "z", "p_adj"}


def test_kruskal_csv_json_with_numeric_group_codes(run: Run, plant_csv: Path) -> None:
    code, out, err = run(
        "analyse", "kruskal", plant_csv, "--value", "weight", "--group", "code", "--format", "json"
    )
    assert (code, err) == (0, "")
    check_plant_kruskal(json.loads(out), ["1", "2", "3"])


def test_kruskal_xlsx(run: Run, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["weight", "code"])
    for i, ws in enumerate(PLANT.values()):
        for w in ws:
            sheet.append([w, i + 1])
    path = tmp_path / "plants.xlsx"
    book.save(path)
    code, out, err = run(
        "analyse", "kruskal", path, "--value", "weight", "--group", "code", "--format", "json"
    )
    assert (code, err) == (0, "")
    check_plant_kruskal(json.loads(out), ["1", "2", "3"])


def test_kruskal_sav_uses_value_labels(run: Run, tmp_path: Path) -> None:
    import pyreadstat

    frame = plant_frame()[["weight", "code"]].astype(float)
    path = tmp_path / "plants.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={"code": {1.0: "control", 2.0: "treatment 1", 3.0: "treatment 2"}},
    )
    code, out, err = run(
        "analyse", "kruskal", path, "--value", "weight", "--group", "code", "--format", "json"
    )
    assert (code, err) == (0, "")
    check_plant_kruskal(json.loads(out), ["control", "treatment 1", "treatment 2"])


def test_kruskal_table_and_csv_formats(run: Run, plant_csv: Path) -> None:
    code, out, _ = run("analyse", "kruskal", plant_csv, "--value", "weight", "--group", "group")
    assert code == 0
    assert "kruskal_wallis" in out and "7.9882" in out and "trt2" in out
    header = next(line for line in out.splitlines() if "group_a" in line)
    assert header.split() == ["group_a", "group_b", "z", "p", "p_adj"]

    code, out, _ = run(
        "analyse", "kruskal", plant_csv, "--value", "weight", "--group", "group", "--format", "csv"
    )
    assert code == 0
    test, groups, dunn = csv_blocks(out)
    assert test[0] == ["table", "n", "H", "df", "p", "epsilon_squared"]
    assert float(test[1][2]) == pytest.approx(7.9882, abs=5e-5)
    assert [row[1] for row in groups[1:]] == ["ctrl", "trt1", "trt2"]
    assert dunn[0][:3] == ["table", "group_a", "group_b"] and len(dunn) == 4


def test_describe(run: Run, plant_csv: Path) -> None:
    code, out, err = run(
        "analyse",
        "describe",
        plant_csv,
        "--value",
        "weight",
        "--group",
        "group",
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    groups = json.loads(out)["groups"]
    # tapply(PlantGrowth$weight, PlantGrowth$group, mean): 5.032 4.661 5.526
    assert [g["mean"] for g in groups] == pytest.approx([5.032, 4.661, 5.526])
    code, out, _ = run(
        "analyse", "describe", plant_csv, "--value", "weight", "--group", "group", "--format", "csv"
    )
    assert code == 0 and csv_blocks(out)[0][0][:3] == ["table", "group", "n"]


def test_anova(run: Run, plant_csv: Path) -> None:
    code, out, err = run(
        "analyse", "anova", plant_csv, "--value", "weight", "--group", "group", "--format", "json"
    )
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert {"n", "groups", "anova", "welch", "tukey"} <= set(report)
    # summary(aov(weight ~ group, data = PlantGrowth)): F = 4.846, p = 0.01591
    assert report["anova"]["F"] == pytest.approx(4.846, abs=5e-4)
    code, out, _ = run("analyse", "anova", plant_csv, "--value", "weight", "--group", "group")
    assert code == 0 and "tukey" in out and "welch" in out


def test_ancova(run: Run, plant_csv: Path) -> None:
    code, out, err = run(
        "analyse",
        "ancova",
        plant_csv,
        "--value",
        "weight",
        "--group",
        "group",
        "--covariate",
        "height",
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert {"n_used", "n_dropped", "factor", "covariates", "adjusted_means", "pairwise"} <= set(
        report
    )
    assert report["covariates"][0]["name"] == "height"
    code, out, _ = run(
        "analyse",
        "ancova",
        plant_csv,
        "--value",
        "weight",
        "--group",
        "group",
        "--covariate",
        "height",
        "--format",
        "csv",
    )
    assert code == 0 and [b[1][0] for b in csv_blocks(out)] == [
        "factor",
        "covariates",
        "adjusted_means",
        "pairwise",
    ]


def test_correlate(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "hw.csv"
    # ?cor.test, Hollander & Wolfe: r = 0.5711816, p = 0.1082; Spearman rho 0.6, p = 0.0968
    pd.DataFrame(
        {
            "x": [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1],
            "y": [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8],
            "name": list("abcdefghi"),
        }
    ).to_csv(path, index=False)
    code, out, err = run("analyse", "correlate", path, "--format", "json")
    assert (code, err) == (0, "")
    [pair] = json.loads(out)["pairs"]  # the text column is left out
    assert (pair["x"], pair["y"], pair["method"], pair["n"]) == ("x", "y", "pearson", 9)
    assert pair["r"] == pytest.approx(0.5711816, abs=5e-8)
    assert pair["ci95"] == pytest.approx([-0.1497426, 0.8955795], abs=5e-8)
    assert pair["label"] == "large"
    code, out, _ = run(
        "analyse",
        "correlate",
        path,
        "--columns",
        "y",
        "x",
        "--method",
        "spearman",
        "--format",
        "json",
    )
    [pair] = json.loads(out)["pairs"]
    assert (pair["x"], pair["y"]) == ("y", "x")
    assert pair["p"] == pytest.approx(0.0968, abs=5e-5)
    code, out, _ = run("analyse", "correlate", path)
    assert code == 0 and "0.5712" in out


def test_rank_with_subscales(run: Run, tmp_path: Path) -> None:
    data = tmp_path / "items.csv"
    data.write_text("team,q1,q2,q3\nA,1,5,3\nA,2,5,3\nB,4,1,4\nB,4,2,\n", encoding="utf-8")
    subscales = tmp_path / "subscales.csv"
    subscales.write_text("item,subscale\nq1,Hope\nq2,Control\nq3,Hope\n", encoding="utf-8")
    code, out, err = run(
        "analyse",
        "rank",
        data,
        "--group",
        "team",
        "--top",
        "2",
        "--subscales",
        subscales,
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    groups = json.loads(out)["groups"]
    assert [(i["item"], i["subscale"]) for i in groups[0]["items"]] == [
        ("q2", "Control"),
        ("q3", "Hope"),
    ]
    # Team B: q1 and q3 both average 4; q1 comes first in the questionnaire.
    assert [i["item"] for i in groups[1]["items"]] == ["q1", "q3"]
    code, out, _ = run("analyse", "rank", data, "--format", "csv")
    rows = csv_blocks(out)[0]
    assert rows[0] == ["table", "group", "rank", "item", "subscale", "mean", "n"]
    # Overall means: q3 10/3, q2 13/4, q1 11/4; the team column is not an item.
    assert [r[3] for r in rows[1:]] == ["q3", "q2", "q1"]


def test_group_labels_read_as_text(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("v,g\n1,01\n2,01\n3,1\n4,1\n", encoding="utf-8")
    code, out, _ = run(
        "analyse", "kruskal", path, "--value", "v", "--group", "g", "--format", "json"
    )
    assert code == 0
    assert [g["group"] for g in json.loads(out)["groups"]] == ["01", "1"]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


ERROR_CASES = {
    "non-numeric value": (
        "v,g\n1,a\n2,a\nlots,b\n4,b\n",
        ["kruskal", "--value", "v", "--group", "g"],
        "Column 'v' must hold numbers, but row 3 has 'lots'",
    ),
    "one group only": (
        "v,g\n1,a\n2,a\n3,a\n",
        ["kruskal", "--value", "v", "--group", "g"],
        "at least 2 groups",
    ),
    "one group only (anova)": (
        "v,g\n1,a\n2,a\n3,a\n",
        ["anova", "--value", "v", "--group", "g"],
        "at least 2 groups",
    ),
    "group of size 1": (
        "v,g\n1,a\n2,a\n3,b\n",
        ["anova", "--value", "v", "--group", "g"],
        "Group 'b' has only 1 non-missing value",
    ),
    "all values missing": (
        "v,g\n,a\nNA,b\n,b\n",
        ["kruskal", "--value", "v", "--group", "g"],
        "All values are missing",
    ),
    "all equal": (
        "v,g\n3,a\n3,a\n3,b\n",
        ["kruskal", "--value", "v", "--group", "g"],
        "All values are equal",
    ),
    "unknown value column": (
        "v,g\n1,a\n2,b\n",
        ["kruskal", "--value", "score", "--group", "g"],
        "Unknown column 'score'. The columns are: v, g",
    ),
    "unknown group column": (
        "v,g\n1,a\n2,b\n",
        ["describe", "--value", "v", "--group", "ward"],
        "Unknown column 'ward'",
    ),
    "unknown correlate column": (
        "v,w\n1,2\n2,3\n3,5\n",
        ["correlate", "--columns", "v", "x"],
        "Unknown column 'x'",
    ),
    "unknown covariate": (
        "v,g,c\n1,a,1\n2,b,2\n",
        ["ancova", "--value", "v", "--group", "g", "--covariate", "age"],
        "Unknown column 'age'",
    ),
    "empty file": ("", ["kruskal", "--value", "v", "--group", "g"], "is empty"),
    "header only": ("v,g\n", ["kruskal", "--value", "v", "--group", "g"], "no data rows"),
    "no numeric columns": ("a,b\nx,y\n", ["correlate"], "no numeric columns"),
    "column listed twice": (
        "a,b\n1,2\n2,1\n3,3\n",
        ["correlate", "--columns", "a", "a"],
        "more than once",
    ),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_input_errors_exit_2_with_message_and_no_traceback(
    run: Run, tmp_path: Path, case: str
) -> None:
    text, argv, message = ERROR_CASES[case]
    path = write(tmp_path, "data.csv", text)
    code, out, err = run("analyse", argv[0], path, *argv[1:])
    assert code == 2
    assert out == ""
    assert message in err
    assert err.startswith(f"ourplan analyse {argv[0]}: error: ")
    assert "Traceback" not in err


def test_unreadable_sav(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "broken.sav"
    path.write_bytes(b"\x00\x01 definitely not SPSS")
    code, out, err = run("analyse", "kruskal", path, "--value", "v", "--group", "g")
    assert (code, out) == (2, "")
    assert "could not be read as an SPSS .sav file" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "message"),
    [("data.txt", "unknown file type '.txt'"), ("absent.csv", "No such file")],
)
def test_bad_paths(run: Run, tmp_path: Path, name: str, message: str) -> None:
    code, out, err = run("analyse", "kruskal", tmp_path / name, "--value", "v", "--group", "g")
    assert (code, out) == (2, "")
    assert message in err


def test_unreadable_subscale_file(run: Run, tmp_path: Path) -> None:
    data = write(tmp_path, "items.csv", "q1,q2\n1,2\n")
    code, _, err = run("analyse", "rank", data, "--subscales", tmp_path / "nope.csv")
    assert code == 2 and "No such subscale file" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["analyse", "kruskal", "data.csv", "--group", "g"],  # --value missing
        ["analyse", "rank", "data.csv", "--top", "0"],
        ["analyse", "correlate", "data.csv", "--method", "kendall"],
        ["analyse", "anova", "data.csv", "--value", "v", "--group", "g", "--format", "xml"],
        ["analyse", "regress", "data.csv"],
    ],
)
def test_parser_errors_exit_2_without_traceback(run: Run, argv: list[str]) -> None:
    code, _, err = run(*argv)
    assert code == 2
    assert "error:" in err and "Traceback" not in err


def test_unexpected_failures_are_reported_without_traceback(
    run: Run, plant_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ourplan.analysis.nonparametric as nonparametric

    def broken(*args: object, **kwargs: object) -> dict[str, object]:
        raise np.linalg.LinAlgError("singular matrix")

    monkeypatch.setattr(nonparametric, "kruskal_report", broken)
    code, out, err = run("analyse", "kruskal", plant_csv, "--value", "weight", "--group", "group")
    assert (code, out) == (2, "")
    assert "LinAlgError: singular matrix" in err and "Traceback" not in err


def test_process_exit_status_and_streams(tmp_path: Path) -> None:
    # A real process: stderr carries one line, no traceback, exit status 2, no Django.
    data = write(tmp_path, "data.csv", "v,g\n1,a\nx,b\n")
    script = (
        "import sys, ourplan.cli as c; c.COMMAND_MODULES = ('ourplan.cli.analyse',); "
        "code = c.main(sys.argv[1:]); "
        "assert 'django' not in sys.modules, 'the analyse command must not load Django'; "
        "sys.exit(code)"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "analyse",
            "kruskal",
            str(data),
            "--value",
            "v",
            "--group",
            "g",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "ourplan analyse kruskal: error: Column 'v' must hold numbers, but row 2 has 'x'. "
        "Leave a cell blank (or write NA) if it is missing."
    ]
