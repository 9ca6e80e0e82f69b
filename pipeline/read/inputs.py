"""Inputs → Pages: files, folders, WARC archives and http(s) URLs, in the order given.

Nothing here raises for a bad input: each one becomes an ``UnreadableInput`` in the stream,
with a one-line reason that says what is wrong and what to do, and reading goes on.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import UnreadableInput
from pipeline.read.decode import not_text_reason
from pipeline.records import Page

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord

# httpx and warcio (with the scrapers that import them) load only for a URL, a folder or a
# WARC archive: a one-file `extract` pays for neither (issue 16: start-up).

DOCUMENT_SUFFIXES = (".txt", ".html", ".htm", ".shtml")
WARC_SUFFIXES = (".warc", ".warc.gz")
# Attachments that need a converter are reported, not skipped, so a folder of downloads
# says which of its files were not read (FORMATS §9: bulletins often live in .doc/.pdf).
CONVERT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".rtf")
# A corrupt WARC record is skipped by scanning for the next record's start.
WARC_RECORD_START = re.compile(rb"WARC/1\.[01]\r?\n")
# What follows a record's block: its closing blank lines, then the next record or the end.
NEXT_RECORD = re.compile(rb"(?:\r?\n)*(?:WARC/1\.[01]\r?\n|\Z)")
WARC_HEADER_START = re.compile(rb"WARC/1\.[01]\r?\nWARC-Type:")
GZIP_MEMBER_START = b"\x1f\x8b\x08"


def iter_pages(specs: Iterable[str]) -> Iterator[Page | UnreadableInput]:
    for spec in specs:
        if re.match(r"https?://", spec, re.I):
            yield fetch_page(spec)
            continue
        path = Path(spec)
        if path.is_dir():
            yield from _folder(path, spec)
        elif path.is_file():
            yield from _file(path, spec)
        else:
            yield UnreadableInput(spec, "no such file or folder: check the path (or give a URL "
                                        "starting with http:// or https://)")


def _folder(path: Path, spec: str) -> Iterator[Page | UnreadableInput]:
    from scrapers.warc import LOG_PREFIX

    wanted = DOCUMENT_SUFFIXES + WARC_SUFFIXES + CONVERT_SUFFIXES
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(wanted))
    if not files:
        yield UnreadableInput(spec, "folder holds no .txt, .html, .htm, .shtml, .warc or "
                                    ".warc.gz documents: check the path or add documents")
        return
    for file in files:
        if file.name.startswith(LOG_PREFIX):
            continue  # the crawler's list pages, robots.txt and errors: no bulletins
        yield from _file(file, str(file))


def _file(path: Path, source: str) -> Iterator[Page | UnreadableInput]:
    if path.name.lower().endswith(WARC_SUFFIXES):
        yield from _warc(path, source)
        return
    try:
        content = path.read_bytes()
    except OSError as exc:
        yield UnreadableInput(source, f"cannot read the file ({exc.strerror}): check its "
                                      "permissions")
        return
    reason = not_text_reason(content)
    if reason:
        yield UnreadableInput(source, reason)
    else:
        yield Page(source=source, content=content)


def _warc(path: Path, source: str) -> Iterator[Page | UnreadableInput]:
    if path.stat().st_size == 0:
        yield UnreadableInput(source, "the WARC file is empty: check the crawl wrote it")
        return
    # Mapped, not read: archives rotate at 1 GB, and only the record being parsed and the
    # search for the next record start should touch memory.
    with path.open("rb") as raw, mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ) as data:
        yield from _warc_records(path, source, data)


def _warc_records(path: Path, source: str, data: mmap.mmap) -> Iterator[Page | UnreadableInput]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    gzip_start = GZIP_MEMBER_START if data[:len(GZIP_MEMBER_START)] == GZIP_MEMBER_START else None
    offset, seen = 0, set()
    while offset < len(data):
        # Re-open after a corrupt record at the next record start, so one bad record costs
        # only itself; `seen` keeps records read before the failure from coming twice.
        with path.open("rb") as fh:
            fh.seek(offset)
            records = ArchiveIterator(fh)
            bad = offset  # where the record being read starts
            try:
                for record in records:
                    page = _warc_page(record)  # before the offset calls, which read to the end
                    at = offset + records.get_record_offset()
                    end = at + records.get_record_length()
                    if gzip_start is None and _swallows_a_record(data, at, end):
                        bad = at
                        raise _Overrun("its length runs past the next record's start")
                    bad = end
                    if page is not None and at not in seen:
                        seen.add(at)
                        yield replace(page, source=f"{source}#{at}")
                offset = len(data)
            except (ArchiveLoadFailed, ValueError, EOFError, OSError, _Overrun) as exc:
                yield UnreadableInput(source, f"corrupt WARC record near byte offset {bad} "
                                              f"({_first_line(exc)}): skipped it and read the "
                                              "rest; re-fetch that page to get it")
                offset = _next_record(data, bad + 1, gzip_start)
    if not seen:
        yield UnreadableInput(source, "WARC file holds no successful (2xx) HTTP response "
                                      "records: check the crawl captured the pages")


class _Overrun(Exception):
    """A record of an uncompressed WARC whose declared length swallows the next record."""


def _swallows_a_record(data: mmap.mmap, at: int, end: int) -> bool:
    """Whether the record read from ``at`` to ``end`` holds another record's start.

    A record cut short still declares its full length, so its reading runs into the next
    record and would take that one's start as its own bytes; the next record's header line
    inside the block, where the block does not end cleanly, shows it.
    """
    if end >= len(data) or NEXT_RECORD.match(data, end):
        return False
    return WARC_HEADER_START.search(data, at + 1, end) is not None


def _warc_page(record: ArcWarcRecord) -> Page | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode()
    if not (status and status.startswith("2")):
        return None  # redirects and errors are part of any crawl, not documents
    return Page(
        source="",
        content=record.content_stream().read(),
        headers=tuple(record.http_headers.headers),
        url=record.rec_headers.get_header("WARC-Target-URI"),
        fetched=record.rec_headers.get_header("WARC-Date"),
    )


def _next_record(data: mmap.mmap, after: int, gzip_start: bytes | None) -> int:
    if gzip_start is not None:
        nxt = data.find(gzip_start, after)
    else:
        m = WARC_RECORD_START.search(data, after)
        nxt = m.start() if m else -1
    return len(data) if nxt < 0 else nxt


def fetch_page(url: str, max_bytes: int | None = None) -> Page | UnreadableInput:
    """One URL the user named (no crawling): streamed, and refused past ``max_bytes``
    (the crawler's limit when not given)."""
    import httpx

    from scrapers.fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, user_agent

    max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    try:
        with (
            httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=True,
                         headers={"User-Agent": user_agent()}) as client,
            client.stream("GET", url) as response,
        ):
            body = bytearray()
            for chunk in response.iter_bytes():  # decompressed: a gzip bomb stops here too
                body += chunk
                if len(body) > max_bytes:
                    return UnreadableInput(url, f"the page is larger than {max_bytes:,} bytes "
                                                "(decompressed): save it and pass the file "
                                                "if it really is a bulletin")
    except httpx.HTTPError as exc:
        return UnreadableInput(url, f"cannot fetch ({type(exc).__name__}: {_first_line(exc)}): "
                                    "check the address and the network, or save the page and "
                                    "pass the file")
    if not response.is_success:
        return UnreadableInput(url, f"server answered HTTP {response.status_code} "
                                    f"{response.reason_phrase}: check the address, or save the "
                                    "page from a browser and pass the file")
    content = bytes(body)
    reason = not_text_reason(content)
    if reason:
        return UnreadableInput(url, reason)
    return Page(
        source=url,
        content=content,
        headers=tuple(response.headers.items()),
        url=str(response.url),
        fetched=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
