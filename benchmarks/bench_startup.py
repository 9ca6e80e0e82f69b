"""Start-up: whole-process time of `bulletins --help` and `bulletins extract` on one small file.

Each command runs N times as a fresh process (after one untimed run that warms the OS file
cache; run_all compiles the .pyc files first, as an installed package has them); the
median wall time is reported with min and max, and the median CPU time (user + sys,
steadier on a shared machine), next to a bare ``python -c pass`` for the interpreter's own
floor. `extract` keeps what it learns in its cache directory
(extractors/window_cache.py, extractors/jieba_index.py), so it is timed three ways, each in
a cache directory of its own: the first run ever (the directory emptied before each run:
it builds jieba's dictionary index), a document never extracted before (the index kept, no
window answers: what a user gets on a second document, on which the goal is judged), and
the same document again (its window answers kept). ``-X importtime`` of the new-document
run names the heaviest imports.

    python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

SMALL = common.SEED  # 11 kB: the seed bulletin
CACHE_ENV = "BULLETINS_CACHE_DIR"  # extractors.segment.CACHE_ENV
WINDOWS_FILE = "segmenter-windows.json"  # extractors.window_cache.FILE_NAME
EXTRACT = f"bulletins extract {SMALL.name}"


def _empty(cache: Path) -> None:
    shutil.rmtree(cache)
    cache.mkdir()


def _forget_windows(cache: Path) -> None:
    (cache / WINDOWS_FILE).unlink(missing_ok=True)


def scenarios() -> list[tuple[str, list[str], Callable[[Path], None] | None]]:
    """(label, command, what to do to its cache directory before each timed run)."""
    extract = [str(common.BULLETINS), "extract", str(SMALL)]
    return [
        ("python -c pass (floor)", [sys.executable, "-c", "pass"], None),
        ("bulletins --help", [str(common.BULLETINS), "--help"], None),
        (f"{EXTRACT}, first run (empty cache: builds the index)", extract, _empty),
        (f"{EXTRACT}, a new document (index kept)", extract, _forget_windows),
        (f"{EXTRACT}, the same document again", extract, None),
    ]


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def heaviest_imports(cmd: list[str], env: dict[str, str], top: int = 8) -> list[dict]:
    """Top-level packages by cumulative import time (``-X importtime``)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *cmd], capture_output=True,
                          text=True, check=False, env=env)
    per_package: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3:
            continue
        cumulative, field = parts[1].strip(), parts[2]
        name = field.strip()
        if cumulative.isdigit() and len(field) - len(field.lstrip()) == 1:  # depth 0
            per_package[name] = per_package.get(name, 0) + int(cumulative)
    ranked = sorted(per_package.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return [dict(module=m, cumulative_ms=us / 1000) for m, us in ranked]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    rows = []
    imports: dict[str, list[dict]] = {}
    for label, cmd, prepare in scenarios():
        with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
            cache = Path(tmp)
            env = {**os.environ, CACHE_ENV: str(cache)}
            run(cmd, env)  # warm-up, untimed: the OS file cache, the index
            walls, cpus = [], []
            for _ in range(args.runs):
                if prepare:
                    prepare(cache)
                wall, cpu = run(cmd, env)
                walls.append(wall)
                cpus.append(cpu)
            if prepare is _forget_windows:
                prepare(cache)
                imports["extract"] = heaviest_imports(
                    ["-m", "pipeline.cli", "extract", str(SMALL)], env)
        rows.append(dict(command=label, runs=args.runs, median_s=statistics.median(walls),
                         min_s=min(walls), max_s=max(walls),
                         cpu_median_s=statistics.median(cpus)))
    imports["help"] = heaviest_imports(["-m", "pipeline.cli", "--help"], dict(os.environ))
    common.save("startup", dict(rows=rows, imports=imports))
    print(report(rows, imports))
    return 0


def report(rows: list[dict], imports: dict) -> str:
    floor = rows[0]["median_s"]
    out = [common.table(["command", "runs", "median s", "min s", "max s", "over the floor s",
                         "CPU median s"],
                        [[f"`{r['command']}`", r["runs"], r["median_s"], r["min_s"], r["max_s"],
                          r["median_s"] - floor, r.get("cpu_median_s")] for r in rows])]
    for name, rows_ in imports.items():
        if rows_:
            out.append(f"\nHeaviest top-level imports of `{name}` (-X importtime, cumulative): "
                       + ", ".join(f"{r['module']} {r['cumulative_ms']:.0f} ms" for r in rows_))
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
