"""The whole product on one machine, offline: crawl a synthetic site, build, search, diff,
show.

The site is built by the generator the tests use (corpus/synthetic.py: two publishers, a
year of monthly GBK bulletins, two pagination styles) with one anomaly of every kind the
audit checks for planted in each publisher's year (corpus/anomalies.py). It is served on
127.0.0.1 for the length of the demo, so every stage runs for real: the crawler obeys
robots.txt and its delay, the build reads the WARC files it wrote, search, diff and the
highlight page read the build.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from urllib.parse import urljoin

from corpus import SEED
from corpus.anomalies import planted_site
from corpus.synthetic import SyntheticSite
from corpus.testsite import LocalSite, Route
from corpus.testsite import Page as Served
from pipeline.audit.run import build_bulletins, derived_tables, diff_periods, task_title
from pipeline.build import build
from pipeline.errors import UsageError
from pipeline.read.document import extract
from pipeline.records import Page
from pipeline.store.tables import DB_NAME
from pipeline.views.report import changes_table, checks_table, render
from pipeline.views.search import format_hit, search
from pipeline.views.show import find_bulletin
from pipeline.views.show import render as render_page
from scrapers.crawl import CrawlJob, run_crawl, user_agent
from scrapers.fetch import FetchPolicy
from scrapers.profiles import Profile
from scrapers.progress import NoProgress, Progress

# The local server answers at once; a short delay keeps the demo brisk while the crawler
# still spaces its requests the way it would on a real site (1 s by default).
DEMO_DELAY = 0.02
DEMO_QUERY = "众创空间"
DIFF_PERIODS = ("2017-05", "2017-06")
DEMO_MARKER = ".bulletins-demo"
ROBOTS = b"User-agent: *\nAllow: /\n"

Say = Callable[[str], None]


@dataclass
class DemoSummary:
    out: Path
    fetched: int = 0
    documents: int = 0
    facts: int = 0
    hits: int = 0
    findings: int = 0
    checks: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


def run_demo(out: Path, say: Say = print, progress: Progress | None = None) -> DemoSummary:
    started = time.monotonic()
    out = out.resolve()
    summary = DemoSummary(out)
    say("== 1. the bundled sample bulletin")
    seed = extract(Page(source=SEED.name, content=SEED.read_bytes()))
    say(render(seed, max_facts_per_section=3))

    say("\n== 2. crawl a synthetic disclosure site (two publishers, GBK, paginated)")
    synthetic = planted_site(seed=0)
    archive = out / "archive"
    _claim(out)
    if archive.exists():
        # the site comes up on new ports each run: yesterday's URLs would double the corpus
        say(f"   replacing the previous demo archive in {archive}")
        shutil.rmtree(archive)
    with serving(synthetic) as profiles:
        job = CrawlJob(
            profiles=tuple(profiles),
            out=archive,
            policy=FetchPolicy(user_agent=user_agent("demo"), delay=DEMO_DELAY),
        )
        crawl = run_crawl(job, progress or NoProgress())
        latest = max(synthetic.sites[0].bulletins, key=lambda b: b.path)
        latest_url = urljoin(profiles[0].start_urls[0], latest.path)
    for line in crawl.lines():
        say(f"   {line}")
    summary.fetched = crawl.fetched + crawl.held
    summary.outputs["archive (WARC + manifest)"] = archive

    say("\n== 3. build the tables")
    tables = out / "build"
    built = build([str(archive)], tables, jobs=1)
    say(f"   {built}")
    summary.documents, summary.facts = built.documents, built.facts
    summary.checks = checks_by_kind(tables)
    say("   audit checks over all months: "
        + (", ".join(f"{kind} {n}" for kind, n in summary.checks.items()) or "none"))
    summary.outputs["tables (Parquet, CSV, SQLite)"] = tables
    chart = _show_a_series(tables, out / "series.png", say)
    if chart is not None:
        summary.outputs["a task's series (bulletins series --plot)"] = chart

    say(f"\n== 4. search the facts for {DEMO_QUERY}")
    found = search(tables, DEMO_QUERY, limit=3)
    summary.hits = found.total
    say(f"   {found.total} facts mention {DEMO_QUERY}; the first {len(found.hits)}:")
    for hit in found.hits:
        say("   " + format_hit(hit).replace("\n", "\n   "))

    say(f"\n== 5. what changed from {DIFF_PERIODS[0]} to {DIFF_PERIODS[1]} (bulletins diff)")
    diff = diff_periods(build_bulletins(tables), *DIFF_PERIODS)
    findings = diff.checks
    summary.findings = len(findings)
    say("   " + changes_table(diff.changes).rstrip().replace("\n", "\n   "))
    say("   " + checks_table(findings).rstrip().replace("\n", "\n   "))
    fired = sorted({c.check for c in findings})
    say(f"   checks that fired: {', '.join(fired) or 'none'}; every build's checks table "
        "holds the findings of all months")

    say("\n== 6. a highlight page of the latest bulletin")
    page = out / "highlight.html"
    page.write_text(render_page(find_bulletin(latest_url, tables)), encoding="utf-8")
    say(f"   {latest.title} → {page}")
    summary.outputs["highlight page"] = page

    summary.seconds = time.monotonic() - started
    say("\n" + closing_lines(summary))
    return summary


def _show_a_series(tables: Path, png: Path, say: Say) -> Path | None:
    """The task whose running total is reported longest: its series by measure and basis,
    printed and drawn as ``bulletins series --plot`` draws it."""
    from pipeline.views.charts import plot_series
    from pipeline.views.report import number_text

    derived = derived_tables(tables)
    rows = derived["series"]
    running = rows[rows["basis"] == "cumulative"]
    if running.empty:
        return None
    # idxmax over two group keys gives their tuple; the stubs can say only Hashable
    task, measure = cast("tuple[str, str]",
                         running.groupby(["task_key", "measure"]).size().idxmax())
    say(f"   a series: {task} {task_title(derived['sections'], task)}")
    line = running[(running["task_key"] == task) & (running["measure"] == measure)]
    values = ", ".join(f"{p} {number_text(v)}" for p, v in zip(line["period"], line["value"],
                                                               strict=True))
    say(f"   {measure} [cumulative]: {values}")
    plot_series(rows[rows["task_key"] == task], task, png)
    return png


def _claim(out: Path) -> None:
    """Mark ``out`` as the demo's, refusing a folder that holds anything else: each run
    replaces the previous run's archive, and must never delete a real crawl."""
    marker = out / DEMO_MARKER
    if out.exists() and any(out.iterdir()) and not marker.exists():
        raise UsageError(f"{out} already holds files the demo did not make; give "
                         "`bulletins demo --out` an empty or new folder")
    out.mkdir(parents=True, exist_ok=True)
    marker.write_text("made by `bulletins demo`; its archive is replaced on each run\n",
                      encoding="utf-8")


