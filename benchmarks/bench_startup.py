"""Start-up: whole-process time of `bulletins --help` and `bulletins extract` on one small file.

Each command runs N times as a fresh process (after one untimed run that warms the OS file
cache and writes .pyc files); the median is reported, next to a bare ``python -c pass`` for
the interpreter's own floor. ``-X importtime`` of the extract run names the heaviest imports.

    python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

SMALL = common.SEED  # 11 kB: the seed bulletin


def commands() -> dict[str, list[str]]:
    return {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "bulletins --help": [str(common.BULLETINS), "--help"],
        f"bulletins extract {SMALL.name}": [str(common.BULLETINS), "extract", str(SMALL)],
    }


def run(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def heaviest_imports(cmd: list[str], top: int = 8) -> list[dict]:
    """Top-level packages by cumulative import time (``-X importtime``)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *cmd], capture_output=True,
                          text=True, check=False)
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
    for label, cmd in commands().items():
        run(cmd)  # warm-up, untimed
        times = [run(cmd) for _ in range(args.runs)]
        rows.append(dict(command=label, runs=args.runs, median_s=statistics.median(times),
                         min_s=min(times), max_s=max(times)))
    # the extract run under the same interpreter with -X importtime (via the module path)
    extract_cmd = ["-m", "pipeline.cli", "extract", str(SMALL)]
    help_cmd = ["-m", "pipeline.cli", "--help"]
    imports = dict(extract=heaviest_imports(extract_cmd), help=heaviest_imports(help_cmd))
    common.save("startup", dict(rows=rows, imports=imports))
    print(report(rows, imports))
    return 0


def report(rows: list[dict], imports: dict) -> str:
    floor = rows[0]["median_s"]
    out = [common.table(["command", "runs", "median s", "min s", "max s", "over the floor s"],
                        [[f"`{r['command']}`", r["runs"], r["median_s"], r["min_s"], r["max_s"],
                          r["median_s"] - floor] for r in rows])]
    for name, rows_ in imports.items():
        if rows_:
            out.append(f"\nHeaviest top-level imports of `{name}` (-X importtime, cumulative): "
                       + ", ".join(f"{r['module']} {r['cumulative_ms']:.0f} ms" for r in rows_))
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
