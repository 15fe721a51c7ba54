"""Benchmark the evaluation report on the six-site demo, side by side with an older version.

Run: ``.venv/bin/python bench/bench_report.py [--baseline COMMIT] [--repeats N]``.

The demo survey and config (``ourplan report demo-data``) are written once.  Then, taking
turns (the order alternating every repeat, so load from other work on the shared machine
falls on both alike), each version runs the command a person would,
``python -m ourplan.cli report evaluation --config report.yaml --out DIR``, in a fresh
process: wall time and the child's CPU time.  The baseline is ``src/`` of ``--baseline``
(default: the commit before the studentized-range work), extracted with ``git archive``
and put first on ``PYTHONPATH``.

A second pass splits each version's time into phases, in a fresh process each: imports,
the statistics (``build_report`` without its charts), the charts, the HTML and the PDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BASELINE = "514e5e8"

PHASES = r"""
import json, os, sys, time
started = time.perf_counter()
from ourplan.reports.config import load_config
from ourplan.reports.evaluation import build, render
imported = time.perf_counter()
spent = {"charts": 0.0}
# Whichever function draws the charts in this version is timed on its own.
name = "draw_charts" if hasattr(build, "draw_charts") else "score_chart"
original = getattr(build, name)
def timed(*args, **kwargs):
    begin = time.perf_counter()
    try:
        return original(*args, **kwargs)
    finally:
        spent["charts"] += time.perf_counter() - begin
setattr(build, name, timed)
config = load_config(sys.argv[1])
begin = time.perf_counter()
try:
    report = build.build_report(config, chart_workers=os.cpu_count() or 1)
except TypeError:  # an older version without worker processes
    report = build.build_report(config)
built = time.perf_counter()
html = render.render_html(report)
rendered = time.perf_counter()
render.render_pdf(html)
done = time.perf_counter()
print(json.dumps({
    "imports": imported - started,
    "statistics": built - begin - spent["charts"],
    "charts": spent["charts"],
    "html": rendered - built,
    "pdf": done - rendered,
    "total": done - started,
}))
"""


def _extract(commit: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "src"], capture_output=True, check=True
    ).stdout
    into.mkdir(parents=True, exist_ok=True)
    archive_path = into / "baseline.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _run(src: Path, args: list[str], out: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of one child process, and its standard output."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=True, cwd=out
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, child.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=DEFAULT_BASELINE)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        baseline = _extract(args.baseline, folder / "baseline")
        versions = {f"baseline ({args.baseline})": baseline, "current": ROOT / "src"}
        demo = folder / "demo"
        subprocess.run(
            [sys.executable, "-m", "ourplan.cli", "report", "demo-data", "--out", str(demo)],
            check=True,
            capture_output=True,
        )
        config = demo / "report.yaml"
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
            f"load average {load}\n"
        )
        walls: dict[str, list[float]] = {v: [] for v in versions}
        cpus: dict[str, list[float]] = {v: [] for v in versions}
        names = list(versions)
        for repeat in range(args.repeats):
            for version in names if repeat % 2 == 0 else names[::-1]:
                out = folder / f"out-{repeat}-{names.index(version)}"
                out.mkdir()
                command = ["-m", "ourplan.cli", "report", "evaluation", "--config", str(config)]
                wall, cpu, _ = _run(versions[version], [*command, "--out", str(out)], out)
                walls[version].append(wall)
                cpus[version].append(cpu)
        print(f"`ourplan report evaluation` on the demo, median of {args.repeats} runs each:\n")
        print("| version | wall (s) | CPU (s) | runs (wall) |")
        print("|---|---:|---:|---|")
        for version in names:
            runs = ", ".join(f"{w:.1f}" for w in walls[version])
            print(
                f"| {version} | {statistics.median(walls[version]):.2f} "
                f"| {statistics.median(cpus[version]):.2f} | {runs} |"
            )
        first, second = (statistics.median(walls[v]) for v in names)
        print(f"\ncurrent / baseline, wall: {second / first:.2f}")

        script = folder / "phases.py"
        script.write_text(PHASES)
        phases: dict[str, list[dict[str, float]]] = {v: [] for v in versions}
        for repeat in range(max(1, args.repeats // 2 + 1)):
            for version in names if repeat % 2 == 0 else names[::-1]:
                _, _, output = _run(versions[version], [str(script), str(config)], folder)
                phases[version].append(json.loads(output.strip().splitlines()[-1]))
        keys = ["imports", "statistics", "charts", "html", "pdf", "total"]
        print("\nPhases in one process (seconds, medians):\n")
        print("| version | " + " | ".join(keys) + " |")
        print("|---|" + "---:|" * len(keys))
        for version in names:
            cells = " | ".join(
                f"{statistics.median(p[key] for p in phases[version]):.2f}" for key in keys
            )
            print(f"| {version} | {cells} |")
        print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
