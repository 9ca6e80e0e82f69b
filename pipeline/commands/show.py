"""``bulletins show``: one bulletin as an HTML page with its facts highlighted."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "write one bulletin as a self-contained HTML page, every fact highlighted in its sentence"
EXAMPLE = "bulletins show 3af29f14633f --out page.html"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "doc", metavar="DOC",
        help="doc_id (or its first 6+ characters), source or URL in the build, or a file",
    )
    parser.add_argument("--data", default="out", metavar="DIR", help="a build (default: out)")
    parser.add_argument("--out", metavar="FILE", help="HTML file to write (default: stdout)")


def run(args: argparse.Namespace) -> int:
    from pipeline.views.show import find_bulletin, render

    page = render(find_bulletin(args.doc, args.data))
    if args.out:
        Path(args.out).write_text(page, encoding="utf-8")
        print(f"bulletins show: wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(page)
    return 0
