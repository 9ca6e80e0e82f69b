"""``bulletins show``: one bulletin as an HTML page with its facts highlighted."""

from __future__ import annotations

import argparse
import errno
import os
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
    from pipeline.views.terminal import printable

    page = render(find_bulletin(args.doc, args.data))
    if args.out:
        _write_new(Path(args.out), page)
        print(f"bulletins show: wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(printable(page))
    return 0


def _write_new(path: Path, page: str) -> None:
    """Write ``path`` itself: never through a symbolic link someone left in its place."""
    from pipeline.errors import UsageError

    if not path.parent.is_dir():
        raise UsageError(f"--out {path}: folder {path.parent} does not exist; create it or "
                         "choose another --out FILE")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        why = "it is a symbolic link" if exc.errno == errno.ELOOP else exc.strerror
        raise UsageError(f"--out {path}: cannot write it ({why}); choose another --out FILE") \
            from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(page)
