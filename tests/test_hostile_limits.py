"""Every limit holds inside every container (issue 17): WARC payloads, files shrinking under a
reader, pagers, soft 404s, build workers outliving their build, `extract URL` redirects."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus.testsite import LocalSite, Overlong, Page, Redirect, Route
from extractors.counts import find_facts
from pipeline.errors import UnreadableInput
from pipeline.read.inputs import fetch_page, iter_pages
from pipeline.records import Page as PipelinePage
from scrapers.crawl import CrawlJob, run_crawl
from scrapers.fetch import DEFAULT_MAX_BYTES as MAX_BYTES
from scrapers.fetch import FetchPolicy
from scrapers.listing import read_list
from scrapers.profiles import Profile
from tests.hostile_helpers import ROOT, SEED, real_bulletins

BOMB = 1024**3  # bytes the bomb record inflates to


def _record(url: str, body: bytes) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="1.1")
    writer.write_record(writer.create_warc_record(
        url, "response", payload=io.BytesIO(body),
        http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/plain")],
                                      protocol="HTTP/1.1")))
    return buf.getvalue()


def _bomb_record(url: str, size: int) -> bytes:
    """One gzip member holding a response record whose payload is ``size`` zero bytes."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
            f"WARC-Date: 2017-08-01T00:00:00Z\r\nContent-Type: application/http;msgtype=response"
            f"\r\nContent-Length: {len(http) + size}\r\n\r\n").encode()
    z = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    parts = [z.compress(head + http)]
    block = bytes(16 * 1024 * 1024)
    for _ in range(size // len(block)):
        parts.append(z.compress(block))
    parts.append(z.compress(b"\r\n\r\n"))
    parts.append(z.flush())
    return b"".join(parts)


def test_a_warc_payload_inflating_past_the_limit_is_refused_in_bounded_memory(
    tmp_path: Path,
) -> None:
    """A 1 MB .warc.gz inflating a 1 GiB payload took its whole size in memory in build."""
    seed = SEED.read_bytes()
    warc = tmp_path / "bomb.warc.gz"
    warc.write_bytes(_bomb_record("http://h/bomb", BOMB) + _record("http://h/ok", seed))
    # VmHWM, not ru_maxrss: the latter keeps the forked test runner's size across exec.
    script = textwrap.dedent(f"""
        import re, sys
        from pathlib import Path
        from pipeline.read.inputs import iter_pages
        from pipeline.errors import UnreadableInput
        got = [(type(p).__name__, getattr(p, "reason", "")) for p in iter_pages([{str(warc)!r}])]
        print(got, file=sys.stderr)
        assert got[0][0] == "UnreadableInput" and "larger than" in got[0][1], got
        assert got[1][0] == "Page", got
        status = Path("/proc/self/status").read_text()
        print(re.search(r"VmHWM:\\s*(\\d+) kB", status).group(1))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    peak_kib = int(done.stdout.strip())
    assert peak_kib * 1024 < MAX_BYTES * 4 + 200 * 1024**2, peak_kib


def test_a_warc_shrinking_while_it_is_read_ends_the_reading_not_the_process(
    tmp_path: Path,
) -> None:
    """An uncompressed WARC truncated during a build crashed it with SIGBUS (mmap)."""
    docs = [d for _, d in real_bulletins()][:3] or [SEED.read_bytes()]
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False, warc_version="1.1")
    for i in range(60):
        writer.write_record(writer.create_warc_record(
            f"http://h/{i}", "response", payload=io.BytesIO(docs[i % len(docs)]),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/plain")],
                                          protocol="HTTP/1.1")))
    warc = tmp_path / "shrinks.warc"
    warc.write_bytes(buf.getvalue())
    script = textwrap.dedent(f"""
        import os
        from pipeline.read.inputs import iter_pages
        pages = iter_pages([{str(warc)!r}])
        first = next(pages)
        os.truncate({str(warc)!r}, 1000)
        rest = list(pages)
        print(type(first).__name__, len(rest))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.startswith("Page"), done.stdout


def test_a_ten_million_page_pager_is_bounded_before_it_is_built() -> None:
    html = b'<script>createPageHTML(10000000, 0, "index", "html");</script><a href="a.html">x</a>'
    tracemalloc.start()
    started = time.monotonic()
    page = read_list("http://h/col/index.html", html)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(page.pages) < 1001
    assert peak < 20 * 1024**2, peak
    assert time.monotonic() - started < 5


def test_a_200_page_saying_not_found_is_no_bulletin_and_is_asked_again(tmp_path: Path) -> None:
    title = "政府工作报告第1批完成情况"
    listing = f'<ul><li><a href="/a.html">{title}</a></li></ul>'.encode()
    missing = "<html><head><title>页面不存在</title></head><body>对不起，您访问的页面不存在</body>"
    with LocalSite({}) as site:
        site.routes["/list.html"] = Route((Page(listing, "text/html"),))
        site.routes["/a.html"] = Route((Page(missing.encode(), "text/html"),
                                        Page(b"<p>completed 1</p>", "text/html")))
        profile = Profile("t", (site.url("/list.html"),), frozenset({site.host}))
        job = CrawlJob((profile,), tmp_path, FetchPolicy(user_agent="t", delay=0, retries=0))
        first = run_crawl(job)
        assert first.fetched == 0
        assert [p.reason for p in first.problems if "does not exist" in p.reason], first.lines()
        second = run_crawl(job)
        assert second.fetched == 1, second.lines()
    with sqlite3.connect(tmp_path / "manifest.sqlite") as db:
        assert db.execute("select count(*) from problems").fetchone()[0] == 0
        assert db.execute("select count(*) from pages").fetchone()[0] == 1


@pytest.mark.parametrize("pause", [0.0, 0.2], ids=["already-read", "still-arriving"])
def test_a_body_longer_than_its_content_length_is_a_retryable_problem_not_a_page(
    tmp_path: Path, pause: float
) -> None:
    """h11 stops at the declared length; the fragment used to be stored as a good 200."""
    title = "政府工作报告第1批完成情况"
    listing = f'<ul><li><a href="/a.html">{title}</a></li></ul>'.encode()
    whole = ("<html><body>" + "<p>第一项任务已完成</p>" * 200 + "</body></html>").encode()
    with LocalSite({}) as site:
        site.routes["/list.html"] = Route((Page(listing, "text/html"),))
        site.routes["/a.html"] = Route((Overlong(whole, len(whole) // 3, pause),
                                        Page(whole, "text/html")))
        profile = Profile("t", (site.url("/list.html"),), frozenset({site.host}))
        job = CrawlJob((profile,), tmp_path, FetchPolicy(user_agent="t", delay=0, retries=0))
        first = run_crawl(job)
        assert first.fetched == 0, first.lines()
        assert [p for p in first.problems if "Content-Length" in p.reason], first.lines()
        with sqlite3.connect(tmp_path / "manifest.sqlite") as db:
            assert db.execute("select count(*) from pages").fetchone()[0] == 0
            assert db.execute("select retryable from problems").fetchall() == [(1,)]
        second = run_crawl(job)  # retryable: asked again, and the whole page is kept
        assert second.fetched == 1, second.lines()
    with sqlite3.connect(tmp_path / "manifest.sqlite") as db:
        assert db.execute("select count(*) from problems").fetchone()[0] == 0
    stored = [p.content for p in iter_pages([str(tmp_path)])
              if isinstance(p, PipelinePage) and (p.url or "").endswith("/a.html")]
    assert stored == [whole]


def test_a_thirty_megabyte_section_is_read_without_copying_its_rest_per_number() -> None:
    """Every number copied the rest of its section (`text[p:hi]`): a 30 MB one-section file
    spent 66 s in `_read_count`. Counted as memory: a copy shows as a peak the size of the
    section, reading in place stays at the size of the facts found."""
    filler = "各处室、各部门积极工作,切实做好任务推进落实。" * 3000  # no numeral, no bracket
    fact = "新建农村公路36.5公里,新增就业1200人(沈阳市评审199家)。"
    block = filler + fact
    text = block * (30 * 1024**2 // len(block.encode()) + 1)  # 30 MB as UTF-8, one section
    tracemalloc.start()
    facts = find_facts(text, 0, len(text))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    blocks = text.count(fact)
    assert len(facts) == 3 * blocks, (len(facts), blocks)
    assert facts[-1].entity == "沈阳市" and facts[-1].value == 199
    # The text is 20 MB in memory; one copy of its second half alone would be 10 MB.
    assert peak < 2 * 1024**2, peak


def _children(pid: int) -> set[int]:
    out = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        out |= {int(c) for c in text.split()}
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_build_workers_die_with_a_killed_build(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, (_, data) in enumerate(real_bulletins() * 4):
        (corpus / f"{i:03d}.txt").write_bytes(data)
    child = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "build", str(corpus),
                              "--out", str(tmp_path / "out"), "--jobs", "2"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 30
    while len(workers) < 2 and child.poll() is None and time.monotonic() < deadline:
        workers = _children(child.pid)
        time.sleep(0.01)
    assert len(workers) >= 2, "the build never started its workers"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    orphans = [w for w in workers if _alive(w)]
    for w in orphans:
        os.kill(w, signal.SIGKILL)
    assert not orphans, "build workers outlived their build"


def test_iter_pages_reads_after_a_refused_record(tmp_path: Path) -> None:
    warc = tmp_path / "two.warc.gz"
    warc.write_bytes(_record("http://h/big", b"x" * (MAX_BYTES + 10))
                     + _record("http://h/ok", SEED.read_bytes()))
    got = list(iter_pages([str(warc)]))
    assert isinstance(got[0], UnreadableInput) and "larger than" in got[0].reason
    assert [p.url if isinstance(p, PipelinePage) else p for p in got[1:]] == ["http://h/ok"]


@dataclass(frozen=True)
class Trickle:
    """A body sent one byte at a time, each after a pause: slower than any deadline."""

    pause: float

    def send(self, handler) -> int:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        try:
            for _ in range(100000):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(self.pause)
        except OSError:
            pass
        return 200


def test_extract_url_keeps_to_its_host_and_its_deadline(tmp_path: Path) -> None:
    body = SEED.read_bytes()
    with LocalSite({}) as site:
        site.routes["/doc.txt"] = Route((Page(body, "text/plain"),))
        site.routes["/away"] = Route((Redirect(f"http://localhost:{site.port}/doc.txt"),))
        site.routes["/meta"] = Route((Redirect("http://169.254.169.254/latest/meta-data/"),))
        site.routes["/here"] = Route((Redirect("/doc.txt"),))
        site.routes["/slow"] = Route((Trickle(0.05),))
        assert isinstance(fetch_page(site.url("/here")), PipelinePage)
        away = fetch_page(site.url("/away"))
        assert isinstance(away, UnreadableInput) and "another host" in away.reason
        assert isinstance(fetch_page(site.url("/away"), follow_other_hosts=True), PipelinePage)
        meta = fetch_page(site.url("/meta"), follow_other_hosts=True)
        assert isinstance(meta, UnreadableInput) and "link-local" in meta.reason
        started = time.monotonic()
        slow = fetch_page(site.url("/slow"), deadline=1.0)
        assert time.monotonic() - started < 5
        assert isinstance(slow, UnreadableInput) and "longer than" in slow.reason
        cli = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract",
                              site.url("/away")], cwd=ROOT, capture_output=True, text=True)
        assert cli.returncode == 1 and "--follow-other-hosts" in cli.stderr, cli.stderr
