"""``bulletins demo``: the product at work on the bundled seed bulletin."""

from __future__ import annotations

import argparse

HELP = "show the pipeline at work on the bundled sample bulletin"
EXAMPLE = "bulletins demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--all-facts", action="store_true", help="list every count, not the first few per section"
    )


def run(args: argparse.Namespace) -> int:
    from corpus import SEED
    from pipeline.extract import extract
    from pipeline.records import Page
    from pipeline.report import render

    page = Page(source=str(SEED.relative_to(SEED.parents[2])), content=SEED.read_bytes())
    bulletin = extract(page)
    limit = 10_000 if args.all_facts else 4
    print(render(bulletin, max_facts_per_section=limit))
    print(
        "\nnext: `bulletins extract FILE_OR_URL... > out.jsonl` for the full records "
        "(one JSON object per document)"
    )
    return 0
