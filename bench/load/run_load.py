"""`make load`: ourplan under load with locust, on gunicorn and a scratch PostgreSQL database.

For each number of simulated users (default 50, then 200) this runs bench/load/locustfile.py
headless, bounded in time, against gunicorn on 127.0.0.1, then checks the audit log: every
successful GET of a page that shows a person's record must have written exactly the audit
rows that page writes (one per record shown, one per person listed), and no read rows may
appear that no request explains. Results: a Markdown report per run in bench/results/.

    .venv/bin/python bench/load/run_load.py                       # 50 and 200 users
    .venv/bin/python bench/load/run_load.py --users 20 --steady 30  # a quick check

Each run starts the users at ``--spawn-rate`` per second, waits until every one has logged
in (logging in is slow on purpose), then measures ``--steady`` seconds (default 75);
``--time-limit`` bounds a whole run.

Steps: create the database ``ourplan_load_<time>`` on the PostgreSQL server (``--server``,
default postgres://postgres@127.0.0.1:5432/postgres), migrate, load the demo data, give
every demo person a login (bench/load/prepare.py), start gunicorn, run locust, check, stop
gunicorn and drop the database (``--keep-database`` keeps it). Nothing listens beyond
127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"
WAIT = "2–8 s between steps (locust `between(2, 8)`)"


@dataclass
class Run:
    cpu: list[tuple[float, float, float]]
    users: int
    spawn_rate: float
    steady: int
    log: Path
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    started_utc: str


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[50, 200])
    parser.add_argument(
        "--steady",
        type=int,
        default=75,
        help="seconds measured after every user has logged in (default 75)",
    )
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="users started per second")
    parser.add_argument(
        "--time-limit", type=int, default=480, help="seconds a run may take in all (default 480)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument(
        "--server",
        default=os.environ.get(
            "OURPLAN_LOAD_SERVER", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL URL on this machine, used to create the scratch database",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    if urlsplit(args.server).hostname not in {"127.0.0.1", "localhost"}:
        parser.error("--server must be on this machine (127.0.0.1)")
    args.out.mkdir(parents=True, exist_ok=True)
    port = args.port or _free_port()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    database = f"ourplan_load_{stamp}"
    database_url = urlunsplit(urlsplit(args.server)._replace(path=f"/{database}"))
    data_dir = Path(tempfile.mkdtemp(prefix="ourplan-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "OURPLAN_DATA_DIR": str(data_dir),
        "OURPLAN_ENV": "development",  # plain HTTP on 127.0.0.1: no secure-only cookies
        "OURPLAN_DEBUG": "0",
        "OURPLAN_ALLOWED_HOSTS": HOST,
        "OURPLAN_DB_CONN_MAX_AGE": "60",
        "OURPLAN_LOG_LEVEL": "WARNING",
    }
    import psycopg

    with psycopg.connect(args.server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    server: subprocess.Popen[bytes] | None = None
    try:
        logins = args.out / "load-logins.json"
        for step in (
            [sys.executable, "-m", "ourplan.cli", "migrate", "--verbosity", "0"],
            [sys.executable, "-m", "ourplan.cli", "demo"],
            [sys.executable, str(HERE / "prepare.py"), "--logins", str(logins)],
        ):
            print("$", " ".join(step[1:]), flush=True)
            subprocess.run(step, env=env, check=True, stdout=subprocess.DEVNULL)
        gunicorn_log = (args.out / "load-gunicorn.log").open("wb")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ourplan.config.wsgi",
                f"--bind={HOST}:{port}",
                f"--workers={args.workers}",
                "--timeout=60",
            ],
            env=env,
            stdout=gunicorn_log,
            stderr=subprocess.STDOUT,
        )
        _wait_until_serving(port)
        reports = []
        for users in args.users:
            run = _run_locust(users, args, port, logins, env, server.pid, database)
            report = _report(run, database_url, args, database)
            path = args.out / f"load-{users}.md"
            path.write_text(report)
            print(report, flush=True)
            print(f"(written to {path})", flush=True)
            reports.append(report)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep_database:
            with psycopg.connect(args.server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        else:
            print(f"Kept the database {database_url}")
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/accounts/login/", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not start: see bench/results/load-gunicorn.log")


def _server_cpu(master: int, database: str, seen: dict[int, tuple[str, float]]) -> None:
    """Note the CPU seconds used so far by each gunicorn worker and database backend.

    Processes are remembered after they exit (a backend closes when its connection ages
    out), so their CPU still counts, up to the last sample before they went.
    """
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        used = (int(fields[11]) + int(fields[12])) / tick
        pid = int(entry.name)
        if int(fields[1]) == master or pid == master:
            seen[pid] = ("app", used)
        elif command.startswith(b"postgres: ") and database.encode() in command:
            seen[pid] = ("database", used)


def _sample_cpu(
    master: int, database: str, samples: list[tuple[float, float, float]], done: threading.Event
) -> None:
    seen: dict[int, tuple[str, float]] = {}
    while not done.is_set():
        _server_cpu(master, database, seen)
        app = sum(used for kind, used in seen.values() if kind == "app")
        backends = sum(used for kind, used in seen.values() if kind == "database")
        samples.append((time.time(), app, backends))
        done.wait(1.0)


def _run_locust(
    users: int,
    args: argparse.Namespace,
    port: int,
    logins: Path,
    env: dict[str, str],
    master: int,
    database: str,
) -> Run:
    log = args.out / f"load-{users}-requests.jsonl"
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = os.getloadavg()
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        f"--host=http://{HOST}:{port}",
        f"--csv={args.out / f'load-{users}'}",
        "--only-summary",
        # Let each user finish the page it is on, so every request the server served is in
        # the log the audit check reads.
        "--stop-timeout=120",
        "--loglevel=WARNING",
    ]
    print(
        f"$ locust: {users} users, {args.steady} s after they have logged in ({started})",
        flush=True,
    )
    locust_env = {
        **{k: v for k, v in env.items() if k != "DATABASE_URL"},
        "OURPLAN_LOAD_LOGINS": str(logins),
        "OURPLAN_LOAD_LOG": str(log),
        "OURPLAN_LOAD_USERS": str(users),
        "OURPLAN_LOAD_SPAWN_RATE": str(args.spawn_rate),
        "OURPLAN_LOAD_STEADY_SECONDS": str(args.steady),
        "OURPLAN_LOAD_TIME_LIMIT": str(args.time_limit),
    }
    samples: list[tuple[float, float, float]] = []
    done = threading.Event()
    sampler = threading.Thread(target=_sample_cpu, args=(master, database, samples, done))
    sampler.start()
    try:
        # locust exits 1 when any request failed; the report says which.
        subprocess.run(command, env=locust_env, check=False, timeout=args.time_limit + 180)
    finally:
        done.set()
        sampler.join()
    return Run(
        samples, users, args.spawn_rate, args.steady, log, load_before, os.getloadavg(), started
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, int(-(-share * len(ordered) // 1)))  # nearest rank
    return ordered[min(rank, len(ordered)) - 1]


def _read_log(path: Path) -> tuple[dict[str, float], list[dict[str, Any]]]:
    lines = path.read_text().splitlines()
    marks = json.loads(lines[0])["marks"]
    return marks, [json.loads(line) for line in lines[1:]]


def _machine() -> str:
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    total = next((line.split()[1] for line in memory.splitlines() if line.startswith("Mem:")), "?")
    model = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            "?",
        )
    return f"`nproc` {os.cpu_count()}, `free -h` {total} total; {model}; Python {platform.python_version()}"


def _report(run: Run, database_url: str, args: argparse.Namespace, database: str) -> str:
    marks, requests = _read_log(run.log)
    spawned = marks.get("steady_from", marks["stopped"])
    stopped = marks["stopped"]
    steady = [r for r in requests if spawned <= r["at"] <= stopped]
    counted = [r for r in steady if r["method"] != "CONFLICT"]
    duration = max(stopped - spawned, 1e-9)
    ramp = spawned - marks["started"]
    limited = "hit_time_limit" in marks and "steady_from" not in marks
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for request in counted:
        by_name[request["name"]].append(request)
    lines = [
        f"#### {run.users} simulated users ({run.started_utc})",
        "",
        f"- Machine: {_machine()}; shared with other agents' test suites, so figures are "
        f"under contention: load average {run.load_before[0]:.1f} before, "
        f"{run.load_after[0]:.1f} after (1-minute).",
        f"- gunicorn {args.workers} sync workers on {HOST}, `OURPLAN_DEBUG=0`, "
        f"`OURPLAN_DB_CONN_MAX_AGE=60`; PostgreSQL scratch database `{database}` on the same "
        "machine; locust in one process on the same machine.",
        f"- {run.users} users started at {run.spawn_rate:g}/s; every one logged in (the "
        f"ramp took {ramp:.0f} s), then {duration:.0f} s measured; think time {WAIT}. "
        "The page rows are for that steady state; the login rows are over the whole run."
        + (" **The run hit its time limit before every user had logged in.**" if limited else ""),
        "",
        "| Page | Requests | Failures | 5xx | p50 (ms) | p95 (ms) | p99 (ms) | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in sorted(by_name):
        if not name.startswith("login"):
            lines.append(_row(name, by_name[name], duration))
    for name in ("login: form", "login: submit"):
        logins = [r for r in requests if r["name"] == name]
        lines.append(_row(f"{name} (whole run)", logins, stopped - marks["started"]))
    lines.append(_row("**all pages**", counted, duration))
    lines += ["", _cpu_line(run.cpu, spawned, stopped, len(counted))]
    everything = [r for r in requests if r["method"] != "CONFLICT"]
    failures = [r for r in everything if r["failed"]]
    server_errors = [r for r in everything if r["status"] >= 500]
    conflicts = [r for r in requests if r["method"] == "CONFLICT"]
    share = 100 * len(failures) / max(len(everything), 1)
    lines += [
        "",
        f"Whole run: {len(everything):,} requests, {len(failures)} failed ({share:.2f}%), "
        f"{len(server_errors)} with a 5xx status; {len(conflicts)} edits met a clash (409, "
        "two sessions of one login saving the same part; the app showed the clash and "
        "kept both versions' words on the page, nothing was lost). Targets: < 1% errors "
        f"and 0 5xx: **{'met' if share < 1 and not server_errors else 'NOT met'}**.",
    ]
    if failures:
        reasons = Counter(f"{r['name']}: {r['error'] or r['status']}" for r in failures)
        lines += ["", "Failures:", ""]
        lines += [f"- {count} × {reason}" for reason, count in reasons.most_common(10)]
    lines += ["", *_audit_check(requests, marks, database_url)]
    return "\n".join(lines) + "\n"


def _cpu_line(
    samples: list[tuple[float, float, float]], start: float, stop: float, requests: int
) -> str:
    """How much CPU the server got in the steady state, and what each request cost."""
    inside = [sample for sample in samples if start <= sample[0] <= stop]
    if len(inside) < 2 or not requests:
        return "Server CPU: not measured (the steady state was too short)."
    (t0, app0, db0), (t1, app1, db1) = inside[0], inside[-1]
    wall = t1 - t0
    per_request = 1000 * ((app1 - app0) + (db1 - db0)) / requests
    return (
        f"Server CPU in the steady state (from /proc): the gunicorn workers used "
        f"{(app1 - app0) / wall:.2f} cores and this database's PostgreSQL backends "
        f"{(db1 - db0) / wall:.2f} cores of the machine's {os.cpu_count()}, the rest going to "
        f"locust and to other agents' jobs; {per_request:.0f} ms of CPU per request "
        f"(app and database together, averaged over all pages)."
    )


def _row(name: str, rows: list[dict[str, Any]], duration: float) -> str:
    times = [r["ms"] for r in rows]
    failures = sum(1 for r in rows if r["failed"])
    fives = sum(1 for r in rows if r["status"] >= 500)
    return (
        f"| {name} | {len(rows):,} | {failures} | {fives} | {_percentile(times, 0.50):.0f} | "
        f"{_percentile(times, 0.95):.0f} | {_percentile(times, 0.99):.0f} | "
        f"{len(rows) / max(duration, 1e-9):.1f} |"
    )


def _audit_check(
    requests: list[dict[str, Any]], marks: dict[str, float], database_url: str
) -> list[str]:
    """Compare the read and search rows written during the run with locust's requests."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT request_id, action, count(*) FROM core_auditentry "
            "WHERE at >= to_timestamp(%s) AND at <= to_timestamp(%s) GROUP BY 1, 2",
            (marks["started"] - 1, marks["stopped"] + 15),
        ).fetchall()
    written: dict[str, Counter[str]] = defaultdict(Counter)
    actions: Counter[str] = Counter()
    for request_id, action, count in rows:
        written[request_id][action] += count
        actions[action] += count
    by_id = {r["request_id"]: r for r in requests if r["request_id"]}
    audited = [r for r in requests if r["audit_rows"] is not None]
    expected = sum(r["audit_rows"] for r in audited)
    found = sum(
        written[r["request_id"]]["read"] + written[r["request_id"]]["search"] for r in audited
    )
    wrong = [
        r
        for r in audited
        if written[r["request_id"]]["read"] + written[r["request_id"]]["search"] != r["audit_rows"]
    ]
    unexplained = sum(
        counts["read"] + counts["search"]
        for request_id, counts in written.items()
        if request_id not in by_id
    )
    from_posts = sum(
        counts["read"] + counts["search"]
        for request_id, counts in written.items()
        if request_id in by_id and by_id[request_id]["method"] == "POST"
    )
    from_other_gets = sum(
        counts["read"] + counts["search"]
        for request_id, counts in written.items()
        if request_id in by_id
        and by_id[request_id]["method"] == "GET"
        and by_id[request_id]["audit_rows"] is None
    )
    verdict = (
        "**equal**" if expected == found and not wrong and not unexplained else "**NOT equal**"
    )
    return [
        "Audit check (whole run, by `X-Request-ID`): "
        f"{len(audited):,} successful GETs of pages that show a person's record should have "
        f"written {expected:,} read/search rows; the audit log has {found:,} for those requests "
        f"({verdict}); {len(wrong)} requests with a different number; {unexplained} read/search "
        f"rows that no locust request explains; {from_other_gets} from other GETs; "
        f"{from_posts} from form submissions. "
        "All rows written during the run, by action: "
        + ", ".join(f"{action} {count:,}" for action, count in sorted(actions.items()))
        + ".",
    ]


if __name__ == "__main__":
    sys.exit(main())
