"""``bulletins diff``: what changed between two bulletins, and what does not add up."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.records import Check

HELP = "compare two bulletins (files, builds, or two periods of a build) and list the checks"
EXAMPLE = "bulletins diff out/ 2017-06 2017-07 --publisher 科学技术厅"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT",
        help="two bulletin files or URLs (older first); two build directories; or one build "
             "directory and two periods (YYYY-MM, YYYY-Qn, ...)",
    )
    parser.add_argument(
        "--publisher", metavar="TEXT",
        help="with two periods: only publishers whose name (or site) contains TEXT",
    )
    parser.add_argument(
        "--format", choices=("table", "json", "csv"), default="table",
        help="table: readable columns (default); json: one array; csv: every field",
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline.audit import run as audit
    from pipeline.errors import UsageError
    from pipeline.read.document import extract_one

    inputs = args.inputs
    if len(inputs) == 3 and Path(inputs[0]).is_dir():
        found = audit.diff_periods(audit.build_bulletins(inputs[0]), inputs[1], inputs[2],
                                   args.publisher)
    elif len(inputs) == 2 and all(Path(p).is_dir() for p in inputs):
        found = audit.diff_builds(audit.build_bulletins(inputs[0]),
                                  audit.build_bulletins(inputs[1]))
    elif len(inputs) == 2:
        found = audit.diff_bulletins(extract_one(inputs[0]), extract_one(inputs[1]))
    else:
        raise UsageError("give two bulletins, two build directories, or a build directory "
                         "and two periods")
    _write(found, args.format)
    return 0


def _write(found: list[Check], fmt: str) -> None:
    from pipeline.store.tables import CHECKS

    rows = [c.to_json() for c in found]
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=CHECKS.names)
        writer.writeheader()
        writer.writerows(rows)
    else:
        from pipeline.views.report import checks_table

        sys.stdout.write(checks_table(found))
