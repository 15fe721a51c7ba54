"""``ourplan report``: the service evaluation report and its demo data.

``ourplan report evaluation --config report.yaml [--out DIR]`` writes ``evaluation.html``
and ``evaluation.pdf``; ``ourplan report demo-data --out DIR`` writes the synthetic six-site
survey and a report config for it.  Errors go to stderr with exit code 2 and no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ourplan.analysis.errors import AnalysisError
from ourplan.reports.config import ConfigError

EXIT_ERROR = 2
FORMATS = {"both": ("html", "pdf"), "html": ("html",), "pdf": ("pdf",)}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``report evaluation`` and ``report demo-data``."""
    report = subparsers.add_parser(
        "report",
        help="service evaluation reports (HTML and PDF)",
        description="Write reports that compare sites or teams on questionnaire measures.",
    )
    actions = report.add_subparsers(dest="report_command", metavar="ACTION", required=True)

    evaluation = actions.add_parser(
        "evaluation",
        help="compare sites or teams on recovery measures, from a YAML config",
        description=(
            "Score the questionnaires named in the config, compare sites with ANOVA, Tukey "
            "and (with covariates) ANCOVA, correlate scores, list each site's highest-rated "
            "items, and write the report as HTML and PDF. See docs/reports.md."
        ),
    )
    evaluation.add_argument(
        "--config", required=True, metavar="REPORT.yaml", help="the report config (YAML)"
    )
    evaluation.add_argument(
        "--out", default=".", metavar="DIR", help="folder to write into (default: current folder)"
    )
    evaluation.add_argument(
        "--format",
        choices=tuple(FORMATS),
        default="both",
        help="what to write: html, pdf or both (default)",
    )
    evaluation.set_defaults(handler=handle_evaluation)

    demo = actions.add_parser(
        "demo-data",
        help="write the synthetic six-site survey and an example report config",
        description=(
            "Write demo_six_sites.csv (invented respondents at six fictional sites, with "
            "planted site differences and correlations) and report.yaml, ready for "
            "'ourplan report evaluation --config DIR/report.yaml'."
        ),
    )
    demo.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    demo.set_defaults(handler=handle_demo_data)


def _fail(command: str, message: str) -> int:
    print(f"ourplan report {command}: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def handle_evaluation(args: argparse.Namespace) -> int:
    """Build and write the report; exit code 2 with a message on unusable input."""
    # Imported here so that `ourplan --help` does not load pandas, Matplotlib and WeasyPrint.
    from ourplan.reports.config import load_config
    from ourplan.reports.evaluation import build_report, write_report

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        return _fail("evaluation", f"{out} exists and is not a folder.")
    started = time.perf_counter()
    try:
        config = load_config(args.config)
        # A command owns its process, so the charts may be drawn in forked workers.
        report = build_report(config, chart_workers=os.cpu_count() or 1)
    except (ConfigError, AnalysisError) as error:
        return _fail("evaluation", str(error))
    try:
        written = write_report(report, out, FORMATS[args.format])
    except OSError as error:
        return _fail("evaluation", f"cannot write into {out}: {error.strerror or error}")
    for path in (written.html, written.pdf):
        if path is not None:
            print(f"Wrote {path}")
    for note in report.notes:
        print(f"Note: {note}", file=sys.stderr)
    print(f"Done in {time.perf_counter() - started:.1f} s.")
    return 0


def handle_demo_data(args: argparse.Namespace) -> int:
    """Write the demo CSV and config into ``--out``."""
    from ourplan.reports.demo_data import write_demo

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        return _fail("demo-data", f"{out} exists and is not a folder.")
    try:
        files = write_demo(out)
    except OSError as error:
        return _fail("demo-data", f"cannot write into {out}: {error.strerror or error}")
    print(f"Wrote {files.data}")
    print(f"Wrote {files.config}")
    print(f"Try: ourplan report evaluation --config {files.config} --out {out / 'report'}")
    return 0
