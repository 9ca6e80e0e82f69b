"""The resumable, incremental crawl: list pages → bulletin links → WARC files + manifest.

Layout of an archive folder::

    manifest.sqlite              what is held, what failed (scrapers/manifest.py)
    bulletins-00000.warc.gz      one 200 response (+ its request) per stored bulletin version
    crawl-log-00000.warc.gz      everything else: list pages, robots.txt, redirects, errors

Bulletins and the rest go to separate series so a reader of ``bulletins-*.warc.gz`` sees
bulletins only; the log's 200 responses are list pages and robots.txt, not documents.
Every WARC write is followed, with no ``await`` in between, by the one manifest
transaction that records it, so concurrent tasks never interleave a write and its commit.
A kill at any moment leaves at most records the manifest does not know and one torn
record; scrapers/archive_repair.py indexes the first and sets the second aside when the
next crawl opens the folder, and deletes nothing.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import sqlite3
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from scrapers.archive_repair import RepairReport, repair_archive
from scrapers.attachments import attachment_headers, attachment_links
from scrapers.errors import CrawlSetupError
from scrapers.fetch import Exchange, Fetcher, FetchPolicy, FetchResult, Guard, user_agent
from scrapers.listing import Link, ListPage, read_list
from scrapers.manifest import ListRow, Manifest, PageRow, ProblemRow
from scrapers.missing import missing_page_reason
from scrapers.profiles import Profile
from scrapers.progress import NoProgress, Progress
from scrapers.robots import Robots
from scrapers.warc import (
    BULLETINS_PREFIX,
    DEFAULT_ROTATE_BYTES,
    LOG_PREFIX,
    PUBLISHER_FIELD,
    Stored,
    WarcSeries,
    read_response,
)

MANIFEST = "manifest.sqlite"
LOCK = ".crawl.lock"
# A pager that keeps inventing pages (calendars, session ids) must end somewhere.
MAX_LIST_PAGES = 1000
# robots.txt Crawl-delay is honoured up to this many seconds between requests.
MAX_CRAWL_DELAY = 30.0


@dataclass(frozen=True)
class CrawlProblem:
    """A URL the crawl could not archive, and why (also kept in the manifest)."""

    source: str
    stage: str
    reason: str


@dataclass(frozen=True)
class CrawlJob:
    profiles: tuple[Profile, ...]
    out: Path
    policy: FetchPolicy
    dry_run: bool = False
    max_pages: int | None = None
    since: str | None = None
    refresh: bool = False
    rotate_bytes: int = DEFAULT_ROTATE_BYTES


@dataclass
class CrawlSummary:
    """A running tally of one crawl, printed at the end."""

    lists_read: int = 0
    lists_unchanged: int = 0
    found: int = 0
    fetched: int = 0
    new_versions: int = 0
    unchanged: int = 0
    held: int = 0
    known_problems: int = 0
    skipped_since: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    repairs: list[str] = field(default_factory=list)
    would_fetch: list[str] = field(default_factory=list)
    problems: list[CrawlProblem] = field(default_factory=list)
    hosts: dict[str, Counter[str]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"archive repair: {line}" for line in self.repairs]
        out += [
            f"{self.lists_read} list pages read ({self.lists_unchanged} unchanged), "
            f"{self.found} bulletin links found",
            f"fetched {self.fetched} ({self.new_versions} new versions of held pages), "
            f"{self.unchanged} unchanged, {self.held} already held, "
            f"{self.known_problems} known problems not retried",
        ]
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
        if skipped or self.skipped_since:
            out.append(f"skipped: {skipped or 'none'}; {self.skipped_since} older than --since")
        for host, counts in sorted(self.hosts.items()):
            out.append(f"  {host}: {counts['fetched']} fetched, {counts['failed']} failed")
        if self.problems:
            out.append(f"{len(self.problems)} problems:")
            out.extend(f"  {p.source}: {p.reason}" for p in self.problems)
        return out


def run_crawl(job: CrawlJob, progress: Progress | None = None) -> CrawlSummary:
    """Crawl every profile's columns into ``job.out``; see the module docstring."""
    progress = progress or NoProgress()
    try:
        if job.dry_run:
            return asyncio.run(_run(job, None, progress))
        with open_archive(job) as archive:
            return asyncio.run(_run(job, archive, progress))
    finally:
        progress.close()


@dataclass
class Archive:
    manifest: Manifest
    bulletins: WarcSeries
    log: WarcSeries
    repair: RepairReport

    def close(self) -> None:
        self.bulletins.close()
        self.log.close()
        self.manifest.close()


