"""Benchmark the Delphi analysis: 5,000 respondents × 80 statements × 2 rounds.

Run with ``.venv/bin/python bench/bench_delphi.py`` (``--help`` for sizes).  The panel is
synthetic (three planted opinion clusters across four groups, 2% missing ratings).
Each step is timed on its own, then the full analysis (summaries, consensus, stability,
Kruskal–Wallis for every statement and round, Ward clustering with the silhouette over
k = 2..8) is timed again under tracemalloc for its peak traced memory.  ru_maxrss is the
peak resident size of the whole process.  Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from ourplan.analysis.delphi.cluster_quality import adjusted_rand_index
from ourplan.analysis.delphi.demo import generate_panel, random_spec, write_panel
from ourplan.analysis.delphi.report import analyse_study
from ourplan.analysis.delphi.responses import read_responses_csv, read_statements_csv

TARGET_SECONDS = 10.0
TARGET_BYTES = 1024**3


def _max_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak if sys.platform == "darwin" else peak * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=5000)
    parser.add_argument("--statements", type=int, default=80)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    spec = random_spec(args.respondents, args.statements, n_clusters=3, seed=args.seed)
    panel = generate_panel(spec, args.seed)
    generate_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        responses_path, statements_path = write_panel(panel, Path(folder))
        started = time.perf_counter()
        statements = read_statements_csv(statements_path)
        responses = read_responses_csv(responses_path, 5, statements)
        load_s = time.perf_counter() - started

    started = time.perf_counter()
    result = analyse_study(responses, statements=statements, clusters="auto")
    analyse_s = time.perf_counter() - started

    tracemalloc.start()
    analyse_study(responses, statements=statements, clusters="auto")
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = _max_rss_bytes()

    clusters = result["clusters"]
    truth = panel.truth.set_index("respondent_id").loc[list(clusters["assignments"]), "cluster"]
    ari = adjusted_rand_index(truth.tolist(), list(clusters["assignments"].values()))
    total_s = load_s + analyse_s
    rows = [
        ("respondents × statements × rounds", f"{args.respondents} × {args.statements} × 2"),
        ("rows analysed", f"{len(responses.frame):,}"),
        ("generate panel (not counted)", f"{generate_s:.2f} s"),
        ("read + validate CSV", f"{load_s:.2f} s"),
        ("analyse_study (incl. clustering, k = 2..8)", f"{analyse_s:.2f} s"),
        ("total (read + analyse)", f"{total_s:.2f} s (target < {TARGET_SECONDS:g} s)"),
        ("tracemalloc peak (analyse_study)", f"{traced_peak / 1024**2:.0f} MiB"),
        ("ru_maxrss (whole process)", f"{rss / 1024**2:.0f} MiB (target < 1 GiB)"),
        ("k chosen / mean silhouette", f"{clusters['k']} / {clusters['silhouette']:.3f}"),
        ("ARI against planted clusters", f"{ari:.3f}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    ok = total_s < TARGET_SECONDS and max(traced_peak, rss) < TARGET_BYTES
    print()
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
