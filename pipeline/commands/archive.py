"""``bulletins archive``: check a crawl archive, and repair it without deleting anything."""

from __future__ import annotations

import argparse
import fcntl
import sys
from pathlib import Path

HELP = "verify a crawl archive (WARC files + manifest), or repair it: damage is moved aside"
EXAMPLE = "bulletins archive verify corpus/archive/   # then: archive repair --dry-run DIR"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("verify", "repair"),
                        help="verify: report damage, change nothing; repair: fix it")
    parser.add_argument("folder", type=Path, metavar="DIR", help="the crawl's --out folder")
    parser.add_argument("--dry-run", action="store_true",
                        help="with repair: print what it would do, change nothing")


def run(args: argparse.Namespace) -> int:
    from pipeline.errors import UsageError
    from pipeline.views.terminal import printable
    from scrapers.archive_repair import repair_archive, verify_archive
    from scrapers.crawl import LOCK

    folder: Path = args.folder
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder: give the archive folder a crawl wrote")
    if args.action == "verify" or args.dry_run:
        report = verify_archive(folder)
    else:
        with (folder / LOCK).open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UsageError(f"a crawl is writing to {folder}; repair it after the crawl "
                                 "ends") from None
            report = repair_archive(folder)
    for line in report.lines():
        print(f"bulletins archive: {printable(line)}", file=sys.stderr)
    if report.ok:
        print(f"bulletins archive: {folder} is whole", file=sys.stderr)
        return 0
    if args.action == "verify":
        print(f"bulletins archive: run `bulletins archive repair --dry-run {folder}` to see "
              "the repair, then without --dry-run to make it", file=sys.stderr)
    return 1 if args.action == "verify" or args.dry_run else 0
