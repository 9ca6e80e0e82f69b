"""``bulletins demo``: the whole product at work, offline, in a few minutes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "crawl a local synthetic site, build, search and highlight: the product end to end"
EXAMPLE = "bulletins demo --out demo-out"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=Path("demo-out"),
        help="where the archive, the tables and the highlight page go (default: demo-out)",
    )


def run(args: argparse.Namespace) -> int:
    from corpus.demo import run_demo
    from scrapers.progress import BarProgress, NoProgress, Progress

    # A Protocol cannot be instantiated: on a terminal this line used to raise TypeError.
    progress: Progress = BarProgress() if sys.stderr.isatty() else NoProgress()
    run_demo(args.out, progress=progress)
    return 0
