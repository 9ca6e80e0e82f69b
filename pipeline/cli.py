"""The ``bulletins`` command: a thin view over the library, one module per subcommand.

Each module in ``pipeline/commands/`` defines ``HELP`` (one line), ``EXAMPLE``,
``add_arguments(parser)`` and ``run(args) -> int``, and imports heavy libraries only inside
``run`` so that ``bulletins --help`` answers fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sqlite3
import sys
from collections.abc import Sequence

from pipeline.errors import BulletinError
from scrapers.errors import CrawlSetupError

# Order is the order shown in `bulletins --help`.
COMMANDS = (
    "crawl", "archive", "extract", "build", "diff", "series", "search", "serve", "show", "demo",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bulletins",
        description="Turn Chinese government progress bulletins into tidy, auditable datasets.",
        epilog="Run `bulletins COMMAND --help` for a command's options and an example.",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks and debug logging on errors"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"pipeline.commands.{name}")
        cmd = sub.add_parser(
            name,
            help=module.HELP,
            description=module.HELP,
            epilog=f"example:\n  {module.EXAMPLE}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


# SQLite's result codes for a file that is not a database or is damaged (sqlite.org/rescode):
# only these mean the file must be rebuilt or repaired; other errors are not the file's.
DAMAGED = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CORRUPT_INDEX",
                     "SQLITE_CORRUPT_SEQUENCE", "SQLITE_CORRUPT_VTAB"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.run(args) or 0)
    except (BulletinError, CrawlSetupError) as exc:
        if args.debug:
            raise
        print(f"bulletins {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:
        if args.debug:
            raise
        if getattr(exc, "sqlite_errorname", None) in DAMAGED:
            print(f"bulletins {args.command}: error: a database is damaged ({exc}): build it "
                  "again with `bulletins build`, or for a crawl archive run "
                  "`bulletins archive repair DIR`", file=sys.stderr)
        else:  # locked, read-only, out of memory, a full disk: the file is not to blame
            name = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
            print(f"bulletins {args.command}: error: SQLite failed ({name}: {exc}), "
                  "not a damaged file: run again, or with --debug for the trace",
                  file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"bulletins {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
