"""``ourplan delphi analyse`` and ``ourplan delphi demo`` end to end."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from ourplan.cli import delphi


def run(argv: list[str]) -> int:
    """Parse with only the delphi module registered, as the real CLI would."""
    parser = argparse.ArgumentParser(prog="ourplan")
    delphi.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args))


@pytest.fixture
def demo_files(tmp_path: Path) -> tuple[Path, Path]:
    assert run(["delphi", "demo", "--out", str(tmp_path / "demo")]) == 0
    folder = tmp_path / "demo"
    return folder / "delphi_demo_responses.csv", folder / "delphi_demo_statements.csv"


GOOD = """respondent_id,group,round,S1,S2
r1,carers,1,5,4
r2,carers,1,3,
r3,professionals,1,1,2
r4,professionals,1,2,2
r1,carers,2,5,5
r3,professionals,2,2,1
r4,professionals,2,1,1
"""


def write(tmp_path: Path, text: str, name: str = "responses.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_writes_both_files(tmp_path, capsys):
    assert run(["delphi", "demo", "--out", str(tmp_path / "new folder")]) == 0
    out = capsys.readouterr().out
    assert "Wrote" in out and "'" in out  # the suggested command quotes the spaced path
    assert (tmp_path / "new folder" / "delphi_demo_responses.csv").exists()
    assert (tmp_path / "new folder" / "delphi_demo_statements.csv").exists()


def test_analyse_prints_the_json_report(demo_files, capsys):
    responses, statements = demo_files
    capsys.readouterr()
    code = run(
        [
            "delphi",
            "analyse",
            str(responses),
            "--statements",
            str(statements),
            "--merge",
            "professionals+policy makers",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["clusters"]["k"] == 2
    assert report["rounds"][1]["n_by_group"]["professionals+policy makers"] == 11
    assert report["statements"][0]["text"].startswith("Service users")


def test_analyse_table_format_and_options(demo_files, capsys, tmp_path):
    responses, statements = demo_files
    capsys.readouterr()
    chart = tmp_path / "tree.svg"
    code = run(
        [
            "delphi",
            "analyse",
            str(responses),
            "--statements",
            str(statements),
            "--format",
            "table",
            "--round",
            "1",
            "--clusters",
            "3",
            "--agree-min",
            "4",
            "--consensus",
            "0.7",
            "--max-iqr",
            "1.5",
            "--dendrogram",
            str(chart),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "Statements, round 1" in out
    assert "Clusters, round 1: k = 3" in out
    assert "at least 70% of ratings in 4–5" in out
    assert b"<svg" in chart.read_bytes()


def test_comet_preset_reads_a_nine_point_file(tmp_path, capsys):
    text = "respondent_id,group,round,S1\n" + "".join(
        f"r{i},{'ab'[i % 2]},1,{v}\n" for i, v in enumerate([9, 8, 7, 7, 9, 8, 7, 2, 5, 9])
    )
    assert (
        run(["delphi", "analyse", str(write(tmp_path, text)), "--comet", "--clusters", "none"]) == 0
    )
    report = json.loads(capsys.readouterr().out)
    # 8 of 10 in 7–9 (80% ≥ 70%) and 1 of 10 in 1–3 (10% < 15%) → consensus in.
    assert report["statements"][0]["consensus"] == "agree"
    assert report["definition"]["name"] == "COMET"
    assert report["clusters"] is None


@pytest.mark.parametrize(
    ("text", "extra", "message"),
    [
        (GOOD.replace("r1,carers,1,5,4", "r1,carers,1,6,4"), [], "outside the 1–5 scale"),
        (GOOD.replace("r2,carers,1", "r1,carers,1"), [], "appears more than once in round 1"),
        (GOOD.replace("r2,carers,1,3,", "r2,carers,1,lots,"), [], "'lots' for S1 is not a number"),
        (GOOD, ["--round", "3"], "Round 3 has no responses; rounds present: 1, 2"),
        (GOOD, ["--merge", "carers+nurses"], "'nurses', which is not in the responses"),
        (GOOD, ["--clusters", "9"], "number of clusters must be a whole number from 2 to"),
        (GOOD, ["--comet", "--scale", "5"], "--comet uses a 9-point scale"),
        (GOOD, ["--agree-min", "2", "--disagree-max", "3"], "below the lowest agreeing"),
    ],
)
def test_bad_input_fails_cleanly(tmp_path, capsys, text, extra, message):
    chart = tmp_path / "tree.png"
    code = run(
        ["delphi", "analyse", str(write(tmp_path, text)), "--dendrogram", str(chart), *extra]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert captured.err.startswith("ourplan delphi analyse: error:")
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert not chart.exists()


def test_unknown_statement_column_fails_cleanly(tmp_path, capsys):
    statements = write(tmp_path, "id,topic,text\nS1,care,First\n", "statements.csv")
    responses = write(tmp_path, GOOD)
    code = run(["delphi", "analyse", str(responses), "--statements", str(statements)])
    captured = capsys.readouterr()
    assert code == 2
    assert "column 'S2' is not a statement id in the statements file" in captured.err
    assert captured.out == ""


def test_missing_file_fails_cleanly(tmp_path, capsys):
    assert run(["delphi", "analyse", str(tmp_path / "absent.csv")]) == 2
    assert "File not found" in capsys.readouterr().err


def test_argument_errors_exit_with_code_two(tmp_path, capsys):
    for bad in (["--scale", "6"], ["--consensus", "75"], ["--clusters", "many"], ["--round", "0"]):
        with pytest.raises(SystemExit) as stopped:
            run(["delphi", "analyse", str(write(tmp_path, GOOD)), *bad])
        assert stopped.value.code == 2
    assert "share between 0 and 1" in capsys.readouterr().err


def test_demo_refuses_a_file_in_the_way(tmp_path, capsys):
    blocker = write(tmp_path, "x", "blocker")
    assert run(["delphi", "demo", "--out", str(blocker)]) == 2
    assert "is not a folder" in capsys.readouterr().err
