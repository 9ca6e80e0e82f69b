"""``bulletins search``: find the counts said in sentences that hold a word."""

from __future__ import annotations

import argparse
import json
import sys

HELP = "find facts whose sentence holds a word (any length of Chinese: 企, 企业, 众创空间)"
EXAMPLE = "bulletins search 众创空间 --unit 家 --period 2017-07..2017-12 --format json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help='words to find, all of them; "quote" words with spaces')
    parser.add_argument("--data", default="out", metavar="DIR", help="a build (default: out)")
    parser.add_argument("--unit", help="only counts in this unit, e.g. 家")
    parser.add_argument(
        "--period", metavar="FROM..TO",
        help="only bulletins within these periods: 2017-07..2017-12, 2017-Q3, 2018.., ..2017",
    )
    parser.add_argument("--publisher", help="only publishers whose name contains this")
    parser.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text",
        help="text: each fact with its sentence (default); json: one array of hits",
    )


def run(args: argparse.Namespace) -> int:
    from pipeline.views.search import format_hit, search
    from pipeline.views.terminal import printable

    result = search(
        args.data, args.query, unit=args.unit, period=args.period,
        publisher=args.publisher, limit=args.limit,
    )
    if args.format == "json":
        json.dump(result.hits, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for hit in result.hits:
            print(printable(format_hit(hit)) + "\n")
    shown = len(result.hits)
    more = f"; --limit {result.total} shows all" if result.total > shown else ""
    print(f"bulletins search: {result.total} facts, {shown} shown{more}", file=sys.stderr)
    return 0 if result.total else 1
