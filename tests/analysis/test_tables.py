"""Reading CSV, Excel and SPSS files, and the errors for unusable ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.tables import (
    is_numeric_column,
    numeric_column,
    read_subscales,
    read_table,
    require_columns,
)


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_sav(path: Path) -> Path:
    import pyreadstat

    frame = pd.DataFrame({"team": [1.0, 1.0, 2.0, 3.0, np.nan], "score": [4.0, 5.0, 2.0, 3.0, 1.0]})
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={
            "team": {1.0: "Early intervention", 2.0: "Crisis team"},
            "score": {1.0: "Never", 5.0: "Always"},
        },
    )
    return path


def test_csv_group_codes_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("score,team\n1.5,1\n2,2\n3,3\n,01\n4,\n", encoding="utf-8")
    frame = read_table(path, text_columns=["team"])
    assert frame["team"].tolist() == ["1", "2", "3", "01", None]
    assert numeric_column(frame, "score")[:3].tolist() == [1.5, 2.0, 3.0]
    assert np.isnan(numeric_column(frame, "score")[3])


def test_csv_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "excel-export.csv"
    path.write_bytes("\ufeffscore,team\n1,a\n".encode())
    assert list(read_table(path).columns) == ["score", "team"]


def test_xlsx_numbers_as_group_labels(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "data.xlsx", [["score", "team"], [1.5, 1], [2, 2.0], [3, "3"], [4, None]]
    )
    frame = read_table(path, text_columns=["team"])
    assert frame["team"].tolist() == ["1", "2", "3", None]
    assert numeric_column(frame, "score").tolist() == [1.5, 2.0, 3.0, 4.0]


def test_sav_value_labels_apply_to_group_columns_only(tmp_path: Path) -> None:
    path = write_sav(tmp_path / "data.sav")
    frame = read_table(path, text_columns=["team"])
    # Labelled codes become their labels; an unlabelled code keeps its number as text.
    assert frame["team"].tolist() == [
        "Early intervention",
        "Early intervention",
        "Crisis team",
        "3",
        None,
    ]
    # Item codes stay numbers even though they carry labels.
    assert numeric_column(frame, "score").tolist() == [4.0, 5.0, 2.0, 3.0, 1.0]


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(AnalysisError, match="empty"):
        read_table(empty)
    header = tmp_path / "header.csv"
    header.write_text("score,team\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="no data rows"):
        read_table(header)
    blank_lines = tmp_path / "blank.csv"
    blank_lines.write_text("\n\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="empty"):
        read_table(blank_lines)


def test_unreadable_sav_and_xlsx(tmp_path: Path) -> None:
    sav = tmp_path / "broken.sav"
    sav.write_bytes(b"this is not an SPSS file at all")
    with pytest.raises(AnalysisError, match=r"broken\.sav could not be read as an SPSS"):
        read_table(sav)
    xlsx = tmp_path / "broken.xlsx"
    xlsx.write_bytes(b"PK not really a zip")
    with pytest.raises(AnalysisError, match=r"broken\.xlsx could not be read as"):
        read_table(xlsx)


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match=r"unknown file type '\.txt'.*\.csv, \.xlsx, \.sav"):
        read_table(tmp_path / "data.txt")
    with pytest.raises(AnalysisError, match="No such file"):
        read_table(tmp_path / "absent.csv")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("name,score\nJos\xe9,1\n".encode("latin-1"))
    with pytest.raises(AnalysisError, match="not UTF-8"):
        read_table(path)


def test_unknown_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("score,team\n1,a\n", encoding="utf-8")
    with pytest.raises(
        AnalysisError, match=r"Unknown column 'ward'\. The columns are: score, team"
    ):
        read_table(path, text_columns=["ward"])
    frame = read_table(path)
    with pytest.raises(AnalysisError, match=r"Unknown columns 'a', 'b'"):
        require_columns(frame, ["a", "b", "score"])


def test_non_numeric_value_names_column_row_and_value(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("score,team\n1,a\nNA,a\n 2 ,b\nlots,b\n", encoding="utf-8")
    frame = read_table(path, text_columns=["team"])
    with pytest.raises(
        AnalysisError, match=r"Column 'score' must hold numbers, but row 4 has 'lots'"
    ):
        numeric_column(frame, "score")
    assert not is_numeric_column(frame, "score")
    assert not is_numeric_column(frame, "team")


def test_blank_and_na_tokens_are_missing() -> None:
    frame = pd.DataFrame({"v": ["1", " ", "n/a", None, "2.5"]}, dtype=object)
    values = numeric_column(frame, "v")
    assert values[0] == 1.0 and values[4] == 2.5
    assert np.isnan(values[1:4]).all()


def test_infinite_and_boolean_values_are_rejected() -> None:
    with pytest.raises(AnalysisError, match="infinite"):
        numeric_column(pd.DataFrame({"v": [1.0, float("inf")]}), "v")
    with pytest.raises(AnalysisError, match="true/false"):
        numeric_column(pd.DataFrame({"v": [True, False]}), "v")


def test_read_subscales(tmp_path: Path) -> None:
    path = tmp_path / "subscales.csv"
    path.write_text("Item,Subscale\nq1,Hope\nq2, Control \n\n", encoding="utf-8")
    assert read_subscales(path) == {"q1": "Hope", "q2": "Control"}
    no_header = tmp_path / "plain.csv"
    no_header.write_text("q1,Hope\n", encoding="utf-8")
    assert read_subscales(no_header) == {"q1": "Hope"}
    bad = tmp_path / "bad.csv"
    bad.write_text("item,subscale\nq1\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="two columns"):
        read_subscales(bad)
    clash = tmp_path / "clash.csv"
    clash.write_text("q1,Hope\nq1,Control\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="two subscales"):
        read_subscales(clash)
    with pytest.raises(AnalysisError, match="No such subscale file"):
        read_subscales(tmp_path / "absent.csv")
