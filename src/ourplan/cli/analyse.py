"""`ourplan analyse`: run the statistics in ``ourplan.analysis`` on a data file.

    ourplan analyse describe|anova|ancova|kruskal DATA --value COL --group COL
    ourplan analyse ancova DATA --value COL --group COL --covariate COL [--covariate COL ...]
    ourplan analyse correlate DATA [--columns COL ...] [--method pearson|spearman]
    ourplan analyse rank DATA [--columns COL ...] [--group COL] [--top K] [--subscales FILE]

Output is an aligned text table (default), CSV blocks or JSON (``--format``).  Problems
with the input end with a one-line message on stderr and exit status 2, never a
traceback.  No Django here: the command must run on a laptop with only the data file.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

from ourplan.core.spreadsheet_cells import spreadsheet_safe

EXIT_INPUT_ERROR = 2
FORMATS = ("table", "csv", "json")

Block = tuple[str, list[dict[str, Any]]]


# --------------------------------------------------------------------------- plain data


def plain(value: Any) -> Any:
    """Make ``value`` JSON-ready: dataclasses and tuples opened up, NaN/inf as None."""
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # NumPy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _flatten(row: dict[str, Any]) -> dict[str, Any]:
    """One table row per dict: [lo, hi] pairs become two columns, dicts get prefixes."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, list) and len(value) == 2 and key.startswith("ci"):
            flat[f"{key}_low"], flat[f"{key}_high"] = value
        elif isinstance(value, dict):
            for sub, inner in _flatten(value).items():
                flat[f"{key}_{sub}"] = inner
        elif isinstance(value, list):
            flat[key] = "; ".join(str(v) for v in value)
        else:
            flat[key] = value
    return flat


# --------------------------------------------------------------------------- rendering


def _cell(value: Any) -> str:
    """Readable text for a table cell: 4 decimals, scientific when very small or large."""
    if value is None:
        return "NA"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != 0 and not 1e-3 <= abs(value) < 1e9:
            return f"{value:.3e}"
        return f"{value:.4f}"
    return str(value)


def _aligned(values: Sequence[str], widths: Sequence[int], numeric: Sequence[bool]) -> str:
    parts = [
        v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)
    ]
    return "  " + "  ".join(parts).rstrip()


def render_table(blocks: Sequence[Block]) -> str:
    """Aligned plain-text tables, one per block: numbers right, text left."""
    out: list[str] = []
    for title, rows in blocks:
        out.append(title)
        if not rows:
            out.extend(["  (none)", ""])
            continue
        flat = [_flatten(r) for r in rows]
        headers = list(dict.fromkeys(k for r in flat for k in r))
        cells = [[_cell(r.get(h)) for h in headers] for r in flat]
        numeric = [
            all(isinstance(r.get(h), int | float) or r.get(h) is None for r in flat)
            for h in headers
        ]
        widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
        out.append(_aligned(headers, widths, numeric))
        out.append("  " + "  ".join("-" * w for w in widths))
        out.extend(_aligned(c, widths, numeric) for c in cells)
        out.append("")
    return "\n".join(out)


