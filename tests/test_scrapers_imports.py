"""scrapers/ never parses a bulletin and extractors/ never reads a page: neither imports the
other, nor anything of pipeline but records and errors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = {"scrapers": "extractors", "extractors": "scrapers"}
ALLOWED = {"pipeline.records", "pipeline.errors"}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "path", sorted(p for stage in STAGES for p in (ROOT / stage).glob("*.py")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_stage_imports_only_records_and_errors_of_the_pipeline(path: Path) -> None:
    other = STAGES[path.parent.name]
    ours = {n for n in imported(path) if n.split(".")[0] in ("pipeline", other)}
    assert ours <= ALLOWED, ours
