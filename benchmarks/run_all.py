"""Run every benchmark (each in a fresh process) and write benchmarks/RESULTS.md.

    python benchmarks/run_all.py [--peers-python benchmarks/.venv/bin/python] [--quick]

``make bench`` sets up the peers' environment and runs this. ``--quick`` shrinks the
synthetic corpora (for trying the scripts, not for quoting).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_accuracy
import bench_build
import bench_crawl
import bench_extract
import bench_startup
import common

RESULTS_MD = common.BENCH / "RESULTS.md"


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=common.ROOT,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=common.ROOT, capture_output=True, text=True).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "?"
    return dict(nproc=os.cpu_count(), cpu=cpu, memory_gib=mem_kb / 2**20,
                python=platform.python_version(), platform=platform.platform(), commit=commit)


LOADS: dict[str, float] = {}


# The packages `pip install` would byte-compile (pyproject.toml: tool.setuptools.packages).
PACKAGES = ("pipeline", "extractors", "scrapers", "corpus")


def compile_bytecode() -> str:
    """Compile the project's modules to .pyc before anything is timed, as pip does for an
    installed package. Python otherwise writes them on first import, but not where
    PYTHONDONTWRITEBYTECODE is set (as on this machine, and in many container images):
    there every process compiled its ~100 modules from source, ~0.08 s of each start."""
    ok = all(compileall.compile_dir(common.ROOT / pkg, quiet=1) for pkg in PACKAGES)
    if not ok:
        raise SystemExit("could not byte-compile the project: fix the syntax errors above")
    env = os.environ.get("PYTHONDONTWRITEBYTECODE")
    return ("compiled by run_all before the run (PYTHONDONTWRITEBYTECODE is set here, so "
            "Python would not write it)" if env else "compiled by run_all before the run")


def step(name: str, argv: list[str]) -> float:
    print(f"== {name}", file=sys.stderr, flush=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, str(common.BENCH / argv[0]), *argv[1:]], check=True,
                   stdout=subprocess.DEVNULL)
    took = time.perf_counter() - t
    LOADS[argv[0].removeprefix("bench_").removesuffix(".py")] = os.getloadavg()[0]
    print(f"   {took:.0f} s", file=sys.stderr, flush=True)
    return took


def headlines(ex: dict | None, bu: dict | None, ac: dict | None, cr: dict | None,
              st: dict | None) -> list[str]:
    out = []
    if ex:
        for engine in dict.fromkeys(r["engine"] for r in ex["rows"]):
            parts = ", ".join(f"{r['corpus']} {r['ratio']:.2f}× ({r['ratio_min']:.2f}–"
                              f"{r['ratio_max']:.2f})" for r in ex["rows"]
                              if r["engine"] == engine)
            out.append(f"Extraction with {engine} vs `jieba.lcut` over the same text, median "
                       f"(lowest–highest) of at least 3 runs (goal ≥ {ex['goal']:g}×, synthetic "
                       f"HTML ≥ {ex['goal_synthetic']:g}×): {parts}.")
    if bu:
        for s in bu["analysis"]["scaling"]:
            out.append(f"Build, --jobs {s['jobs']}: {s['docs_ratio']:.0f}× the documents in "
                       f"{s['time_ratio']:.2f}× the time and {s['memory_ratio']:.2f}× the peak "
                       f"memory (goal ≤ {bu['memory_goal']}×).")
        for s in bu["analysis"]["speedup"]:
            out.append(f"Build, {s['docs']:,} documents: --jobs {s['jobs']} is "
                       f"{s['speedup']:.2f}× as fast as --jobs 1.")
        cores = os.cpu_count() or 1
        for r in bu["runs"]:
            low, high = r["wall_s_range"]
            per_core = r["docs"] / r["wall_s"] / min(r["jobs"], cores)
            out.append(
                f"Build, {r['docs']:,} documents, --jobs {r['jobs']}, segmenter answers "
                f"{bench_build._answers(r)}: {per_core:.0f} "
                f"documents/s per core ({r['docs'] / high / min(r['jobs'], cores):.0f}–"
                f"{r['docs'] / low / min(r['jobs'], cores):.0f}; "
                f"{bench_build.per_core_goal(r, per_core)}).")
    if ac:
        rows = {r["system"]: r for r in ac["rows"]}
        ours = rows.pop(bench_accuracy.OURS)
        peers = ", ".join(f"{name} {r['f1']:.2f}" for name, r in rows.items()) or (
            "not measured (no benchmarks/.venv: `make bench` makes it)")
        out.append(f"Fact F1 on the gold files: ours {ac['scorer']['fact_f1']:.2f} by the "
                   f"scorer, {ours['f1']:.2f} on value only; peers on value only: {peers}.")
    if cr:
        t, p = cr["throughput"], cr["politeness"]
        out.append(f"Crawl, politeness off: {t['pages_per_s']:.0f} bulletin pages/s "
                   f"({min(t['pages_per_s_runs']):.0f}–{max(t['pages_per_s_runs']):.0f}, "
                   f"{t['runs']} runs) at concurrency {t['concurrency']}; politeness on (--delay "
                   f"{p['delay_s']:g}): gap error median {p['err_median_ms']:.1f} ms, p95 "
                   f"{p['err_p95_ms']:.1f} ms, {p['too_early']} gaps shorter than the delay.")
    if st:
        rows = {r["command"]: r for r in st["rows"]}
        out.append("Start-up (median whole process): " + ", ".join(
            f"`{k}` {v['median_s']:.2f} s" for k, v in rows.items()) + ".")
    return out


def misses(ex: dict | None, bu: dict | None) -> list[str]:
    out = []
    if ex:
        for r in ex["rows"]:
            if r["goal"] is not None and r["ratio"] < r["goal"]:
                out.append(
                    f"Extraction with {r['engine']} on {r['corpus']}: {r['ratio']:.2f}× "
                    f"jieba.lcut's speed against a goal of {r['goal']:g}× "
                    f"({r['ratio'] / r['goal']:.0%} of it; extract would need to take "
                    f"{r['jieba_s'] / r['goal']:.3g} s instead of {r['extract_s']:.3g} s, "
                    f"{r['goal'] / r['ratio']:.1f}× faster). On the text alone (no HTML, no "
                    f"decoding) it is {r['ratio_text']:.2f}×.")
        for p in ex.get("profiles", []):
            stages = sorted((s for s in p["stages"] if not s["stage"].startswith(" ")),
                            key=lambda s: s["cum_s"], reverse=True)
            inner = sorted((s for s in p["stages"] if s["stage"].startswith(" ")),
                           key=lambda s: s["cum_s"], reverse=True)[:3]
            out.append(f"Profile of {p['corpus']} with {p['engine']}: " + ", ".join(
                f"{s['stage'].strip()} {s['share']:.0%}" for s in stages) + "; within them "
                + ", ".join(f"{s['stage'].strip()} {s['share']:.0%}" for s in inner) + ".")
    if bu:
        for s in bu["analysis"]["scaling"]:
            if s["memory_ratio"] > bu["memory_goal"]:
                out.append(f"Build memory, --jobs {s['jobs']}: {s['memory_ratio']:.2f}× between "
                           f"{s['small']:,} and {s['big']:,} documents (goal ≤ "
                           f"{bu['memory_goal']}×).")
            if s["time_ratio"] > 1.15 * s["docs_ratio"]:
                out.append(f"Build time, --jobs {s['jobs']}: grew {s['time_ratio']:.2f}× for "
                           f"{s['docs_ratio']:.0f}× the documents: worse than linear.")
        for s in bu["analysis"]["speedup"]:
            if s["speedup"] < 1.5:
                out.append(f"Parallel speed-up on {s['docs']:,} documents: --jobs {s['jobs']} "
                           f"gives {s['speedup']:.2f}×. Each worker process imports the "
                           f"extractor and loads jieba's dictionaries before its first "
                           f"document (the fixed cost below), which a small corpus does not "
                           f"pay back; other load on the 2 cores (load average above) leaves "
                           f"little to gain besides.")
    return out


def write_results(info: dict, durations: dict, load: tuple) -> str:
    ex, bu, ac, cr, st = (common.load(n) for n in
                          ("extract", "build", "accuracy", "crawl", "startup"))
    today = dt.datetime.now().astimezone()
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` ({'benchmarks/run_all.py'}) on {today:%Y-%m-%d %H:%M %Z}, "
        f"at commit {info['commit']}. Extraction ratios are medians of at least 3 runs with "
        "their lowest and highest; start-up times are medians of 7 runs with min and max; "
        "build and crawl figures are medians of 3 runs with their lowest and highest. "
        "Rerun to refresh.",
        "",
        common.table(["machine", ""], [
            ["cores (nproc)", info["nproc"]], ["CPU", info["cpu"]],
            ["memory", f"{info['memory_gib']:.1f} GiB"], ["Python", info["python"]],
            ["platform", info["platform"]],
            ["the project's bytecode (.pyc)", info["bytecode"]],
            ["load average (1 min) before, after each step", f"{load[0]:.2f}; " + ", ".join(
                f"{k} {v:.2f}" for k, v in LOADS.items())],
            ["total run time", f"{sum(durations.values()):.0f} s ("
             + ", ".join(f"{k} {v:.0f} s" for k, v in durations.items()) + ")"],
        ]),
        "",
        "A load average above the core count means other processes shared the machine during "
        "the run: absolute times then run long, while ratios measured back to back in one "
        "process (extraction vs jieba) hold up better than wall-clock comparisons.",
        "",
        "## Headline ratios",
        "",
        *[f"- {h}" for h in headlines(ex, bu, ac, cr, st)],
        "",
    ]
    missed = misses(ex, bu)
    if missed:
        lines += ["## Goals missed, and where the time goes", "", *[f"- {m}" for m in missed],
                  ""]
    if ex:
        lines += ["## Extraction throughput", "", bench_extract.__doc__.split("\n\n")[1]
                  .replace("\n", " "), "", bench_extract.report(ex["rows"], ex["profiles"],
                                                         ex.get("formats")), ""]
    if bu:
        lines += ["## Build scaling and parallel speed-up", "",
                  *[f"{par.replace(chr(10), ' ')}\n"
                    for par in bench_build.__doc__.split("\n\n")[1:3]],
                  bench_build.report(bu["runs"], bu["analysis"]), ""]
    if ac:
        lines += ["## Accuracy against the peers", "",
                  bench_accuracy.report(ac), "",
                  "How each peer is asked for the numbers of a text: see `benchmarks/peers.py`. "
                  "Times are for the same normalised text (ours: the whole `extract`, from "
                  "bytes, median of 5 cold runs; peers: one call each, after an untimed warm-up "
                  "call).", ""]
    if cr:
        lines += ["## Crawl", "", bench_crawl.__doc__.split("\n\n")[1].replace("\n", " "), "",
                  bench_crawl.report(cr), ""]
    if st:
        lines += ["## Start-up", "", bench_startup.__doc__.split("\n\n")[1].replace("\n", " "),
                  "", bench_startup.report(st["rows"], st["imports"]), ""]
    text = "\n".join(lines)
    RESULTS_MD.write_text(text, encoding="utf-8")
    return text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--peers-python", type=Path, default=bench_accuracy.PEERS_PYTHON)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    info = machine()
    info["bytecode"] = compile_bytecode()
    load_before = os.getloadavg()[0]
    n_small, n_big = (200, 1000) if args.quick else (1000, 10_000)
    for stale in common.RESULTS_JSON.glob("*.json") if common.RESULTS_JSON.exists() else []:
        stale.unlink()
    durations = {}
    durations["extract"] = step("extraction throughput",
                                ["bench_extract.py", "--synthetic", str(n_big)])
    durations["build"] = step("build scaling and --jobs",
                              ["bench_build.py", "--sizes", str(n_small), str(n_big),
                               "--jobs", "1", "2"])
    durations["accuracy"] = step("accuracy against the peers",
                                 ["bench_accuracy.py", "--peers-python", str(args.peers_python)])
    durations["crawl"] = step("crawl", ["bench_crawl.py"] + (["--pages", "120", "--runs", "1"]
                                                            if args.quick else []))
    durations["startup"] = step("start-up", ["bench_startup.py"])
    text = write_results(info, durations, (load_before, os.getloadavg()[0]))
    print(text)
    print(f"\nwrote {RESULTS_MD}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
