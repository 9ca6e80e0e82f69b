"""The whole product on one machine, offline: crawl a synthetic site, build, search, show.

The site is the one the crawl tests serve (corpus/synthetic.py: two publishers, a year of
monthly GBK bulletins, two pagination styles), started on 127.0.0.1 for the length of
the demo, so every stage runs for real: the crawler obeys robots.txt and its delay, the
build reads the WARC files it wrote, search and the highlight page read the build.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from corpus import SEED
from corpus.synthetic import SyntheticSite, generate_site
from pipeline.build import build
from pipeline.extract import extract
from pipeline.records import Page
from pipeline.report import render
from pipeline.search import format_hit, search
from pipeline.show import find_bulletin
from pipeline.show import render as render_page
from scrapers.crawl import CrawlJob, run_crawl, user_agent
from scrapers.fetch import FetchPolicy
from scrapers.profiles import Profile
from scrapers.progress import NoProgress, Progress
from scrapers.testsite import LocalSite, Route
from scrapers.testsite import Page as Served

# The local server answers at once; a short delay keeps the demo brisk while the crawler
# still spaces its requests the way it would on a real site (1 s by default).
DEMO_DELAY = 0.02
DEMO_QUERY = "众创空间"
ROBOTS = b"User-agent: *\nAllow: /\n"

Say = Callable[[str], None]


@dataclass
class DemoSummary:
    out: Path
    fetched: int = 0
    documents: int = 0
    facts: int = 0
    hits: int = 0
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
    synthetic = generate_site(seed=0)
    archive = out / "archive"
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
    summary.outputs["tables (Parquet, CSV, SQLite)"] = tables

    say(f"\n== 4. search the facts for {DEMO_QUERY}")
    found = search(tables, DEMO_QUERY, limit=3)
    summary.hits = found.total
    say(f"   {found.total} facts mention {DEMO_QUERY}; the first {len(found.hits)}:")
    for hit in found.hits:
        say("   " + format_hit(hit).replace("\n", "\n   "))

    say("\n== 5. a highlight page of the latest bulletin")
    page = out / "highlight.html"
    page.write_text(render_page(find_bulletin(latest_url, tables)), encoding="utf-8")
    say(f"   {latest.title} → {page}")
    summary.outputs["highlight page"] = page

    summary.seconds = time.monotonic() - started
    say("\n" + closing_lines(summary))
    return summary


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
            ))
        yield profiles
    finally:
        for server in servers:
            server.stop()


def closing_lines(summary: DemoSummary) -> str:
    lines = [
        f"done in {summary.seconds:.0f} s: {summary.fetched} bulletins fetched, "
        f"{summary.documents} documents built, {summary.facts} facts, "
        f"{summary.hits} search hits",
        "outputs:",
        *(f"  {name:32} {path}" for name, path in summary.outputs.items()),
        "try next:",
        f"  bulletins search 对接活动 --data {summary.out / 'build'}",
        f"  bulletins serve {summary.out / 'build'}",
        "  bulletins extract FILE_OR_URL... > out.jsonl",
    ]
    return "\n".join(lines)
