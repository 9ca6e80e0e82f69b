"""scrapers/ never parses a bulletin: it imports nothing of pipeline but records and errors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SCRAPERS = Path(__file__).resolve().parents[1] / "scrapers"
ALLOWED = {"pipeline.records", "pipeline.errors"}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(SCRAPERS.glob("*.py")), ids=lambda p: p.name)
def test_scrapers_import_only_records_and_errors_of_the_pipeline(path: Path) -> None:
    ours = {n for n in imported(path) if n.split(".")[0] in ("pipeline", "extractors")}
    assert ours <= ALLOWED, ours
