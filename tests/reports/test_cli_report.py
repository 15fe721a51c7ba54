"""``ourplan report``: demo data, the evaluation report as HTML and PDF, and clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from ourplan.cli import main
from ourplan.reports.demo_data import SHIPPED_CSV

SITES = (
    "Site A (England)",
    "Site B (Wales)",
    "Site C (Wales)",
    "Site D (England)",
    "Site E (England)",
    "Site F (England)",
)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command in a fresh process, without Django settings."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "ourplan.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    assert main(["report", "demo-data", "--out", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def rendered(demo_folder):
    """The demo report written by the real command (HTML and PDF)."""
    out = demo_folder / "report"
    result = run_cli(
        "report", "evaluation", "--config", str(demo_folder / "report.yaml"), "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    return out, result


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def squash(text: str) -> str:
    return " ".join(text.split())


def test_demo_data_writes_the_shipped_csv_and_a_config(demo_folder):
    assert (demo_folder / "demo_six_sites.csv").read_bytes() == SHIPPED_CSV.read_bytes()
    assert "site_column: site" in (demo_folder / "report.yaml").read_text(encoding="utf-8")


def test_evaluation_writes_html_and_pdf(rendered):
    out, result = rendered
    assert (out / "evaluation.html").is_file()
    assert (out / "evaluation.pdf").read_bytes().startswith(b"%PDF")
    assert "Wrote" in result.stdout
    assert "Traceback" not in result.stderr


def test_pdf_holds_sites_measures_and_the_methods_paragraph(rendered):
    out, _ = rendered
    reader = PdfReader(out / "evaluation.pdf")
    assert len(reader.pages) >= 8
    text = squash(pdf_text(out / "evaluation.pdf"))
    for site in SITES:
        assert site in text
    for name in ("Recovery-oriented practice", "Therapeutic relationship", "Empowerment"):
        assert name in text
    for heading in ("Summary of findings", "Which sites differ", "Correlations between scores"):
        assert heading in text
    assert "Methods" in text
    assert "601 responses from 6 sites" in text
    assert "adjusting for age, gender, ethnicity and years in services" in text
    assert "Page 1 of" in text


def test_pdf_is_a4_and_tagged(rendered):
    out, _ = rendered
    reader = PdfReader(out / "evaluation.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_html_only(demo_folder, tmp_path):
    code = main(
        [
            "report",
            "evaluation",
            "--config",
            str(demo_folder / "report.yaml"),
            "--out",
            str(tmp_path),
            "--format",
            "html",
        ]
    )
    assert code == 0
    assert (tmp_path / "evaluation.html").is_file()
    assert not (tmp_path / "evaluation.pdf").exists()


# ----------------------------------------------------------------------------- errors


def fails_clearly(capsys, args: list[str], message: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("ourplan report ")
    assert message in err
    assert "Traceback" not in err


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def config_text(**overrides: str) -> str:
    parts = {
        "data": "data: survey.csv",
        "site_column": "site_column: site",
        "measures": "measures:\n  - name: Scale\n    items: [Q1, Q2]",
    }
    parts.update(overrides)
    return "\n".join(v for v in parts.values() if v) + "\n"


@pytest.fixture
def survey(tmp_path):
    write(tmp_path, "survey.csv", "site,Q1,Q2\nA,1,2\nA,2,3\nB,3,4\nB,4,4\n")
    return tmp_path


def test_missing_config_file(capsys, tmp_path):
    fails_clearly(
        capsys,
        ["report", "evaluation", "--config", str(tmp_path / "nope.yaml")],
        "No such config file",
    )


def test_missing_data_file(capsys, tmp_path):
    path = write(tmp_path, "report.yaml", config_text())
    fails_clearly(
        capsys, ["report", "evaluation", "--config", str(path)], "The data file does not exist"
    )


def test_bad_yaml(capsys, survey):
    path = write(survey, "report.yaml", "data: survey.csv\nmeasures: [\n  - oops: {\n")
    fails_clearly(capsys, ["report", "evaluation", "--config", str(path)], "not valid YAML")


def test_no_measures(capsys, survey):
    path = write(survey, "report.yaml", config_text(measures="measures: []"))
    fails_clearly(capsys, ["report", "evaluation", "--config", str(path)], "needs 'measures'")


def test_unknown_site_column(capsys, survey):
    path = write(survey, "report.yaml", config_text(site_column="site_column: centre"))
    fails_clearly(
        capsys,
        ["report", "evaluation", "--config", str(path), "--out", str(survey / "out")],
        "The site column 'centre' is not a column of survey.csv",
    )
    assert not (survey / "out" / "evaluation.html").exists()


def test_unknown_covariate_column(capsys, survey):
    path = write(survey, "report.yaml", config_text() + "covariates: [age]\n")
    fails_clearly(
        capsys,
        ["report", "evaluation", "--config", str(path), "--out", str(survey)],
        "The covariate 'age' is not a column",
    )


def test_text_in_an_item_column(capsys, survey):
    write(survey, "survey.csv", "site,Q1,Q2\nA,1,2\nA,two,3\nB,3,4\nB,4,4\n")
    path = write(survey, "report.yaml", config_text())
    fails_clearly(
        capsys,
        ["report", "evaluation", "--config", str(path), "--out", str(survey)],
        "Column 'Q1' must hold numbers, but row 2 has 'two'",
    )


def test_out_is_a_file(capsys, survey):
    path = write(survey, "report.yaml", config_text())
    fails_clearly(
        capsys,
        ["report", "evaluation", "--config", str(path), "--out", str(path)],
        "exists and is not a folder",
    )


def test_demo_data_out_is_a_file(capsys, tmp_path):
    target = write(tmp_path, "file.txt", "x")
    fails_clearly(capsys, ["report", "demo-data", "--out", str(target)], "is not a folder")


def test_real_process_prints_no_traceback_for_a_bad_config(tmp_path):
    path = write(tmp_path, "report.yaml", "title: [unclosed\n")
    result = run_cli("report", "evaluation", "--config", str(path))
    assert result.returncode == 2
    assert "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr
