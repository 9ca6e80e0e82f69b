"""Paths shared by the tests: the seed fixture and the shared corpus beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

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
