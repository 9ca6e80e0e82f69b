"""``bulletins build``: turn a corpus into the dataset tables."""

from __future__ import annotations

import argparse
import sys

from pipeline.commands import add_publisher, add_quiet, positive_int, show_progress

HELP = "build the tables (Parquet, CSV, SQLite with search, datapackage.json) from a corpus"
EXAMPLE = "bulletins build corpus/archive/ corpus/samples/ --out out/ --jobs 4"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT",
        help="WARC files, folders of them or of HTML/text files, single files, http(s) URLs",
    )
    parser.add_argument(
        "--out", default="out", metavar="DIR",
        help="directory to write, replaced whole when the build read at least one document; "
             "otherwise left as it was (default: out)",
    )
    parser.add_argument(
        "--jobs", type=positive_int, metavar="N",
        help="worker processes for extraction (default: all cores; 1: no pool)",
    )
    parser.add_argument(
        "--executor", metavar="dask://HOST:PORT",
        help="run the per-document work on a Dask cluster instead of local processes",
    )
    add_publisher(parser)
    add_quiet(parser)


def run(args: argparse.Namespace) -> int:
    from pipeline.build import build
    from pipeline.views.terminal import printable

    summary = build(
        args.inputs, args.out, jobs=args.jobs, executor=args.executor,
        progress=show_progress(args), strict=getattr(args, "debug", False),
        publisher=args.publisher,
    )
    for line in summary.first_problems:
        print(f"bulletins build: problem: {printable(line)}", file=sys.stderr)
    if summary.written and summary.problems > len(summary.first_problems):
        print(f"bulletins build: … and more: see {summary.out}/problems.csv", file=sys.stderr)
    print(f"bulletins build: {summary}", file=sys.stderr)
    return 0 if summary.written else 1  # nothing readable at all is a failure
