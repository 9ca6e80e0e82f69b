"""Paths shared by the tests: the seed fixture and the shared corpus beside the repo; pages
archived as a crawl keeps them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.records import Page
from scrapers.fetch import Exchange
from scrapers.warc import PUBLISHER_FIELD, WarcSeries

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEED = FIXTURES / "liaoning-kjt-2017-07.txt"
SHARED = ROOT.parent / "shared"
REAL = SHARED / "corpus" / "real"
GOLD = SHARED / "gold"
SCORER = SHARED / "eval" / "score.py"


# The team's real corpus, gold annotations and scorer live in ../shared, beside the checkout
# and not in it; a clone without it runs every other test and skips these for this reason.
SHARED_ABSENT = "../shared (real corpus, gold, scorer) is not beside this checkout"
needs_shared = pytest.mark.skipif(not (REAL.is_dir() and GOLD.is_dir()), reason=SHARED_ABSENT)


def need_shared() -> None:
    if not (REAL.is_dir() and GOLD.is_dir()):
        pytest.skip(SHARED_ABSENT)


def archive_pages(pages: list[Page], folder: Path) -> Path:
    """The pages as a crawl keeps them: WARC records naming their site profile's publisher
    (not every synthetic page names it, and a folder name is no publisher)."""
    folder.mkdir()
    warc = WarcSeries(folder, "bulletins", info={"software": "tests"})
    for page in pages:
        assert page.url and page.publisher
        warc.write(Exchange(page.url, (), 200, "OK", "HTTP/1.1",
                            (("Content-Type", "text/html"),), page.content,
                            page.fetched or "2017-12-31T00:00:00Z"),
                   {PUBLISHER_FIELD: page.publisher})
    warc.close()
    return folder