@contextmanager
def serving(synthetic: SyntheticSite) -> Iterator[list[Profile]]:
    """One local server per publisher; yields the crawl profiles that point at them."""
    servers: list[LocalSite] = []
    profiles = []
    try:
        for site in synthetic.sites:
            routes = {p.path: Route((Served(p.content, "text/html"),)) for p in site.pages}
            routes["/robots.txt"] = Route((Served(ROBOTS, "text/plain"),))
            server = LocalSite(routes).start()
            servers.append(server)
            profiles.append(Profile(
                name=f"demo-{site.publisher.key}",
                start_urls=(server.url(site.start_path),),
                allowed_hosts=frozenset({server.host}),
                description=site.publisher.name,
                publisher=site.publisher.name,
            ))
        yield profiles
    finally:
        for server in servers:
            server.stop()


def checks_by_kind(tables: Path) -> dict[str, int]:
    with closing(sqlite3.connect(tables / DB_NAME)) as conn:
        rows = conn.execute("select [check], count(*) from checks group by [check] order by 1")
        return dict(rows.fetchall())


def closing_lines(summary: DemoSummary) -> str:
    lines = [
        f"done in {summary.seconds:.0f} s: {summary.fetched} bulletins fetched, "
        f"{summary.documents} documents built, {summary.facts} facts, "
        f"{summary.hits} search hits, {summary.findings} findings between two months",
        "checks that fired: " + (", ".join(summary.checks) or "none"),
        "outputs:",
        *(f"  {name:32} {path}" for name, path in summary.outputs.items()),
        "try next:",
        f"  bulletins search 对接活动 --data {summary.out / 'build'}",
        f"  bulletins diff {summary.out / 'build'} 2017-06 2017-07",
        f"  bulletins series {summary.out / 'build'} --task 2017/151 --plot series.png",
        f"  bulletins serve {summary.out / 'build'}",
        "  bulletins extract FILE_OR_URL... > out.jsonl",
    ]
    return "\n".join(lines)
