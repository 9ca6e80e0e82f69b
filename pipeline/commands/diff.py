"""``bulletins diff``: what changed between two bulletins, and what does not add up."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.audit.run import Diff

HELP = ("compare two bulletins (files, builds, or two periods of a build): value changes per "
        "task and measure, and the checks")
EXAMPLE = "bulletins diff out/ 2017-06 2017-07 --publisher 科学技术厅"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT",
        help="two bulletin files or URLs (older first); two build directories; or one build "
             "directory and two periods (YYYY-MM, YYYY-Qn, ...)",
    )
    parser.add_argument(
        "--publisher", metavar="TEXT",
        help="with two periods: only publishers whose name (or site) contains TEXT; with two "
             "files or URLs: who published them, for pages that do not name it",
    )
    parser.add_argument(
        "--format", choices=("table", "json", "csv"), default="table",
        help="table: readable columns (default); json: one object (identical, changes, "
             "checks); csv: every field of the findings, or of the value changes with --values",
    )
    parser.add_argument("--values", action="store_true",
                        help="with --format csv: write the value changes, not the findings")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline.audit import run as audit
    from pipeline.audit.linking import PERIOD, PERIOD_FORMS
    from pipeline.errors import UsageError
    from pipeline.read.document import extract_one

    inputs = args.inputs
    if len(inputs) == 3 and Path(inputs[0]).is_dir():
        for period in inputs[1:]:
            if not PERIOD.fullmatch(period):
                raise UsageError(f"{period!r} is not a period: give {PERIOD_FORMS}")
        found = audit.diff_periods(audit.build_bulletins(inputs[0]), inputs[1], inputs[2],
                                   args.publisher)
        what = f"bulletins of {inputs[1]} and {inputs[2]}"
    elif len(inputs) == 2 and all(Path(p).is_dir() for p in inputs):
        found = audit.diff_builds(audit.build_bulletins(inputs[0]),
                                  audit.build_bulletins(inputs[1]))
        what = "builds' latest bulletins"
    elif len(inputs) == 2:
        from extractors import segment

        with segment.persisted():  # two documents: start-up counts, as for `extract`
            found = audit.diff_bulletins(extract_one(inputs[0], args.publisher),
                                         extract_one(inputs[1], args.publisher))
        what = "documents"
    else:
        raise UsageError("give two bulletins, two build directories, or a build directory "
                         "and two periods")
    if found.identical and args.format != "table":
        # the table says so in place of its rows; json has its flag, a CSV no place for it
        sys.stderr.write(f"the two {what} are identical\n")
    _write(found, args.format, what, values=args.values)
    return 0


def _write(found: Diff, fmt: str, what: str, *, values: bool = False) -> None:
    from pipeline.store.tables import CHECKS

    if fmt == "json":
        sys.stdout.write(json.dumps(found.to_json(), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        rows = ([c.to_json() for c in found.changes] if values
                else [c.to_json() for c in found.checks])
        names = list(rows[0]) if values and rows else CHECKS.names
        writer = csv.DictWriter(sys.stdout, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)
    else:
        from pipeline.views.report import changes_table, checks_table

        if found.identical:
            sys.stdout.write(f"the two {what} are identical\n")
            return
        sys.stdout.write(changes_table(found.changes) + "\n" + checks_table(found.checks))
