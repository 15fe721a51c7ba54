"""The hazard log (docs/hazards.md) names tests that exist, and its ratings add up.

Each hazard's controls are proved by the tests it names; if a test is renamed or removed,
this fails until the log is updated. Test functions are found by reading the test files'
syntax trees, so this takes milliseconds and imports nothing.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "docs" / "hazards.md"

SEVERITIES = ("Minor", "Significant", "Considerable", "Major", "Catastrophic")
# DCB0129's risk matrix: RISK[likelihood][severity index].
RISK = {
    "Very high": (3, 4, 4, 5, 5),
    "High": (2, 3, 3, 4, 5),
    "Medium": (2, 2, 3, 3, 4),
    "Low": (1, 2, 2, 3, 4),
    "Very low": (1, 1, 2, 2, 3),
}
FIELDS = ("Cause", "Effect", "Initial rating", "Controls", "Tests", "Residual rating")
TEST_ID = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)(?:\[[^\]`]*\])?`")
RATING = re.compile(
    r"severity (?P<severity>\w+), likelihood (?P<likelihood>Very high|High|Medium|Low|Very low): "
    r"risk \*\*(?P<risk>\d)\*\*"
)


@dataclass
class Hazard:
    number: int
    title: str
    fields: dict[str, str]


def _hazards() -> list[Hazard]:
    text = LOG.read_text(encoding="utf-8")
    hazards = []
    for match in re.finditer(r"^### H(\d+): (.+?)$\n(.*?)(?=^### |^## |\Z)", text, re.M | re.S):
        body = match.group(3)
        fields = {
            name: value.strip()
            for name, value in re.findall(
                r"^- \*\*(.+?):\*\*(.*?)(?=^- \*\*|\Z)", body, re.M | re.S
            )
        }
        hazards.append(Hazard(int(match.group(1)), match.group(2).strip(), fields))
    return hazards


@cache
def _test_names(path: str) -> frozenset[str]:
    """``name`` and ``Class::name`` for every test function defined in the file."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(f"{node.name}::{item.name}")
    return frozenset(name for name in names if name.split("::")[-1].startswith("test"))


def test_every_test_the_hazard_log_names_exists() -> None:
    named = TEST_ID.findall(LOG.read_text(encoding="utf-8"))
    assert len(named) >= 40, "the pattern for test ids no longer matches the log"
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not (ROOT / path).is_file() or name not in _test_names(path)
    ]
    assert missing == [], f"docs/hazards.md names tests that do not exist: {missing}"


def test_every_hazard_has_a_cause_effect_ratings_controls_and_tests() -> None:
    hazards = _hazards()
    assert [hazard.number for hazard in hazards] == list(range(1, len(hazards) + 1))
    assert len(hazards) >= 8
    for hazard in hazards:
        absent = [name for name in FIELDS if not hazard.fields.get(name)]
        assert absent == [], f"H{hazard.number} has no {absent}"
        assert TEST_ID.search(hazard.fields["Tests"]), f"H{hazard.number} names no test"


def test_the_log_covers_the_hazards_the_service_must_control() -> None:
    titles = " | ".join(hazard.title.lower() for hazard in _hazards())
    for words in (
        "wrong person's record",
        "crisis plan is unavailable",
        "update to a plan is lost",
        "consent",
        "identifying data",
        "locked out",
        "audit entries",
        "session is taken over",
    ):
        assert words in titles, f"no hazard about {words!r}"


def test_each_rating_is_the_risk_matrix_cell_and_the_summary_agrees() -> None:
    text = LOG.read_text(encoding="utf-8")
    printed = {
        likelihood: tuple(int(cell) for cell in cells.split(" | "))
        for likelihood, cells in re.findall(
            r"^\| (Very high|High|Medium|Low|Very low) \| ([\d |]+?) \|$", text, re.M
        )
    }
    assert printed == RISK, "the matrix printed in docs/hazards.md is not DCB0129's"
    summary = {
        int(number): (int(initial), int(residual))
        for number, initial, residual in re.findall(
            r"^\| H(\d+) \| [^|]+ \| (\d) \| (\d) \|$", text, re.M
        )
    }
    for hazard in _hazards():
        risks = []
        for field in ("Initial rating", "Residual rating"):
            rating = RATING.search(hazard.fields[field])
            assert rating, f"H{hazard.number} {field} is not 'severity S, likelihood L: risk **N**'"
            severity = SEVERITIES.index(rating["severity"])
            expected = RISK[rating["likelihood"]][severity]
            assert int(rating["risk"]) == expected, (
                f"H{hazard.number} {field}: the matrix says {expected}"
            )
            risks.append(int(rating["risk"]))
        assert summary.get(hazard.number) == tuple(risks), f"the summary row of H{hazard.number}"
        assert risks[1] <= risks[0], f"H{hazard.number}: controls cannot raise the risk"
