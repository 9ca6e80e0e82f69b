"""The ``bulletins`` command: a thin view over the library, one module per subcommand.

Each module in ``pipeline/commands/`` defines ``HELP`` (one line), ``EXAMPLE``,
``add_arguments(parser)`` and ``run(args) -> int``, and imports heavy libraries only inside
``run`` so that ``bulletins --help`` answers fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from pipeline.errors import BulletinError
from scrapers.errors import CrawlSetupError

# Order is the order shown in `bulletins --help`.
COMMANDS = (
    "crawl", "archive", "extract", "build", "diff", "series", "search", "serve", "show", "demo",
)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with ``command`` only that subcommand's part: a run of one
    command then imports and sets up its module alone (a fortieth of a one-file `extract`)."""
    parser = argparse.ArgumentParser(
        prog="bulletins",
        description="Turn Chinese government progress bulletins into tidy, auditable datasets.",
        epilog="Run `bulletins COMMAND --help` for a command's options and an example.",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks and debug logging on errors"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if command is None else (command,):
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


def named_command(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` runs when nothing before it but --debug could print help or
    fail against the whole command line (``-h``, a misspelt command, no command)."""
    for arg in argv:
        if arg != "--debug":
            return arg if arg in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(named_command(argv))
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
    except KeyboardInterrupt:
        print(f"bulletins {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if args.debug or not _from_sqlite(exc):
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


def _from_sqlite(exc: Exception) -> bool:
    """A sqlite3.DatabaseError, asked without importing sqlite3 (a command that never opens
    a database, as `extract`, need not load it): no error of it can come before it loads."""
    sqlite3 = sys.modules.get("sqlite3")
    return sqlite3 is not None and isinstance(exc, sqlite3.DatabaseError)


if __name__ == "__main__":
    sys.exit(main())
