"""Benchmark ourplan's ANOVA, Tukey HSD and Games–Howell against pingouin and SciPy.

Run: ``.venv/bin/python bench/bench_anova.py [--sizes 600,6000,...] [--ancova-rows N]``.

Every library gets the same generated data (fixed seed, 6 groups) as a pandas DataFrame
with a text group column, as read from a CSV file.  For each size the libraries take turns
(the order rotates every repeat), so load from other work on the shared machine falls on
all of them alike; the table gives medians and the ratio other/ourplan (above 1 means
ourplan is faster).  Results are cross-checked, so a fast wrong answer would show.

Tasks:

* ``ANOVA + Tukey``: the one-way ANOVA table and all 15 Tukey HSD pairs with adjusted
  p-values and simultaneous 95% intervals.  ourplan ``analyse_one_way(welch=False)``;
  pingouin ``anova`` + ``pairwise_tukey``; SciPy ``f_oneway`` + ``tukey_hsd`` (with
  ``confidence_interval()``), given the groups split by ``DataFrame.groupby``, which is
  counted in its time.
* ``Games–Howell``: all pairs with adjusted p-values; ourplan also gives the 95%
  intervals (pingouin gives none; SciPy has no Games–Howell test).
* ``ANCOVA``: one factor plus 5 numeric covariates; ourplan ``ancova`` (which also computes
  adjusted means and Holm-adjusted pairwise comparisons); pingouin ``ancova``.

The first call in a process also builds ourplan's table of the range distribution for
k = 6 (cached afterwards); its cost is reported separately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ourplan.analysis import studentized_range
from ourplan.analysis.ancova import ancova
from ourplan.analysis.anova import analyse_one_way, games_howell

SEED = 20240601
GROUPS = np.array(["g1", "g2", "g3", "g4", "g5", "g6"], dtype=object)
DEFAULT_SIZES = "600,6000,60000,600000,6000000"


def make_anova_data(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    codes = rng.integers(0, len(GROUPS), rows)
    # A realistic clinical-score scale with a constant part and small group effects; the
    # groups' spreads differ a little, as Games–Howell allows.
    y = 50.0 + 0.02 * codes + rng.normal(0.0, 10.0, rows) * (1.0 + 0.05 * codes)
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


def interleaved(fns: dict[str, Callable[[], Any]], repeats: int) -> dict[str, tuple[float, Any]]:
    """Median wall time and last result of each function, taking turns (order rotating)."""
    results = {name: fn() for name, fn in fns.items()}  # warm-up
    times: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for rep in range(repeats):
        for name in names[rep % len(names) :] + names[: rep % len(names)]:
            start = time.perf_counter()
            results[name] = fns[name]()
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.median(times[name]), results[name]) for name in names}


def anova_tukey_tasks(frame: pd.DataFrame) -> dict[str, Callable[[], dict[str, Any]]]:
    import pingouin as pg
    from scipy import stats

    def ours() -> dict[str, Any]:
        result = analyse_one_way(frame["score"], frame["group"], welch=False)
        return {
            "F": result.anova.F,
            "p": {(c.group_a, c.group_b): c.p_adj for c in result.tukey},
            "ci": {(c.group_a, c.group_b): c.ci95 for c in result.tukey},
        }

    def pingouin() -> dict[str, Any]:
        table = pg.anova(data=frame, dv="score", between="group", detailed=True)
        pairs = pg.pairwise_tukey(data=frame, dv="score", between="group")
        return {
            "F": float(table["F"].iloc[0]),
            "p": {
                (a, b): float(p) for a, b, p in zip(pairs.A, pairs.B, pairs["p_tukey"], strict=True)
            },
        }

    def scipy() -> dict[str, Any]:
        parts = {g: s.to_numpy() for g, s in frame.groupby("group", sort=True)["score"]}
        labels = list(parts)
        arrays = list(parts.values())
        f = stats.f_oneway(*arrays).statistic
        tukey = stats.tukey_hsd(*arrays)
        ci = tukey.confidence_interval(0.95)
        k = len(labels)
        pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
        return {
            "F": float(f),
            "p": {(labels[i], labels[j]): float(tukey.pvalue[i, j]) for i, j in pairs},
            # SciPy's interval is for mean(i) − mean(j); ours for mean(j) − mean(i).
            "ci": {
                (labels[i], labels[j]): (-float(ci.high[i, j]), -float(ci.low[i, j]))
                for i, j in pairs
            },
        }

    return {"ourplan": ours, "pingouin": pingouin, "SciPy": scipy}


def games_howell_tasks(frame: pd.DataFrame) -> dict[str, Callable[[], dict[str, Any]]]:
    import pingouin as pg

    def ours() -> dict[str, Any]:
        pairs = games_howell(frame["score"], frame["group"])
        return {"p": {(c.group_a, c.group_b): c.p_adj for c in pairs}}

    def pingouin() -> dict[str, Any]:
        pairs = pg.pairwise_gameshowell(data=frame, dv="score", between="group")
        return {
            "p": {(a, b): float(p) for a, b, p in zip(pairs.A, pairs.B, pairs.pval, strict=True)}
        }

    return {"ourplan": ours, "pingouin": pingouin}


def ancova_tasks(frame: pd.DataFrame) -> dict[str, Callable[[], dict[str, Any]]]:
    import pingouin as pg

    covs = [c for c in frame.columns if c.startswith("x")]

    def ours() -> dict[str, Any]:
        return {"F": ancova(frame, "score", "group", covs).factor.F}

    def pingouin() -> dict[str, Any]:
        table = pg.ancova(data=frame, dv="score", covar=covs, between="group")
        return {"F": float(table["F"].iloc[0])}

    return {"ourplan": ours, "pingouin": pingouin}


def _largest_p_difference(a: dict[str, Any], b: dict[str, Any]) -> float:
    return max(abs(a["p"][key] - b["p"][key]) for key in a["p"])


def _repeats(rows: int) -> int:
    return 9 if rows <= 100_000 else 5 if rows <= 1_000_000 else 3


def _machine() -> str:
    try:
        free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.split("\n")
        memory = " ".join(free[1].split()[:2]) if len(free) > 1 else "?"
    except OSError:
        memory = "?"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    blas = os.environ.get("OPENBLAS_CORETYPE", "not set")
    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; {memory}; "
        f"load average {load}; Python {platform.python_version()}, NumPy {np.__version__}, "
        f"pandas {pd.__version__}; OPENBLAS_CORETYPE {blas}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated row counts")
    parser.add_argument("--ancova-rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=0, help="override the repeats per size")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import pingouin
    import scipy

    print(f"Machine: {_machine()}")
    print(f"pingouin {pingouin.__version__}, SciPy {scipy.__version__}; seed {SEED}\n")

    # The first call builds (and caches) the k = 6 table of the range distribution.
    start = time.perf_counter()
    studentized_range.sf(3.0, 6, 100.0)
    first_call = time.perf_counter() - start

    rows_out = []
    for rows in (int(s) for s in args.sizes.split(",")):
        frame = make_anova_data(rows)
        repeats = args.repeats or _repeats(rows)
        tukey = interleaved(anova_tukey_tasks(frame), repeats)
        howell = interleaved(games_howell_tasks(frame), repeats)
        ours_t, pg_t, sp_t = (tukey[n][0] for n in ("ourplan", "pingouin", "SciPy"))
        ours_g, pg_g = howell["ourplan"][0], howell["pingouin"][0]
        check_t = max(
            _largest_p_difference(tukey["ourplan"][1], tukey[n][1]) for n in ("pingouin", "SciPy")
        )
        ours_ci, sp_ci = tukey["ourplan"][1]["ci"], tukey["SciPy"][1]["ci"]
        check_ci = max(
            abs(x - y) for key in ours_ci for x, y in zip(ours_ci[key], sp_ci[key], strict=True)
        )
        check_g = _largest_p_difference(howell["ourplan"][1], howell["pingouin"][1])
        rows_out.append(
            f"| {rows:,} | {repeats} | {ours_t * 1e3:.1f} | {pg_t * 1e3:.1f} | {sp_t * 1e3:.1f} "
            f"| {pg_t / ours_t:.1f}× | {sp_t / ours_t:.1f}× | {ours_g * 1e3:.1f} "
            f"| {pg_g * 1e3:.1f} | {pg_g / ours_g:.1f}× | {check_t:.0e} / {check_ci:.0e} "
            f"| {check_g:.0e} |"
        )
        print(f"  {rows:,} rows done", flush=True)

    print()
    print(
        "| rows | repeats | ANOVA + Tukey: ourplan (ms) | pingouin (ms) | SciPy (ms) "
        "| pingouin/ourplan | SciPy/ourplan | Games–Howell: ourplan (ms) | pingouin (ms) "
        "| pingouin/ourplan | Tukey: largest p difference / CI difference | "
        "Games–Howell: largest p difference |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    print("\n".join(rows_out))
    print(
        f"\nFirst studentized-range call in a process (builds the k = 6 table): "
        f"{first_call * 1e3:.0f} ms, not included above."
    )

    frame = make_ancova_data(args.ancova_rows)
    result = interleaved(ancova_tasks(frame), 5)
    ours_a, pg_a = result["ourplan"][0], result["pingouin"][0]
    print(
        f"\nANCOVA, {args.ancova_rows:,} rows, 4 groups, 5 covariates (median of 5): "
        f"ourplan {ours_a:.3f} s, pingouin {pg_a:.3f} s ({pg_a / ours_a:.1f}×); "
        f"F {result['ourplan'][1]['F']:.10g} v {result['pingouin'][1]['F']:.10g}. "
        "(pingouin.ancova uses Type II sums of squares; without interactions the factor's "
        "Type II and Type III tests coincide.)"
    )


if __name__ == "__main__":
    main()
