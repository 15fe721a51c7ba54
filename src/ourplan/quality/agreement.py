"""Agreement between two readings of the same plans, item by item.

Percentage agreement and Cohen's kappa come from ourplan.analysis (the one kappa in the
project, checked against published examples in tests/studies/test_coding_agreement.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ourplan.analysis.delphi.coding_agreement import cohen_kappa
from ourplan.quality.template import ITEMS


@dataclass(frozen=True)
class Disagreement:
    study_id: str
    first: str
    second: str


@dataclass(frozen=True)
class ItemAgreement:
    key: str
    n: int
    percent: float | None
    kappa: float | None
    disagreements: tuple[Disagreement, ...]

    @property
    def label(self) -> str:
        return str(ITEMS[self.key].label)


def item_agreement(key: str, pairs: list[tuple[str, str, str]]) -> ItemAgreement:
    """``pairs``: (study id, first reading, second reading) for each plan read twice."""
    if not pairs:
        return ItemAgreement(key, 0, None, None, ())
    result = cohen_kappa([a for _s, a, _b in pairs], [b for _s, _a, b in pairs])
    return ItemAgreement(
        key=key,
        n=result.n,
        percent=100 * result.observed,
        kappa=result.kappa,
        disagreements=tuple(Disagreement(s, a, b) for s, a, b in pairs if a != b),
    )


def agreement(
    keys: tuple[str, ...], first: dict[str, dict[str, str]], second: dict[str, dict[str, str]]
) -> list[ItemAgreement]:
    """Per item, over the plans both readings answered. ``first``/``second``: study id ->
    item -> answer."""
    shared = sorted(set(first) & set(second))
    found = []
    for key in keys:
        pairs = [
            (study, first[study][key], second[study][key])
            for study in shared
            if key in first[study] and key in second[study]
        ]
        found.append(item_agreement(key, pairs))
    return found
