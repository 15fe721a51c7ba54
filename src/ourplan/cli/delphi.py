"""``ourplan delphi``: analyse Delphi consensus studies and write a demo study.

``ourplan delphi analyse RESPONSES.csv`` prints the JSON report (or plain tables) for a
wide responses file; ``ourplan delphi demo --out DIR`` writes a synthetic demo study.
Errors go to stderr with exit code 2; nothing is written when the input is unusable.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any

from ourplan.analysis.delphi.clustering import dendrogram_chart
from ourplan.analysis.delphi.consensus import (
    DEFAULT_THRESHOLD,
    ConsensusDefinition,
    StabilityCriterion,
)
from ourplan.analysis.delphi.demo import DEMO_SEED, demo_study, write_panel
from ourplan.analysis.delphi.report import DelphiAnalysis, run_analysis
from ourplan.analysis.delphi.responses import read_responses_csv, read_statements_csv
from ourplan.analysis.delphi.tables import cluster_table, group_table, render_text
from ourplan.analysis.errors import AnalysisError

EXIT_ERROR = 2


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(
            f"{text} is not a share between 0 and 1 (write 75% as 0.75)"
        )
    return value


def _clusters(text: str) -> int | str | None:
    if text == "auto":
        return "auto"
    if text == "none":
        return None
    try:
        k = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not 'auto', 'none' or a number of clusters"
        ) from None
    if k < 2:
        raise argparse.ArgumentTypeError("the number of clusters must be at least 2")
    return k


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``delphi analyse`` and ``delphi demo``."""
    delphi = subparsers.add_parser(
        "delphi",
        help="analyse Delphi consensus studies",
        description="Analyse Delphi consensus studies or write a synthetic demo study.",
    )
    actions = delphi.add_subparsers(dest="delphi_command", metavar="ACTION", required=True)

    analyse = actions.add_parser(
        "analyse",
        help="consensus, group differences and clusters for a responses CSV",
        description=(
            "Analyse a wide responses CSV (respondent_id,group,round,<statement ids>; "
            "blank = missing): per-statement median, IQR, % agreeing and consensus "
            "status, Kruskal–Wallis across groups, and Ward clustering of respondents."
        ),
    )
    analyse.add_argument("responses", metavar="RESPONSES", help="wide responses CSV")
    analyse.add_argument(
        "--statements", metavar="STATEMENTS.csv", help="statements CSV: id,topic,text"
    )
    analyse.add_argument(
        "--scale", type=int, choices=(5, 7, 9), help="points on the rating scale (default 5)"
    )
    analyse.add_argument(
        "--agree-min",
        type=int,
        metavar="N",
        help="lowest rating counted as agreement (default 4, 5, 7 on 5/7/9-point scales)",
    )
    analyse.add_argument(
        "--disagree-max",
        type=int,
        metavar="N",
        help="highest rating counted as disagreement (default: mirror of --agree-min)",
    )
    analyse.add_argument(
        "--consensus",
        type=_share,
        metavar="SHARE",
        help=f"share of ratings needed in a band (default {DEFAULT_THRESHOLD})",
    )
    analyse.add_argument(
        "--max-opposite",
        type=_share,
        metavar="SHARE",
        help="fewer than this share may rate in the opposite band",
    )
    analyse.add_argument("--max-iqr", type=float, metavar="X", help="largest IQR for consensus")
    analyse.add_argument(
        "--all-groups", action="store_true", help="every group must reach the same consensus"
    )
    stability = analyse.add_mutually_exclusive_group()
    stability.add_argument(
        "--stability-change",
        type=_share,
        metavar="SHARE",
        help="consensus also needs the share in its band to move at most this much since "
        "the previous round (e.g. 0.15)",
    )
    stability.add_argument(
        "--stability-test",
        action="store_true",
        help="consensus also needs no significant shift since the previous round (paired Wilcoxon)",
    )
    analyse.add_argument(
        "--comet",
        action="store_true",
        help="COMET rule: 1–9 scale, ≥70%% rate 7–9 and <15%% rate 1–3",
    )
    analyse.add_argument(
        "--merge",
        action="append",
        default=[],
        metavar='"groupA+groupB"',
        help="merge small groups before analysis (repeatable)",
    )
    analyse.add_argument(
        "--clusters",
        type=_clusters,
        default="auto",
        metavar="auto|K|none",
        help="number of clusters, or auto: best mean silhouette for k = 2..8 (default)",
    )
    analyse.add_argument(
        "--round",
        type=_positive_int,
        metavar="N",
        help="round to cluster and tabulate (default: the last round)",
    )
    analyse.add_argument(
        "--format", choices=("json", "table"), default="json", help="output format"
    )
    analyse.add_argument(
        "--alpha", type=float, default=0.05, help="significance level (default 0.05)"
    )
    analyse.add_argument(
        "--quantile",
        choices=("type6", "type7"),
        default="type6",
        help="quartile method: type6 (SPSS, default) or type7 (R and numpy default)",
    )
    analyse.add_argument(
        "--min-answered",
        type=_share,
        default=0.5,
        metavar="SHARE",
        help="leave out of clustering respondents who rated less than this share (0.5)",
    )
    analyse.add_argument(
        "--dendrogram",
        metavar="FILE.png|FILE.svg",
        help="also write the clustering dendrogram to this file",
    )
    analyse.set_defaults(handler=handle_analyse)

    demo = actions.add_parser(
        "demo",
        help="write a synthetic demo study (responses and statements CSVs)",
        description=(
            "Write a synthetic two-round Delphi study built on the statements of the "
            "source study on recovery and care coordination, with planted opinion "
            "clusters that cut across service users, carers, professionals and policy "
            "makers.  The data are invented."
        ),
    )
    demo.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    demo.add_argument(
        "--seed", type=int, default=DEMO_SEED, help=f"random seed (default {DEMO_SEED})"
    )
    demo.set_defaults(handler=handle_demo)


