"""``ourplan measures score``: the JSON contract, CSV output, and every error on stderr with
exit code 2 and nothing on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ourplan.cli import main
from ourplan.measures.catalogue import DEFINITIONS_DIR

STAR_P = str(DEFINITIONS_DIR / "star_p.yaml")
HEADER = "respondent_id," + ",".join(f"STARP{i:02d}" for i in range(1, 13))


def write(tmp_path: Path, text: str, name: str = "answers.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["measures", "score", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        HEADER,
        "p1," + ",".join(["3"] * 3 + ["0"] + ["3"] * 2 + ["0", "3", "0"] + ["3"] * 3),
        # Items 1-5 only (5 of 12): too few for the total; collaboration has 4 of 6.
        "p2,4,4,4,,4," + "," * 6,
    ]
    code, out, err = run(capsys, "--instrument", STAR_P, write(tmp_path, "\n".join(rows) + "\n"))
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["instrument"] == "star_p"
    first, second = result["respondents"]
    assert first == {
        "respondent_id": "p1",
        "scores": {
            "positive_collaboration": 18.0,
            "positive_input": 9.0,
            "non_supportive_input": 12.0,
            "total": 39.0,
        },
        "answered": {
            "positive_collaboration": 6,
            "positive_input": 3,
            "non_supportive_input": 3,
            "total": 12,
        },
    }
    assert second["scores"]["total"] is None and second["answered"]["total"] == 4
    assert second["scores"]["positive_collaboration"] == 24.0  # 4 of 6 answered, all 4: prorated
    assert second["scores"]["non_supportive_input"] is None


def test_blanks_and_the_not_applicable_code_are_not_answered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = "respondent_id," + ",".join(f"RSA{i:02d}" for i in range(1, 37))
    row = ["r1"] + ["4"] * 18 + ["9"] + [""] * 17
    code, out, _err = run(
        capsys,
        "--instrument",
        str(DEFINITIONS_DIR / "rsa_person.yaml"),
        write(tmp_path, header + "\n" + ",".join(row) + "\n"),
    )
    assert code == 0
    answered = json.loads(out)["respondents"][0]["answered"]["total"]
    assert answered == 18


def test_csv_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [HEADER, "=cmd," + ",".join(["2"] * 12)]
    code, out, _err = run(
        capsys, "--instrument", STAR_P, "--format", "csv", write(tmp_path, "\n".join(rows))
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(
        "respondent_id,positive_collaboration,positive_input,non_supportive_input,total,"
    )
    assert lines[1].startswith("'=cmd,12.0,6.0,6.0,24.0,")  # formula-safe id


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([HEADER, "p1,5" + ",3" * 11], "STARP01 in row 2 (respondent 'p1') is off the scale"),
        ([HEADER + ",EXTRA", "p1" + ",3" * 12 + ",1"], "'EXTRA' is not an item of star_p"),
        ([HEADER, "p1" + ",3" * 12, "p1" + ",2" * 12], "The respondent 'p1' appears twice"),
        ([HEADER, "p1,x" + ",3" * 11], "'x', which is not a number"),
        (["id," + HEADER.split(",", 1)[1], "p1" + ",3" * 12], "needs a respondent_id column"),
    ],
)
def test_errors_go_to_stderr_with_exit_2_and_nothing_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[str], message: str
) -> None:
    code, out, err = run(capsys, "--instrument", STAR_P, write(tmp_path, "\n".join(rows) + "\n"))
    assert code == 2
    assert out == ""
    assert err.startswith("ourplan measures score: error: ")
    assert message in err
    assert "Traceback" not in err


def test_a_malformed_definition_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path, "id: x\nname: X\n", "bad.yaml")
    code, out, err = run(capsys, "--instrument", bad, write(tmp_path, HEADER + "\n"))
    assert (code, out) == (2, "")
    assert "The definition cannot be used" in err


def test_an_empty_table_scores_nobody(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "--instrument", STAR_P, write(tmp_path, HEADER + "\n"))
    assert code == 0 and json.loads(out) == {"instrument": "star_p", "respondents": []}
