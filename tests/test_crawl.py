"""Acceptance tests of ``bulletins crawl`` against the synthetic site on 127.0.0.1 (issue 3).

One crawl of both publishers (faults included) runs once per module; the tests read its
manifest, its WARC files and the servers' own request logs.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from corpus.synthetic import PER_LIST_PAGE
from corpus.testsite import Hit, Page, Route
from pipeline.cli import main
from scrapers.manifest import Manifest, PageRow, ProblemRow
from tests.sitefixtures import MAX_BYTES, RETRY_AFTER, TIMEOUT, ServedSites, serve_sites

DELAY = 0.1
LIMITS = ["--timeout", str(TIMEOUT), "--retries", "2", "--backoff", "0.05",
          "--max-bytes", str(MAX_BYTES)]


@dataclass(frozen=True)
class Crawled:
    sites: ServedSites
    sites_file: Path
    out: Path
    pages: list[PageRow]
    problems: list[ProblemRow]
    hits: dict[str, list[Hit]]  # host → requests of the first run, in order


def crawl(sites_file: Path, out: Path, *extra: str) -> int:
    return main(["crawl", "--sites", str(sites_file), "--out", str(out),
                 "--delay", str(DELAY), *LIMITS, *extra])


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    sites = serve_sites(seed=0)
    tmp = tmp_path_factory.mktemp("crawl")
    sites_file = tmp / "sites.toml"
    sites_file.write_text(sites.sites_toml(), encoding="utf-8")
    out = tmp / "archive"
    assert crawl(sites_file, out, "synthetic-kjt", "synthetic-gxt") == 0
    manifest = Manifest(out / "manifest.sqlite", readonly=True)
    hits = {s.host: list(s.log) for s in sites.servers.values()}
    result = Crawled(sites, sites_file, out, manifest.pages(), manifest.problems(), hits)
    manifest.close()
    yield result
    sites.stop()


def test_exactly_the_expected_bulletins_are_archived(crawled: Crawled) -> None:
    held = {p.url: p for p in crawled.pages}
    assert set(held) == set(crawled.sites.expected)
    assert all(p.version == 1 and p.status == 200 for p in held.values())
    for url, final in crawled.sites.final_urls.items():
        assert held[url].final_url == final


def test_nothing_off_site_disallowed_or_unwanted_is_requested(crawled: Crawled) -> None:
    requested = {f"http://{h.host}{h.path}" for hits in crawled.hits.values() for h in hits}
    assert not requested & crawled.sites.never
    assert all(h.host.startswith("127.0.0.1:") for hits in crawled.hits.values() for h in hits)


def test_bulletins_are_stored_byte_for_byte_and_decode_from_meta(crawled: Crawled) -> None:
    stored = {}
    for path in sorted(crawled.out.glob("bulletins-*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    assert "charset" not in record.http_headers.get_header("Content-Type")
                    stored[uri] = record.content_stream().read()
    by_final = {crawled.sites.final_urls.get(u, u): u for u in crawled.sites.expected}
    assert set(stored) == set(by_final)
    for final, content in stored.items():
        url = by_final[final]
        assert content == crawled.sites.bodies[url]
        text = content.decode("gb18030")
        assert crawled.sites.expected[url] in text
        assert 'charset=gb' in text[:200]


def test_archived_bulletins_extract_with_their_titles_and_periods(crawled: Crawled) -> None:
    from pipeline.read.document import extract
    from pipeline.read.inputs import iter_pages

    truths = {crawled.sites.servers[s.publisher.key].url(b.path): b
              for s in crawled.sites.synthetic.sites for b in s.bulletins}
    files = [str(p) for p in sorted(crawled.out.glob("bulletins-*.warc.gz"))]
    seen = set()
    for page in iter_pages(files):
        assert not isinstance(page, Exception), page
        assert page.url is not None  # every page read from a crawl has its URL
        bulletin = extract(page)
        assert bulletin.title == crawled.sites.expected[_listed(crawled, page.url)]
        if page.url in truths:
            truth = truths[page.url]
            assert (bulletin.period, bulletin.published) == (truth.period, truth.published)
            assert bulletin.summary.lead == truth.lead
        seen.add(page.url)
    assert len(seen) == len(crawled.sites.expected)


def _listed(crawled: Crawled, final_url: str) -> str:
    return next((u for u, f in crawled.sites.final_urls.items() if f == final_url), final_url)


def test_each_fault_is_retried_or_recorded_with_its_reason(crawled: Crawled) -> None:
    problems = {p.url: p for p in crawled.problems}
    assert set(problems) == set(crawled.sites.problems)
    for url, fragment in crawled.sites.problems.items():
        assert fragment in problems[url].reason, problems[url]
    retryable = {urlsplit(u).path.rsplit("/", 1)[1] for u, p in problems.items() if p.retryable}
    assert retryable == {"slow.html", "reset.html"}
    kjt = crawled.hits[crawled.sites.servers["kjt"].host]
    assert [h.status for h in kjt if h.path.endswith("/retry500.html")] == [500, 200]
    assert len([h for h in kjt if h.path.endswith("/slow.html")]) == 3  # 1 try + 2 retries
    asked_429 = [h for h in kjt if h.path.endswith("/retry429.html")]
    assert [h.status for h in asked_429] == [429, 200]
    assert asked_429[1].time - asked_429[0].time >= RETRY_AFTER * 0.9
    # The Retry-After holds the whole host, not just the page that got the 429.
    after = [h for h in kjt if asked_429[0].time < h.time < asked_429[1].time]
    assert all(h.time - asked_429[0].time >= RETRY_AFTER * 0.9 for h in after)


def test_per_host_delay_is_held_at_the_server(crawled: Crawled) -> None:
    for hits in crawled.hits.values():
        times = sorted(h.time for h in hits)
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert len(gaps) > 15
        assert min(gaps) >= DELAY * 0.9, gaps


def test_hosts_are_crawled_in_parallel(crawled: Crawled) -> None:
    kjt, gxt = (crawled.hits[s.host] for s in crawled.sites.servers.values())
    assert kjt[0].time < gxt[-1].time and gxt[0].time < kjt[-1].time


def test_every_warc_record_is_readable_and_complete(crawled: Crawled) -> None:
    responses, requests = {}, {}
    for path in sorted(crawled.out.glob("*.warc.gz")):
        with path.open("rb") as fh:
            types = []
            for record in ArchiveIterator(fh):
                headers = record.rec_headers
                assert headers.protocol == "WARC/1.1"
                assert headers.get_header("WARC-Date")
                types.append(record.rec_type)
                if record.rec_type == "response":
                    assert headers.get_header("WARC-Target-URI")
                    assert headers.get_header("WARC-Payload-Digest")
                    responses[headers.get_header("WARC-Record-ID")] = path.name
                elif record.rec_type == "request":
                    requests[headers.get_header("WARC-Concurrent-To")] = path.name
                record.content_stream().read()
        assert types[0] == "warcinfo"
    assert responses == requests


def test_manifest_points_at_each_bulletin_record(crawled: Crawled) -> None:
    for page in crawled.pages:
        with (crawled.out / page.warc_file).open("rb") as fh:
            fh.seek(page.warc_offset)
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Target-URI") == page.final_url
            assert page.referrer and page.title and page.fetched
            assert page.etag and page.last_modified


def test_second_run_fetches_no_bulletin_again(crawled: Crawled) -> None:
    marks = {s.host: len(s.log) for s in crawled.sites.servers.values()}
    assert crawl(crawled.sites_file, crawled.out, "synthetic-kjt", "synthetic-gxt") == 0
    again = [h for s in crawled.sites.servers.values() for h in s.log[marks[s.host]:]]
    held = {urlsplit(u).path for u in crawled.sites.expected}
    assert not [h for h in again if h.path in held]
    lists = [h for h in again if "index" in h.path]
    assert lists and all(h.status == 304 for h in lists)
    assert all(h.headers.get("if-none-match") for h in lists)
    # Only what failed for a passing reason is tried again; permanent failures are not.
    retried = {h.path.rsplit("/", 1)[1] for h in again if "/faults/" in h.path}
    assert retried == {"slow.html", "reset.html"}
    with sqlite3.connect(crawled.out / "manifest.sqlite") as db:
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == len(crawled.pages)


def test_refresh_stores_a_new_version_only_when_bytes_changed(crawled: Crawled) -> None:
    gxt_server = crawled.sites.servers["gxt"]
    gxt = next(s for s in crawled.sites.synthetic.sites if s.publisher.key == "gxt")
    changed = gxt.bulletins[2]
    new_body = crawled.sites.bodies[gxt_server.url(changed.path)].replace(
        "已完成任务".encode("gbk"), "已完成重点任务".encode("gbk")
    )
    gxt_server.routes[changed.path] = Route((Page(new_body, etag='"changed"'),))
    assert crawl(crawled.sites_file, crawled.out, "synthetic-gxt", "--refresh") == 0
    manifest = Manifest(crawled.out / "manifest.sqlite", readonly=True)
    versions = defaultdict(list)
    for page in manifest.pages():
        versions[page.url].append(page)
    manifest.close()
    url = gxt_server.url(changed.path)
    assert [p.version for p in versions[url]] == [1, 2]
    assert versions[url][1].sha256 != versions[url][0].sha256
    assert all(len(v) == 1 for u, v in versions.items() if u != url)


def test_dry_run_prints_what_it_would_fetch_and_writes_nothing(
    crawled: Crawled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "never"
    assert crawl(crawled.sites_file, out, "synthetic-gxt", "--dry-run") == 0
    printed = capsys.readouterr().out.split()
    gxt = crawled.sites.servers["gxt"]
    assert set(printed) == {u for u in crawled.sites.expected if gxt.host in u}
    assert not out.exists()


def test_since_skips_older_bulletins_and_stops_paging(
    crawled: Crawled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gxt_server = crawled.sites.servers["gxt"]
    gxt = next(s for s in crawled.sites.synthetic.sites if s.publisher.key == "gxt")
    mark = len(gxt_server.log)
    assert crawl(crawled.sites_file, tmp_path / "a", "synthetic-gxt", "--dry-run",
                 "--since", "2017-09-01") == 0
    printed = set(capsys.readouterr().out.split())
    assert printed == {gxt_server.url(b.path) for b in gxt.bulletins if b.published >= "2017-09-01"}
    lists_read = [h for h in gxt_server.log[mark:] if "index" in h.path]
    assert len(lists_read) < len(gxt.list_paths)


def test_list_url_with_default_title_pattern(
    crawled: Crawled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gxt_server = crawled.sites.servers["gxt"]
    gxt = next(s for s in crawled.sites.synthetic.sites if s.publisher.key == "gxt")
    rc = main(["crawl", "--list", gxt_server.url(gxt.start_path), "--dry-run", "--max-pages", "1",
               "--delay", "0", "--out", str(tmp_path / "b"), "--sites", str(tmp_path / "none")])
    assert rc == 0
    printed = capsys.readouterr().out.split()
    bulletins = {b.path for b in gxt.bulletins}
    first_page = [e.path for e in gxt.entries[:PER_LIST_PAGE] if e.path in bulletins]
    assert printed == [gxt_server.url(p) for p in first_page]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-site"], "no site profile 'no-such-site'"),
        ([], "name a SITE"),
        (["--list", "ftp://example.org/list"], "is not an http(s) URL"),
        (["--list", "http://127.0.0.1:9/", "--match", "("], "not a valid regular expression"),
    ],
)
def test_usage_errors_say_what_to_do(
    crawled: Crawled, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
    message: str,
) -> None:
    rc = main(["crawl", "--sites", str(crawled.sites_file), "--out", str(tmp_path), *args])
    assert rc == 1
    assert message in capsys.readouterr().err


def test_unwritable_out_dir_is_a_usage_error(
    crawled: Crawled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    rc = main(["crawl", "synthetic-gxt", "--sites", str(crawled.sites_file),
               "--out", str(blocker / "archive")])
    assert rc == 1
    assert "--out DIR" in capsys.readouterr().err