@contextmanager
def open_archive(job: CrawlJob) -> Iterator[Archive]:
    """Open (creating, locking and repairing) the archive folder ``job.out``."""
    out = job.out
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = (out / LOCK).open("w")
    except OSError as exc:
        raise CrawlSetupError(
            f"cannot write to {out} ({exc.strerror}); choose another folder with --out DIR"
        ) from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise CrawlSetupError(
            f"another crawl is writing to {out}; wait for it or use another --out DIR"
        ) from None
    repair = repair_archive(out)
    manifest = Manifest(out / MANIFEST)
    info = {
        "software": user_agent(),
        "format": "WARC File Format 1.1",
        "http-header-user-agent": job.policy.user_agent,
        "robots": "obey",
    }
    archive = Archive(
        manifest,
        WarcSeries(out, BULLETINS_PREFIX, info=info, max_bytes=job.rotate_bytes),
        WarcSeries(out, LOG_PREFIX, info=info, max_bytes=job.rotate_bytes),
        repair,
    )
    try:
        yield archive
    finally:
        archive.close()
        lock.close()


async def _run(job: CrawlJob, archive: Archive | None, progress: Progress) -> CrawlSummary:
    manifest = archive.manifest if archive else _readonly_manifest(job.out)
    async with Fetcher(job.policy) as fetcher:
        crawl = Crawl(job, fetcher, archive, manifest, progress)
        if archive is not None and not archive.repair.ok:
            crawl.summary.repairs = archive.repair.lines()
            crawl.summary.problems += [
                CrawlProblem(source=url, stage="archive",
                             reason="archived copy lost; fetched again")
                for url in archive.repair.lost
            ]
        await crawl.run()
    if archive is None and manifest is not None:
        manifest.close()
    return crawl.summary


def _readonly_manifest(out: Path) -> Manifest | None:
    path = out / MANIFEST
    if not path.exists():
        return None
    manifest = Manifest(path, readonly=True)
    try:
        manifest.checked_sizes()
    except sqlite3.DatabaseError as exc:
        manifest.close()
        raise CrawlSetupError(
            f"{path} is unreadable ({exc}): run `bulletins archive repair {out}`, which sets "
            "it aside and rebuilds it from the WARC files") from None
    return manifest


