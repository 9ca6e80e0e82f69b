"""Shared by the benchmark scripts: paths, the synthetic corpus, timing, tables, results.

Every script writes its numbers to ``benchmarks/.work/results/NAME.json`` and prints a
markdown table; ``run_all.py`` gathers the JSON into ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
T = TypeVar("T")  # what a timed call returns
WORK = BENCH / ".work"  # generated corpora, build outputs, raw results (git-ignored)
RESULTS_JSON = WORK / "results"
SHARED = ROOT.parent / "shared"
SEED = ROOT / "tests" / "fixtures" / "liaoning-kjt-2017-07.txt"
REAL = SHARED / "corpus" / "real"
GOLD = SHARED / "gold"
SCORER = SHARED / "eval" / "score.py"
BULLETINS = Path(sys.executable).parent / "bulletins"  # the project venv's entry point

if str(ROOT) not in sys.path:  # run as `python benchmarks/x.py` from anywhere
    sys.path.insert(0, str(ROOT))

MB = 1_000_000  # throughput is MB (10^6 bytes) of UTF-8 text per second


# ------------------------------------------------------------------------ corpora

def real_files() -> list[Path]:
    """The real documents: every .txt/.html under shared/corpus/real (not SOURCES.tsv)."""
    return sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".html"))


def gold_files() -> list[Path]:
    """The documents the shared gold annotates: the seed and the real ones named by a gold file."""
    names = {p.stem for p in GOLD.glob("*.json")}
    return [SEED, *(p for p in real_files() if p.name.split(".")[0] in names)]


def red_team_files() -> list[Path]:
    """The project's red-team documents: every file under tests/heldout*/docs."""
    return sorted(p for p in ROOT.glob("tests/heldout*/docs/*") if p.is_file())


def synthetic_documents(n: int) -> Iterator[tuple[str, bytes]]:
    """``n`` distinct synthetic bulletins as served (GBK/GB2312 HTML), deterministic.

    corpus/synthetic.py plans a year of twelve monthly bulletins per publisher; this walks
    seeds and years until ``n`` are made. File names sort in generation order, so the first
    1,000 of the 10,000 are the 1,000-document corpus.
    """
    from corpus.synthetic import PUBLISHERS, plan_bulletins, render_bulletin

    made = 0
    seed = 0
    while True:
        year = 2000 + seed % 25
        for i, publisher in enumerate(PUBLISHERS):
            rng = random.Random(f"bench:{seed}:{i}:{publisher.key}")
            for b in plan_bulletins(publisher, year, rng):
                if made == n:
                    return
                html = render_bulletin(b, publisher).encode(publisher.charset)
                yield f"{seed:05d}-{publisher.key}-{year}-{b.month:02d}.html", html
                made += 1
        seed += 1


def synthetic_folder(n: int) -> Path:
    """A folder of ``n`` synthetic bulletins under .work, written once and reused."""
    folder = WORK / f"synthetic-{n}"
    stamp = folder / ".complete"
    if stamp.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in synthetic_documents(n):
        (folder / name).write_bytes(content)
    stamp.write_text(str(n))
    return folder


# ------------------------------------------------------------------------ timing

def clear_caches() -> None:
    """Empty every functools cache of the project's modules (jieba windows, 4-grams, …),
    so a timed pass starts as a fresh process would."""
    for name, module in list(sys.modules.items()):
        if not name.startswith(("pipeline", "extractors", "scrapers", "corpus")):
            continue
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def median_time(fn: Callable[[], object], reps: int, before: Callable[[], None] | None = None
                ) -> float:
    times = []
    for _ in range(reps):
        if before:
            before()
        times.append(timed(fn)[0])
    return statistics.median(times)


# ------------------------------------------------------------------------ output

def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:,.3g}" if abs(v) < 100 else f"{v:,.0f}"
        return "" if v is None else str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def save(name: str, data: dict) -> Path:
    RESULTS_JSON.mkdir(parents=True, exist_ok=True)
    path = RESULTS_JSON / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    return path


def load(name: str) -> dict | None:
    path = RESULTS_JSON / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def env_without_tty() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env
