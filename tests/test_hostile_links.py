"""Links and robots.txt as gov sites write them (issue 17): one spelling per address, RFC 9309.

A link with Chinese characters, U+200B, DEL or ESC in its path, or a host that is no host,
ended every crawl of its site with a traceback; the politeness gate and the robots cache
keyed on the host as spelled; the standard-library robots parser ignored ``*``, ``$``,
the longest match and fractional Crawl-delay.
"""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from corpus.testsite import LocalSite, Page, Route, Status
from scrapers.crawl import CrawlJob, CrawlSummary, run_crawl
from scrapers.fetch import FetchPolicy
from scrapers.profiles import Profile
from scrapers.urls import canonical_url

TITLE = "政府工作报告第{}批完成情况"
BODY = "<html><body><p>完成投资{}亿元。</p></body></html>"


def listing(links: list[str]) -> Page:
    rows = "".join(f'<li><a href="{href}">{TITLE.format(i)}</a></li>'
                   for i, href in enumerate(links))
    return Page(f"<html><body><ul>{rows}</ul></body></html>".encode(), "text/html")


def crawl(site: LocalSite, out: Path, hosts: tuple[str, ...] = (), delay: float = 0
          ) -> CrawlSummary:
    profile = Profile("t", (site.url("/list.html"),), frozenset({site.host, *hosts}))
    policy = FetchPolicy(user_agent="gov-bulletins/test", delay=delay, retries=0, timeout=5)
    return run_crawl(CrawlJob((profile,), out, policy))


def manifest_urls(out: Path) -> set[str]:
    with sqlite3.connect(out / "manifest.sqlite") as db:
        return {u for (u,) in db.execute("select url from pages")}


def test_odd_characters_and_bad_hosts_in_links_do_not_stop_the_crawl(tmp_path: Path) -> None:
    odd = ["/ok/七月份完成情况.html", "/ok/a\u200bb.html", "/ok/del\x7f.html",
           "/ok/esc\x1b.html", "/ok/sp ace.html"]
    bad = ["http://exa mple.com/x.html", "http://[::1/x.html", "http://xn--zz/x.html"]
    with LocalSite({}) as site:
        site.routes["/list.html"] = Route((listing([*odd, *bad]),))
        for i, path in enumerate(odd):
            canonical = canonical_url(site.url(path)).removeprefix(f"http://{site.host}")
            site.routes[canonical] = Route((Page(BODY.format(i).encode(), "text/html"),))
        out = tmp_path / "archive"
        for _ in range(2):  # and the rerun does not die at the same place
            summary = crawl(site, out)
            problems = {p.source: p.reason for p in summary.problems}
            assert len(problems) == len(bad), problems
            assert all("invalid address" in r for r in problems.values()), problems
        assert manifest_urls(out) == {canonical_url(site.url(p)) for p in odd}
        assert all(h.status == 200 for h in site.log if h.path != "/robots.txt")
    for warc in out.glob("*.warc.gz"):
        with warc.open("rb") as fh:
            for record in ArchiveIterator(fh):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                assert uri.isascii() and uri.isprintable(), uri


def test_one_host_however_spelled_is_one_gate_and_one_robots_txt(tmp_path: Path) -> None:
    """LOCALHOST:P, a@localhost:P and localhost:0P made 10 requests in 0.45 s under a
    Crawl-delay of 3; fractional delays were ignored altogether."""
    with LocalSite({}) as site:
        port = site.port
        spellings = [f"http://LOCALHOST:{port}", f"http://a@localhost:{port}",
                     f"http://localhost:0{port}", f"http://LocalHost:{port}"]
        links = [f"{s}/b{i}.html" for i, s in enumerate(spellings)]
        site.routes["/robots.txt"] = Route((Page(b"User-agent: *\nCrawl-delay: 0.3\n",
                                                 "text/plain"),))
        site.routes["/list.html"] = Route((listing(links),))
        for i in range(len(links)):
            site.routes[f"/b{i}.html"] = Route((Page(BODY.format(i).encode(), "text/html"),))
        summary = crawl(site, tmp_path / "archive", hosts=(f"localhost:{port}",))
        assert summary.fetched == len(links), summary.lines()
        bulletin_hits = [h for h in site.log if h.path.startswith("/b")]
        robots_hits = [h for h in site.log if h.path == "/robots.txt"]
    assert len(robots_hits) == 2  # 127.0.0.1:P and localhost:P, not one per spelling
    times = sorted(h.time for h in bulletin_hits)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.28, gaps


def test_robots_txt_is_read_as_rfc_9309_says(tmp_path: Path) -> None:
    robots = (b"User-agent: *\nDisallow: /\n\n"
              b"User-agent: gov-bulletins\nAllow: /\nDisallow: /*.pdf$\n"
              b"Disallow: /private\nAllow: /private/open\n")
    paths = {"/a.html": True, "/file.pdf": False, "/file.pdf.html": True,
             "/private/x.html": False, "/private/open/x.html": True, "/privately.html": False}
    with LocalSite({}) as site:
        site.routes["/robots.txt"] = Route((Page(robots, "text/plain"),))
        site.routes["/list.html"] = Route((listing(list(paths)),))
        for i, path in enumerate(paths):
            site.routes[path] = Route((Page(BODY.format(i).encode(), "text/html"),))
        summary = crawl(site, tmp_path / "archive")
        asked = {h.path for h in site.log}
    for path, allowed in paths.items():
        assert (path in asked) == allowed, path
    refused = {p.source.removeprefix(site.url("")) for p in summary.problems}
    assert refused == {p for p, ok in paths.items() if not ok}
    assert all(p.reason == "disallowed by robots.txt" for p in summary.problems)


@pytest.mark.parametrize("status", [401, 403, 500, 503])
def test_robots_txt_refused_or_failing_means_crawl_nothing(tmp_path: Path, status: int) -> None:
    with LocalSite({}) as site:
        site.routes["/robots.txt"] = Route((Status(status),))
        site.routes["/list.html"] = Route((listing(["/a.html"]),))
        site.routes["/a.html"] = Route((Page(BODY.format(1).encode(), "text/html"),))
        summary = crawl(site, tmp_path / "archive")
        asked = {h.path for h in site.log}
    assert asked == {"/robots.txt"}
    reasons = [p.reason for p in summary.problems]
    assert reasons and all("robots.txt unreachable" in r for r in reasons), reasons
    assert not any("disallowed by robots.txt" in r for r in reasons)


def test_robots_txt_missing_means_crawl_everything(tmp_path: Path) -> None:
    with LocalSite({}) as site:
        site.routes["/list.html"] = Route((listing(["/a.html"]),))
        site.routes["/a.html"] = Route((Page(BODY.format(1).encode(), "text/html"),))
        summary = crawl(site, tmp_path / "archive")
    assert summary.fetched == 1 and not summary.problems