class Crawl:
    def __init__(
        self,
        job: CrawlJob,
        fetcher: Fetcher,
        archive: Archive | None,
        manifest: Manifest | None,
        progress: Progress,
    ) -> None:
        self.job = job
        self.fetcher = fetcher
        self.archive = archive
        self.manifest = manifest
        self.progress = progress
        self.summary = CrawlSummary()
        self.robots = Robots(self._fetch_logged, job.policy.user_agent)
        self._lists_seen: set[str] = set()
        self._links_seen: set[str] = set()
        self._reported_hosts: set[str] = set()

    async def run(self) -> None:
        async with asyncio.TaskGroup() as tasks:
            for profile in self.job.profiles:
                for start in profile.start_urls:
                    tasks.create_task(self._walk(profile, start, tasks))

    # -- list pages ---------------------------------------------------------------------

    async def _walk(self, profile: Profile, start: str, tasks: asyncio.TaskGroup) -> None:
        """Read a column's list pages breadth-first from ``start``, queueing bulletin fetches."""
        limit = min(self.job.max_pages or MAX_LIST_PAGES, MAX_LIST_PAGES)
        queue = deque([start])
        read = 0
        while queue and read < limit:
            url = queue.popleft()
            if url in self._lists_seen:
                continue
            self._lists_seen.add(url)
            page = await self._read_list(profile, url)
            read += 1
            if page is None:
                continue
            for bad in page.bad:
                if bad.href not in self._links_seen:
                    self._links_seen.add(bad.href)
                    # stored as written; the CLI shows it through pipeline/views/terminal.py
                    self._problem(bad.href, "crawl", bad.reason, retryable=False,
                                  referrer=bad.referrer, failed=False)
            for link in page.links:
                await self._consider(profile, link, tasks)
            if self._all_older(page):  # lists run newest first; the rest is older still
                break
            queue.extend(u for u in page.pages if profile.allows(u))

    async def _read_list(self, profile: Profile, url: str) -> ListPage | None:
        refusal = await self._refusal(profile, url)
        if refusal:
            self._problem(url, "list", refusal, retryable=False)
            return None
        before = self.manifest.list_row(url) if self.manifest else None
        headers = {} if self.job.refresh or before is None else _validators(before.etag,
                                                                            before.last_modified)
        result = await self.fetcher.fetch(url, headers, self._guard(profile))
        final = result.final
        stored = self._log_all(result.exchanges)
        failure = _failure(result, before is not None)
        if failure:
            self._problem(url, "list", failure, result.retryable, stored=stored)
            return None
        assert final is not None
        self.summary.lists_read += 1
        self.progress.count(urlsplit(url).netloc, "list")
        if final.status == 304:  # unchanged: read the copy the archive holds
            assert before is not None
            self.summary.lists_unchanged += 1
            then, content = read_response(self.job.out / before.warc_file, before.warc_offset)
            if self.archive is not None:
                self.archive.manifest.touch_list(url, final.started, _sizes(stored))
            return read_list(url, content, _header(then, "content-type"), profile.list_selector)
        content = final.payload()
        if self.archive is not None:
            last = stored[-1]
            self.archive.manifest.put_list(
                ListRow(url, final.status, hashlib.sha256(content).hexdigest(), last.file,
                        last.offset, final.started, final.started, final.header("etag"),
                        final.header("last-modified")),
                _sizes(stored),
            )
        return read_list(final.url, content, final.header("content-type"), profile.list_selector)

    def _all_older(self, page: ListPage) -> bool:
        since = self.job.since
        dates = [link.date for link in page.links if link.date]
        return bool(since and dates and all(d < since for d in dates))

    # -- bulletins ----------------------------------------------------------------------

    async def _consider(self, profile: Profile, link: Link, tasks: asyncio.TaskGroup) -> None:
        if link.url in self._links_seen or not profile.wants(link.url, link.title):
            return
        self._links_seen.add(link.url)
        host = urlsplit(link.url).netloc
        self.summary.found += 1
        self.progress.count(host, "found")
        if self.job.since and link.date and link.date < self.job.since:
            self.summary.skipped_since += 1
            return
        previous = self.manifest.latest(link.url) if self.manifest else None
        if previous and not self.job.refresh:
            self.summary.held += 1
            return
        known = self.manifest.problem(link.url) if self.manifest else None
        if known and not known.retryable and not self.job.refresh:
            self.summary.known_problems += 1
            return
        if await self._skip_refused(profile, link.url, link.referrer):
            return
        if self.job.dry_run:
            self.summary.would_fetch.append(link.url)
            return
        tasks.create_task(self._fetch_bulletin(profile, link, previous))

    async def _fetch_bulletin(self, profile: Profile, link: Link, previous: PageRow | None,
                              attached_to: str | None = None) -> None:
        assert self.archive is not None
        headers = _validators(previous.etag, previous.last_modified) if previous else {}
        if attached_to:  # sites guard their files against hotlinking by the Referer
            headers["Referer"] = attached_to
        result = await self.fetcher.fetch(link.url, headers, self._guard(profile))
        final = result.final
        host = urlsplit(link.url).netloc
        ok = final is not None and final.status == 200
        # A bulletin's 200 goes to the bulletins series below; every other exchange to the log.
        stored = self._log_all(result.exchanges[:-1] if ok else result.exchanges)
        failure = _failure(result, previous is not None)
        if failure:
            self._problem(link.url, "crawl", failure, result.retryable, link.referrer, stored)
            return
        assert final is not None
        missing = ok and missing_page_reason(final.payload(), final.header("content-type"))
        if missing:  # logged, not stored as a bulletin; retryable, so it is asked for again
            stored += self._log_all(result.exchanges[-1:])
            self._problem(link.url, "crawl", missing, True, link.referrer, stored)
            return
        # The digest of what a reader gets back from the WARC (Content-Encoding undone),
        # which is what Page.sha256 and the tables' doc_id are computed from.
        sha = hashlib.sha256(final.payload()).hexdigest() if ok else None
        if previous is not None and (final.status == 304 or sha == previous.sha256):
            self.summary.unchanged += 1
            self._commit(stored)
            return
        assert sha is not None
        headers = attachment_headers(attached_to)
        if profile.publisher:
            headers[PUBLISHER_FIELD] = profile.publisher
        where = self.archive.bulletins.write(final, headers)
        self.archive.manifest.add_page(
            PageRow(
                url=link.url,
                version=previous.version + 1 if previous else 1,
                final_url=final.url,
                status=final.status,
                sha256=sha,
                warc_file=where.file,
                warc_offset=where.offset,
                warc_length=where.length,
                fetched=final.started,
                etag=final.header("etag"),
                last_modified=final.header("last-modified"),
                referrer=link.referrer,
                title=link.title,
                listed_date=link.date,
            ),
            _sizes([*stored, where]),
        )
        self.summary.fetched += 1
        self.summary.new_versions += previous is not None
        self._count(host, "fetched")
        if attached_to is None:
            await self._fetch_attachments(profile, link, final)

    async def _fetch_attachments(self, profile: Profile, page: Link, final: Exchange) -> None:
        """Archive the files a bulletin page links as attachments, on allowed hosts only."""
        for found in attachment_links(final.url, final.payload(), final.header("content-type")):
            if found.url in self._links_seen:
                continue
            self._links_seen.add(found.url)
            if await self._skip_refused(profile, found.url, page.url):
                continue
            previous = self.manifest.latest(found.url) if self.manifest else None
            if previous and not self.job.refresh:
                self.summary.held += 1
                continue
            attachment = Link(found.url, found.title, page.date, page.url)
            await self._fetch_bulletin(profile, attachment, previous, attached_to=page.url)

    # -- shared -------------------------------------------------------------------------

    def _guard(self, profile: Profile) -> Guard:
        async def guard(url: str) -> str | None:
            return await self._refusal(profile, url)

        return guard

    async def _skip_refused(self, profile: Profile, url: str, referrer: str | None) -> bool:
        """True, with the skip counted and recorded, when a found link may not be fetched."""
        refusal = await self._refusal(profile, url)
        if refusal:
            self.summary.skipped[refusal.split(":")[0]] += 1
            self._problem(url, "crawl", refusal, retryable=False, referrer=referrer,
                          failed=False)
        return refusal is not None

    async def _refusal(self, profile: Profile, url: str) -> str | None:
        """Why ``url`` may not be fetched, or None."""
        if not profile.allows(url):
            return f"off-site: host {urlsplit(url).netloc} is not in the profile's allowed hosts"
        rules = await self.robots.rules(url)
        if rules.note and rules.host not in self._reported_hosts:
            self._reported_hosts.add(rules.host)
            self._problem(f"{urlsplit(url).scheme}://{rules.host}/robots.txt", "robots",
                          rules.note, retryable=True)
        delay = rules.crawl_delay(self.robots.agent)
        gate = self.fetcher.gate(url)
        if delay and delay > gate.delay:
            gate.delay = min(delay, MAX_CRAWL_DELAY)
        return rules.refusal(self.robots.agent, url)

    async def _fetch_logged(self, url: str) -> FetchResult:
        origin = urlsplit(url).netloc

        async def same_host(target: str) -> str | None:
            host = urlsplit(target).netloc
            return None if host == origin else f"host {host} is another host"

        result = await self.fetcher.fetch(url, guard=same_host)
        self._commit(self._log_all(result.exchanges))
        return result

    def _log_all(self, exchanges: tuple[Exchange, ...]) -> list[Stored]:
        if self.archive is None:
            return []
        return [self.archive.log.write(e) for e in exchanges]

    def _commit(self, stored: list[Stored]) -> None:
        if self.archive is not None and stored:
            self.archive.manifest.commit_sizes(_sizes(stored))

    def _problem(
        self,
        url: str,
        stage: str,
        reason: str,
        retryable: bool,
        referrer: str | None = None,
        stored: list[Stored] | None = None,
        failed: bool = True,
    ) -> None:
        self.summary.problems.append(CrawlProblem(source=url, stage=stage, reason=reason))
        if failed:
            self._count(urlsplit(url).netloc, "failed")
        if self.archive is not None:
            seen = _now()
            self.archive.manifest.add_problem(
                ProblemRow(url, stage, reason, retryable, referrer, seen), _sizes(stored or [])
            )

    def _count(self, host: str, event: str) -> None:
        self.summary.hosts.setdefault(host, Counter())[event] += 1
        self.progress.count(host, event)


def _failure(result: FetchResult, conditional: bool) -> str | None:
    """Why a fetch gave nothing usable: 200 always is, 304 only for a conditional GET."""
    final = result.final
    if final is None:
        return result.problem
    if final.status == 200 or (final.status == 304 and conditional):
        return None
    return f"HTTP {final.status} {final.reason}".strip()


def _validators(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def _sizes(stored: list[Stored]) -> list[tuple[str, int]]:
    return [(s.file, s.file_size) for s in stored]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

