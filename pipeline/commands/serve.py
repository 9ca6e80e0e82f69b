"""``bulletins serve``: browse and search a build in Datasette."""

from __future__ import annotations

import argparse

from pipeline.errors import UsageError

HELP = "browse and search a build in Datasette (facets, canned queries, Chinese search box)"
EXAMPLE = "bulletins serve out/ --port 8001"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", nargs="?", default="out", metavar="DIR",
                        help="a build (default: out)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8001, help="port to listen on (8001)")


def run(args: argparse.Namespace) -> int:
    try:
        from pipeline.views.serve import serve
    except ImportError as exc:
        if exc.name not in ("datasette", "uvicorn"):
            raise
        raise UsageError(
            "serve needs Datasette: pip install 'gov-bulletins[datasette]'"
        ) from None
    serve(args.data, args.host, args.port)
    return 0
