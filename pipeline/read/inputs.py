"""Inputs → Pages: files, folders, WARC archives and http(s) URLs, in the order given.

Nothing here raises for a bad input: each one becomes an ``UnreadableInput`` in the stream,
with a one-line reason that says what is wrong and what to do, and reading goes on.
"""

from __future__ import annotations

import errno
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from pipeline.errors import UnreadableInput
from pipeline.read.attachments import NotReadable, sniff
from pipeline.read.decode import not_text_reason
from pipeline.records import Page
from scrapers.defaults import (
    ATTACHED_TO_HEADER,
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    LOG_PREFIX,
    MAX_REDIRECTS,
    PUBLISHER_FIELD,
    user_agent,
)

if TYPE_CHECKING:
    import ipaddress

    from warcio.recordloader import ArcWarcRecord

# httpx and warcio load only for a URL or a WARC archive, socket and ipaddress only for a
# redirect: a one-file `extract` pays for none of them (issue 16: start-up).

DOCUMENT_SUFFIXES = (".txt", ".html", ".htm", ".shtml")
WARC_SUFFIXES = (".warc", ".warc.gz")
# Attachments are read by pipeline/read/attachments (FORMATS §9: bulletins often live in
# .doc/.pdf); .rtf is listed so a folder of downloads says it was not read.
ATTACHMENT_SUFFIXES = (*sniff.SUFFIXES, ".rtf")
DEADLINE_S = 120.0  # a whole fetch, redirects and a trickling body included
# A corrupt WARC record is skipped by scanning for the next record's start.
WARC_RECORD_START = re.compile(rb"WARC/1\.[01]\r?\n")
WARC_HEADER_START = re.compile(rb"WARC/1\.[01]\r?\nWARC-Type:")
GZIP_MEMBER_START = b"\x1f\x8b\x08"


def iter_pages(
    specs: Iterable[str], follow_other_hosts: bool = False
) -> Iterator[Page | UnreadableInput]:
    for spec in specs:
        if re.match(r"https?://", spec, re.I):
            yield fetch_page(spec, follow_other_hosts=follow_other_hosts)
            continue
        path = Path(spec)
        if path.is_dir():
            yield from _folder(path, source_name(spec))
        elif path.is_file():
            yield from _file(path, source_name(spec))
        else:
            yield UnreadableInput(source_name(spec), "no such file or folder: check the path "
                                                     "(or give a URL starting with http:// or "
                                                     "https://)")


def with_publisher(
    pages: Iterable[Page | UnreadableInput], publisher: str | None
) -> Iterator[Page | UnreadableInput]:
    """The pages with ``publisher`` as the one known from outside them, if one is given."""
    for page in pages:
        yield replace(page, publisher=publisher) if publisher and isinstance(page, Page) else page


def _folder(path: Path, spec: str) -> Iterator[Page | UnreadableInput]:
    wanted = DOCUMENT_SUFFIXES + WARC_SUFFIXES + ATTACHMENT_SUFFIXES
    found = False
    for file in sorted_files(path):
        if not file.name.lower().endswith(wanted):
            continue
        found = True
        if file.name.startswith(LOG_PREFIX):
            continue  # the crawler's list pages, robots.txt and errors: no bulletins
        yield from _file(file, source_name(str(file)))
    if not found:
        yield UnreadableInput(spec, "folder holds no .txt, .html, .htm, .shtml, .warc, "
                                    ".warc.gz, .docx, .xlsx, .xls, .pdf, .doc or .wps "
                                    "documents: check the path or add documents")


def sorted_files(folder: Path) -> Iterator[Path]:
    """The files under ``folder`` in the order ``sorted(p for p in folder.rglob("*") if
    p.is_file())`` lists them, walked one folder at a time: only the names of the folders
    being walked are held, not every path of the tree at once (a 10,000-file corpus's
    sorted Paths, and the set rglob keeps of what it yielded, were the largest thing a
    build's staging held: 4.3 MB, 7.5 MB while sorted, where its names take 0.8 MB).

    The same order: Paths compare by their parts, name by name, so sorting each folder's
    names and walking into a folder where its name sorts gives the sorted list (a folder
    ``a`` comes before the file ``a.txt`` either way). The same files: as rglob, folders
    are entered only if they are no symlinks, a folder that cannot be listed is left out,
    and a file is what ``Path.is_file`` says is one (a symlink to a file is)."""
    try:
        with os.scandir(folder) as entries:
            names: list[str] = []
            folders: set[str] = set()
            for entry in entries:
                names.append(entry.name)
                if _is_real_folder(entry):
                    folders.add(entry.name)
    except PermissionError:
        return
    # Each name leaves the list as it is walked: ``folder / name`` interns the name
    # (pathlib interns the parts it parses), and a name interned while the list still held
    # it stayed in Python's table of interned strings until the list was done, growing that
    # table, which never shrinks, to every name of the folder (0.9 MB for 10,000 files).
    names.sort(reverse=True)
    while names:
        name = names.pop()
        path = folder / name
        if name in folders:
            yield from sorted_files(path)
        elif path.is_file():
            yield path


