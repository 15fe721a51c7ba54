"""Benchmark questionnaire scoring and the evaluation report from collected data.

Run: ``.venv/bin/python bench/bench_measures.py [--rows N] [--respondents N] [--repeats N]``.

1. Scoring: ``ourplan.measures.scoring.score_matrix`` on ``--rows`` (default 1,000,000)
   responses to the 36-item RSA (person version), 5% of answers blank and 4% "not
   applicable" (code 9), so the answered-share rule and the N/A codes are exercised. Median
   of ``--repeats`` runs; the target is under 5 seconds.
2. The report: a fresh SQLite database (migrated here) gets the demo organisations and the
   demo survey scaled to about ``--respondents`` (default 20,000) service users over six
   teams, with the care coordinators' RSA; then ``ourplan.measures.evaluation.build`` runs
   exactly as the background task does (RSA, STAR-P and ES, age and gender as covariates,
   service users against coordinators, HTML and PDF). Wall time, and peak memory both as
   Python allocations (tracemalloc) and as the process's resident set. Target: under 30 s.

Results are printed as JSON, with the date, the machine and its load average, for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def bench_scoring(rows: int, repeats: int) -> dict[str, float]:
    import numpy as np

    from ourplan.measures.catalogue import shipped_definitions
    from ourplan.measures.scoring import score_matrix

    definition = shipped_definitions()["rsa_person"]
    rng = np.random.default_rng(1)
    table = rng.integers(1, 6, size=(rows, 36)).astype(np.float64)
    table[rng.random(table.shape) < 0.05] = np.nan
    table[rng.random(table.shape) < 0.04] = 9
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        scored = score_matrix(definition, table)
        times.append(time.perf_counter() - started)
    scored_share = float(np.mean(~np.isnan(scored.values["total"])))
    return {
        "rows": rows,
        "items": 36,
        "scores": len(definition.scores),
        "median_s": statistics.median(times),
        "min_s": min(times),
        "share_scored": scored_share,
    }


def bench_report(respondents: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="bench-measures-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["OURPLAN_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplan.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started

    from ourplan.measures import demo, evaluation
    from ourplan.people.demo import load_demo
    from ourplan.people.models import Organisation, Team

    load_demo()
    per_team = respondents // len(demo.TEAMS)
    demo.TEAMS = tuple(
        demo.SurveyTeam(t.name, per_team, t.relationship, t.recovery, t.choice, t.mean_age)
        for t in demo.TEAMS
    )
    started = time.perf_counter()
    demo.load_demo_measures()
    loaded = time.perf_counter() - started
    organisation = Organisation.objects.get(code=demo.ORGANISATION_CODE)
    teams = [
        t.pk for t in Team.objects.filter(organisation=organisation, name__in=demo.SURVEY_TEAMS)
    ]
    parameters = {
        "title": "Benchmark",
        "measures": ["rsa_person", "star_p", "empowerment"],
        "teams": teams,
        "covariates": ["age", "gender"],
        "compare_staff": True,
    }
    stages: list[tuple[float, int, str]] = []
    begin = time.perf_counter()

    def tell(percent: int, stage: str) -> None:
        stages.append((time.perf_counter() - begin, percent, stage))

    # Timed without tracemalloc, which slows every allocation several-fold; the process's
    # peak resident set is read around it. A second run then traces Python's allocations.
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    begin = time.perf_counter()
    built = evaluation.build(organisation, parameters, progress=tell)
    elapsed = time.perf_counter() - begin
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timed_stages = list(stages)
    stages.clear()
    tracemalloc.start()
    evaluation.build(organisation, parameters)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    stages.extend(timed_stages)
    return {
        "respondents": built.document.n_people,
        "coordinators": built.document.n_staff,
        "teams": len(built.document.sites),
        "migrate_s": migrated,
        "load_s": loaded,
        "report_s": elapsed,
        "python_peak_mib": peak / 2**20,
        "process_peak_rss_mib": rss_after / 1024,
        "rss_growth_mib": (rss_after - rss_before) / 1024,
        "pdf_bytes": len(built.pdf or b""),
        "stages": [{"at_s": round(at, 2), "percent": p, "stage": s} for at, p, s in stages],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--respondents", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_before": os.getloadavg(),
        "scoring": bench_scoring(args.rows, args.repeats),
        "report": bench_report(args.respondents),
        "load_average_after": os.getloadavg(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
