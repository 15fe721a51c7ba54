"""Reference data sets typed in from R's ``datasets`` package (R's documented examples)."""

from __future__ import annotations

import pytest

# R: datasets::PlantGrowth (weight by group, 10 per group, in R's row order).
PLANT_CTRL = [4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14]
PLANT_TRT1 = [4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69]
PLANT_TRT2 = [6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26]

# R: datasets::warpbreaks (54 rows: wool A then B; tension L, M, H; 9 looms each).
WARP_BREAKS = {
    ("A", "L"): [26, 30, 54, 25, 70, 52, 51, 26, 67],
    ("A", "M"): [18, 21, 29, 17, 12, 18, 35, 30, 36],
    ("A", "H"): [36, 21, 24, 18, 10, 43, 28, 15, 26],
    ("B", "L"): [27, 14, 29, 19, 29, 31, 41, 20, 44],
    ("B", "M"): [42, 26, 19, 16, 39, 28, 21, 39, 29],
    ("B", "H"): [20, 21, 24, 17, 13, 15, 15, 16, 28],
}


@pytest.fixture
def plant_growth() -> tuple[list[float], list[str]]:
    """PlantGrowth as (weight, group) columns."""
    weight = PLANT_CTRL + PLANT_TRT1 + PLANT_TRT2
    group = ["ctrl"] * 10 + ["trt1"] * 10 + ["trt2"] * 10
    return weight, group


@pytest.fixture
def warpbreaks() -> tuple[list[float], list[str], list[str]]:
    """warpbreaks as (breaks, wool, tension) columns."""
    breaks: list[float] = []
    wool: list[str] = []
    tension: list[str] = []
    for (w, t), values in WARP_BREAKS.items():
        breaks += [float(v) for v in values]
        wool += [w] * len(values)
        tension += [t] * len(values)
    return breaks, wool, tension