def _is_real_folder(entry: os.DirEntry[str]) -> bool:
    """Whether rglob walks into ``entry``: a folder, not a symlink to one; an entry gone or
    unreadable since it was listed is none (the errors pathlib ignores)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            return False
        raise


def source_name(name: str) -> str:
    """A file name as the tables store it and a terminal shows it.

    Names are bytes on Linux; one that is not UTF-8 (a GBK name from a Windows zip) reaches
    Python with surrogates no table or strict stream can take. Its bytes that are not UTF-8
    become ``\\xNN`` escapes: valid text everywhere, and the same bytes still readable.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


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
    reason = _unreadable(content, path.name)
    if reason:
        yield UnreadableInput(source, reason)
    else:
        yield Page(source=source, content=content)


def _unreadable(content: bytes, name: str, content_type: str | None = None) -> str | None:
    """Why these bytes are neither an attachment that can be read nor text, or None."""
    try:
        if sniff.sniff(content, name, content_type):
            return None
    except NotReadable as exc:
        return str(exc)
    return not_text_reason(content)


def _warc(path: Path, source: str) -> Iterator[Page | UnreadableInput]:
    if path.stat().st_size == 0:
        yield UnreadableInput(source, "the WARC file is empty: check the crawl wrote it")
        return
    # Read through positioned reads, not mmap: a file that shrinks while it is read (a crawl
    # repairing it, a copy being replaced) must end the reading, not kill it with SIGBUS.
    with path.open("rb") as raw:
        yield from _warc_records(path, source, _FileBytes(raw.fileno()))


class _FileBytes:
    """The few searches record resynchronisation needs, over a file read in chunks."""

    CHUNK = 1024 * 1024
    OVERLAP = 64  # longer than any pattern searched for

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __len__(self) -> int:
        return os.fstat(self.fd).st_size

    def read(self, start: int, n: int) -> bytes:
        return os.pread(self.fd, n, start) if start >= 0 else b""

    def search(self, pattern: re.Pattern[bytes], start: int, end: int | None = None) -> int:
        """Offset of the first match in [start, end), else -1."""
        end = len(self) if end is None else min(end, len(self))
        pos = start
        while pos < end:
            chunk = self.read(pos, min(self.CHUNK + self.OVERLAP, end - pos))
            if not chunk:
                break
            m = pattern.search(chunk)
            if m and pos + m.start() < end:
                return pos + m.start()
            pos += self.CHUNK
        return -1

    def record_follows(self, at: int) -> bool:
        """Whether only blank lines stand between ``at`` and the next record or the end."""
        head = self.read(at, 4096).lstrip(b"\r\n")
        return not head or WARC_RECORD_START.match(head) is not None


def _warc_records(path: Path, source: str, data: _FileBytes) -> Iterator[Page | UnreadableInput]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    gzip_start = GZIP_MEMBER_START if data.read(0, 3) == GZIP_MEMBER_START else None
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
                    if at in seen:
                        continue
                    seen.add(at)
                    if isinstance(page, str):
                        yield UnreadableInput(f"{source}#{at}", page)
                    elif page is not None:
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


def _swallows_a_record(data: _FileBytes, at: int, end: int) -> bool:
    """Whether the record read from ``at`` to ``end`` holds another record's start.

    A record cut short still declares its full length, so its reading runs into the next
    record and would take that one's start as its own bytes; the next record's header line
    inside the block, where the block does not end cleanly, shows it.
    """
    if end >= len(data) or data.record_follows(end):
        return False
    return data.search(WARC_HEADER_START, at + 1, end) >= 0


