"""``ourplan audit sample`` and ``ourplan audit export``."""

from __future__ import annotations

from typing import Any

import pytest

from ourplan.cli import main
from ourplan.quality.models import AuditSample
from tests.quality.quality_builders import reviewed_plan


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["audit", *args])
    out, err = capsys.readouterr()
    return code, out, err


SAMPLE = ["sample", "--team", "East team", "--by", "manager", "--auditor", "clinician"]


def test_sample_then_export(standing: Any, capsys: pytest.CaptureFixture[str]) -> None:
    reviewed_plan(standing.person, standing.coordinator)
    code, out, err = _run(capsys, *SAMPLE, "--size", "1", "--seed", "42")
    assert (code, err) == (0, "")
    sample = AuditSample.objects.get()
    assert out.splitlines()[0] == f"sample {sample.pk} seed 42"
    assert "Ada" not in out
    code, out, err = _run(capsys, "export", "--sample", str(sample.pk))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "study_id,team,source,item,answer,note"
    assert len(lines) == 1 + 25  # the automatic reading of the one plan


def test_a_sample_larger_than_the_team_is_refused_on_stderr(
    standing: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    reviewed_plan(standing.person, standing.coordinator)
    code, out, err = _run(capsys, *SAMPLE, "--size", "5", "--seed", "1")
    assert code == 2
    assert out == ""
    assert "East team has 1 plan with a signed-off version" in err
    assert not AuditSample.objects.exists()


def test_a_second_auditor_who_is_the_first_is_refused(
    standing: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    reviewed_plan(standing.person, standing.coordinator)
    code, _out, err = _run(
        capsys,
        *SAMPLE,
        "--size",
        "1",
        "--seed",
        "1",
        "--second-auditor",
        "clinician",
        "--double-percent",
        "100",
    )
    assert code == 2
    assert "someone other than the first" in err


def test_only_a_team_manager_may_draw_and_an_unknown_sample_is_refused(
    standing: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = _run(
        capsys,
        "sample",
        "--team",
        "East team",
        "--by",
        "clinician",
        "--auditor",
        "clinician",
        "--size",
        "1",
        "--seed",
        "1",
    )
    assert code == 2 and "not a team manager" in err
    code, _out, err = _run(capsys, "export", "--sample", "not-a-uuid")
    assert code == 2 and "no sample" in err


def test_export_as_spss_needs_a_file_and_writes_one(
    standing: Any, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    import pyreadstat

    reviewed_plan(standing.person, standing.coordinator)
    assert _run(capsys, *SAMPLE, "--size", "1", "--seed", "3")[0] == 0
    sample = AuditSample.objects.get()
    code, _out, err = _run(capsys, "export", "--sample", str(sample.pk), "--format", "sav")
    assert code == 2 and "--out" in err
    path = tmp_path / "a.sav"
    code, _out, _err = _run(
        capsys, "export", "--sample", str(sample.pk), "--format", "sav", "--out", str(path)
    )
    assert code == 0
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == 1
    assert meta.column_names_to_labels["advance_directives"] == "Advance directives"
