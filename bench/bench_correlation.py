"""Benchmark: ourplan's correlation matrix and Kruskal–Wallis against pingouin and pandas.

Run from the repository root:

    .venv/bin/python bench/bench_correlation.py            # full run, a few minutes
    .venv/bin/python bench/bench_correlation.py --quick    # skip the slowest competitors

Prints Markdown tables: medians of several repetitions (a single run where a competitor
takes more than ~10 s) and the ratio competitor / ourplan (> 1 means ourplan is faster).
All competitors see the same DataFrame in the same process and take turns, so load from
other work on the machine falls on all of them alike.  ourplan is timed end to end
(``correlate_report``: r, n, p, 95% CI and label for every pair) so it does at least the
work the others do.

BLAS runs single-threaded unless OPENBLAS_NUM_THREADS / OMP_NUM_THREADS say otherwise:
pandas and pingouin compute correlations on one core, so this compares like with like,
and a threaded BLAS on a busy shared machine gives erratic timings.
"""

from __future__ import annotations

import os

# Before NumPy loads: see the module docstring.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ourplan.analysis.correlation import correlate_report  # noqa: E402
from ourplan.analysis.nonparametric import kruskal_wallis  # noqa: E402

ROWS = 100_000
COLUMNS = 76
SLOW = 10.0  # seconds: beyond this a competitor is timed once


def timed(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn`` over ``repeats`` runs (one run if the first is slow)."""
    return interleaved({"only": fn}, repeats)["only"]


def interleaved(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median wall time of each function, taking turns so that load on a shared machine
    falls on all of them alike; a function slower than ``SLOW`` runs only once."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            if times[name] and times[name][0] > SLOW:
                continue
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def make_frames(seed: int = 2024) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    names = [f"q{i + 1:02d}" for i in range(COLUMNS)]
    # Items load on four correlated subscales, like a real questionnaire.
    factors = rng.normal(size=(ROWS, 4))
    loadings = np.zeros((4, COLUMNS))
    loadings[np.arange(COLUMNS) % 4, np.arange(COLUMNS)] = 0.7
    latent = factors @ loadings + rng.normal(scale=0.7, size=(ROWS, COLUMNS))
    continuous = pd.DataFrame(latent, columns=names)
    likert = pd.DataFrame(np.clip(np.round(latent + 3), 1, 5), columns=names)
    holes = rng.random((ROWS, COLUMNS)) < 0.05
    return {
        "continuous, complete": continuous,
        "continuous, 5% missing": continuous.mask(holes),
        "Likert 1–5, 5% missing": likert.mask(holes),
    }


def fmt(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.3f}"


def ratio(other: float | None, ours: float) -> str:
    return "—" if other is None else f"{other / ours:.1f}×"


def bench_correlation(repeats: int, quick: bool) -> list[str]:
    import pingouin as pg

    frames = make_frames()
    lines = [
        f"### Correlation matrix: {COLUMNS} × {COLUMNS} on {ROWS:,} rows "
        f"({COLUMNS * (COLUMNS - 1) // 2:,} pairs)",
        "",
        "| data | method | ourplan (s) | pandas `DataFrame.corr` (s) | pingouin `rcorr` (s) "
        "| pingouin `pairwise_corr` (s) | pandas / ourplan | rcorr / ourplan "
        "| pairwise_corr / ourplan |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, frame in frames.items():
        for method in ("pearson", "spearman"):
            if label.startswith("continuous, complete") and method == "spearman" and quick:
                continue
            medians = interleaved(
                {
                    "ours": partial(correlate_report, frame, method=method),
                    "pandas": partial(frame.corr, method=method),
                    "rcorr": partial(pg.rcorr, frame, method=method),
                },
                repeats,
            )
            ours, pandas_s, rcorr_s = medians["ours"], medians["pandas"], medians["rcorr"]
            pairwise_s: float | None = None
            # pingouin's pairwise_corr loops over pairs; it is run once, and only where it
            # finishes in minutes (Pearson, complete data) unless --quick.
            if not quick and label == "continuous, complete" and method == "pearson":
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pairwise_s = timed(partial(pg.pairwise_corr, frame, method=method), 1)
            lines.append(
                f"| {label} | {method} | {fmt(ours)} | {fmt(pandas_s)} | {fmt(rcorr_s)} "
                f"| {fmt(pairwise_s)} | {ratio(pandas_s, ours)} | {ratio(rcorr_s, ours)} "
                f"| {ratio(pairwise_s, ours)} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
    return lines


def bench_kruskal(repeats: int) -> list[str]:
    import pingouin as pg
    from scipy import stats

    # The Delphi workload: 80 statements × 3 rounds, 5,000 respondents in 5 groups,
    # ratings 1–9.
    rng = np.random.default_rng(7)
    respondents, statements, rounds = 5_000, 80, 3
    groups = list(
        rng.choice(["carers", "clinicians", "managers", "peers", "service users"], respondents)
    )
    ratings = rng.integers(1, 10, size=(rounds * statements, respondents)).astype(float)
    ratings[rng.random(ratings.shape) < 0.03] = np.nan
    labels = pd.Series(groups)

    def ours() -> None:
        for row in ratings:
            kruskal_wallis(row, groups)

    def scipy_kw() -> None:
        for row in ratings:
            keep = ~np.isnan(row)
            split = pd.Series(row[keep]).groupby(labels[keep].to_numpy())
            stats.kruskal(*(g.to_numpy() for _, g in split))

    def pingouin_kw() -> None:
        for row in ratings:
            pg.kruskal(pd.DataFrame({"v": row, "g": labels}).dropna(), dv="v", between="g")

    calls = len(ratings)
    medians = interleaved({"ours": ours, "scipy": scipy_kw, "pingouin": pingouin_kw}, repeats)
    ours_s, scipy_s, pingouin_s = medians["ours"], medians["scipy"], medians["pingouin"]
    return [
        f"### Kruskal–Wallis: {calls} tests ({statements} statements × {rounds} rounds), "
        f"{respondents:,} respondents in 5 groups, 3% missing",
        "",
        "| | total (s) | per test (ms) | ratio to ourplan |",
        "|---|---:|---:|---:|",
        f"| ourplan `kruskal_wallis` | {ours_s:.3f} | {ours_s / calls * 1e3:.2f} | 1.0× |",
        f"| scipy `stats.kruskal` (+ groupby split) | {scipy_s:.3f} "
        f"| {scipy_s / calls * 1e3:.2f} | {scipy_s / ours_s:.1f}× |",
        f"| pingouin `kruskal` | {pingouin_s:.3f} | {pingouin_s / calls * 1e3:.2f} "
        f"| {pingouin_s / ours_s:.1f}× |",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="repetitions per timing")
    parser.add_argument("--quick", action="store_true", help="skip the slowest competitors")
    args = parser.parse_args()
    import pingouin

    header = [
        "## ourplan.analysis benchmark",
        "",
        f"Python {platform.python_version()}, NumPy {np.__version__}, pandas {pd.__version__}, "
        f"pingouin {pingouin.__version__}; {os.cpu_count()} CPU(s), BLAS threads "
        f"{os.environ['OPENBLAS_NUM_THREADS']}; median of "
        f"{args.repeats} runs (1 run when a run exceeds {SLOW:.0f} s).",
        "",
    ]
    out = header + bench_correlation(args.repeats, args.quick) + [""] + bench_kruskal(args.repeats)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