def _warc_page(record: ArcWarcRecord) -> Page | str | None:
    """The record's page; the reason it cannot be one (str); None when it is no document."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode()
    if not (status and status.startswith("2")):
        return None  # redirects and errors are part of any crawl, not documents
    # Read one byte past the limit and no further: a record inflating to gigabytes is
    # refused on its own while the reader streams past the rest of it.
    content = record.content_stream().read(DEFAULT_MAX_BYTES + 1)
    if len(content) > DEFAULT_MAX_BYTES:
        return (f"the record's payload is larger than {DEFAULT_MAX_BYTES:,} bytes (decompressed): "
                "skipped it; no bulletin is that large")
    return Page(
        source="",
        content=content,
        headers=tuple(record.http_headers.headers),
        url=record.rec_headers.get_header("WARC-Target-URI"),
        fetched=record.rec_headers.get_header("WARC-Date"),
        attached_to=record.rec_headers.get_header(ATTACHED_TO_HEADER),
        publisher=record.rec_headers.get_header(PUBLISHER_FIELD) or None,
    )


def _next_record(data: _FileBytes, after: int, gzip_start: bytes | None) -> int:
    pattern = re.compile(re.escape(gzip_start)) if gzip_start else WARC_RECORD_START
    nxt = data.search(pattern, after)
    return len(data) if nxt < 0 else nxt


def fetch_page(
    url: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    follow_other_hosts: bool = False,
    deadline: float = DEADLINE_S,
) -> Page | UnreadableInput:
    """One URL the user named (no crawling): streamed, and refused past ``max_bytes``.

    Redirects stay on the URL's host unless ``follow_other_hosts``, never lead to a
    link-local address (cloud metadata) or from a public host into a private network, and
    the whole fetch ends after ``deadline`` seconds however slowly the bytes come.
    """
    import httpx

    ends = time.monotonic() + deadline
    current = url
    try:
        with httpx.Client(timeout=min(DEFAULT_TIMEOUT, deadline), follow_redirects=False,
                          headers={"User-Agent": user_agent()}) as client:
            for _ in range(MAX_REDIRECTS + 1):
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        target = urljoin(current, response.headers.get("location", ""))
                        refusal = _redirect_refusal(url, target, follow_other_hosts)
                        if refusal:
                            return UnreadableInput(url, f"redirected to {target}, not followed: "
                                                        f"{refusal}")
                        current = target
                        continue
                    body = bytearray()
                    for chunk in response.iter_bytes():  # decompressed: a gzip bomb stops too
                        body += chunk
                        if len(body) > max_bytes:
                            return UnreadableInput(url, f"the page is larger than "
                                                        f"{max_bytes:,} bytes (decompressed): "
                                                        "save it and pass the file if it "
                                                        "really is a bulletin")
                        if time.monotonic() > ends:
                            return UnreadableInput(url, f"the server took longer than "
                                                        f"{deadline:g}s to send the page: try "
                                                        "again later, or save it and pass "
                                                        "the file")
                    break
            else:
                return UnreadableInput(url, f"more than {MAX_REDIRECTS} redirects: check the "
                                            "address")
    except httpx.HTTPError as exc:
        return UnreadableInput(url, f"cannot fetch ({type(exc).__name__}: {_first_line(exc)}): "
                                    "check the address and the network, or save the page and "
                                    "pass the file")
    if not response.is_success:
        return UnreadableInput(url, f"server answered HTTP {response.status_code} "
                                    f"{response.reason_phrase}: check the address, or save the "
                                    "page from a browser and pass the file")
    content = bytes(body)
    reason = _unreadable(content, str(response.url), response.headers.get("content-type"))
    if reason:
        return UnreadableInput(url, reason)
    return Page(
        source=url,
        content=content,
        headers=tuple(response.headers.items()),
        url=str(response.url),
        fetched=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _redirect_refusal(start: str, target: str, follow_other_hosts: bool) -> str | None:
    """Why a redirect from ``start`` to ``target`` must not be followed, or None."""
    to = urlsplit(target)
    if to.scheme not in ("http", "https") or not to.hostname:
        return "not an http(s) address"
    if not follow_other_hosts and to.hostname != urlsplit(start).hostname:
        return (f"{to.hostname} is another host than {urlsplit(start).hostname} "
                "(pass --follow-other-hosts to allow it)")
    target_ips = _addresses(to.hostname)
    if any(ip.is_link_local for ip in target_ips):
        return f"{to.hostname} is a link-local address"
    inside = [ip for ip in target_ips if ip.is_private or ip.is_loopback]
    if inside and not any(ip.is_private or ip.is_loopback
                          for ip in _addresses(urlsplit(start).hostname or "")):
        return f"{to.hostname} is a private address and {urlsplit(start).hostname} is not"
    return None


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    import ipaddress
    import socket

    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    # An IPv6 address may carry its zone (`fe80::1%eth0`), which ip_address does not read;
    # TCP look-ups give only string addresses (the int form is for other families).
    hosts = (info[4][0] for info in infos)
    return [ipaddress.ip_address(h.split("%")[0]) for h in hosts if isinstance(h, str)]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
