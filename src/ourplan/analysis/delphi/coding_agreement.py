"""Agreement between two coders of free text: percentage agreement and Cohen's kappa.

Cohen (1960): κ = (pₒ − pₑ) / (1 − pₑ), with pₒ the share of units both coders put in the
same category and pₑ = Σₖ aₖ·bₖ the agreement expected by chance from each coder's own
category shares aₖ and bₖ.  κ is undefined when pₑ = 1 (both coders used one and the same
category for every unit); it is then reported as ``None``.

Coding text into themes is many yes/no decisions: for each theme and each unit of text
(an answer to an open question, or a comment), did the coder apply the theme?
:func:`coding_agreement` builds one 2 × 2 table per theme and reports, per theme, the
percentage agreement and κ, and overall the percentage agreement and the *pooled* κ over
all themes (De Vries et al. 2008: κ from the mean pₒ and mean pₑ over the themes).

**Uncoded text.**  A unit that neither coder gave any theme is *uncoded*.  By default it
is left out: it was judged irrelevant by both, and counting it as agreement on every
theme would inflate agreement with text nobody coded.  ``include_uncoded=True`` counts
it (agreement that no theme applies).  A unit coded by one coder only always counts: the
other coder's silence is a "no" for every theme.

Pure Python; no Django.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ourplan.analysis.errors import AnalysisError

# Shares are ratios of counts; treat pₑ within this of 1 as 1 (κ undefined).
_TOLERANCE = 1e-12


@dataclass(frozen=True)
class KappaResult:
    """Cohen's kappa for two coders over ``n`` units."""

    n: int
    observed: float  # pₒ, share of units in the same category
    expected: float  # pₑ, chance agreement from the marginal shares
    kappa: float | None  # None when pₑ = 1
    categories: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]  # rows: coder A's category, columns: coder B's


def kappa_from_table(
    table: Sequence[Sequence[int]], categories: Sequence[Hashable] | None = None
) -> KappaResult:
    """Cohen's kappa from a square table of counts (rows coder A, columns coder B)."""
    size = len(table)
    if size == 0 or any(len(row) != size for row in table):
        raise AnalysisError("The agreement table must be square, one row and column per category.")
    counts = [[int(cell) for cell in row] for row in table]
    if any(cell < 0 for row in counts for cell in row):
        raise AnalysisError("Counts in the agreement table cannot be negative.")
    n = sum(sum(row) for row in counts)
    if n == 0:
        raise AnalysisError("There are no coded units to compare.")
    names = (
        tuple(str(c) for c in categories)
        if categories is not None
        else tuple(str(i + 1) for i in range(size))
    )
    if len(names) != size:
        raise AnalysisError("Give one category name per row of the agreement table.")
    observed = sum(counts[i][i] for i in range(size)) / n
    rows = [sum(row) / n for row in counts]
    columns = [sum(counts[i][j] for i in range(size)) / n for j in range(size)]
    expected = sum(a * b for a, b in zip(rows, columns, strict=True))
    kappa = None if expected >= 1 - _TOLERANCE else (observed - expected) / (1 - expected)
    return KappaResult(
        n=n,
        observed=observed,
        expected=expected,
        kappa=kappa,
        categories=names,
        table=tuple(tuple(row) for row in counts),
    )


def cohen_kappa(labels_a: Sequence[Hashable], labels_b: Sequence[Hashable]) -> KappaResult:
    """Cohen's kappa for two coders' categories of the same units, in the same order."""
    if len(labels_a) != len(labels_b):
        raise AnalysisError(
            f"The two coders must classify the same units: {len(labels_a)} v {len(labels_b)}."
        )
    if not labels_a:
        raise AnalysisError("There are no coded units to compare.")
    categories = sorted({*labels_a, *labels_b}, key=str)
    index = {c: i for i, c in enumerate(categories)}
    table = [[0] * len(categories) for _ in categories]
    for a, b in zip(labels_a, labels_b, strict=True):
        table[index[a]][index[b]] += 1
    return kappa_from_table(table, categories)


