"""`ourplan analyse anova` keeps NIST certified accuracy when reading a CSV file."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import scipy

from ourplan.cli import main

NIST = Path(scipy.__file__).parent / "stats" / "tests" / "data" / "nist_anova"


def _certified(text: str) -> dict[str, float]:
    between = re.search(r"^Between Treatment\s+\d+\s+(\S+)\s+\S+\s+(\S+)", text, re.M)
    within = re.search(r"^Within Treatment\s+\d+\s+(\S+)", text, re.M)
    assert between and within
    return {
        "ss_between": float(between.group(1)),
        "F": float(between.group(2)),
        "ss_within": float(within.group(1)),
    }


@pytest.mark.parametrize("name", ["SmLs07", "SmLs08", "SmLs09"])
def test_the_cli_gets_nine_or_more_digits_on_the_hardest_nist_datasets(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (NIST / f"{name}.dat").read_text()
    data = text[text.index("Data:  Treatment") :].splitlines()[1:]
    csv_path = tmp_path / f"{name}.csv"
    csv_path.write_text(
        "group,value\n" + "\n".join(",".join(line.split()) for line in data if line.strip()) + "\n"
    )
    assert (
        main(
            [
                "analyse",
                "anova",
                str(csv_path),
                "--value",
                "value",
                "--group",
                "group",
                "--format",
                "json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)["anova"]
    for key, certified in _certified(text).items():
        digits = (
            math.inf
            if result[key] == certified
            else -math.log10(abs(result[key] - certified) / abs(certified))
        )
        assert digits >= 9, (
            f"{name} {key}: {result[key]} vs certified {certified} ({digits:.1f} digits)"
        )
