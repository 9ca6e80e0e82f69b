"""Crawl throughput and politeness against the synthetic disclosure site on 127.0.0.1.

The site (corpus/synthetic.py pages, corpus/testsite.py server) runs in this process;
`bulletins crawl` runs as a subprocess against it. Both runs are measured from the server's
own request log (arrival times), so the numbers are what a site sees.

- politeness off: ``--delay 0 --concurrency 16`` over one column of N bulletins (kjt's
  TRS-paginated list, 20 rows a page): bulletin pages per second.
- politeness on: the default ``--delay 1`` and ``--concurrency 1`` over the standard
  two-publisher site (two hosts, crawled side by side): the error of the gap between two
  requests to one host against the delay asked for.

Each crawl runs ``--runs`` times (3): pages/s is the median run's, with the lowest and
highest; the politeness gaps of all runs are pooled, with each run's median error beside.

    python benchmarks/bench_crawl.py [--pages 480] [--delay 1.0] [--runs 3]
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

ROBOTS = b"User-agent: *\nAllow: /\n"
PER_LIST_PAGE = 20
CONCURRENCY = 16


def big_column(n: int):
    """One kjt column listing ``n`` monthly bulletins (as many years as it takes)."""
    from corpus.synthetic import (
        KJT,
        BulletinTruth,
        ListEntry,
        SitePage,
        plan_bulletins,
        render_bulletin,
        render_list_pages,
    )

    rng = random.Random("bench-crawl")
    bulletins: list[BulletinTruth] = []
    year = 2017
    while len(bulletins) < n:
        bulletins += plan_bulletins(KJT, year, rng)
        year -= 1
    bulletins = bulletins[:n]
    pages = [SitePage(b.path, render_bulletin(b, KJT).encode(KJT.charset), KJT.charset)
             for b in bulletins]
    entries = sorted((ListEntry(b.title, b.path, b.published) for b in bulletins),
                     key=lambda e: (e.date, e.path), reverse=True)
    lists = render_list_pages(KJT, entries, per_page=PER_LIST_PAGE)
    return pages, lists, {b.path for b in bulletins}


def serve(pages, lists):
    from corpus.testsite import LocalSite, Page, Route

    site = LocalSite({})
    for p in [*pages, *lists]:
        site.routes[p.path] = Route((Page(p.content, p.content_type),))
    site.routes["/robots.txt"] = Route((Page(ROBOTS, "text/plain"),))
    return site.start()


def crawl(sites: dict[str, tuple], out: Path, extra: list[str], profile: Path | None = None
          ) -> tuple[float, str]:
    """Run `bulletins crawl` over ``sites`` (name → (server, start path)); wall s, stderr."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    toml = "\n".join(
        f'[sites.{name}]\nstart_urls = ["{server.url(start)}"]\nallowed_hosts = ["{server.host}"]\n'
        for name, (server, start) in sites.items())
    (out.parent / f"{out.name}.toml").write_text(toml, encoding="utf-8")
    entry = ([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "pipeline.cli"]
             if profile else [str(common.BULLETINS)])
    cmd = [*entry, "crawl", *sites, "--sites", str(out.parent / f"{out.name}.toml"),
           "--out", str(out), "--contact", "benchmark@127.0.0.1", "--timeout", "10", *extra]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall, proc.stderr


def throughput(n: int, runs: int) -> dict:
    """``runs`` crawls of one column of ``n`` bulletins, each against a fresh server; the
    figures of the median run (by bulletin pages/s) with every run's pages/s beside them."""
    pages, lists, wanted = big_column(n)
    measured = []
    for _ in range(runs):
        server = serve(pages, lists)
        try:
            wall, err = crawl({"bench": (server, lists[0].path)}, common.WORK / "crawl-fast",
                              ["--delay", "0", "--concurrency", str(CONCURRENCY)])
            hits = sorted(server.log, key=lambda h: h.time)
        finally:
            server.stop()
        got = [h for h in hits if h.path in wanted and h.status == 200]
        span = hits[-1].time - hits[0].time
        measured.append(dict(
            bulletins=n, list_pages=len(lists), requests=len(hits), bulletins_fetched=len(got),
            span_s=span, wall_s=wall, pages_per_s=len(got) / span if span else None,
            requests_per_s=len(hits) / span if span else None,
            pages_per_s_wall=len(got) / wall, concurrency=CONCURRENCY,
            summary=[line for line in err.splitlines() if "fetched" in line][:1],
        ))
    rates = [m["pages_per_s"] or 0.0 for m in measured]
    median = sorted(measured, key=lambda m: m["pages_per_s"] or 0.0)[len(measured) // 2]
    server = serve(pages, lists)
    try:
        where = profiled(server, lists[0].path)
    finally:
        server.stop()
    return dict(median, runs=len(measured), pages_per_s_runs=rates, profile=where)


def profiled(server, start: str) -> dict:
    """The same crawl again under cProfile (not timed): where the crawler's time goes."""
    import pstats

    prof = common.WORK / "crawl-fast.prof"
    crawl({"bench": (server, start)}, common.WORK / "crawl-profiled",
          ["--delay", "0", "--concurrency", str(CONCURRENCY)], profile=prof)
    # Stats.stats is the profile itself, read by pstats' own printers; typeshed leaves the
    # attribute out, so it is read here as the documented mapping of function to row.
    stats = pstats.Stats(str(prof)).stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in stats.values())

    def own(pred) -> tuple[int, float]:
        hit = [v for k, v in stats.items() if pred(k)]
        return sum(v[1] for v in hit), sum(v[2] for v in hit)

    def cum(pred) -> tuple[int, float]:
        hit = [v for k, v in stats.items() if pred(k)]
        return sum(v[1] for v in hit), max((v[3] for v in hit), default=0.0)

    rows = {
        "os.fsync (WARC appends)": own(lambda k: k[2] == "<built-in method posix.fsync>"),
        "SQLite commit (manifest, one per page)": own(
            lambda k: "sqlite3.Connection" in k[2] and "__exit__" in k[2]),
        "httpcore current_async_library (a failed `import sniffio` per request)": cum(
            lambda k: k[0].endswith("httpcore/_synchronization.py")
            and k[2] == "current_async_library"),
    }
    return dict(total_s=total, rows=[dict(what=w, calls=c, seconds=t, share=t / total)
                                     for w, (c, t) in rows.items()])