@dataclass(frozen=True)
class ThemeAgreement:
    """Two coders' decisions on one theme over the units compared."""

    theme: str
    both: int  # both applied the theme
    only_a: int
    only_b: int
    neither: int
    percent: float  # share of units with the same decision
    kappa: float | None

    @property
    def n(self) -> int:
        return self.both + self.only_a + self.only_b + self.neither


@dataclass(frozen=True)
class CodingAgreement:
    """Agreement per theme and overall (see the module notes)."""

    themes: tuple[ThemeAgreement, ...]
    n_units: int  # units compared
    uncoded_units: int  # units neither coder coded
    include_uncoded: bool
    percent: float | None  # mean over themes = share of all unit × theme decisions agreed
    pooled_kappa: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "n_units": self.n_units,
            "uncoded_units": self.uncoded_units,
            "include_uncoded": self.include_uncoded,
            "percent": self.percent,
            "pooled_kappa": self.pooled_kappa,
            "themes": [
                {
                    "theme": t.theme,
                    "both": t.both,
                    "only_a": t.only_a,
                    "only_b": t.only_b,
                    "neither": t.neither,
                    "percent": t.percent,
                    "kappa": t.kappa,
                }
                for t in self.themes
            ],
        }


def coding_agreement(
    units: Iterable[str],
    codes_a: Mapping[str, Iterable[str]],
    codes_b: Mapping[str, Iterable[str]],
    themes: Sequence[str],
    *,
    include_uncoded: bool = False,
) -> CodingAgreement:
    """Compare two coders' themes over ``units`` (unit id → themes each coder applied)."""
    all_units = list(dict.fromkeys(units))
    if not themes:
        raise AnalysisError("The codebook has no themes to compare.")
    known = set(themes)
    a = {u: set(codes_a.get(u, ())) for u in all_units}
    b = {u: set(codes_b.get(u, ())) for u in all_units}
    for coder in (a, b):
        unknown = sorted({t for applied in coder.values() for t in applied} - known)
        if unknown:
            raise AnalysisError("Codings use themes not in the codebook: " + ", ".join(unknown))
    uncoded = [u for u in all_units if not a[u] and not b[u]]
    compared = all_units if include_uncoded else [u for u in all_units if a[u] or b[u]]
    if not compared:
        return CodingAgreement((), 0, len(uncoded), include_uncoded, None, None)
    results: list[ThemeAgreement] = []
    observed: list[float] = []
    expected: list[float] = []
    for theme in themes:
        both = sum(1 for u in compared if theme in a[u] and theme in b[u])
        only_a = sum(1 for u in compared if theme in a[u] and theme not in b[u])
        only_b = sum(1 for u in compared if theme not in a[u] and theme in b[u])
        neither = len(compared) - both - only_a - only_b
        result = kappa_from_table([[both, only_a], [only_b, neither]], ("yes", "no"))
        observed.append(result.observed)
        expected.append(result.expected)
        results.append(
            ThemeAgreement(theme, both, only_a, only_b, neither, result.observed, result.kappa)
        )
    mean_observed = sum(observed) / len(observed)
    mean_expected = sum(expected) / len(expected)
    pooled = (
        None
        if mean_expected >= 1 - _TOLERANCE
        else (mean_observed - mean_expected) / (1 - mean_expected)
    )
    return CodingAgreement(
        themes=tuple(results),
        n_units=len(compared),
        uncoded_units=len(uncoded),
        include_uncoded=include_uncoded,
        percent=mean_observed,
        pooled_kappa=pooled,
    )


__all__ = [
    "CodingAgreement",
    "KappaResult",
    "ThemeAgreement",
    "coding_agreement",
    "cohen_kappa",
    "kappa_from_table",
]
