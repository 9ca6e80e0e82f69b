"""``bulletins extract``: read bulletins and print one record per document."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from pipeline.commands import add_publisher, add_quiet, show_progress

HELP = "read bulletins (files, folders, WARC files, URLs) and print sections, statuses and counts"
EXAMPLE = "bulletins extract corpus/samples/liaoning-kjt-2017-07.txt --format jsonl > out.jsonl"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs", nargs="+", metavar="PATH_OR_URL",
        help="HTML or text files, folders of them, WARC files, or http(s) URLs",
    )
    parser.add_argument(
        "--format", choices=("jsonl", "json"), default="jsonl",
        help="jsonl: one JSON object per line (default); json: one indented array",
    )
    parser.add_argument(
        "--follow-other-hosts", action="store_true",
        help="follow a URL's redirects to other hosts (default: stay on the URL's host)",
    )
    add_publisher(parser)
    add_quiet(parser)


def run(args: argparse.Namespace) -> int:
    from extractors import segment

    # the segmenter's answers kept from earlier runs: a run that meets only windows seen
    # before never loads a dictionary (issue 16: start-up)
    with segment.persisted():
        return _extract_all(args)


def _extract_all(args: argparse.Namespace) -> int:
    from pipeline.read.document import extract
    from pipeline.read.inputs import iter_pages, with_publisher
    from pipeline.store.version import EXTRACTOR_VERSION

    # JSON escapes what a non-UTF-8 terminal or pipe could not take, rather than failing.
    ascii_only = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") != "utf8"
    failed = 0
    records = []
    bar = _bar() if show_progress(args) else _NoBar()
    pages = iter_pages(args.inputs, follow_other_hosts=args.follow_other_hosts)
    for item in with_publisher(pages, args.publisher):
        bar.update()
        if isinstance(item, Exception):
            failed += 1
            bar.write(f"bulletins extract: {item}", file=sys.stderr)
            continue
        try:
            bulletin = extract(item)
        except Exception as exc:  # one bad page must not stop the others
            if args.debug:
                raise
            failed += 1
            bar.write(f"bulletins extract: {item.source}: cannot read: {exc}", file=sys.stderr)
            continue
        record = {**bulletin.to_json(), "extractor_version": EXTRACTOR_VERSION}
        if args.format == "jsonl":
            sys.stdout.write(json.dumps(record, ensure_ascii=ascii_only) + "\n")
            sys.stdout.flush()
        else:
            records.append(record)
    bar.close()
    if args.format == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=ascii_only, indent=2) + "\n")
    return 1 if failed else 0


class _NoBar:
    """The progress bar's calls where none is shown: messages go straight to stderr, and
    tqdm is not imported (a tenth of a one-file `extract`'s start)."""

    def update(self) -> None:
        pass

    def write(self, message: str, file: TextIO | None = None) -> None:
        print(message, file=file or sys.stderr)

    def close(self) -> None:
        pass


def _bar() -> Any:
    from tqdm import tqdm

    return tqdm(desc="extract", unit="doc", leave=False)
