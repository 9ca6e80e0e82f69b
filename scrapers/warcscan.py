"""Read a .warc.gz file record by record without trusting it: whole records and damaged spans.

Each record the crawler writes is one gzip member, so a damaged stretch is skipped by
looking for the next gzip member's magic bytes and trying to read a whole record there;
records after the damage are found again. Members are inflated in bounded steps and only a
record's header is kept, so a member that inflates to gigabytes costs no memory.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

GZIP_MAGIC = b"\x1f\x8b\x08"
READ_CHUNK = 1024 * 1024
# Output of one inflate step; also the most of a record's start kept to parse its header.
INFLATE_STEP = 64 * 1024
CONTENT_LENGTH_RE = re.compile(rb"\r\nContent-Length:[ \t]*(\d+)[ \t]*\r\n", re.IGNORECASE)
HEADER_RE = re.compile(rb"\r\n(WARC-Type|WARC-Target-URI|WARC-Date):[ \t]*([^\r\n]*)",
                       re.IGNORECASE)


@dataclass(frozen=True)
class Record:
    """One whole, well-formed record: its gzip member's span and the headers repair needs."""

    offset: int
    length: int
    warc_type: str
    target_uri: str | None
    date: str | None


@dataclass(frozen=True)
class Damage:
    """Bytes that are no whole record. ``torn`` when they are one unfinished member running
    to the end of the file, which is what a write cut short leaves behind."""

    start: int
    end: int
    torn: bool


@dataclass
class FileScan:
    name: str
    size: int
    records: list[Record] = field(default_factory=list)
    damage: list[Damage] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.damage

    @property
    def only_torn_tail(self) -> bool:
        return len(self.damage) == 1 and self.damage[0].torn and self.damage[0].end == self.size


def scan_file(path: Path) -> FileScan:
    size = path.stat().st_size
    scan = FileScan(path.name, size)
    pos = 0
    with path.open("rb") as fh:
        while pos < size:
            record, torn = _read_member(fh, pos, size)
            if record is not None:
                scan.records.append(record)
                pos = record.offset + record.length
                continue
            nxt = _resync(fh, pos + 1, size)
            scan.damage.append(Damage(pos, nxt, torn and nxt == size))
            pos = nxt
    return scan


def _read_member(fh, pos: int, size: int) -> tuple[Record | None, bool]:
    """The whole record whose gzip member starts at ``pos``; else (None, whether the member
    was merely unfinished at the end of the file rather than wrong)."""
    fh.seek(pos)
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    head = bytearray()
    tail = b""
    total = 0
    consumed = 0
    while not inflater.eof:
        data = fh.read(READ_CHUNK)
        if not data:
            return None, True
        consumed += len(data)
        while data and not inflater.eof:
            try:
                out = inflater.decompress(data, INFLATE_STEP)
            except zlib.error:
                return None, False
            if len(head) < INFLATE_STEP:
                head += out[:INFLATE_STEP - len(head)]
            total += len(out)
            tail = (tail + out)[-4:]
            data = inflater.unconsumed_tail
            if not head.startswith(b"WARC/1."[:len(head)]):
                return None, False
        if inflater.eof:
            consumed -= len(inflater.unused_data) + len(data)
    record = _record(bytes(head), total, tail, pos, consumed)
    return record, False


def _record(head: bytes, total: int, tail: bytes, pos: int, length: int) -> Record | None:
    head_end = head.find(b"\r\n\r\n")
    if not head.startswith(b"WARC/1.") or head_end < 0:
        return None
    block = head[:head_end + 2]
    m = CONTENT_LENGTH_RE.search(block)
    if not m or total != head_end + 4 + int(m.group(1)) + 4 or tail != b"\r\n\r\n":
        return None
    fields = {k.decode("ascii").lower(): v.decode("utf-8", "replace").strip()
              for k, v in HEADER_RE.findall(block)}
    return Record(pos, length, fields.get("warc-type", ""), fields.get("warc-target-uri"),
                  fields.get("warc-date"))


def _resync(fh, start: int, size: int) -> int:
    """Offset of the next gzip member magic at or after ``start``, else ``size``."""
    pos = start
    while pos < size:
        fh.seek(pos)
        chunk = fh.read(READ_CHUNK + len(GZIP_MAGIC) - 1)
        at = chunk.find(GZIP_MAGIC)
        if at >= 0:
            return pos + at
        if len(chunk) < len(GZIP_MAGIC):
            break
        pos += READ_CHUNK
    return size
