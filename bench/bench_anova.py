"""Benchmark ourplan's ANOVA/Tukey and ANCOVA against pingouin and statsmodels.

Run: ``.venv/bin/python bench/bench_anova.py [--reps N] [--rows N] [--ancova-rows N]``.

Every library gets the same generated data (fixed seed) as a pandas DataFrame with a text
group column, as read from a CSV file. Each task is timed ``--reps`` times after one warm-up
run and the median is reported, with the ratios other/ourplan (above 1 means ourplan is
faster). Results are also compared, so a fast wrong answer would be visible.

Tasks:

* ``anova+tukey``: one-way ANOVA table plus all Tukey HSD pairs (p-values and 95% CIs).
  ourplan ``one_way_anova`` + ``tukey_hsd``; pingouin ``anova`` + ``pairwise_tukey``;
  statsmodels ``anova_oneway(use_var="equal")`` + ``pairwise_tukeyhsd``.
* ``ancova``: one factor plus 5 numeric covariates. ourplan ``ancova`` (which also computes
  adjusted means and Holm-adjusted pairwise comparisons); pingouin ``ancova``; statsmodels
  ``ols`` with sum coding + ``anova_lm(typ=3)``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ourplan.analysis.ancova import ancova
from ourplan.analysis.anova import one_way_anova, tukey_hsd

SEED = 20240601
GROUPS = np.array(["g1", "g2", "g3", "g4", "g5", "g6"], dtype=object)


def make_anova_data(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    codes = rng.integers(0, len(GROUPS), rows)
    # A realistic clinical-score scale with a constant part and small group effects.
    y = 50.0 + 0.02 * codes + rng.normal(0.0, 10.0, rows)
    return pd.DataFrame({"score": y, "group": GROUPS[codes]})


def make_ancova_data(rows: int, covariates: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(SEED + 1)
    codes = rng.integers(0, 4, rows)
    frame = pd.DataFrame({"group": GROUPS[codes]})
    y = 20.0 + 0.1 * codes + rng.normal(0.0, 3.0, rows)
    for j in range(covariates):
        x = rng.normal(10.0 * (j + 1), 2.0 + j, rows)
        frame[f"x{j + 1}"] = x
        y = y + 0.05 * (j + 1) * x
    frame["score"] = y
    return frame


def timed(fn: Callable[[], Any], reps: int) -> tuple[float, Any]:
    """Median wall time of ``reps`` runs after one warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_anova(frame: pd.DataFrame, reps: int) -> dict[str, tuple[float, float]]:
    """Median seconds and the ANOVA F reported by each library."""
    import pingouin as pg
    from statsmodels.stats.multicomp import pairwise_tukeyhsd
    from statsmodels.stats.oneway import anova_oneway

    def ours() -> float:
        table = one_way_anova(frame["score"], frame["group"])
        tukey_hsd(frame["score"], frame["group"])
        return table.F

    def pingouin() -> float:
        table = pg.anova(data=frame, dv="score", between="group", detailed=True)
        pg.pairwise_tukey(data=frame, dv="score", between="group")
        return float(table["F"].iloc[0])

    def statsmodels() -> float:
        table = anova_oneway(frame["score"], frame["group"], use_var="equal")
        pairwise_tukeyhsd(frame["score"], frame["group"])
        return float(table.statistic)

    return {name: timed(fn, reps) for name, fn in _libs(ours, pingouin, statsmodels).items()}


def bench_ancova(frame: pd.DataFrame, reps: int) -> dict[str, tuple[float, float]]:
    """Median seconds and the factor's F reported by each library."""
    import pingouin as pg
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    covs = [c for c in frame.columns if c.startswith("x")]

    def ours() -> float:
        return ancova(frame, "score", "group", covs).factor.F

    def pingouin() -> float:
        table = pg.ancova(data=frame, dv="score", covar=covs, between="group")
        return float(table["F"].iloc[0])

    def statsmodels() -> float:
        fit = smf.ols("score ~ C(group, Sum) + " + " + ".join(covs), frame).fit()
        table = sm.stats.anova_lm(fit, typ=3)
        return float(table.loc["C(group, Sum)", "F"])

    return {name: timed(fn, reps) for name, fn in _libs(ours, pingouin, statsmodels).items()}


def _libs(*fns: Callable[[], float]) -> dict[str, Callable[[], float]]:
    return dict(zip(("ourplan", "pingouin", "statsmodels"), fns, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--ancova-rows", type=int, default=200_000)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    results = {
        f"ANOVA + Tukey, {args.rows:,} rows x 6 groups": bench_anova(
            make_anova_data(args.rows), args.reps
        ),
        f"ANCOVA, {args.ancova_rows:,} rows, 4 groups, 5 covariates": bench_ancova(
            make_ancova_data(args.ancova_rows), args.reps
        ),
    }
    print(f"Median of {args.reps} runs after a warm-up (seconds); seed {SEED}.\n")
    print("| task | ourplan | pingouin | statsmodels | pingouin/ourplan | statsmodels/ourplan |")
    print("|---|---:|---:|---:|---:|---:|")
    for task, res in results.items():
        ours, pg_t, sm_t = (res[k][0] for k in ("ourplan", "pingouin", "statsmodels"))
        print(
            f"| {task} | {ours:.3f} | {pg_t:.3f} | {sm_t:.3f} "
            f"| {pg_t / ours:.1f}x | {sm_t / ours:.1f}x |"
        )
    print("\nF statistics (a cross-check that all three computed the same test):\n")
    print("| task | ourplan | pingouin | statsmodels |")
    print("|---|---:|---:|---:|")
    for task, res in results.items():
        fs = " | ".join(f"{res[k][1]:.10g}" for k in ("ourplan", "pingouin", "statsmodels"))
        print(f"| {task} | {fs} |")
    print(
        "\nNote: pingouin.ancova uses Type II sums of squares; for a model without "
        "interactions the factor's Type II and Type III tests coincide."
    )


if __name__ == "__main__":
    main()