def politeness(delay: float, runs: int) -> dict:
    """``runs`` polite crawls of the standard two-host site: every gap between two requests
    to one host, of all runs together, against the delay asked for; and each run's median
    error, for the spread."""
    from corpus.synthetic import generate_site

    synthetic = generate_site(0)
    gaps: list[float] = []
    run_medians: list[float] = []
    walls: list[float] = []
    per_host: dict[str, dict] = {}
    for _ in range(runs):
        servers = {}
        for site in synthetic.sites:
            servers[f"synthetic-{site.publisher.key}"] = (serve(site.pages, []),
                                                          site.start_path)
        try:
            wall, _ = crawl(servers, common.WORK / "crawl-polite", ["--delay", str(delay)])
        finally:
            for server, _ in servers.values():
                server.stop()
        walls.append(wall)
        run_gaps = []
        for name, (server, _) in servers.items():
            times = sorted(h.time for h in server.log)
            host_gaps = [b - a for a, b in itertools.pairwise(times)]
            per_host[name] = dict(requests=len(times), gaps=len(host_gaps))
            run_gaps += host_gaps
        run_medians.append(1000 * statistics.median(g - delay for g in run_gaps))
        gaps += run_gaps
    errors = sorted(g - delay for g in gaps)
    return dict(
        delay_s=delay, runs=runs, wall_s=statistics.median(walls), hosts=per_host,
        gaps=len(gaps), min_gap_s=min(gaps), max_gap_s=max(gaps),
        err_median_ms=1000 * statistics.median(errors),
        err_median_runs_ms=run_medians,
        err_mean_ms=1000 * statistics.fmean(errors),
        err_p95_ms=1000 * errors[min(len(errors) - 1, int(0.95 * len(errors)))],
        err_max_ms=1000 * errors[-1],
        too_early=sum(1 for g in gaps if g < delay - 0.001),
    )


def report(res: dict) -> str:
    t, p = res["throughput"], res["politeness"]
    prof = t.get("profile")
    extra = []
    if prof:
        extra = ["", f"Where the crawler's time goes (the politeness-off crawl again under "
                 f"cProfile: {prof['total_s']:.1f} s under the profiler, blocking calls included; "
                 f"they run on the event loop, so every fetch in flight waits for them):", "",
                 common.table(["what", "calls", "s", "share"],
                              [[r["what"], r["calls"], r["seconds"], f"{r['share']:.0%}"]
                               for r in prof["rows"]])]
    return "\n".join([
        common.table(
            ["run", "requests", "bulletins fetched", "server-side span s", "bulletin pages/s",
             "all requests/s", "whole process s"],
            [[f"politeness off (--delay 0, --concurrency {t['concurrency']}), "
              f"{t['list_pages']} list pages; the median of {t['runs']} runs", t["requests"],
              t["bulletins_fetched"], t["span_s"],
              f"{t['pages_per_s']:.0f} ({min(t['pages_per_s_runs']):.0f}–"
              f"{max(t['pages_per_s_runs']):.0f})", t["requests_per_s"], t["wall_s"]]]),
        "",
        common.table(
            ["politeness on", "hosts", "gaps measured", "min gap s", "error median ms",
             "error mean ms", "error p95 ms", "error max ms", "gaps shorter than delay"],
            [[f"--delay {p['delay_s']:g}, --concurrency 1; {p['runs']} runs, gaps pooled",
              len(p["hosts"]), p["gaps"], p["min_gap_s"],
              f"{p['err_median_ms']:.1f} (runs {min(p['err_median_runs_ms']):.1f}–"
              f"{max(p['err_median_runs_ms']):.1f})", p["err_mean_ms"], p["err_p95_ms"],
              p["err_max_ms"], p["too_early"]]]),
        *extra,
    ])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=480)
    ap.add_argument("--delay", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    res = dict(throughput=throughput(args.pages, args.runs),
               politeness=politeness(args.delay, args.runs))
    common.save("crawl", res)
    print(report(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
