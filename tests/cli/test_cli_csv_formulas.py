"""`ourplan analyse --format csv` never writes a live spreadsheet formula from the data."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import ourplan.cli

# (Reading a data file strips spaces, tabs and carriage returns around labels.)
DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    monkeypatch.setattr(ourplan.cli, "COMMAND_MODULES", ("ourplan.cli.analyse",))
    assert ourplan.cli.main(list(argv)) == 0
    return capsys.readouterr().out


def _cells(out: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(out, newline="")) for cell in row]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _assert_no_live_formula(out: str) -> None:
    for cell in _cells(out):
        # Statistics may be negative numbers; those are numbers, not formulas.
        if not _is_number(cell):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), repr(cell)


def test_group_labels_from_the_data_are_written_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "groups.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["score", "group"])
        for index, label in enumerate(DANGEROUS):
            for value in (1, 2, 3):
                writer.writerow([value + index, label])
    out = _run(
        monkeypatch,
        capsys,
        *("analyse", "describe", str(data), "--value", "score", "--group", "group"),
        *("--format", "csv"),
    )
    _assert_no_live_formula(out)
    cells = _cells(out)
    for label in DANGEROUS:
        assert "'" + label in cells  # shown, as the study exports show it


def test_item_names_from_the_data_are_written_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "items.csv"
    data.write_text("=cmd|' /C calc'!A0,@item,plain\n1,2,3\n2,3,4\n3,4,5\n", encoding="utf-8")
    out = _run(monkeypatch, capsys, "analyse", "rank", str(data), "--format", "csv")
    _assert_no_live_formula(out)
    assert "'=cmd|' /C calc'!A0" in _cells(out) and "'@item" in _cells(out)
    assert "plain" in _cells(out)


def test_every_text_cell_of_a_csv_block_is_made_safe() -> None:
    from ourplan.cli.analyse import render_csv

    out = render_csv([("\tblock", [{"=head": "@value", "n": -3, "label": "-x"}])])
    _assert_no_live_formula(out)
    assert _cells(out) == ["table", "'=head", "n", "label", "'\tblock", "'@value", "-3", "'-x"]