def render_csv(blocks: Sequence[Block]) -> str:
    """CSV blocks separated by a blank line; each row starts with its block's name.

    Group labels and column names come from the data file, so every text cell goes
    through ``spreadsheet_safe``: a label like ``=HYPERLINK(...)`` is shown, never run.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for index, (title, rows) in enumerate(blocks):
        if index:
            buffer.write("\n")
        flat = [_flatten(r) for r in rows]
        headers = list(dict.fromkeys(k for r in flat for k in r))
        writer.writerow([spreadsheet_safe(cell) for cell in ("table", *headers)])
        for r in flat:
            cells = (title, *("" if r.get(h) is None else r.get(h) for h in headers))
            writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return buffer.getvalue()


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(plain(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# --------------------------------------------------------------------------- analyses


def _grouped_input(args: argparse.Namespace) -> tuple[Any, Any]:
    from ourplan.analysis.tables import numeric_column, read_table

    frame = read_table(args.data, text_columns=[args.group])
    return numeric_column(frame, args.value), frame[args.group]


def _describe(args: argparse.Namespace) -> tuple[dict[str, Any], list[Block]]:
    from ourplan.analysis.descriptives import describe_by_group

    values, groups = _grouped_input(args)
    rows = plain(describe_by_group(values, groups))
    report = {"value": args.value, "group": args.group, "groups": rows}
    return report, [("groups", rows)]


def _anova(args: argparse.Namespace) -> tuple[dict[str, Any], list[Block]]:
    from ourplan.analysis.anova import anova_report
    from ourplan.analysis.tables import numeric_column, read_table

    frame = read_table(args.data, text_columns=[args.group, args.value])
    numeric_column(frame, args.value)  # a clear error for the first cell that is not a number
    # The values go in as the decimal text of the file: the ANOVA centres them exactly
    # before using floats, which keeps every digit for data with large offsets
    # (NIST SmLs07-09; docs/analysis.md).
    report = plain(anova_report(frame[args.value].tolist(), frame[args.group]))
    blocks: list[Block] = [
        ("groups", report.get("groups", [])),
        ("anova", [report["anova"]] if report.get("anova") else []),
        ("welch", [report["welch"]] if report.get("welch") else []),
        ("tukey", report.get("tukey", [])),
    ]
    return report, blocks


def _ancova(args: argparse.Namespace) -> tuple[dict[str, Any], list[Block]]:
    from ourplan.analysis.ancova import ancova_report
    from ourplan.analysis.tables import numeric_column, read_table, require_columns

    frame = read_table(args.data, text_columns=[args.group])
    require_columns(frame, args.covariate)
    clean = frame[[args.group, *args.covariate]].copy()
    # Covariates go through as read: ANCOVA itself treats text columns as categories.
    clean[args.value] = numeric_column(frame, args.value)
    report = plain(ancova_report(clean, args.value, args.group, list(args.covariate)))
    factor = {"n_used": report.get("n_used"), "n_dropped": report.get("n_dropped")}
    factor.update(report.get("factor") or {})
    blocks: list[Block] = [
        ("factor", [factor]),
        ("covariates", report.get("covariates", [])),
        ("adjusted_means", report.get("adjusted_means", [])),
        ("pairwise", report.get("pairwise", [])),
    ]
    return report, blocks


def _kruskal(args: argparse.Namespace) -> tuple[dict[str, Any], list[Block]]:
    from ourplan.analysis.nonparametric import kruskal_report

    values, groups = _grouped_input(args)
    report = plain(kruskal_report(values, groups, adjust=args.adjust))
    test = {k: report[k] for k in ("n", "H", "df", "p", "epsilon_squared")}
    return report, [
        ("kruskal_wallis", [test]),
        ("groups", report["groups"]),
        ("dunn", report["dunn"]),
    ]


def _item_columns(frame: Any, chosen: Sequence[str] | None, exclude: Sequence[str]) -> list[str]:
    from ourplan.analysis.errors import AnalysisError
    from ourplan.analysis.tables import is_numeric_column, require_columns

    if chosen:
        require_columns(frame, chosen)
        repeated = sorted({c for c in chosen if list(chosen).count(c) > 1})
        if repeated:
            raise AnalysisError(f"Column {repeated[0]!r} is listed more than once.")
        return list(chosen)
    columns = [
        str(c) for c in frame.columns if c not in exclude and is_numeric_column(frame, str(c))
    ]
    if not columns:
        raise AnalysisError("The file has no numeric columns.")
    return columns


def _correlate(args: argparse.Namespace) -> tuple[dict[str, Any], list[Block]]:
    from ourplan.analysis.correlation import correlate_report
    from ourplan.analysis.tables import numeric_frame, read_table

    frame = read_table(args.data)
    columns = _item_columns(frame, args.columns, ())
    report = plain(correlate_report(numeric_frame(frame, columns), columns, args.method))
    return report, [("correlations", report["pairs"])]


def _rank(args: argparse.Namespace) -> tuple[dict[str, Any], list[Block]]:
    from ourplan.analysis.ranking import ranking_report, top_items
    from ourplan.analysis.tables import read_subscales, read_table

    frame = read_table(args.data, text_columns=[args.group] if args.group else [])
    items = _item_columns(frame, args.columns, [args.group] if args.group else [])
    subscales = read_subscales(args.subscales) if args.subscales else None
    report = plain(
        ranking_report(top_items(frame, items, args.group, args.top, subscales), args.top)
    )
    rows = [{"group": g["group"], **item} for g in report["groups"] for item in g["items"]]
    return report, [("top_items", rows)]


Runner = Callable[[argparse.Namespace], tuple[dict[str, Any], list[Block]]]

ANALYSES: dict[str, tuple[Runner, str]] = {
    "describe": (_describe, "n, mean, SD, median and quartiles per group"),
    "anova": (_anova, "one-way ANOVA with Welch's test and Tukey comparisons"),
    "ancova": (_ancova, "one-way ANCOVA: group effect adjusted for covariates"),
    "kruskal": (_kruskal, "Kruskal–Wallis test with Dunn's comparisons"),
    "correlate": (_correlate, "Pearson or Spearman correlations between columns"),
    "rank": (_rank, "the items with the highest means, overall or per group"),
}


def _fail(args: argparse.Namespace, message: str) -> int:
    print(f"ourplan analyse {args.analysis}: error: {message}", file=sys.stderr)
    return EXIT_INPUT_ERROR


def handle(args: argparse.Namespace) -> int:
    """Run one analysis and print it; input problems exit 2 with a message on stderr."""
    from ourplan.analysis.errors import AnalysisError

    runner = ANALYSES[args.analysis][0]
    try:
        report, blocks = runner(args)
    except AnalysisError as error:
        return _fail(args, str(error))
    except OSError as error:
        name = error.filename or args.data
        return _fail(args, f"cannot read {name}: {error.strerror or error}")
    except Exception as error:  # never a traceback for a person at a terminal
        return _fail(args, f"the analysis failed unexpectedly ({type(error).__name__}: {error})")
    if args.format == "json":
        text = render_json(report)
    elif args.format == "csv":
        text = render_csv(blocks)
    else:
        text = render_table(blocks)
    sys.stdout.write(text)
    return 0


# --------------------------------------------------------------------------- parser


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def register(subparsers: Any) -> None:
    """Add `analyse` and its analyses to the top-level sub-command parser."""
    parser = subparsers.add_parser(
        "analyse",
        help="run a statistical analysis on a CSV, Excel or SPSS file",
        description="Run a statistical analysis on a data file (.csv, .xlsx or .sav).",
    )
    analyses = parser.add_subparsers(dest="analysis", metavar="ANALYSIS", required=True)
    for name, (_, summary) in ANALYSES.items():
        sub = analyses.add_parser(name, help=summary, description=summary[0].upper() + summary[1:])
        sub.add_argument("data", metavar="DATA", help="data file: .csv, .xlsx or .sav")
        if name in ("describe", "anova", "ancova", "kruskal"):
            sub.add_argument("--value", required=True, metavar="COL", help="numeric column")
            sub.add_argument("--group", required=True, metavar="COL", help="group column")
        if name == "ancova":
            sub.add_argument(
                "--covariate",
                action="append",
                required=True,
                metavar="COL",
                help="numeric covariate column (repeat for several)",
            )
        if name == "kruskal":
            sub.add_argument(
                "--adjust",
                choices=("holm", "bonferroni", "none"),
                default="holm",
                help="p-value adjustment for Dunn's comparisons (default: holm)",
            )
        if name in ("correlate", "rank"):
            sub.add_argument(
                "--columns",
                nargs="+",
                metavar="COL",
                help="columns to use (default: every numeric column)",
            )
        if name == "correlate":
            sub.add_argument(
                "--method",
                choices=("pearson", "spearman"),
                default="pearson",
                help="default: pearson",
            )
        if name == "rank":
            sub.add_argument("--group", metavar="COL", help="rank within each group of COL")
            sub.add_argument(
                "--top", type=_positive, default=5, metavar="K", help="items to list (default: 5)"
            )
            sub.add_argument("--subscales", metavar="FILE.csv", help="CSV mapping item,subscale")
        sub.add_argument(
            "--format", choices=FORMATS, default="table", help="output format (default: table)"
        )
        sub.set_defaults(handler=handle, analysis=name)
