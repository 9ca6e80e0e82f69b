"""WARC 1.1 files written with warcio: one request and one response record per HTTP exchange.

Files are numbered ``PREFIX-00000.warc.gz`` and rotated by size. Each record is its own
gzip member, and each exchange is written with one ``write`` and flushed to disk, so a
crawl killed mid-write leaves at most one torn member at the end of the newest file;
scrapers/archive_repair.py sets it aside before a series is opened for appending.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from io import BufferedWriter, BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scrapers.defaults import BULLETINS_PREFIX, LOG_PREFIX, PUBLISHER_FIELD
from scrapers.fetch import Exchange

__all__ = ["BULLETINS_PREFIX", "LOG_PREFIX", "PUBLISHER_FIELD"]


WARC_VERSION = "1.1"
# 1 GB per file, the size the WARC spec's annex and Common Crawl use.
DEFAULT_ROTATE_BYTES = 1024**3


@dataclass(frozen=True)
class Stored:
    """Where a response record landed (its gzip member), and the file's size after the write."""

    file: str
    offset: int
    length: int
    file_size: int


class WarcSeries:
    """Append-only numbered WARC files in ``folder`` named ``prefix-NNNNN.warc.gz``."""

    def __init__(
        self,
        folder: Path,
        prefix: str,
        *,
        info: Mapping[str, str],
        max_bytes: int = DEFAULT_ROTATE_BYTES,
    ) -> None:
        self.folder = folder
        self.prefix = prefix
        self.info = dict(info)
        self.max_bytes = max_bytes
        self._files = sorted((p.name for p in folder.glob(f"{prefix}-*.warc.gz")),
                             key=series_number)
        self._fh: BufferedWriter | None = None
        # Size of the newest file, which always ends after a whole exchange.
        self._end = (folder / self._files[-1]).stat().st_size if self._files else 0

    def write(self, exchange: Exchange, extra: Mapping[str, str] | None = None) -> Stored:
        """Append the exchange's response and request records; return where the response is.

        ``extra`` WARC headers go on the response record (an attachment's linking page)."""
        path = self._current()
        data, response_length = _exchange_records(exchange, extra or {})
        offset = self._end
        self._append(path, data)
        return Stored(path.name, offset, response_length, self._end)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def _current(self) -> Path:
        if not self._files or self._end >= self.max_bytes:
            self.close()
            # After the highest number, not the count: repair may have moved a file aside.
            number = max((series_number(n) for n in self._files), default=-1) + 1
            name = f"{self.prefix}-{number:05d}.warc.gz"
            self._files.append(name)
            self._end = 0
            self._append(self.folder / name, _warcinfo(name, self.info))
        return self.folder / self._files[-1]

    def _append(self, path: Path, data: bytes) -> None:
        if self._fh is None or self._fh.name != str(path):
            self.close()
            self._fh = path.open("ab")
        self._fh.write(data)
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._end += len(data)


def series_number(name: str) -> int:
    """The NNNNN of ``prefix-NNNNN.warc.gz``; -1 for a name off the pattern (a copy)."""
    digits = name.removesuffix(".warc.gz").rpartition("-")[2]
    return int(digits) if digits.isdigit() else -1


def read_response(path: Path, offset: int) -> tuple[tuple[tuple[str, str], ...], bytes]:
    """HTTP headers and decoded payload of the response record at ``offset``."""
    with path.open("rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        headers = tuple(record.http_headers.headers) if record.http_headers else ()
        return headers, record.content_stream().read()


def _exchange_records(exchange: Exchange, extra: Mapping[str, str]) -> tuple[bytes, int]:
    """The response record then its request record, gzipped; and the response's length."""
    buf = BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version=WARC_VERSION)
    status_line = f"{exchange.status} {exchange.reason}".strip()
    response = writer.create_warc_record(
        exchange.url,
        "response",
        payload=BytesIO(exchange.body),
        http_headers=StatusAndHeaders(status_line, list(exchange.headers),
                                      protocol=exchange.http_version),
        warc_headers_dict={"WARC-Date": exchange.started, **extra},
    )
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = writer.create_warc_record(
        exchange.url,
        "request",
        http_headers=StatusAndHeaders(f"GET {target} {exchange.http_version}",
                                      list(exchange.request_headers), is_http_request=True),
    )
    writer.write_record(response)
    response_length = buf.tell()
    request.rec_headers.replace_header("WARC-Date", exchange.started)
    request.rec_headers.add_header(
        "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
    )
    writer.write_record(request)
    return buf.getvalue(), response_length


def _warcinfo(name: str, info: Mapping[str, str]) -> bytes:
    buf = BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version=WARC_VERSION)
    writer.write_record(writer.create_warcinfo_record(name, dict(info)))
    return buf.getvalue()
