"""Benchmark the Delphi analysis on large synthetic panels, and its Ward clustering.

Run with ``.venv/bin/python bench/bench_delphi.py`` (``--help`` for sizes).  Each panel is
synthetic (80 statements, 2 rounds, three planted opinion clusters across four groups, 2%
missing ratings) and is analysed in a fresh child process, so that each size's peak
memory (ru_maxrss) is its own: the CSV is written, read and validated, then
``analyse_study`` runs every statistic (summaries, consensus, stability, Kruskal–Wallis
for every statement and round, clustering of the last round with the silhouette over
k = 2..8).  A second run of ``analyse_study`` under tracemalloc gives its peak traced
memory.  Panels above ``TWO_STAGE_ABOVE`` respondents are clustered in two stages.

``--ward`` compares, on one panel, Ward's linkage by SciPy (which holds the n(n − 1)/2
distances), by ``fastcluster.linkage_vector`` (no distance matrix) and the two-stage
method: time, peak traced memory and the agreement (adjusted Rand index) of their cuts.

Targets: up to 20,000 respondents < 10 s and < 500 MB; 100,000 < 60 s and < 1 GB.  The
CPU time of the analysis is printed beside its wall time: on a machine shared with other
work the wall time mostly measures the wait for a core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from ourplan.analysis.delphi.cluster_quality import adjusted_rand_index
from ourplan.analysis.delphi.clustering import (
    CENTRES,
    TWO_STAGE_ABOVE,
    cut_tree_labels,
    prepare_cluster_data,
)
from ourplan.analysis.delphi.demo import (
    DEMO_RESPONSES_FILE,
    DEMO_STATEMENTS_FILE,
    generate_panel,
    random_spec,
    write_panel,
)
from ourplan.analysis.delphi.report import run_analysis
from ourplan.analysis.delphi.responses import (
    read_responses_csv,
    read_statements_csv,
    responses_from_frame,
)


def _targets(respondents: int) -> tuple[float, int]:
    return (10.0, 500 * 1024**2) if respondents <= 20_000 else (60.0, 1024**3)


def _max_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak if sys.platform == "darwin" else peak * 1024


def write_one(respondents: int, statements: int, seed: int, folder: Path) -> float:
    """Generate a panel and write its CSVs and truth table (run in its own process)."""
    started = time.perf_counter()
    spec = random_spec(respondents, statements, n_clusters=3, seed=seed)
    panel = generate_panel(spec, seed)
    write_panel(panel, folder)
    panel.truth.to_csv(folder / "truth.csv", index=False)
    return time.perf_counter() - started


def one_panel(respondents: int, folder: Path) -> dict[str, object]:
    """Read and analyse one written panel (run in a fresh process: its own peak memory)."""
    import pandas as pd

    started = time.perf_counter()
    read_statements = read_statements_csv(folder / DEMO_STATEMENTS_FILE)
    responses = read_responses_csv(folder / DEMO_RESPONSES_FILE, 5, read_statements)
    load_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    analysis = run_analysis(responses, statements=read_statements, clusters="auto")
    result = analysis.to_dict()
    analyse_s = time.perf_counter() - started
    analyse_cpu = time.process_time() - cpu
    rss = _max_rss_bytes()
    tracemalloc.start()
    run_analysis(responses, statements=read_statements, clusters="auto").to_dict()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    clusters = result["clusters"]
    truth = pd.read_csv(folder / "truth.csv", dtype={"respondent_id": str})
    planted = truth.set_index("respondent_id").loc[list(clusters["assignments"]), "cluster"]
    clustering = analysis.clustering
    assert clustering is not None
    return {
        "respondents": respondents,
        "rows": len(responses.frame),
        "load_s": load_s,
        "analyse_s": analyse_s,
        "analyse_cpu": analyse_cpu,
        "rss": rss,
        "traced": traced_peak,
        "k": clusters["k"],
        "silhouette": clusters["silhouette"],
        "two_stage": clustering.two_stage is not None,
        "ari": adjusted_rand_index(planted.tolist(), list(clusters["assignments"].values())),
        "load_average": os.getloadavg()[0],
    }


def ward_comparison(respondents: int, statements: int, seed: int) -> list[str]:
    """SciPy v fastcluster v two-stage on one panel's last round."""
    import fastcluster
    from scipy.cluster import hierarchy

    from ourplan.analysis.delphi.clustering import _cut_roots, _order_by_size
    from ourplan.analysis.delphi.two_stage import two_stage_ward

    spec = random_spec(respondents, statements, n_clusters=3, seed=seed)
    panel = generate_panel(spec, seed)
    responses = responses_from_frame(panel.responses, 5)
    data = prepare_cluster_data(responses, responses.rounds[-1])
    matrix = data.matrix
    runs = {
        "SciPy linkage(ward)": lambda: hierarchy.linkage(matrix, "ward"),
        "fastcluster.linkage_vector": lambda: fastcluster.linkage_vector(matrix, "ward"),
        f"two-stage ({CENTRES} centres)": lambda: two_stage_ward(matrix, CENTRES),
    }
    labels: dict[str, dict[int, object]] = {}
    lines = [
        f"Panel: {respondents:,} respondents × {statements} statements (round 2, "
        f"{len(data.respondent_ids):,} clustered), seed {seed}.",
        "",
        "| method | time (s) | peak traced memory (MiB) | ARI with fastcluster's cut, k = 2 … 8 |",
        "|---|---:|---:|---|",
    ]
    timings = {}
    for name, run in runs.items():
        tracemalloc.start()
        started = time.perf_counter()
        made = run()
        timings[name] = (time.perf_counter() - started, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        if name.startswith("two-stage"):
            stage = made
            labels[name] = {
                k: _order_by_size(_cut_roots(stage.linkage, k)[stage.assignment])
                for k in range(2, 9)
            }
        else:
            labels[name] = {k: cut_tree_labels(made, k) for k in range(2, 9)}
    reference = labels["fastcluster.linkage_vector"]
    for name, (seconds, peak) in timings.items():
        agreement = " ".join(
            f"{adjusted_rand_index(reference[k], labels[name][k]):.2f}" for k in range(2, 9)
        )
        lines.append(f"| {name} | {seconds:.1f} | {peak / 1024**2:.0f} | {agreement} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", default="5000,20000,100000", help="comma-separated")
    parser.add_argument("--statements", type=int, default=80)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ward", type=int, default=0, help="compare Ward methods at this size")
    parser.add_argument("--write", type=int, help=argparse.SUPPRESS)  # child process
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.write:
        print(write_one(args.write, args.statements, args.seed, args.folder))
        return 0
    if args.one:
        print(json.dumps(one_panel(args.one, args.folder)))
        return 0
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; two stages above "
        f"{TWO_STAGE_ABOVE:,} respondents ({CENTRES} centres)\n"
    )
    if args.ward:
        print("\n".join(ward_comparison(args.ward, args.statements, args.seed)))
        print()
    print(
        "| respondents | rows | clustering | read + validate (s) | analyse (s) "
        "| analyse, CPU (s) | total (s) "
        "| ru_maxrss (MiB) | traced peak (MiB) | k / silhouette | ARI v planted | load "
        "| targets |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|")
    all_met = True
    for respondents in (int(x) for x in args.respondents.split(",")):
        with tempfile.TemporaryDirectory() as name:
            common = ["--statements", str(args.statements), "--seed", str(args.seed)]
            common += ["--folder", name]
            for step in ("--write", "--one"):
                child = subprocess.run(
                    [sys.executable, __file__, step, str(respondents), *common],
                    capture_output=True,
                    text=True,
                    check=True,
                )
        r = json.loads(child.stdout.strip().splitlines()[-1])
        total = r["load_s"] + r["analyse_s"]
        seconds, memory = _targets(respondents)
        met = total < seconds and max(r["rss"], r["traced"]) < memory
        all_met &= met
        print(
            f"| {respondents:,} | {r['rows']:,} | {'two-stage' if r['two_stage'] else 'Ward'} "
            f"| {r['load_s']:.1f} | {r['analyse_s']:.1f} | {r['analyse_cpu']:.1f} | {total:.1f} "
            f"| {r['rss'] / 1024**2:.0f} | {r['traced'] / 1024**2:.0f} "
            f"| {r['k']} / {r['silhouette']:.3f} | {r['ari']:.3f} | {r['load_average']:.1f} "
            f"| {'met' if met else 'MISSED'} (< {seconds:g} s, < {memory // 1024**2} MiB) |",
            flush=True,
        )
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
