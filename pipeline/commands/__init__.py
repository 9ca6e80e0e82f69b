"""One module per ``bulletins`` subcommand; see ``pipeline.cli``."""

from __future__ import annotations

import argparse
import sys


def positive_int(text: str) -> int:
    """An argparse type for counts that must be at least 1 (`--jobs`, `--max-pages`)."""
    value = int(text) if text.strip().isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value


def add_publisher(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--publisher", metavar="NAME",
        help="who published these bulletins, for pages that do not name it (task keys link "
             "by publisher; a page of unknown publisher links with no other)",
    )


def add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet", action="store_true",
        help="no progress bar (it is shown on stderr only when that is a terminal)",
    )


def show_progress(args: argparse.Namespace) -> bool:
    """A progress bar goes to a terminal only: logs and pipes get the summary alone."""
    return not args.quiet and sys.stderr.isatty()