def _fail(command: str, message: str) -> int:
    print(f"ourplan delphi {command}: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def _definition(args: argparse.Namespace) -> ConsensusDefinition:
    stability = None
    if args.stability_change is not None:
        stability = StabilityCriterion("pct_change", max_change=args.stability_change)
    elif args.stability_test:
        stability = StabilityCriterion("wilcoxon", alpha=args.alpha)
    settings: dict[str, Any] = {
        "agree_min": args.agree_min,
        "disagree_max": args.disagree_max,
        "max_iqr": args.max_iqr,
        "all_groups": args.all_groups,
        "stability": stability,
    }
    for option, key in (("consensus", "threshold"), ("max_opposite", "max_opposite")):
        if getattr(args, option) is not None:
            settings[key] = getattr(args, option)
    if args.comet:
        if args.scale not in (None, 9):
            raise AnalysisError("--comet uses a 9-point scale; leave out --scale or give 9.")
        given = {k: v for k, v in settings.items() if v is not None and v is not False}
        return ConsensusDefinition.comet(**given)
    return ConsensusDefinition(scale=args.scale or 5, **settings)


def handle_analyse(args: argparse.Namespace) -> int:
    """Run the analysis and print it; exit code 2 with a message on bad input."""
    try:
        definition = _definition(args)
        statements = read_statements_csv(args.statements) if args.statements else None
        responses = read_responses_csv(args.responses, definition.scale, statements)
        analysis = run_analysis(
            responses,
            statements=statements,
            definition=definition,
            merge=args.merge,
            clusters=args.clusters,
            cluster_round=args.round,
            alpha=args.alpha,
            quantile_method=args.quantile,
            min_answered=args.min_answered,
        )
        chart = _chart(analysis, args.dendrogram) if args.dendrogram else None
        output = (
            json.dumps(analysis.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
            if args.format == "json"
            else format_tables(analysis)
        )
    except AnalysisError as error:
        return _fail("analyse", str(error))
    if chart is not None:
        try:
            Path(args.dendrogram).write_bytes(chart)
        except OSError as error:
            return _fail("analyse", f"cannot write {args.dendrogram}: {error.strerror}")
    print(output)
    return 0


def _chart(analysis: DelphiAnalysis, path: str) -> bytes:
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise AnalysisError("--dendrogram needs a file name ending in .png or .svg.")
    if analysis.clustering is None:
        raise AnalysisError("No dendrogram: the respondents were not clustered.")
    return dendrogram_chart(analysis.clustering, "png" if suffix == ".png" else "svg")


def format_tables(analysis: DelphiAnalysis) -> str:
    """The analysis as plain-text tables for a terminal."""
    report = analysis.to_dict()
    chosen = analysis.cluster_round
    lines = [analysis.definition.describe(), ""]
    lines.append("Participation")
    groups = report["groups"]
    rounds_rows = [
        [r["round"], r["n"], *[r["n_by_group"][g] for g in groups], _pct(r["response_rate"])]
        for r in report["rounds"]
    ]
    lines.append(_simple(["round", "n", *groups, "response rate"], rounds_rows))
    lines.append("")
    lines.append(f"Statements, round {chosen}")
    statement_rows = [
        [
            s["id"],
            s["n"],
            _num(s["median"]),
            _num(s["iqr"]),
            _pct(s["pct_agree"]),
            _pct(s["pct_disagree"]),
            s["consensus"],
            _num(s["kruskal"]["p"], 3),
            s["kruskal"]["most_agreeing"] if s["kruskal"]["significant"] else "",
        ]
        for s in report["statements"]
        if s["round"] == chosen
    ]
    lines.append(
        _simple(
            [
                "statement",
                "n",
                "median",
                "IQR",
                "agree",
                "disagree",
                "consensus",
                "p (groups)",
                "most agreeing",
            ],
            statement_rows,
        )
    )
    lines.append("")
    lines.append(f"Agreement by group, round {chosen}")
    lines.append(render_text(group_table(analysis.summary, analysis.comparisons, chosen)))
    clustering = analysis.clustering
    if clustering is not None:
        lines.append("")
        lines.append(
            f"Clusters, round {clustering.data.round}: k = {clustering.k} "
            f"({clustering.method}, chosen by {clustering.k_chosen_by}, mean silhouette "
            f"{clustering.silhouette:.3f}); {len(clustering.data.respondent_ids)} respondents, "
            f"{len(clustering.data.dropped_respondents)} left out for missing ratings"
        )
        lines.append(
            _simple(
                ["cluster", *groups, "total"],
                [
                    [c, *[comp.get(g, 0) for g in groups], sum(comp.values())]
                    for c, comp in clustering.composition.items()
                ],
            )
        )
        lines.append("")
        lines.append("Statements that differ between clusters (Kruskal–Wallis p < alpha)")
        lines.append(render_text(cluster_table(clustering, analysis.responses.scale)))
    for note in analysis.notes:
        lines.append("")
        lines.append(f"Note: {note}")
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _num(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    if digits == 3 and value < 0.001:
        return "<0.001"
    return f"{value:.{digits}g}" if digits == 3 else f"{value:g}"


def _simple(header: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[j]) for r in cells) for j in range(len(header))]
    out = ["  ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells[1:])
    return "\n".join(line.rstrip() for line in out)


def handle_demo(args: argparse.Namespace) -> int:
    """Write the demo responses and statements CSVs into ``--out``."""
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        return _fail("demo", f"{out} exists and is not a folder.")
    try:
        responses_path, statements_path = write_panel(demo_study(args.seed), out)
    except OSError as error:
        return _fail("demo", f"cannot write into {out}: {error.strerror}")
    print(f"Wrote {responses_path}")
    print(f"Wrote {statements_path}")
    print(
        f"Try: ourplan delphi analyse {shlex.quote(str(responses_path))} "
        f"--statements {shlex.quote(str(statements_path))} "
        '--merge "professionals+policy makers" --format table'
    )
    return 0
