"""The house drawn from the imports: every module sits in one room, and a room imports only
the rooms written under it in ``ALLOWED``. This table is the one place the arrows live; the
README's layout section draws the same picture."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipeline", "scrapers", "extractors", "corpus")

# Module prefix → room; the longest matching prefix wins.
ROOMS = {
    "pipeline.records": "records",
    "pipeline.errors": "records",
    "extractors": "extractors",
    "scrapers": "scrapers",
    "pipeline.read": "read",
    "pipeline.store": "store",
    "pipeline.audit": "audit",
    "pipeline.views": "views",
    "pipeline.build": "build",
    "corpus": "corpus",
    "pipeline.cli": "cli",
    "pipeline.commands": "cli",
    "pipeline": "cli",  # the package's own __init__
}

# Which rooms each room may import, besides itself. Nothing points back up.
ALLOWED: dict[str, set[str]] = {
    "records": set(),
    "extractors": set(),
    "scrapers": set(),
    "read": {"records", "extractors", "scrapers"},
    "store": {"records", "extractors"},
    "audit": {"records", "extractors", "store", "read"},
    "views": {"records", "extractors", "store", "audit", "read"},
    "build": {"records", "read", "store", "audit", "scrapers"},
    "corpus": {"records", "extractors", "scrapers", "read", "store", "audit", "views", "build"},
    "cli": {"records", "extractors", "scrapers", "read", "store", "audit", "views", "build",
            "corpus"},
}


def room_of(module: str) -> str | None:
    best = max((p for p in ROOMS if module == p or module.startswith(p + ".")),
               key=len, default=None)
    return ROOMS[best] if best else None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from pipeline.audit import run` imports the module pipeline.audit.run
            names |= {f"{node.module}.{a.name}" for a in node.names
                      if (ROOT / node.module.replace(".", "/") / f"{a.name}.py").exists()}
    return {n for n in names if n.split(".")[0] in PACKAGES}


MODULES = sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def test_every_module_has_a_room() -> None:
    assert MODULES
    assert [module_name(p) for p in MODULES if room_of(module_name(p)) is None] == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_allowed_arrows(path: Path) -> None:
    room = room_of(module_name(path))
    assert room is not None
    wrong = {m: room_of(m) for m in project_imports(path)
             if room_of(m) != room and room_of(m) not in ALLOWED[room]}
    assert wrong == {}, f"{room} may import only {sorted(ALLOWED[room])}"


def test_the_arrows_have_no_cycle() -> None:
    seen: dict[str, int] = {}

    def visit(room: str, trail: tuple[str, ...]) -> None:
        assert room not in trail, " → ".join((*trail, room))
        for below in ALLOWED[room]:
            visit(below, (*trail, room))
        seen[room] = 1

    for room in ALLOWED:
        visit(room, ())
    assert set(seen) == set(ALLOWED)


def test_module_level_imports_have_no_cycle() -> None:
    graph = {module_name(p): {m for m in project_imports(p) if m != module_name(p)}
             for p in MODULES}
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        if node in trail:
            pytest.fail("import cycle: " + " → ".join([*trail[trail.index(node):], node]))
        if node in done or node not in graph:
            return
        for nxt in sorted(graph[node]):
            visit(nxt, [*trail, node])
        done.add(node)

    for node in sorted(graph):
        visit(node, [])


def test_every_module_says_what_it_owns() -> None:
    silent = [str(p.relative_to(ROOT)) for p in MODULES
              if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert silent == []
