"""Basis accuracy: predicted ``basis`` against gold files that annotate it.

The shared scorer (../shared/eval/score.py) ignores ``basis``; this joins predictions and gold
the same way it does (document by file stem, fact by (section, value, unit): the stem and
fact_key of tests/scoring.py) and counts the paired facts whose basis agrees, null included.

    python -m tests.basis_scoring PREDICTIONS.jsonl GOLD_DIR [-v]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.scoring import Doc as Fact
from tests.scoring import FactKey, stem
from tests.scoring import fact_key as key


def pairs(predictions: list[dict[str, Any]], gold_dir: Path) -> Iterator[tuple[str, Fact, Fact]]:
    """(document stem, predicted fact, gold fact) for every gold fact with a ``basis`` key
    that a prediction of the same key pairs with; equal keys pair in document order."""
    by_stem = {stem(p["source"]): p for p in predictions}
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        name = stem(gold["file"])
        pred = by_stem.get(name)
        if pred is None:
            continue
        pool: dict[FactKey, list[Fact]] = {}
        for fact in pred["facts"]:
            pool.setdefault(key(fact), []).append(fact)
        for g in gold["facts"]:
            if "basis" not in g or not pool.get(key(g)):
                continue
            yield name, pool[key(g)].pop(0), g


def basis_accuracy(predictions: list[dict[str, Any]], gold_dir: Path) -> tuple[float, int]:
    """(share of paired facts whose basis agrees, number of paired facts)."""
    joined = list(pairs(predictions, gold_dir))
    if not joined:
        return 1.0, 0
    right = sum(p.get("basis") == g["basis"] for _, p, g in joined)
    return round(right / len(joined), 4), len(joined)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("predictions", type=Path)
    ap.add_argument("gold", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="list the disagreements")
    args = ap.parse_args()
    lines = args.predictions.read_text(encoding="utf-8").splitlines()
    predictions = [json.loads(line) for line in lines if line.strip()]
    accuracy, n = basis_accuracy(predictions, args.gold)
    print(f"basis_accuracy {accuracy} over {n} facts")
    if args.verbose:
        for name, p, g in pairs(predictions, args.gold):
            if p.get("basis") != g["basis"]:
                print(f"{name} {g['section']} {g['surface']}: {p.get('basis')} ≠ {g['basis']}")


if __name__ == "__main__":
    main()
