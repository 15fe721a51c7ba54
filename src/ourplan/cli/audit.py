"""``ourplan audit``: draw a care plan audit sample and export its answers (docs/audit.md).

    ourplan audit sample --team T --size N --seed S --by MANAGER --auditor USER [--closes YYYY-MM-DD]
    ourplan audit export --sample ID [--format csv|xlsx|sav] [--out FILE]

``sample`` prints the sample's id, seed and study identifiers (never names). ``export``
writes the de-identified answers: formula-safe CSV to stdout (or ``--out``), or an XLSX or
SPSS .sav file (with labels) to ``--out``. Any problem is one line on
stderr, exit status 2, and nothing written.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

EXIT_ERROR = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = subparsers.add_parser(
        "audit",
        help="care plan audits: draw a sample, export the answers",
        description="Care plan quality audits (docs/audit.md).",
    )
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    sample = actions.add_parser("sample", help="draw a random sample of plans from a team")
    sample.add_argument("--team", required=True, help="the team's name")
    sample.add_argument("--size", required=True, type=int, help="plans to draw from the team")
    sample.add_argument("--seed", required=True, type=int, help="the seed (recorded)")
    sample.add_argument(
        "--by", required=True, metavar="USERNAME", help="the team manager drawing it"
    )
    sample.add_argument("--auditor", required=True, metavar="USERNAME", help="the auditor")
    sample.add_argument("--second-auditor", metavar="USERNAME", help="an optional second auditor")
    sample.add_argument("--double-percent", type=int, default=0, help="share read twice")
    sample.add_argument("--closes", type=date.fromisoformat, help="last day auditors can read")
    sample.add_argument("--unblinded", action="store_true", help="show coordinators' names")
    sample.set_defaults(handler=handle_sample)
    export = actions.add_parser("export", help="write a sample's answers as CSV to stdout")
    export.add_argument("--sample", required=True, help="the sample's id")
    export.add_argument("--format", choices=("csv", "xlsx", "sav"), default="csv")
    export.add_argument(
        "--out", metavar="FILE", help="write here (needed for xlsx and sav; csv goes to stdout)"
    )
    export.set_defaults(handler=handle_export)


def _fail(message: str) -> int:
    print(f"ourplan audit: {message}", file=sys.stderr)
    return EXIT_ERROR


def _setup() -> None:
    from ourplan.cli.django_commands import _setup_django

    _setup_django()


def _user(username: str | None) -> Any:
    from ourplan.accounts.models import User

    if username is None:
        return None
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise LookupError(f"no active user called {username!r}")
    return found


def handle_sample(args: argparse.Namespace) -> int:
    _setup()
    from django.core.exceptions import ValidationError

    from ourplan.people.access import staff_member_of
    from ourplan.quality import access, services

    try:
        manager = _user(args.by)
        auditor = _user(args.auditor)
        second = _user(args.second_auditor)
    except LookupError as error:
        return _fail(str(error))
    if not access.can_draw_sample(manager):
        return _fail(f"{args.by} is not a team manager who may draw samples")
    team = access.teams_to_sample(manager).filter(name=args.team).first()
    if team is None:
        return _fail(f"{args.by} cannot draw from a team called {args.team!r}")
    staff = staff_member_of(manager)
    assert staff is not None  # can_draw_sample found one
    try:
        sample = services.sample_draw(
            actor=manager,
            organisation=staff.organisation,
            name=f"Audit of {team.name}",
            teams=[team],
            size_per_team=args.size,
            first_auditor=auditor,
            second_auditor=second,
            double_review_percent=args.double_percent,
            closes_on=args.closes or date.today() + timedelta(days=30),
            seed=args.seed,
            blinded=not args.unblinded,
        )
    except ValidationError as error:
        return _fail(" ".join(error.messages))
    print(f"sample {sample.pk} seed {sample.seed}")
    for entry in sample.entries.all():
        print(f"{entry.study_id}\t{team.name}\tversion {entry.version.number}")
    return 0


def handle_export(args: argparse.Namespace) -> int:
    _setup()
    from ourplan.core.spreadsheet_cells import spreadsheet_safe
    from ourplan.quality import queries
    from ourplan.quality.models import AuditSample

    try:
        sample = AuditSample.objects.filter(pk=args.sample).first()
    except Exception:  # a malformed id is just not a sample
        sample = None
    if sample is None:
        return _fail(f"no sample with id {args.sample!r}")
    if args.format != "csv":
        from ourplan.quality import exports

        if not args.out:
            return _fail(f"give --out FILE for {args.format}")
        body = exports.to_xlsx(sample) if args.format == "xlsx" else exports.to_sav(sample)
        Path(args.out).write_bytes(body)
        return 0
    target = open(args.out, "w", newline="", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    writer = csv.writer(target)
    writer.writerow(["study_id", "team", "source", "item", "answer", "note"])
    for row in queries.export_rows(sample):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    if target is not sys.stdout:
        target.close()
    return 0
